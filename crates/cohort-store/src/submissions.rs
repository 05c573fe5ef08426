//! Code submitted to a problem of the bank, and the judge's result for it.

use crate::{Result, Store, StoreError, Tx};

/// Which tests a submission is judged on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The sample tests only: a candidate trying their code.
    Samples,
    /// Every test, scored.
    Full,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Samples => "samples",
            Scope::Full => "full",
        }
    }

    pub fn parse(text: &str) -> Option<Scope> {
        match text {
            "samples" => Some(Scope::Samples),
            "full" => Some(Scope::Full),
            _ => None,
        }
    }
}

/// Decodes the stored code; an unknown one fails the read instead of meaning a default.
impl TryFrom<String> for Scope {
    type Error = String;

    fn try_from(code: String) -> Result<Scope, String> {
        Scope::parse(&code).ok_or_else(|| format!("unknown submission scope {code:?}"))
    }
}

#[derive(Debug, Clone)]
pub struct NewSubmission<'a> {
    pub problem_id: i64,
    pub author_id: Option<i64>,
    pub language: &'a str,
    pub code: &'a str,
    pub scope: Scope,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SubmissionRecord {
    pub id: i64,
    pub problem_id: i64,
    pub author_id: Option<i64>,
    pub language: String,
    pub code: String,
    #[sqlx(try_from = "String")]
    pub scope: Scope,
    pub created_at: i64,
    pub created_ms: i64,
}

/// The judge's result, as the worker records it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ResultRecord {
    pub submission_id: i64,
    /// The judge's verdict code: `AC`, `WA`, `TLE`, `MLE`, `RE`, `OLE`, `CE`, `JE`.
    pub verdict: String,
    pub score: f64,
    pub max_score: f64,
    pub tests_passed: i64,
    pub tests_total: i64,
    /// The judge's report as JSON.
    pub report: String,
    pub judged_at: i64,
    pub turnaround_ms: i64,
}

const SUBMISSION_COLUMNS: &str =
    "id, problem_id, author_id, language, code, scope, created_at, created_ms";
const RESULT_COLUMNS: &str = "submission_id, verdict, score, max_score, tests_passed, tests_total, report, judged_at, turnaround_ms";

impl Store {
    /// Stores a submission in the caller's transaction, which also queues its judging.
    pub async fn create_submission(
        tx: &mut Tx,
        new: &NewSubmission<'_>,
        now_ms: i64,
    ) -> Result<i64> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO submissions (problem_id, author_id, language, code, scope, created_at, created_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(new.problem_id)
        .bind(new.author_id)
        .bind(new.language)
        .bind(new.code)
        .bind(new.scope.as_str())
        .bind(now_ms / 1000)
        .bind(now_ms)
        .fetch_one(&mut **tx)
        .await?;
        Ok(id)
    }

    pub async fn submission(&self, id: i64) -> Result<SubmissionRecord> {
        sqlx::query_as(&format!(
            "SELECT {SUBMISSION_COLUMNS} FROM submissions WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.reader)
        .await?
        .ok_or(StoreError::NotFound)
    }

    /// Records a submission's result. The first result written stands: a job that runs again
    /// after its result was committed changes nothing. Returns whether this call wrote it.
    pub async fn record_result(tx: &mut Tx, result: &ResultRecord) -> Result<bool> {
        let written = sqlx::query(
            "INSERT INTO submission_results (submission_id, verdict, score, max_score, tests_passed, \
             tests_total, report, judged_at, turnaround_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             ON CONFLICT (submission_id) DO NOTHING",
        )
        .bind(result.submission_id)
        .bind(&result.verdict)
        .bind(result.score)
        .bind(result.max_score)
        .bind(result.tests_passed)
        .bind(result.tests_total)
        .bind(&result.report)
        .bind(result.judged_at)
        .bind(result.turnaround_ms)
        .execute(&mut **tx)
        .await?
        .rows_affected();
        Ok(written == 1)
    }

    pub async fn submission_result(&self, submission_id: i64) -> Result<Option<ResultRecord>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {RESULT_COLUMNS} FROM submission_results WHERE submission_id = $1"
        ))
        .bind(submission_id)
        .fetch_optional(&self.reader)
        .await?)
    }

    /// How many results a set of submissions has; benchmarks and tests wait on this.
    pub async fn results_among(&self, first_id: i64, last_id: i64) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM submission_results WHERE submission_id BETWEEN $1 AND $2",
        )
        .bind(first_id)
        .bind(last_id)
        .fetch_one(&self.reader)
        .await?)
    }
}
