//! The problem bank: adding packages ([`bank`]) and verifying them on the judge
//! ([`VerifyProblem`], run by judge workers).

pub mod bank;

use crate::jobs::{Context, Done, Job, JobError};
use crate::judge::{JudgeContext, JudgeError};
use cohort_judge::package::Problem;
use cohort_judge::verify::{verify, VerifyReport};
use cohort_store::problems::ProblemStatus;
use cohort_store::{Store, StoreError};
use serde::{Deserialize, Serialize};

/// Runs a problem package's own submissions on the judge and records whether each got the
/// verdict its folder names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyProblem {
    pub problem_id: i64,
}

impl Job for VerifyProblem {
    const KIND: &'static str = "verify_problem";
    const BATCH: i64 = 1;
    type Context = JudgeContext;

    fn key(&self) -> String {
        format!("verify_problem:{}", self.problem_id)
    }

    async fn run(&self, context: &JudgeContext, done: &Done) -> Result<(), JobError> {
        let (app, problem_id) = (context.app(), self.problem_id);
        let record = match app.store().problem(problem_id).await {
            Ok(record) => record,
            // The problem is gone: nothing to verify.
            Err(StoreError::NotFound) => return Ok(()),
            Err(other) => return Err(other.into()),
        };
        let (status, detail) = match context.package(&record.package_blob).await {
            // The package itself is broken or gone: refused, with the reason; no retry helps.
            Err(JudgeError::Package { message, .. }) => (
                ProblemStatus::Refused,
                format!("The package cannot be used: {message}"),
            ),
            Err(other) => return Err(other.into()),
            Ok(root) => {
                let judge = context.judge().clone();
                tokio::task::spawn_blocking(move || match Problem::load(&root) {
                    Ok(problem) => {
                        let report = verify(&judge, &problem);
                        let status = if report.ok {
                            ProblemStatus::Verified
                        } else {
                            ProblemStatus::Refused
                        };
                        (status, describe(&report))
                    }
                    Err(error) => (ProblemStatus::Refused, error.to_string()),
                })
                .await
                .map_err(|e| JudgeError::Thread(e.to_string()))?
            }
        };
        tracing::info!(
            problem.id = problem_id,
            status = status.as_str(),
            "problem verified"
        );
        let mut tx = app.store().begin().await?;
        Store::set_problem_status(&mut tx, problem_id, status, &detail, app.now()).await?;
        done.complete(&mut tx).await?;
        Store::commit(tx).await?;
        Ok(())
    }
}

/// A verification report as a person reads it: one line per submission, failures first.
fn describe(report: &VerifyReport) -> String {
    if report.submissions.is_empty() {
        return "The package has no submissions/ folder with solutions to check it against; add \
                at least one accepted solution."
            .into();
    }
    let mut lines: Vec<String> = report
        .submissions
        .iter()
        .map(|checked| {
            format!(
                "{} {}: {} (expected {}){}",
                if checked.ok { "ok  " } else { "FAIL" },
                checked.submission,
                checked.verdict.describe(),
                checked.expected,
                if checked.note.is_empty() {
                    String::new()
                } else {
                    format!(" — {}", checked.note)
                }
            )
        })
        .collect();
    for validation in &report.input_validation {
        match (&validation.skipped, validation.problems.as_slice()) {
            (Some(why), _) => lines.push(format!(
                "note input validator {}: {why}",
                validation.validator
            )),
            (None, []) => {}
            (None, problems) => lines.push(format!(
                "FAIL input validator {}: {}",
                validation.validator,
                problems
                    .iter()
                    .take(5)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("; ")
            )),
        }
    }
    for skipped in &report.skipped {
        lines.push(format!("note {}: {}", skipped.submission, skipped.reason));
    }
    lines.sort_by_key(|line| !line.starts_with("FAIL"));
    lines.join("\n")
}
