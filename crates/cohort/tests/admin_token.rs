//! `cohort admin token create` prints a token an operator can use at once, for example for
//! Prometheus on `/metrics`, without the browser.

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn cohort(data_dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cohort"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env("COHORT_LOG", "warn")
        .env_remove("COHORT_ADMIN_PASSWORD")
        .output()
        .unwrap()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A GET with a bearer token over plain HTTP/1.1; returns the status line and the body.
fn get(port: u16, path: &str, token: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

#[test]
fn a_token_created_on_the_command_line_reads_the_metrics_and_bad_input_creates_none() {
    let data_dir = tempfile::tempdir().unwrap();
    let dir = data_dir.path();

    let none = cohort(
        dir,
        &[
            "admin",
            "token",
            "create",
            "--name",
            "Prometheus",
            "--scope",
            "read",
        ],
    );
    assert!(!none.status.success());
    assert!(String::from_utf8_lossy(&none.stderr).contains("cohort admin create"));

    let admin = cohort(
        dir,
        &[
            "admin",
            "create",
            "--email",
            "ops@example.com",
            "--password",
            "a long enough password",
        ],
    );
    assert!(admin.status.success(), "{admin:?}");

    let unknown = cohort(
        dir,
        &[
            "admin",
            "token",
            "create",
            "--name",
            "X",
            "--scope",
            "read,admin",
        ],
    );
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("\"admin\" is not a scope"));
    let not_admin = cohort(
        dir,
        &[
            "admin",
            "token",
            "create",
            "--name",
            "X",
            "--scope",
            "read",
            "--by",
            "nobody@example.com",
        ],
    );
    assert!(!not_admin.status.success());
    assert!(String::from_utf8_lossy(&not_admin.stderr).contains("no account has the address"));

    let created = cohort(
        dir,
        &[
            "admin",
            "token",
            "create",
            "--name",
            "Prometheus",
            "--scope",
            "read",
        ],
    );
    assert!(created.status.success(), "{created:?}");
    let token = String::from_utf8(created.stdout).unwrap().trim().to_owned();
    assert!(token.starts_with("cohort_"), "{token}");
    assert_eq!(token.lines().count(), 1);

    let port = free_port();
    let mut server = Command::new(env!("CARGO_BIN_EXE_cohort"))
        .arg("--data-dir")
        .arg(dir)
        .args([
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--no-workers",
            "serve",
        ])
        .env("COHORT_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the server did not start"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let metrics = get(port, "/metrics", &token);
    let refused = get(port, "/metrics", "cohort_not-a-token");
    server.kill().unwrap();
    server.wait().unwrap();
    assert!(metrics.starts_with("HTTP/1.1 200"), "{metrics}");
    assert!(metrics.contains("# TYPE cohort_workers gauge"), "{metrics}");
    assert!(refused.starts_with("HTTP/1.1 401"), "{refused}");
}
