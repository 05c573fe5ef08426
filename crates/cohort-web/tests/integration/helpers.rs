//! The test harness: `spawn_app` starts the real server on port 0 with a fresh database (a
//! temporary SQLite file, or a new PostgreSQL database dropped afterwards) and returns a
//! [`TestApp`] with verbs for the steps tests repeat.

use cohort_domain::Role;
use cohort_store::seasons::{NewOpening, PayBandRecord};
use cohort_store::Store;
use cohort_web::{AppState, Config};
use reqwest::multipart::{Form, Part};
use reqwest::StatusCode;
use std::net::SocketAddr;

/// The PostgreSQL server the harness creates databases on.
pub const POSTGRES_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";
pub const PASSWORD: &str = "correct horse battery";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs one test body on a backend. Every behavioural test is declared with [`both`], which
/// makes one test per backend.
#[macro_export]
macro_rules! both {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_sqlite() {
                let app = $crate::helpers::spawn_app($crate::helpers::Backend::Sqlite).await;
                ($body)(app).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_postgres() {
                let app = $crate::helpers::spawn_app($crate::helpers::Backend::Postgres).await;
                ($body)(app).await;
            }
        }
    };
    ($name:ident, $body:expr, $options:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_sqlite() {
                let backend = $crate::helpers::Backend::Sqlite;
                let app = $crate::helpers::spawn_app_with(backend, $options).await;
                ($body)(app).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_postgres() {
                let backend = $crate::helpers::Backend::Postgres;
                let app = $crate::helpers::spawn_app_with(backend, $options).await;
                ($body)(app).await;
            }
        }
    };
}

pub struct TestApp {
    pub address: SocketAddr,
    pub state: AppState,
    pub data_dir: tempfile::TempDir,
    postgres_database: Option<String>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

/// Options for [`spawn_app_with`].
#[derive(Default, Clone)]
pub struct AppOptions {
    pub smtp_url: Option<String>,
    /// The base URL the server believes it has (links in mail, HSTS); its own address if unset.
    pub base_url: Option<String>,
    /// Proxies whose forwarding headers are believed.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Read subscribed calendars from this machine's own addresses (the tests' servers).
    pub calendar_private_addresses: bool,
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, AppOptions::default()).await
}

pub async fn spawn_app_with(backend: Backend, options: AppOptions) -> TestApp {
    let data_dir = tempfile::tempdir().expect("a temporary directory");
    let (database_url, postgres_database) = match backend {
        Backend::Sqlite => (
            format!("sqlite://{}", data_dir.path().join("cohort.db").display()),
            None,
        ),
        Backend::Postgres => {
            let name = format!(
                "cohort_test_{}_{}",
                std::process::id(),
                rand::random::<u32>()
            );
            let admin = sqlx::PgPool::connect(POSTGRES_ADMIN_URL)
                .await
                .expect("PostgreSQL on 127.0.0.1:5432");
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&admin)
                .await
                .expect("creating a test database");
            admin.close().await;
            (
                format!("postgres://postgres@127.0.0.1:5432/{name}"),
                Some(name),
            )
        }
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let address = listener.local_addr().unwrap();
    let config = Config {
        database_url,
        data_dir: data_dir.path().to_path_buf(),
        base_url: options
            .base_url
            .unwrap_or_else(|| format!("http://{address}")),
        mail: cohort_app::mail::MailSettings::parse(
            options.smtp_url.as_deref(),
            "Cohort <no-reply@cohort.test>",
        )
        .expect("the test's mail settings are valid"),
        run_workers: false,
        max_connections: 5,
        judge_languages: cohort_judge::language::LanguageTable::builtin(),
        trusted_proxies: options.trusted_proxies,
        graduation: Default::default(),
        booking: Default::default(),
        calendar_private_addresses: options.calendar_private_addresses,
        feedback_due_hours: 24,
    };
    let state = AppState::start(config).await.expect("the app starts");
    serve(listener, state, data_dir, postgres_database)
}

/// Serves `state` on `listener` until the returned app is dropped.
fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    data_dir: tempfile::TempDir,
    postgres_database: Option<String>,
) -> TestApp {
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(cohort_web::run(listener, state.clone(), async move {
        let _ = stopped.await;
    }));
    TestApp {
        address,
        state,
        data_dir,
        postgres_database,
        stop: Some(stop),
        server: Some(server),
    }
}

