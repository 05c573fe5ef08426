//! Kill the real server with SIGKILL in the middle of a burst of applications, start it again,
//! and check that every application whose request was acknowledged is there, complete, and that
//! no application is half-written.

use cohort_store::Store;
use sha2::{Digest, Sha256};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

const PASSWORD: &str = "correct horse battery";

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn cohort(data_dir: &std::path::Path, database_url: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cohort"));
    command
        .arg("--data-dir")
        .arg(data_dir)
        .arg("--database-url")
        .arg(database_url)
        .env("COHORT_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command
}

/// The server process; dropping it kills it, so a failing test leaves no process behind.
struct ServerProcess(Child);

impl ServerProcess {
    /// SIGKILL, as a crash would.
    fn kill(&mut self) {
        self.0.kill().expect("SIGKILL");
        self.0.wait().unwrap();
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn start_server(data_dir: &std::path::Path, database_url: &str, port: u16) -> ServerProcess {
    let child = cohort(data_dir, database_url)
        .args([
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--no-workers",
            "serve",
        ])
        .spawn()
        .expect("the cohort binary starts");
    let child = ServerProcess(child);
    let started = Instant::now();
    loop {
        if let Ok(response) = reqwest::get(format!("http://127.0.0.1:{port}/readyz")).await {
            if response.status().is_success() {
                return child;
            }
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the server did not become ready"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).expect("a CSRF token") + marker.len();
    html[start..start + html[start..].find('"').unwrap()].to_owned()
}

/// Signs a new candidate up and returns their cookie-keeping client.
async fn candidate(base: &str, store: &Store, index: usize) -> (reqwest::Client, String) {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let email = format!("burst{index}@students.example.edu");
    let csrf = csrf_of(
        &client
            .get(format!("{base}/signup"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    let response = client
        .post(format!("{base}/signup"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("name", &format!("Burst Candidate{index}")),
            ("email", &email),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        reqwest::StatusCode::OK,
        "Check your email"
    );
    // Confirm the address with the link the confirmation message carries, which signs in.
    let body = store.messages_to(&email).await.unwrap().remove(0).body;
    let token = body
        .split("/account/confirm?token=")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("a confirmation link")
        .to_owned();
    let response = client
        .post(format!("{base}/account/confirm"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("token", token.as_str()),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::SEE_OTHER);
    (client, email)
}

/// A 200 KB plain-text résumé, different for every candidate.
fn resume(index: usize) -> Vec<u8> {
    let mut text = format!("Burst Candidate{index}\nDistributed systems, compilers.\n");
    while text.len() < 200 * 1024 {
        text.push_str("Built and operated services used by many students on campus. ");
    }
    text.into_bytes()
}

async fn apply(
    base: &str,
    client: &reqwest::Client,
    season: i64,
    opening: i64,
    index: usize,
) -> bool {
    let Ok(page) = client
        .get(format!("{base}/apply?season={season}"))
        .send()
        .await
    else {
        return false;
    };
    let Ok(html) = page.text().await else {
        return false;
    };
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf_of(&html))
        .text("season", season.to_string())
        .text("choice_1", opening.to_string())
        .text("school", "Burst University")
        .text("degree", "BSc Computer Science")
        .text("graduation", "2028-05")
        .part(
            "resume",
            reqwest::multipart::Part::bytes(resume(index)).file_name("resume.txt"),
        );
    match client
        .post(format!("{base}/apply"))
        .multipart(form)
        .send()
        .await
    {
        Ok(response) => {
            response.status() == reqwest::StatusCode::SEE_OTHER
                && response
                    .headers()
                    .get("location")
                    .is_some_and(|l| l == "/me?notice=submitted")
        }
        Err(_) => false,
    }
}

async fn burst_then_kill(database_url: String, data_dir: tempfile::TempDir) {
    let setup = cohort(data_dir.path(), &database_url)
        .args(["demo", "--candidates", "1", "--no-serve"])
        .status()
        .unwrap();
    assert!(setup.success(), "creating the season");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = start_server(data_dir.path(), &database_url, port).await;

    let store = Store::connect(&database_url, 2).await.unwrap();
    let (season_id, opening_id) = open_opening(&store).await;
    let acknowledged = apply_until_killed(&base, &store, &mut server, season_id, opening_id).await;
    eprintln!(
        "{} applications acknowledged before SIGKILL",
        acknowledged.len()
    );
    assert!(!acknowledged.is_empty());

    let mut restarted = start_server(data_dir.path(), &database_url, port).await;
    let store = Store::connect(&database_url, 2).await.unwrap();
    assert_acknowledged_applications_exist(&store, &acknowledged).await;
    let total = assert_applications_complete(&store, data_dir.path(), season_id).await;
    assert_search_index_accounts_for_every_application(&store, &database_url).await;
    eprintln!("{total} applications in the database after restart, all complete");
    restarted.kill();
}

/// The demo season's first opening that takes applications now: (season, opening).
async fn open_opening(store: &Store) -> (i64, i64) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let openings = store.openings(&Default::default()).await.unwrap();
    let opening = openings
        .iter()
        .find(|o| o.opens_at <= now && o.closes_at > now)
        .expect("an open opening");
    (opening.season_id, opening.id)
}

/// Signs 48 candidates up, lets them all apply at once and kills the server once some
/// applications are in and others are still arriving; returns the emails of the candidates
/// whose application was acknowledged.
async fn apply_until_killed(
    base: &str,
    store: &Store,
    server: &mut ServerProcess,
    season_id: i64,
    opening_id: i64,
) -> Vec<String> {
    let mut candidates = Vec::new();
    for index in 0..48 {
        candidates.push(candidate(base, store, index).await);
    }
    let acknowledged = Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut tasks = Vec::new();
    for (index, (client, email)) in candidates.into_iter().enumerate() {
        let base = base.to_owned();
        let acknowledged = acknowledged.clone();
        tasks.push(tokio::spawn(async move {
            if apply(&base, &client, season_id, opening_id, index).await {
                acknowledged.lock().unwrap().push(email);
            }
        }));
    }
    // Kill the server once some applications are in and others are still arriving.
    let waited = Instant::now();
    while acknowledged.lock().unwrap().len() < 8 && waited.elapsed() < Duration::from_secs(60) {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.kill();
    for task in tasks {
        task.await.unwrap();
    }
    let emails = acknowledged.lock().unwrap().clone();
    emails
}

/// Every candidate in `acknowledged` has their one application.
async fn assert_acknowledged_applications_exist(store: &Store, acknowledged: &[String]) {
    for email in acknowledged {
        let user = store
            .user_by_email(email)
            .await
            .unwrap()
            .expect("the candidate exists");
        assert_eq!(
            store.applications_of(user.id).await.unwrap().len(),
            1,
            "{email}'s acknowledged application survived"
        );
    }
}

/// Every application of the season has its choices, its audit row and its whole résumé, and each
/// burst candidate's confirmation was queued with it; returns how many applications there are.
async fn assert_applications_complete(
    store: &Store,
    data_dir: &std::path::Path,
    season_id: i64,
) -> i64 {
    let page = store
        .board(&cohort_store::applications::BoardQuery {
            season_id: Some(season_id),
            limit: 500,
            ..Default::default()
        })
        .await
        .unwrap();
    for row in &page.rows {
        let application = store.application(row.id).await.unwrap();
        assert!(
            !store.choices(row.id).await.unwrap().is_empty(),
            "choices of {}",
            row.id
        );
        assert!(
            !store.history(row.id).await.unwrap().is_empty(),
            "audit row of {}",
            row.id
        );
        let blob = std::fs::read(
            data_dir
                .join("blobs")
                .join(&application.resume_blob[..2])
                .join(&application.resume_blob[2..]),
        )
        .expect("the résumé file exists");
        assert_eq!(
            hex::encode(Sha256::digest(&blob)),
            application.resume_blob,
            "the résumé is whole"
        );
        if application.candidate_email.starts_with("burst") {
            assert_eq!(
                store
                    .messages_to(&application.candidate_email)
                    .await
                    .unwrap()
                    .iter()
                    .filter(|message| message.template == "application_received")
                    .count(),
                1,
                "the confirmation was queued with the application"
            );
        }
    }
    page.total
}

/// Indexing runs in a job committed with the application; a job the killed server had claimed
/// waits for its lease to run out, so each application is either indexed or still queued, and
/// the index holds nothing else.
async fn assert_search_index_accounts_for_every_application(store: &Store, database_url: &str) {
    let (rowid_or_id, matching) = if database_url.starts_with("sqlite") {
        ("rowid", "application_search.rowid")
    } else {
        ("application_id", "application_search.application_id")
    };
    let unaccounted: i64 = sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM applications a WHERE NOT EXISTS \
         (SELECT 1 FROM application_search WHERE {matching} = a.id) AND NOT EXISTS \
         (SELECT 1 FROM jobs WHERE job_key = 'index_application:' || a.id)"
    ))
    .fetch_one(store.reader())
    .await
    .unwrap();
    assert_eq!(
        unaccounted, 0,
        "every application is indexed or queued for it"
    );
    let strays: i64 = sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM application_search WHERE {rowid_or_id} NOT IN (SELECT id FROM applications)"
    ))
    .fetch_one(store.reader())
    .await
    .unwrap();
    assert_eq!(strays, 0, "the index holds nothing else");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_applications_survive_sigkill_on_sqlite_and_none_is_half_written() {
    let data_dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", data_dir.path().join("cohort.db").display());
    burst_then_kill(url, data_dir).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_applications_survive_sigkill_on_postgres_and_none_is_half_written() {
    let name = format!("cohort_crash_{}", std::process::id());
    let admin = sqlx::PgPool::connect("postgres://postgres@127.0.0.1:5432/postgres")
        .await
        .unwrap();
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&admin)
        .await
        .unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&admin)
        .await
        .unwrap();
    burst_then_kill(
        format!("postgres://postgres@127.0.0.1:5432/{name}"),
        tempfile::tempdir().unwrap(),
    )
    .await;
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&admin)
        .await
        .unwrap();
}
