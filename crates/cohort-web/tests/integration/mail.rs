use crate::both;
use crate::helpers::*;
use reqwest::StatusCode;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A real SMTP server (Python's aiosmtpd) on loopback, writing what it receives to a Maildir.
struct SmtpServer {
    child: Child,
    port: u16,
    maildir: tempfile::TempDir,
}

impl SmtpServer {
    fn start() -> SmtpServer {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let maildir = tempfile::tempdir().unwrap();
        let child = Command::new("python3")
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{port}"),
                "-c",
                "aiosmtpd.handlers.Mailbox",
            ])
            .arg(maildir.path().join("inbox"))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 with aiosmtpd (pip install aiosmtpd)");
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "the SMTP server did not start; is aiosmtpd installed?"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        SmtpServer {
            child,
            port,
            maildir,
        }
    }

    fn received(&self) -> Vec<String> {
        read_all(&self.maildir.path().join("inbox").join("new"))
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read_all(folder: &Path) -> Vec<String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.sort();
    files
        .iter()
        .map(|path| std::fs::read_to_string(path).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notifications_are_delivered_over_real_smtp_exactly_once() {
    let smtp = SmtpServer::start();
    let app = spawn_app_with(
        Backend::Sqlite,
        AppOptions {
            smtp_url: Some(format!("smtp://127.0.0.1:{}", smtp.port)),
            ..AppOptions::default()
        },
    )
    .await;
    let season = app.seed_season().await;
    let (browser, email) = app.candidate("Ada Lovelace").await;
    assert_eq!(
        browser
            .apply(&ApplicationFields::new(
                season.season_id,
                vec![season.open[0]]
            ))
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    // The address confirmation from signing up, and the application's acknowledgement.
    assert_eq!(app.deliver_mail().await, 2);
    assert_eq!(
        app.deliver_mail().await,
        0,
        "a delivered message is not sent again"
    );
    let received = smtp.received();
    assert_eq!(received.len(), 2);
    assert!(received.iter().all(|m| m.contains(&format!("To: {email}"))));
    assert!(received
        .iter()
        .any(|m| m.contains("Subject: Confirm your email address for Cohort")));
    let acknowledgement = received
        .iter()
        .find(|m| m.contains("Subject: We received your application for Summer 2027"))
        .expect("the acknowledgement");
    assert!(acknowledgement.contains("SDE Intern, Seattle"));
    assert_eq!(app.store().undelivered_count().await.unwrap(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_that_cannot_be_delivered_stays_queued_for_a_retry() {
    let closed_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let app = spawn_app_with(
        Backend::Sqlite,
        AppOptions {
            smtp_url: Some(format!("smtp://127.0.0.1:{closed_port}")),
            ..AppOptions::default()
        },
    )
    .await;
    let (browser, email) = app.candidate("Grace Hopper").await;
    let _ = browser;
    app.browser()
        .post_form("/password/forgot", "/password/forgot", &[("email", &email)])
        .await;
    assert_eq!(app.deliver_mail().await, 0);
    // The reset link and the address confirmation from signing up both wait.
    assert_eq!(app.store().undelivered_count().await.unwrap(), 2);
    let newest = &app.store().messages_to(&email).await.unwrap()[0];
    assert_eq!(
        (newest.template.as_str(), newest.attempts),
        ("password_reset", 1)
    );
    assert_eq!(
        app.deliver_mail().await,
        0,
        "the retry waits for its back-off"
    );
}

both!(
    without_smtp_mail_is_written_as_eml_files_in_the_data_directory,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let (browser, email) = app.candidate("Katherine Johnson").await;
        browser
            .apply(&ApplicationFields::new(
                season.season_id,
                vec![season.open[0]],
            ))
            .await;
        assert_eq!(
            app.deliver_mail().await,
            2,
            "the confirmation and the acknowledgement"
        );
        let files = read_all(&app.data_dir.path().join("mail"));
        assert_eq!(files.len(), 2);
        assert!(files
            .iter()
            .any(|f| f.contains(&email) && f.contains("We received your application")));
    }
);
