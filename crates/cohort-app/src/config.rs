//! Configuration, parsed once at start by the binary.

use crate::mail::settings::MailSettings;
use std::path::PathBuf;

/// Everything the server and its workers need to start. The binary fills it from flags and
/// environment.
#[derive(Debug, Clone)]
pub struct Config {
    /// `sqlite:///path/cohort.db` or `postgres://user@host/db`.
    pub database_url: String,
    /// Where the SQLite file (by default), blobs and written mail live.
    pub data_dir: PathBuf,
    /// The address people use to reach Cohort, for links in emails and the `Secure` cookie flag.
    pub base_url: String,
    /// How notifications leave (an SMTP relay, or `.eml` files) and who sends them.
    pub mail: MailSettings,
    /// Whether this process delivers notifications (web nodes behind a shared database may not).
    pub run_workers: bool,
    /// Database connections per pool.
    pub max_connections: u32,
    /// The judge's language table, which also decides the language of a package's starter files.
    pub judge_languages: cohort_judge::language::LanguageTable,
    /// Reverse proxies (and load balancers) whose `X-Forwarded-For` and `Forwarded` headers say
    /// who the client is. From anyone else those headers are ignored: a client could write them.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// How many shadow and reverse-shadow interviews an interviewer in training sits before a
    /// bar raiser may sign them off.
    pub graduation: cohort_domain::interviews::profile::GraduationRule,
    /// How candidates book phone screens: how far ahead, until when they may move one, the grid
    /// of start times and the buffer between an interviewer's interviews.
    pub booking: cohort_domain::interviews::booking::BookingPolicy,
    /// Whether calendars are read from local and private network addresses too (an intranet
    /// calendar server). Off by default: an address a user gives could otherwise reach the
    /// server's own network.
    pub calendar_private_addresses: bool,
    /// Hours after an interview ends by which its interviewer's feedback is due (24 by default).
    pub feedback_due_hours: u32,
}

impl Config {
    /// Cookies carry `Secure` when people reach Cohort over HTTPS.
    pub fn secure_cookies(&self) -> bool {
        self.base_url.starts_with("https://")
    }

    pub fn mail_dir(&self) -> PathBuf {
        self.data_dir.join("mail")
    }

    /// An absolute link for mail: `path` starts with a slash.
    pub fn link(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// The host (and port) people reach Cohort at, which makes calendar UIDs unique to it.
    pub fn host(&self) -> &str {
        let base = &self.base_url;
        base.split("://")
            .nth(1)
            .unwrap_or(base)
            .split('/')
            .next()
            .unwrap_or("cohort")
    }
}
