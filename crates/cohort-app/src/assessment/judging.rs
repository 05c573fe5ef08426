//! Judging a submission on the sandboxed judge, run by judge workers.

use super::judge_mail::JudgeErrorAlert;
use crate::jobs::{self, Done, Job, JobError};
use crate::judge::{JudgeContext, JudgeError};
use crate::mail::Message;
use cohort_judge::{JudgeOptions, Submission, Verdict};
use cohort_store::outbox::NewMessage;
use cohort_store::submissions::{ResultRecord, Scope};
use cohort_store::{Store, StoreError, Tx};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Queues the judging of a stored submission in the caller's transaction.
pub async fn queue(tx: &mut Tx, submission_id: i64, now: i64) -> Result<(), StoreError> {
    jobs::enqueue(tx, &JudgeSubmission { submission_id }, now).await
}

/// Judges a submission and records its result. Writing a result twice leaves one result, so a
/// job run twice is harmless.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JudgeSubmission {
    pub submission_id: i64,
}

impl Job for JudgeSubmission {
    const KIND: &'static str = "judge_submission";
    /// One at a time: the judge runs a submission's tests in parallel itself.
    const BATCH: i64 = 1;
    type Context = JudgeContext;

    fn key(&self) -> String {
        format!("judge_submission:{}", self.submission_id)
    }

    async fn run(&self, context: &JudgeContext, done: &Done) -> Result<(), JobError> {
        let app = crate::jobs::Context::app(context);
        let submission_id = self.submission_id;
        let submission = match app.store().submission(submission_id).await {
            Ok(submission) => submission,
            Err(StoreError::NotFound) => return Ok(()),
            Err(other) => return Err(other.into()),
        };
        if app
            .store()
            .submission_result(submission_id)
            .await?
            .is_some()
        {
            // A run before this one recorded the result and then lost its lease.
            return Ok(());
        }
        let record = app.store().problem(submission.problem_id).await?;
        let loaded = context.loaded_problem(&record.package_blob).await?;
        let judge = context.judge().clone();
        let scope = submission.scope;
        let source = Submission {
            language: submission.language.clone(),
            file_name: String::new(),
            source: submission.code.clone().into_bytes(),
        };
        let report = tokio::task::spawn_blocking(move || {
            let problem = loaded?;
            let (problem, options) = match scope {
                // Every sample is run, so the candidate sees each one's result.
                Scope::Samples => (
                    Arc::new(problem.samples_only()),
                    JudgeOptions {
                        run_all: true,
                        keep_output: true,
                    },
                ),
                Scope::Full => (problem, JudgeOptions::default()),
            };
            let total = problem.data.all_cases().len() as i64;
            Ok::<_, String>((judge.judge(&problem, &source, &options), total))
        })
        .await
        .map_err(|e| JudgeError::Thread(e.to_string()))?;
        let judged_ms = app.now_ms();
        let turnaround_ms = judged_ms - submission.created_ms;
        let result = match report {
            Ok((report, tests_total)) => ResultRecord {
                submission_id,
                verdict: report.verdict.code().to_owned(),
                score: report.score,
                max_score: report.max_score,
                tests_passed: report
                    .tests
                    .iter()
                    .filter(|t| t.verdict == Verdict::Accepted)
                    .count() as i64,
                tests_total,
                report: serde_json::to_string(&report).unwrap_or_else(|_| "{}".into()),
                judged_at: judged_ms / 1000,
                turnaround_ms,
            },
            // A package that no longer loads is the judge's problem, never the candidate's.
            Err(reason) => ResultRecord {
                submission_id,
                verdict: Verdict::JudgeError.code().to_owned(),
                score: 0.0,
                max_score: 0.0,
                tests_passed: 0,
                tests_total: 0,
                report: serde_json::json!({ "error": reason }).to_string(),
                judged_at: judged_ms / 1000,
                turnaround_ms,
            },
        };
        tracing::info!(
            submission.id = submission_id,
            verdict = %result.verdict,
            turnaround_ms = result.turnaround_ms,
            "submission judged"
        );
        // A judge error is the judge's or the package's fault: it never counts against the
        // candidate (scoring leaves it out), and the recruiters are told, with the result.
        let alerts = if result.verdict == Verdict::JudgeError.code() {
            judge_error_alerts(context, &record.name, submission_id, &result.report).await?
        } else {
            Vec::new()
        };
        let mut tx = app.store().begin().await?;
        if Store::record_result(&mut tx, &result).await? {
            for alert in &alerts {
                Store::enqueue_message(&mut tx, alert, app.now()).await?;
            }
        }
        done.complete(&mut tx).await?;
        Store::commit(tx).await?;
        Ok(())
    }
}

/// One message per recruiter about a submission the judge could not judge.
async fn judge_error_alerts(
    context: &JudgeContext,
    problem: &str,
    submission_id: i64,
    report: &str,
) -> Result<Vec<NewMessage>, StoreError> {
    let reason: String = serde_json::from_str::<serde_json::Value>(report)
        .ok()
        .and_then(|r| {
            r["error"].as_str().map(str::to_owned).or_else(|| {
                r["tests"].as_array().and_then(|tests| {
                    tests
                        .iter()
                        .find_map(|t| t["feedback"].as_str().map(str::to_owned))
                })
            })
        })
        .unwrap_or_default();
    Ok(crate::jobs::Context::app(context)
        .store()
        .recruiter_emails()
        .await?
        .into_iter()
        .map(|recipient| {
            JudgeErrorAlert {
                problem,
                submission_id,
                reason: &reason,
            }
            .to(&recipient)
        })
        .collect())
}
