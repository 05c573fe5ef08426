//! The question bank: questions tagged by competency, track and level, with how often each was
//! asked in a season (counted from the scorecards that say so).

use crate::{affected, Result, Store, StoreError, Tx};
use cohort_domain::interviews::kit::{BankQuestion, Level, QuestionInput};

/// A question of the bank with its use in one season.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct QuestionRecord {
    pub id: i64,
    pub competency_id: i64,
    pub track_name: Option<String>,
    #[sqlx(try_from = "String")]
    pub level: Level,
    pub prompt: String,
    pub guidance: String,
    pub retired_at: Option<i64>,
    /// Submitted scorecards of the season that say it was asked.
    pub uses: i64,
}

impl QuestionRecord {
    pub fn bank_question(&self) -> BankQuestion {
        BankQuestion {
            id: self.id,
            competency_id: self.competency_id,
            track: self.track_name.clone(),
            retired: self.retired_at.is_some(),
            uses: self.uses,
        }
    }
}

impl Store {
    /// Every question, with its uses in `season_id`, by competency then id.
    pub async fn questions(&self, season_id: i64) -> Result<Vec<QuestionRecord>> {
        Ok(sqlx::query_as(
            "SELECT q.id, q.competency_id, q.track_name, q.level, q.prompt, q.guidance, q.retired_at, \
             (SELECT COUNT(*) FROM scorecard_questions u JOIN scorecards s ON s.id = u.scorecard_id \
              JOIN applications a ON a.id = s.application_id \
              WHERE u.question_id = q.id AND a.season_id = $1 AND s.submitted_at IS NOT NULL) AS uses \
             FROM interview_questions q ORDER BY q.competency_id, q.id",
        )
        .bind(season_id)
        .fetch_all(&self.reader)
        .await?)
    }

    /// The question of `competency_id` asking exactly `prompt`, if the bank has one, read inside
    /// `tx` after locking the competency (PostgreSQL; SQLite's write transaction is exclusive), so
    /// that two copies of one request cannot both find it missing.
    pub async fn question_asking_in(
        tx: &mut Tx,
        competency_id: i64,
        prompt: &str,
    ) -> Result<Option<i64>> {
        if tx.backend_name() == "PostgreSQL" {
            sqlx::query("SELECT id FROM competencies WHERE id = $1 FOR UPDATE")
                .bind(competency_id)
                .execute(&mut **tx)
                .await?;
        }
        Ok(sqlx::query_scalar(
            "SELECT id FROM interview_questions WHERE competency_id = $1 AND prompt = $2 \
             ORDER BY id LIMIT 1",
        )
        .bind(competency_id)
        .bind(prompt)
        .fetch_optional(&mut **tx)
        .await?)
    }

    pub async fn create_question(
        tx: &mut Tx,
        question: &QuestionInput,
        by: i64,
        now: i64,
    ) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO interview_questions (competency_id, track_name, level, prompt, guidance, \
             created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
        )
        .bind(question.competency_id)
        .bind(question.track.as_deref())
        .bind(question.level.as_str())
        .bind(&question.prompt)
        .bind(&question.guidance)
        .bind(by)
        .bind(now)
        .fetch_one(&mut **tx)
        .await?)
    }

    pub async fn update_question(
        tx: &mut Tx,
        id: i64,
        question: &QuestionInput,
        now: i64,
    ) -> Result<()> {
        let result = sqlx::query(
            "UPDATE interview_questions SET competency_id = $1, track_name = $2, level = $3, \
             prompt = $4, guidance = $5, updated_at = $6 WHERE id = $7",
        )
        .bind(question.competency_id)
        .bind(question.track.as_deref())
        .bind(question.level.as_str())
        .bind(&question.prompt)
        .bind(&question.guidance)
        .bind(now)
        .bind(id)
        .execute(&mut **tx)
        .await?;
        if affected(result) == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Retires a question (`retired`) or brings it back.
    pub async fn set_question_retired(tx: &mut Tx, id: i64, retired: bool, now: i64) -> Result<()> {
        let result = sqlx::query(
            "UPDATE interview_questions SET retired_at = $1, updated_at = $2 WHERE id = $3",
        )
        .bind(retired.then_some(now))
        .bind(now)
        .bind(id)
        .execute(&mut **tx)
        .await?;
        if affected(result) == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }
}
