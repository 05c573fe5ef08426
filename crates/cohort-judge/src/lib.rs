//! Cohort's judge: runs untrusted submissions against Kattis-format problem packages.
//!
//! No database and no HTTP: a package, a submission and options go in; a structured result comes
//! out. The sandbox is Linux-only.

pub mod archive;
pub mod bank;
pub mod judge;
pub mod language;
pub mod package;
pub mod sandbox;
pub mod scratch;
pub mod validate;
pub mod verify;

pub use judge::{Judge, JudgeOptions, Report, Submission, TestResult, Verdict};
