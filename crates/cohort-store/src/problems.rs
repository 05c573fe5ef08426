//! The online assessment's problem bank and its assessment templates.
//!
//! A problem's package is a zip in the blob store; the rows here hold what pages show (name,
//! statement, samples, starter code) and whether the judge has verified the package.

use crate::{Result, Store, StoreError, Tx};

/// Where a problem stands with the judge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemStatus {
    /// Uploaded; a judge worker has yet to run the package's own submissions.
    Pending,
    /// Every submission in the package got the verdict its folder names.
    Verified,
    /// The package is broken; `status_detail` says why.
    Refused,
}

impl ProblemStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ProblemStatus::Pending => "pending",
            ProblemStatus::Verified => "verified",
            ProblemStatus::Refused => "refused",
        }
    }

    pub fn parse(text: &str) -> Option<ProblemStatus> {
        match text {
            "pending" => Some(ProblemStatus::Pending),
            "verified" => Some(ProblemStatus::Verified),
            "refused" => Some(ProblemStatus::Refused),
            _ => None,
        }
    }
}

/// A problem to add to the bank.
#[derive(Debug, Clone)]
pub struct NewProblem<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub package_blob: &'a str,
    pub package_bytes: i64,
    pub built_in: bool,
    pub statement: &'a str,
    pub time_limit_ms: i64,
    pub memory_mib: i64,
    pub test_count: i64,
    /// Whether tests carry partial scores; otherwise only Accepted earns the points.
    pub scoring: bool,
    pub uploaded_by: Option<i64>,
    /// (name, input, answer) of each sample test, in order.
    pub samples: &'a [(String, String, String)],
    /// (language id, code).
    pub starters: &'a [(String, String)],
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ProblemRecord {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub package_blob: String,
    pub package_bytes: i64,
    pub built_in: i64,
    pub status: String,
    pub status_detail: String,
    pub statement: String,
    pub time_limit_ms: i64,
    pub memory_mib: i64,
    pub test_count: i64,
    pub scoring: i64,
    pub uploaded_by: Option<i64>,
    pub created_at: i64,
    pub verified_at: Option<i64>,
}

