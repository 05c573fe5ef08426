//! What plagiarism detection reads and writes: the code to compare (full submissions and known
//! solutions of a problem), and the flags it raises. The detection itself is in
//! `cohort-plagiarism`; this module only stores.

use crate::{Result, Store, StoreError, Tx};

/// Code to index: a full submission (with its author) or a known solution.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct IndexedCode {
    pub id: i64,
    pub author_id: Option<i64>,
    pub language: String,
    pub code: String,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct KnownSolutionRecord {
    pub id: i64,
    pub problem_id: i64,
    pub language: String,
    pub name: String,
    pub code: String,
    pub created_at: i64,
}

/// What a submission was found similar to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlaggedWith {
    Submission(i64),
    KnownSolution(i64),
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct FlagRecord {
    pub id: i64,
    pub problem_id: i64,
    pub submission_id: i64,
    pub other_submission_id: Option<i64>,
    pub known_solution_id: Option<i64>,
    pub similarity: f64,
    pub created_at: i64,
}

const FLAG_COLUMNS: &str =
    "id, problem_id, submission_id, other_submission_id, known_solution_id, similarity, created_at";

/// The languages' judge ids as SQL placeholders are awkward across backends; they are few and
/// come from the language table, so they are checked and inlined.
fn language_list(languages: &[&str]) -> Result<String> {
    if languages.is_empty()
        || !languages
            .iter()
            .all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric()))
    {
        return Err(StoreError::NotFound);
    }
    Ok(languages
        .iter()
        .map(|l| format!("'{l}'"))
        .collect::<Vec<_>>()
        .join(", "))
}

impl Store {
    /// Full submissions to `problem_id` in one of `languages` with an id above `after`, oldest
    /// first: what an index that has seen up to `after` has yet to see.
    pub async fn submissions_to_index(
        &self,
        problem_id: i64,
        languages: &[&str],
        after: i64,
    ) -> Result<Vec<IndexedCode>> {
        Ok(sqlx::query_as(&format!(
            "SELECT id, author_id, language, code FROM submissions WHERE problem_id = $1 AND id > $2 \
             AND scope = 'full' AND language IN ({}) ORDER BY id",
            language_list(languages)?
        ))
        .bind(problem_id)
        .bind(after)
        .fetch_all(&self.reader)
        .await?)
    }

    /// Known solutions of `problem_id` in one of `languages` with an id above `after`.
    pub async fn known_solutions_to_index(
        &self,
        problem_id: i64,
        languages: &[&str],
        after: i64,
    ) -> Result<Vec<IndexedCode>> {
        Ok(sqlx::query_as(&format!(
            "SELECT id, NULL AS author_id, language, code FROM known_solutions WHERE problem_id = $1 \
             AND id > $2 AND language IN ({}) ORDER BY id",
            language_list(languages)?
        ))
        .bind(problem_id)
        .bind(after)
        .fetch_all(&self.reader)
        .await?)
    }

    pub async fn add_known_solution(
        tx: &mut Tx,
        problem_id: i64,
        (language, name, code): (&str, &str, &str),
        added_by: Option<i64>,
        now: i64,
    ) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO known_solutions (problem_id, language, name, code, added_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(problem_id)
        .bind(language)
        .bind(name)
        .bind(code)
        .bind(added_by)
        .bind(now)
        .fetch_one(&mut **tx)
        .await?)
    }

    pub async fn known_solutions(&self, problem_id: i64) -> Result<Vec<KnownSolutionRecord>> {
        Ok(sqlx::query_as(
            "SELECT id, problem_id, language, name, code, created_at FROM known_solutions \
             WHERE problem_id = $1 ORDER BY id",
        )
        .bind(problem_id)
        .fetch_all(&self.reader)
        .await?)
    }

    pub async fn known_solution(&self, id: i64) -> Result<KnownSolutionRecord> {
        sqlx::query_as(
            "SELECT id, problem_id, language, name, code, created_at FROM known_solutions WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.reader)
        .await?
        .ok_or(StoreError::NotFound)
    }

    /// Records a flag once per pair, whichever side found it. Returns whether it was new.
    pub async fn record_flag(
        tx: &mut Tx,
        problem_id: i64,
        submission_id: i64,
        with: FlaggedWith,
        similarity: f64,
        now: i64,
    ) -> Result<bool> {
        let (other, known, pair_key) = match with {
            FlaggedWith::Submission(other) => (
                Some(other),
                None,
                format!(
                    "s{}-s{}",
                    submission_id.min(other),
                    submission_id.max(other)
                ),
            ),
            FlaggedWith::KnownSolution(known) => {
                (None, Some(known), format!("s{submission_id}-k{known}"))
            }
        };
        let written = sqlx::query(
            "INSERT INTO plagiarism_flags (problem_id, submission_id, other_submission_id, known_solution_id, \
             similarity, created_at, pair_key) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (pair_key) DO NOTHING",
        )
        .bind(problem_id)
        .bind(submission_id)
        .bind(other)
        .bind(known)
        .bind(similarity)
        .bind(now)
        .bind(pair_key)
        .execute(&mut **tx)
        .await?
        .rows_affected();
        Ok(written == 1)
    }

    pub async fn flag(&self, id: i64) -> Result<FlagRecord> {
        sqlx::query_as(&format!(
            "SELECT {FLAG_COLUMNS} FROM plagiarism_flags WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.reader)
        .await?
        .ok_or(StoreError::NotFound)
    }

    /// Flags that involve any submission of a session, either side.
    pub async fn flags_of_session(&self, invitation_id: i64) -> Result<Vec<FlagRecord>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {FLAG_COLUMNS} FROM plagiarism_flags WHERE submission_id IN \
             (SELECT id FROM submissions WHERE invitation_id = $1) OR other_submission_id IN \
             (SELECT id FROM submissions WHERE invitation_id = $1) ORDER BY similarity DESC, id"
        ))
        .bind(invitation_id)
        .fetch_all(&self.reader)
        .await?)
    }

    /// How many flags touch each session of an assessment: (invitation id, flags), sessions
    /// without flags left out.
    pub async fn flag_counts_of_assessment(&self, assessment_id: i64) -> Result<Vec<(i64, i64)>> {
        Ok(sqlx::query_as(
            "SELECT i.id, COUNT(DISTINCT f.id) FROM assessment_invitations i \
             JOIN submissions s ON s.invitation_id = i.id \
             JOIN plagiarism_flags f ON f.submission_id = s.id OR f.other_submission_id = s.id \
             WHERE i.assessment_id = $1 GROUP BY i.id",
        )
        .bind(assessment_id)
        .fetch_all(&self.reader)
        .await?)
    }

    /// The name of the candidate who made a submission in an assessment session, if any.
    pub async fn submission_owner_name(&self, submission_id: i64) -> Result<Option<String>> {
        Ok(sqlx::query_scalar(
            "SELECT ap.candidate_name FROM submissions s \
             JOIN assessment_invitations i ON i.id = s.invitation_id \
             JOIN applications ap ON ap.id = i.application_id WHERE s.id = $1",
        )
        .bind(submission_id)
        .fetch_optional(&self.reader)
        .await?)
    }
}
