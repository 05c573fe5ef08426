//! Follow-up interviews: booked from a debrief that decided "more information needed", they
//! fill no seat of the loop template, so what each assesses is recorded beside it.

use crate::{Result, Store, Tx};

/// What a follow-up interview assesses, and why it was asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUpRecord {
    pub interview_id: i64,
    pub area_id: Option<i64>,
    pub principles: Vec<i64>,
    pub brief: String,
    pub debrief_round: i64,
    pub requested_by: i64,
    pub created_at: i64,
}

#[derive(sqlx::FromRow)]
struct FollowUpRow {
    interview_id: i64,
    area_id: Option<i64>,
    principles: String,
    brief: String,
    debrief_round: i64,
    requested_by: i64,
    created_at: i64,
}

impl From<FollowUpRow> for FollowUpRecord {
    fn from(row: FollowUpRow) -> FollowUpRecord {
        FollowUpRecord {
            interview_id: row.interview_id,
            area_id: row.area_id,
            principles: row
                .principles
                .split(',')
                .filter_map(|id| id.trim().parse().ok())
                .collect(),
            brief: row.brief,
            debrief_round: row.debrief_round,
            requested_by: row.requested_by,
            created_at: row.created_at,
        }
    }
}

/// A follow-up interview to record beside its booked interview.
#[derive(Debug, Clone)]
pub struct NewFollowUp<'a> {
    pub interview_id: i64,
    pub area_id: Option<i64>,
    pub principles: &'a [i64],
    pub brief: &'a str,
    pub debrief_round: i64,
    pub requested_by: i64,
}

const FOLLOW_UP: &str = "SELECT interview_id, area_id, principles, brief, debrief_round, \
     requested_by, created_at FROM follow_up_interviews";

impl Store {
    pub async fn insert_follow_up(tx: &mut Tx, new: &NewFollowUp<'_>, now: i64) -> Result<()> {
        let principles: Vec<String> = new.principles.iter().map(i64::to_string).collect();
        sqlx::query(
            "INSERT INTO follow_up_interviews (interview_id, area_id, principles, brief, \
             debrief_round, requested_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(new.interview_id)
        .bind(new.area_id)
        .bind(principles.join(","))
        .bind(new.brief)
        .bind(new.debrief_round)
        .bind(new.requested_by)
        .bind(now)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// What the follow-up interview `interview_id` assesses; none for any other interview.
    pub async fn follow_up(&self, interview_id: i64) -> Result<Option<FollowUpRecord>> {
        let row: Option<FollowUpRow> =
            sqlx::query_as(&format!("{FOLLOW_UP} WHERE interview_id = $1"))
                .bind(interview_id)
                .fetch_optional(&self.reader)
                .await?;
        Ok(row.map(FollowUpRecord::from))
    }

    /// The follow-up interviews of an application, booked or cancelled, oldest first.
    pub async fn follow_ups_of(&self, application_id: i64) -> Result<Vec<FollowUpRecord>> {
        let rows: Vec<FollowUpRow> = sqlx::query_as(&format!(
            "{FOLLOW_UP} WHERE interview_id IN (SELECT id FROM interviews WHERE application_id = $1) \
             ORDER BY interview_id"
        ))
        .bind(application_id)
        .fetch_all(&self.reader)
        .await?;
        Ok(rows.into_iter().map(FollowUpRecord::from).collect())
    }

    /// The follow-up interviews of an application, read inside `tx` after the caller's locks.
    pub async fn follow_ups_in(tx: &mut Tx, application_id: i64) -> Result<Vec<FollowUpRecord>> {
        let rows: Vec<FollowUpRow> = sqlx::query_as(&format!(
            "{FOLLOW_UP} WHERE interview_id IN (SELECT id FROM interviews WHERE application_id = $1) \
             ORDER BY interview_id"
        ))
        .bind(application_id)
        .fetch_all(&mut **tx)
        .await?;
        Ok(rows.into_iter().map(FollowUpRecord::from).collect())
    }

    /// The round a follow-up interview of an application's loop takes: one past every round its
    /// loop has used, booked or cancelled (so the candidate's and interviewer's pages number it
    /// after the loop's own), read after the caller locked the application.
    pub async fn next_loop_round_in(tx: &mut Tx, application_id: i64) -> Result<i64> {
        let last: Option<i64> = sqlx::query_scalar(
            "SELECT MAX(round) FROM interviews WHERE application_id = $1 AND kind = 'final_loop'",
        )
        .bind(application_id)
        .fetch_one(&mut **tx)
        .await?;
        Ok(last.unwrap_or(0) + 1)
    }
}