impl ProblemRecord {
    pub fn status(&self) -> ProblemStatus {
        ProblemStatus::parse(&self.status).unwrap_or(ProblemStatus::Pending)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SampleRecord {
    pub position: i64,
    pub name: String,
    pub input: String,
    pub answer: String,
}

/// An assessment template for one track of a season.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssessmentInput {
    pub season_id: i64,
    pub track_id: i64,
    pub duration_minutes: i64,
    pub languages: Vec<String>,
    pub passing_percent: i64,
    pub start_within_days: i64,
    /// `best` or `last`.
    pub counts: String,
    /// `automatic` or `recruiter`.
    pub advance: String,
    /// (problem id, points), in the order candidates see them.
    pub problems: Vec<(i64, i64)>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AssessmentRecord {
    pub id: i64,
    pub season_id: i64,
    pub track_id: i64,
    pub track_name: String,
    pub duration_minutes: i64,
    pub languages: String,
    pub passing_percent: i64,
    pub start_within_days: i64,
    pub counts: String,
    pub advance: String,
}

impl AssessmentRecord {
    pub fn language_ids(&self) -> Vec<String> {
        self.languages
            .split(',')
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AssessmentProblemRecord {
    pub position: i64,
    pub problem_id: i64,
    pub points: i64,
    pub name: String,
    pub status: String,
    /// 1 for a problem with partial scores.
    pub scoring: i64,
}

const PROBLEM_COLUMNS: &str =
    "id, slug, name, package_blob, package_bytes, built_in, status, status_detail, \
     statement, time_limit_ms, memory_mib, test_count, scoring, uploaded_by, created_at, verified_at";

impl Store {
    /// Adds a problem to the bank as pending, with its samples and starters, in the caller's
    /// transaction (which queues its verification). The same package (by content) is refused as a
    /// conflict; [`Store::problem_by_blob`] finds the existing one.
    pub async fn create_problem(tx: &mut Tx, new: &NewProblem<'_>, now: i64) -> Result<i64> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO problems (slug, name, package_blob, package_bytes, built_in, status, status_detail, \
             statement, time_limit_ms, memory_mib, test_count, scoring, uploaded_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, 'pending', '', $6, $7, $8, $9, $10, $11, $12) RETURNING id",
        )
        .bind(new.slug)
        .bind(new.name)
        .bind(new.package_blob)
        .bind(new.package_bytes)
        .bind(i64::from(new.built_in))
        .bind(new.statement)
        .bind(new.time_limit_ms)
        .bind(new.memory_mib)
        .bind(new.test_count)
        .bind(i64::from(new.scoring))
        .bind(new.uploaded_by)
        .bind(now)
        .fetch_one(&mut **tx)
        .await
        .map_err(|e| StoreError::conflict_as(e, "this package"))?;
        for (position, (name, input, answer)) in new.samples.iter().enumerate() {
            sqlx::query(
                "INSERT INTO problem_samples (problem_id, position, name, input, answer) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(position as i64 + 1)
            .bind(name)
            .bind(input)
            .bind(answer)
            .execute(&mut **tx)
            .await?;
        }
        for (language, code) in new.starters {
            sqlx::query(
                "INSERT INTO problem_starters (problem_id, language, code) VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(language)
            .bind(code)
            .execute(&mut **tx)
            .await?;
        }
        Ok(id)
    }

    pub async fn problem(&self, id: i64) -> Result<ProblemRecord> {
        sqlx::query_as(&format!(
            "SELECT {PROBLEM_COLUMNS} FROM problems WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.reader)
        .await?
        .ok_or(StoreError::NotFound)
    }

    pub async fn problem_by_blob(&self, blob: &str) -> Result<Option<ProblemRecord>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {PROBLEM_COLUMNS} FROM problems WHERE package_blob = $1"
        ))
        .bind(blob)
        .fetch_optional(&self.reader)
        .await?)
    }

    /// The whole bank, by name.
    pub async fn problems(&self) -> Result<Vec<ProblemRecord>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {PROBLEM_COLUMNS} FROM problems ORDER BY name, id"
        ))
        .fetch_all(&self.reader)
        .await?)
    }

    pub async fn problem_samples(&self, problem_id: i64) -> Result<Vec<SampleRecord>> {
        Ok(sqlx::query_as(
            "SELECT position, name, input, answer FROM problem_samples WHERE problem_id = $1 ORDER BY position",
        )
        .bind(problem_id)
        .fetch_all(&self.reader)
        .await?)
    }

    /// Starter code per language id.
    pub async fn problem_starters(&self, problem_id: i64) -> Result<Vec<(String, String)>> {
        Ok(sqlx::query_as(
            "SELECT language, code FROM problem_starters WHERE problem_id = $1 ORDER BY language",
        )
        .bind(problem_id)
        .fetch_all(&self.reader)
        .await?)
    }

    /// Records the judge's verdict on a package. Idempotent: verifying again overwrites.
    pub async fn set_problem_status(
        tx: &mut Tx,
        problem_id: i64,
        status: ProblemStatus,
        detail: &str,
        now: i64,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE problems SET status = $1, status_detail = $2, verified_at = $3 WHERE id = $4",
        )
        .bind(status.as_str())
        .bind(detail)
        .bind(now)
        .bind(problem_id)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Creates or replaces the assessment of `input.track_id` in its season.
    pub async fn save_assessment(tx: &mut Tx, input: &AssessmentInput, now: i64) -> Result<i64> {
        let languages = format!(",{},", input.languages.join(","));
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO assessments (season_id, track_id, duration_minutes, languages, passing_percent, \
             start_within_days, counts, advance, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) \
             ON CONFLICT (season_id, track_id) DO UPDATE SET duration_minutes = excluded.duration_minutes, \
             languages = excluded.languages, passing_percent = excluded.passing_percent, \
             start_within_days = excluded.start_within_days, counts = excluded.counts, \
             advance = excluded.advance, updated_at = excluded.updated_at RETURNING id",
        )
        .bind(input.season_id)
        .bind(input.track_id)
        .bind(input.duration_minutes)
        .bind(languages)
        .bind(input.passing_percent)
        .bind(input.start_within_days)
        .bind(&input.counts)
        .bind(&input.advance)
        .bind(now)
        .fetch_one(&mut **tx)
        .await?;
        sqlx::query("DELETE FROM assessment_problems WHERE assessment_id = $1")
            .bind(id)
            .execute(&mut **tx)
            .await?;
        for (position, (problem_id, points)) in input.problems.iter().enumerate() {
            sqlx::query(
                "INSERT INTO assessment_problems (assessment_id, position, problem_id, points) VALUES ($1, $2, $3, $4)",
            )
            .bind(id)
            .bind(position as i64 + 1)
            .bind(problem_id)
            .bind(points)
            .execute(&mut **tx)
            .await?;
        }
        Ok(id)
    }

    /// The season's assessments, in track order.
    pub async fn assessments(&self, season_id: i64) -> Result<Vec<AssessmentRecord>> {
        Ok(sqlx::query_as(
            "SELECT a.id, a.season_id, a.track_id, t.name AS track_name, a.duration_minutes, a.languages, \
             a.passing_percent, a.start_within_days, a.counts, a.advance \
             FROM assessments a JOIN tracks t ON t.id = a.track_id WHERE a.season_id = $1 ORDER BY t.position, t.id",
        )
        .bind(season_id)
        .fetch_all(&self.reader)
        .await?)
    }

    pub async fn assessment(&self, id: i64) -> Result<AssessmentRecord> {
        sqlx::query_as(
            "SELECT a.id, a.season_id, a.track_id, t.name AS track_name, a.duration_minutes, a.languages, \
             a.passing_percent, a.start_within_days, a.counts, a.advance \
             FROM assessments a JOIN tracks t ON t.id = a.track_id WHERE a.id = $1",
        )
        .bind(id)
        .fetch_optional(&self.reader)
        .await?
        .ok_or(StoreError::NotFound)
    }

    pub async fn assessment_problems(
        &self,
        assessment_id: i64,
    ) -> Result<Vec<AssessmentProblemRecord>> {
        Ok(sqlx::query_as(
            "SELECT ap.position, ap.problem_id, ap.points, p.name, p.status, p.scoring FROM assessment_problems ap \
             JOIN problems p ON p.id = ap.problem_id WHERE ap.assessment_id = $1 ORDER BY ap.position",
        )
        .bind(assessment_id)
        .fetch_all(&self.reader)
        .await?)
    }
}