impl TestApp {
    /// Another web node on this app's database, as a second `cohort serve` behind a load
    /// balancer would be: its own process state (rooms, caches, clock) and its own address.
    pub async fn second_node(&self) -> TestApp {
        let data_dir = tempfile::tempdir().expect("a temporary directory");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free port");
        let address = listener.local_addr().unwrap();
        let mut config = self.state.config().clone();
        config.data_dir = data_dir.path().to_path_buf();
        config.base_url = format!("http://{address}");
        let state = AppState::start(config)
            .await
            .expect("the second node starts");
        state.app().clock().travel_to(self.state.app().now());
        // The first node drops the database.
        serve(listener, state, data_dir, None)
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            server.abort();
        }
        if let Some(name) = self.postgres_database.take() {
            // Drop runs outside async code: use a thread with its own runtime.
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                runtime.block_on(async {
                    if let Ok(admin) = sqlx::PgPool::connect(POSTGRES_ADMIN_URL).await {
                        let _ =
                            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                                .execute(&admin)
                                .await;
                        admin.close().await;
                    }
                });
            })
            .join();
        }
    }
}

/// A season with openings in every window state.
pub struct SeasonFixture {
    pub season_id: i64,
    /// Open now.
    pub open: Vec<i64>,
    /// Opens in ten days.
    pub future: i64,
    /// Closed yesterday.
    pub closed: i64,
}

/// A browser: a client with its own cookie jar.
pub struct Browser {
    pub client: reqwest::Client,
    pub base: String,
    /// The browser's cookies, which a test may add to as a page script would.
    pub cookies: std::sync::Arc<reqwest::cookie::Jar>,
}

