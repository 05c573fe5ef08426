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

/// Reads a received mail with Python's `email` package, finds its `text/calendar` part and reads
/// that with the PyPI `icalendar` package: two parsers that Cohort's code has no part in, as a
/// mail program and a calendar program would read the invitation. One line per fact.
const READ_INVITATION: &str = r#"
import email, email.policy, sys
import icalendar

mail = email.message_from_binary_file(sys.stdin.buffer, policy=email.policy.default)
print("mail", mail.get_content_type())
print("text", mail.get_body(preferencelist=("plain",)).get_content().strip())
parts = [part for part in mail.walk() if part.get_content_type() == "text/calendar"]
print("calendar parts", len(parts))
part = parts[0]
print("part", part.get_param("method"), part.get_content_charset(), part.get_filename())
calendar = icalendar.Calendar.from_ical(part.get_payload(decode=True).decode(part.get_content_charset()))
events = calendar.walk("VEVENT")
print("events", len(events))
event = events[0]
print("METHOD", calendar["METHOD"])
print("UID", event["UID"])
print("SEQUENCE", event["SEQUENCE"])
print("STATUS", event["STATUS"])
print("DTSTART", event.decoded("DTSTART").isoformat())
print("ORGANIZER", event["ORGANIZER"], event["ORGANIZER"].params["CN"])
attendees = event["ATTENDEE"]
for attendee in attendees if isinstance(attendees, list) else [attendees]:
    print("ATTENDEE", attendee, attendee.params["CN"], attendee.params["ROLE"], attendee.params.get("RSVP"))
"#;

/// What [`READ_INVITATION`] says about `mail`.
fn read_invitation(mail: &str) -> Vec<String> {
    python_lines(READ_INVITATION, mail)
}

/// Queues a message with an interview invitation in a transaction of its own, as a use case
/// queues its mail, delivers it to a real SMTP server, and has Python's parsers read what came.
async fn an_invitation_arrives_as_a_calendar_part(backend: Backend) {
    use chrono::TimeZone;
    use cohort_domain::interviews::itip::{Attendee, AttendeeRole, Invitation, Method};
    let smtp = SmtpServer::start();
    let app = spawn_app_with(
        backend,
        AppOptions {
            smtp_url: Some(format!("smtp://127.0.0.1:{}", smtp.port)),
            ..AppOptions::default()
        },
    )
    .await;
    let at = |hour, minute| {
        chrono::Utc
            .with_ymd_and_hms(2027, 3, 4, hour, minute, 0)
            .unwrap()
    };
    let attendee = |name, email, role| Attendee { name, email, role };
    let invitation = Invitation {
        method: Method::Request,
        uid: "interview-42@cohort.test",
        sequence: 2,
        stamp: at(9, 0),
        start: at(17, 0),
        end: at(17, 45),
        summary: "Phone screen: Ada Lovelace",
        description: "A 45-minute phone screen for SDE Intern, Seattle.\nJoin from the link.",
        location: Some("https://meet.example.com/grace"),
        organizer: ("Cohort Recruiting", "recruiting@cohort.test"),
        attendees: vec![
            attendee(
                "Lovelace, Ada \"AL\"",
                "ada@example.com",
                AttendeeRole::Required,
            ),
            attendee("Grace Hopper", "grace@cohort.test", AttendeeRole::Required),
            attendee("Zoë Shadow", "zoe@cohort.test", AttendeeRole::Optional),
        ],
    };
    let message = cohort_store::outbox::NewMessage {
        template: "interview_invitation".into(),
        recipient: "ada@example.com".into(),
        subject: "Your phone screen on 4 March".into(),
        body: "Your phone screen is on 4 March at 17:00 UTC. The invitation is attached.".into(),
        calendar: Some(invitation.to_ics()),
    };
    let mut tx = app.store().begin().await.unwrap();
    cohort_store::Store::enqueue_message(&mut tx, &message, app.state.now())
        .await
        .unwrap();
    cohort_store::Store::commit(tx).await.unwrap();
    let queued = app.store().messages_to("ada@example.com").await.unwrap();
    assert_eq!(queued[0].calendar, message.calendar, "the outbox keeps it");

    assert_eq!(app.deliver_mail().await, 1);

    let received = smtp.received();
    assert_eq!(received.len(), 1);
    assert_eq!(
        read_invitation(&received[0]),
        [
            "mail multipart/mixed",
            "text Your phone screen is on 4 March at 17:00 UTC. The invitation is attached.",
            "calendar parts 1",
            "part REQUEST utf-8 invite.ics",
            "events 1",
            "METHOD REQUEST",
            "UID interview-42@cohort.test",
            "SEQUENCE 2",
            "STATUS CONFIRMED",
            "DTSTART 2027-03-04T17:00:00+00:00",
            "ORGANIZER mailto:recruiting@cohort.test Cohort Recruiting",
            "ATTENDEE mailto:ada@example.com Lovelace, Ada \"AL\" REQ-PARTICIPANT TRUE",
            "ATTENDEE mailto:grace@cohort.test Grace Hopper REQ-PARTICIPANT TRUE",
            "ATTENDEE mailto:zoe@cohort.test Zoë Shadow OPT-PARTICIPANT TRUE",
        ]
    );
}

mod a_message_with_an_invitation_arrives_with_a_text_calendar_part_that_a_calendar_parser_reads {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_sqlite() {
        an_invitation_arrives_as_a_calendar_part(Backend::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_postgres() {
        an_invitation_arrives_as_a_calendar_part(Backend::Postgres).await;
    }
}
