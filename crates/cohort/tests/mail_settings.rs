//! Mail settings are read when the server starts: a wrong `--smtp-url` or `--mail-from` stops
//! `cohort serve` with the reason, instead of a log line when the first message fails.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Runs `cohort serve` with `args`; a server that starts instead of refusing is stopped after
/// 20 seconds, and the test then fails on its exit status.
fn serve(args: &[&str]) -> std::process::Output {
    let data_dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_cohort"))
        .arg("serve")
        .arg("--data-dir")
        .arg(data_dir.path())
        .args(["--listen", "127.0.0.1:0"])
        .args(args)
        .env("COHORT_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() && started.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    child.wait_with_output().unwrap()
}

#[test]
fn serve_refuses_an_smtp_url_it_cannot_use_before_it_starts() {
    let output = serve(&["--smtp-url", "mail.example.com:25"]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("the SMTP URL must look like smtp://host:port, not mail.example.com:25"),
        "{stderr}"
    );
}

#[test]
fn serve_refuses_a_sender_that_is_not_a_mail_address_before_it_starts() {
    let output = serve(&["--mail-from", "Cohort recruiting"]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("is not a mail address"), "{stderr}");
}