impl Browser {
    /// Sets a cookie for the site, as a page script does with `document.cookie`.
    pub fn set_cookie(&self, cookie: &str) {
        self.cookies
            .add_cookie_str(cookie, &self.base.parse::<reqwest::Url>().unwrap());
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.address, path)
    }

    pub fn store(&self) -> &Store {
        self.state.store()
    }

    pub fn browser(&self) -> Browser {
        let cookies = std::sync::Arc::new(reqwest::cookie::Jar::default());
        let client = reqwest::Client::builder()
            .cookie_provider(cookies.clone())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Browser {
            client,
            base: format!("http://{}", self.address),
            cookies,
        }
    }

    /// An account created directly in the store, with `roles`.
    pub async fn create_account(&self, email: &str, name: &str, roles: &[Role]) -> i64 {
        let hash = cohort_web::auth::hash_password(PASSWORD).unwrap();
        let mut tx = self.store().begin().await.unwrap();
        let id = Store::create_user(&mut tx, email, name, Some(&hash), roles, self.state.now())
            .await
            .unwrap();
        Store::commit(tx).await.unwrap();
        id
    }

    /// A signed-in browser for a new account holding `role`.
    pub async fn signed_in(&self, role: Role) -> Browser {
        let email = format!("{}-{}@example.com", role.as_str(), rand::random::<u32>());
        self.create_account(&email, &format!("Test {}", role.label()), &[role])
            .await;
        let browser = self.browser();
        let response = browser.login(&email, PASSWORD).await;
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "signing in as {role}"
        );
        browser
    }

    /// A candidate who signs up through the form and confirms the address with the link the
    /// confirmation message carries, which signs them in.
    pub async fn candidate(&self, name: &str) -> (Browser, String) {
        let email = format!(
            "{}-{}@students.example.edu",
            name.to_lowercase().replace(' ', "."),
            rand::random::<u32>()
        );
        let browser = self.browser();
        let response = browser.sign_up(name, &email, PASSWORD).await;
        assert_eq!(response.status(), StatusCode::OK, "signing up");
        let response = self.confirm_address(&browser, &email, PASSWORD).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "confirming");
        (browser, email)
    }

    /// The newest link to `path` in the messages queued for `recipient`.
    pub async fn link_in_last_message(&self, recipient: &str, path: &str) -> String {
        let messages = self.store().messages_to(recipient).await.unwrap();
        let message = messages
            .iter()
            .find(|m| m.body.contains(path))
            .unwrap_or_else(|| panic!("a message to {recipient} with a link to {path}"));
        let start = message.body.find(path).unwrap();
        message.body[start..]
            .split_whitespace()
            .next()
            .unwrap()
            .to_owned()
    }

    /// Opens the newest confirmation link sent to `email` in `browser` and confirms with
    /// `password`.
    pub async fn confirm_address(
        &self,
        browser: &Browser,
        email: &str,
        password: &str,
    ) -> reqwest::Response {
        let link = self.link_in_last_message(email, "/account/confirm?").await;
        let token = link
            .split("token=")
            .nth(1)
            .unwrap()
            .split('&')
            .next()
            .unwrap()
            .to_owned();
        // The link opens a page (a used or expired one says so, without a form); the form is
        // posted with this browser's CSRF token.
        let (status, _) = browser.get_text(&link).await;
        assert_eq!(status, StatusCode::OK);
        browser
            .post_form(
                "/signup",
                "/account/confirm",
                &[("token", &token), ("password", password)],
            )
            .await
    }

    pub async fn seed_season(&self) -> SeasonFixture {
        let now = self.state.now();
        let day = 24 * 3600;
        let mut tx = self.store().begin().await.unwrap();
        let season_id =
            Store::create_season(&mut tx, "Summer 2027", "2027-06-01", "2027-08-23", now)
                .await
                .unwrap();
        let software = Store::create_track(&mut tx, season_id, "Software Development")
            .await
            .unwrap();
        let data = Store::create_track(&mut tx, season_id, "Data Science")
            .await
            .unwrap();
        let seattle = Store::create_location(
            &mut tx,
            season_id,
            "Seattle",
            "United States",
            "America/Los_Angeles",
        )
        .await
        .unwrap();
        let london = Store::create_location(
            &mut tx,
            season_id,
            "London",
            "United Kingdom",
            "Europe/London",
        )
        .await
        .unwrap();
        Store::set_pay_band(
            &mut tx,
            &PayBandRecord {
                track_id: software,
                location_id: seattle,
                monthly_pay_minor: 950_000,
                monthly_pay_max_minor: 1_050_000,
                housing_stipend_minor: 250_000,
                relocation_minor: 200_000,
                sign_on_max_minor: 0,
                currency: "USD".into(),
            },
        )
        .await
        .unwrap();
        let opening =
            |track_id, location_id, title: &'static str, opens_at, closes_at| NewOpening {
                season_id,
                track_id,
                location_id,
                title,
                headcount: 5,
                opens_at,
                closes_at,
                description_md: "Build **things**. <script>alert('x')</script>",
            };
        let a = Store::create_opening(
            &mut tx,
            &opening(
                software,
                seattle,
                "SDE Intern, Seattle",
                now - day,
                now + 30 * day,
            ),
            now,
        )
        .await
        .unwrap();
        let b = Store::create_opening(
            &mut tx,
            &opening(
                data,
                london,
                "Data Science Intern, London",
                now - day,
                now + 30 * day,
            ),
            now,
        )
        .await
        .unwrap();
        let future = Store::create_opening(
            &mut tx,
            &opening(
                software,
                london,
                "SDE Intern, London",
                now + 10 * day,
                now + 40 * day,
            ),
            now,
        )
        .await
        .unwrap();
        let closed = Store::create_opening(
            &mut tx,
            &opening(
                data,
                seattle,
                "Data Science Intern, Seattle",
                now - 30 * day,
                now - day,
            ),
            now,
        )
        .await
        .unwrap();
        Store::commit(tx).await.unwrap();
        SeasonFixture {
            season_id,
            open: vec![a, b],
            future,
            closed,
        }
    }

    /// Delivers queued mail now, as the worker would.
    pub async fn deliver_mail(&self) -> usize {
        cohort_app::mail::deliver_due(self.state.app())
            .await
            .expect("delivery runs")
    }

    /// Runs queued background jobs (search indexing) now, as the worker would.
    pub async fn run_jobs(&self) -> usize {
        cohort_app::pools::run_background_due(self.state.app())
            .await
            .expect("jobs run")
    }

    /// Queued messages other than the address confirmations that signing up sends.
    pub async fn count_mail_besides_confirmations(&self) -> i64 {
        sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM outbox WHERE template <> 'confirm_email'",
        )
        .fetch_one(self.store().reader())
        .await
        .unwrap()
    }

    /// Counts rows of a table, to check that refused requests wrote nothing.
    pub async fn count(&self, table: &str) -> i64 {
        sqlx::query_scalar::<_, i64>(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(self.store().reader())
            .await
            .unwrap()
    }
}

/// A résumé as a real PDF.
pub fn pdf_resume(text: &str) -> Vec<u8> {
    cohort_demo::pdf::one_page(&[text.to_owned(), "BSc Computer Science".to_owned()])
}

/// The fields of an application form, with sensible defaults.
pub struct ApplicationFields {
    pub season_id: i64,
    pub choices: Vec<i64>,
    pub school: String,
    pub graduation: String,
    pub resume: Vec<u8>,
    pub resume_name: String,
}

impl ApplicationFields {
    pub fn new(season_id: i64, choices: Vec<i64>) -> ApplicationFields {
        ApplicationFields {
            season_id,
            choices,
            school: "University of Washington".into(),
            graduation: "2028-06".into(),
            resume: pdf_resume("Ada Lovelace analytical engine"),
            resume_name: "ada.pdf".into(),
        }
    }
}

impl Browser {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    pub async fn get_text(&self, path: &str) -> (StatusCode, String) {
        let response = self.get(path).await;
        let status = response.status();
        (status, response.text().await.unwrap())
    }

    /// The CSRF token the page at `path` puts in its forms.
    pub async fn csrf(&self, path: &str) -> String {
        let (_, html) = self.get_text(path).await;
        let marker = "name=\"csrf\" value=\"";
        let start = html
            .find(marker)
            .unwrap_or_else(|| panic!("no CSRF token on {path}"))
            + marker.len();
        html[start..start + html[start..].find('"').unwrap()].to_owned()
    }

    /// Posts a form with the CSRF token of `form_page`.
    pub async fn post_form(
        &self,
        form_page: &str,
        action: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let csrf = self.csrf(form_page).await;
        let mut all: Vec<(&str, &str)> = vec![("csrf", &csrf)];
        all.extend_from_slice(fields);
        self.client
            .post(self.url(action))
            .form(&all)
            .send()
            .await
            .unwrap()
    }

    pub async fn login(&self, email: &str, password: &str) -> reqwest::Response {
        self.post_form(
            "/login",
            "/login",
            &[("email", email), ("password", password)],
        )
        .await
    }

    pub async fn sign_up(&self, name: &str, email: &str, password: &str) -> reqwest::Response {
        self.post_form(
            "/signup",
            "/signup",
            &[("name", name), ("email", email), ("password", password)],
        )
        .await
    }

    pub async fn apply(&self, fields: &ApplicationFields) -> reqwest::Response {
        let csrf = self
            .csrf(&format!("/apply?season={}", fields.season_id))
            .await;
        self.apply_with_csrf(fields, &csrf).await
    }

    pub async fn apply_with_csrf(
        &self,
        fields: &ApplicationFields,
        csrf: &str,
    ) -> reqwest::Response {
        self.try_apply_with_csrf(fields, csrf).await.unwrap()
    }

    /// Sends the application form; an error when the connection ended before an answer came
    /// (as a server that refuses a body part-way through may end it).
    pub async fn try_apply_with_csrf(
        &self,
        fields: &ApplicationFields,
        csrf: &str,
    ) -> reqwest::Result<reqwest::Response> {
        let mut form = Form::new()
            .text("csrf", csrf.to_owned())
            .text("season", fields.season_id.to_string())
            .text("school", fields.school.clone())
            .text("degree", "BSc Computer Science")
            .text("graduation", fields.graduation.clone())
            .text("languages", "Java, Python")
            .text("links", "https://github.com/ada")
            .text("cover_letter", "I like building things.")
            .part(
                "resume",
                Part::bytes(fields.resume.clone()).file_name(fields.resume_name.clone()),
            );
        for (index, id) in fields.choices.iter().enumerate() {
            form = form.text(format!("choice_{}", index + 1), id.to_string());
        }
        self.client
            .post(self.url("/apply"))
            .multipart(form)
            .send()
            .await
    }
}

/// The id of the signed-in candidate's application, read from their status page.
pub async fn own_application_id(browser: &Browser) -> i64 {
    let (_, html) = browser.get_text("/me").await;
    let marker = "/me/applications/";
    let start = html
        .find(marker)
        .expect("an application on the status page")
        + marker.len();
    html[start..].split('/').next().unwrap().parse().unwrap()
}

/// What a Python `script` prints, a line each, when given `input` on its standard input: tests
/// have real parsers (Python's `email` and `icalendar`) read what Cohort wrote.
pub fn python_lines(script: &str, input: &str) -> Vec<String> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut python = Command::new("python3")
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3");
    python
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let output = python.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "Python could not read it (pip install icalendar): {}\n{input}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}
