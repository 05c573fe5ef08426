//! Weeks of final loops as coordinators plan them: a plan holds the engine's instance, the
//! schedule found and edited, its bound and its progress. Publishing a plan writes its loops into
//! `interviews` (see [`Store::insert_loop_interview`]); until then nobody but recruiters sees it.

use crate::{affected, Result, Store, StoreError, Tx};

/// Where a plan is in its life, read from its stored `status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanState {
    /// The engine is running on it.
    Solving,
    /// Solved: the coordinator's to edit and publish; nobody else sees it.
    Draft,
    /// Its loops are booked.
    Published,
    /// The engine could not run on it.
    Failed,
}

impl PlanState {
    fn of(status: &str) -> PlanState {
        match status {
            "solving" => PlanState::Solving,
            "draft" => PlanState::Draft,
            "published" => PlanState::Published,
            _ => PlanState::Failed,
        }
    }

    /// In a sentence: "This plan is {word}".
    pub fn word(self) -> &'static str {
        match self {
            PlanState::Solving => "being planned",
            PlanState::Draft => "a draft",
            PlanState::Published => "published",
            PlanState::Failed => "failed",
        }
    }
}

/// A plan as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PlanRecord {
    pub id: i64,
    pub season_id: i64,
    pub days: String,
    pub status: String,
    pub seconds: i64,
    pub scheduled: i64,
    pub candidates: i64,
    pub bound: Option<i64>,
    pub bound_argument: Option<String>,
    pub instance: String,
    pub schedule: Option<String>,
    pub left_out: String,
    pub error: Option<String>,
    pub revision: i64,
    pub created_by: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub published_at: Option<i64>,
}

/// A plan in a season's list.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PlanSummary {
    pub id: i64,
    pub days: String,
    pub status: String,
    pub scheduled: i64,
    pub candidates: i64,
    pub bound: Option<i64>,
    pub created_at: i64,
    pub published_at: Option<i64>,
}

/// A plan about to be solved.
#[derive(Debug, Clone)]
pub struct NewPlan<'a> {
    pub season_id: i64,
    pub days: &'a str,
    pub seconds: i64,
    pub candidates: i64,
    pub instance: &'a str,
    pub left_out: &'a str,
    pub created_by: i64,
}

/// One interview of a published loop.
#[derive(Debug, Clone)]
pub struct NewLoopInterview<'a> {
    /// The plan that published it; none for a follow-up interview booked from the debrief.
    pub plan_id: Option<i64>,
    pub application_id: i64,
    /// The seat in the loop, from 1.
    pub round: i64,
    pub interviewer_id: i64,
    pub shadow_id: Option<i64>,
    pub starts_at: i64,
    pub ends_at: i64,
    pub candidate_time_zone: &'a str,
    pub focus: &'a str,
}

impl PlanRecord {
    pub fn state(&self) -> PlanState {
        PlanState::of(&self.status)
    }
}

impl PlanSummary {
    pub fn state(&self) -> PlanState {
        PlanState::of(&self.status)
    }
}

const PLAN: &str = "SELECT id, season_id, days, status, seconds, scheduled, candidates, bound, \
     bound_argument, instance, schedule, left_out, error, revision, created_by, created_at, \
     updated_at, published_at FROM loop_plans";

impl Store {
    /// Records a plan in the 'solving' state; the caller queues its run in the same transaction.
    pub async fn insert_plan(tx: &mut Tx, new: &NewPlan<'_>, now: i64) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO loop_plans (season_id, days, status, seconds, candidates, instance, \
             left_out, created_by, created_at, updated_at) \
             VALUES ($1, $2, 'solving', $3, $4, $5, $6, $7, $8, $8) RETURNING id",
        )
        .bind(new.season_id)
        .bind(new.days)
        .bind(new.seconds)
        .bind(new.candidates)
        .bind(new.instance)
        .bind(new.left_out)
        .bind(new.created_by)
        .bind(now)
        .fetch_one(&mut **tx)
        .await?)
    }

    pub async fn plan(&self, id: i64) -> Result<PlanRecord> {
        sqlx::query_as(&format!("{PLAN} WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.reader)
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// Reads a plan inside `tx`; on PostgreSQL its row stays locked until `tx` ends, so that two
    /// edits or publications of one plan are decided one after the other.
    pub async fn lock_plan(tx: &mut Tx, id: i64) -> Result<PlanRecord> {
        let lock = if tx.backend_name() == "PostgreSQL" {
            " FOR UPDATE"
        } else {
            ""
        };
        sqlx::query_as(&format!("{PLAN} WHERE id = $1{lock}"))
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// A season's plans, newest first.
    pub async fn plans_of_season(&self, season_id: i64) -> Result<Vec<PlanSummary>> {
        Ok(sqlx::query_as(
            "SELECT id, days, status, scheduled, candidates, bound, created_at, published_at \
             FROM loop_plans WHERE season_id = $1 ORDER BY created_at DESC, id DESC",
        )
        .bind(season_id)
        .fetch_all(&self.reader)
        .await?)
    }

    /// How many candidates the running engine has scheduled so far, and its bound once known.
    pub async fn set_plan_progress(
        &self,
        id: i64,
        scheduled: i64,
        bound: Option<i64>,
        now: i64,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE loop_plans SET scheduled = $1, bound = $2, updated_at = $3 \
             WHERE id = $4 AND status = 'solving'",
        )
        .bind(scheduled)
        .bind(bound)
        .bind(now)
        .bind(id)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// The engine's result: the plan becomes a draft. False when it was not solving any more
    /// (a second run of the job finished first).
    pub async fn finish_plan(
        tx: &mut Tx,
        id: i64,
        (scheduled, bound, argument): (i64, i64, &str),
        schedule: &str,
        now: i64,
    ) -> Result<bool> {
        let result = sqlx::query(
            "UPDATE loop_plans SET status = 'draft', scheduled = $1, bound = $2, \
             bound_argument = $3, schedule = $4, updated_at = $5 \
             WHERE id = $6 AND status = 'solving'",
        )
        .bind(scheduled)
        .bind(bound)
        .bind(argument)
        .bind(schedule)
        .bind(now)
        .bind(id)
        .execute(&mut **tx)
        .await?;
        Ok(affected(result) == 1)
    }

    /// The engine could not run on the plan's instance.
    pub async fn fail_plan(tx: &mut Tx, id: i64, error: &str, now: i64) -> Result<()> {
        sqlx::query(
            "UPDATE loop_plans SET status = 'failed', error = $1, updated_at = $2 \
             WHERE id = $3 AND status = 'solving'",
        )
        .bind(error)
        .bind(now)
        .bind(id)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Saves an edited schedule of a draft or published plan and raises its revision.
    /// [`StoreError::Stale`] when the plan changed since `revision` was read.
    pub async fn save_plan_schedule(
        tx: &mut Tx,
        id: i64,
        revision: i64,
        (schedule, scheduled): (&str, i64),
        now: i64,
    ) -> Result<()> {
        let result = sqlx::query(
            "UPDATE loop_plans SET schedule = $1, scheduled = $2, revision = revision + 1, \
             updated_at = $3 WHERE id = $4 AND revision = $5 AND status IN ('draft', 'published')",
        )
        .bind(schedule)
        .bind(scheduled)
        .bind(now)
        .bind(id)
        .bind(revision)
        .execute(&mut **tx)
        .await?;
        if affected(result) != 1 {
            return Err(StoreError::Stale);
        }
        Ok(())
    }

    /// Marks a draft published. [`StoreError::Stale`] when it is not the draft of `revision`
    /// any more (edited, or published by another request).
    pub async fn mark_plan_published(tx: &mut Tx, id: i64, revision: i64, now: i64) -> Result<()> {
        let result = sqlx::query(
            "UPDATE loop_plans SET status = 'published', published_at = $1, updated_at = $1, \
             revision = revision + 1 WHERE id = $2 AND revision = $3 AND status = 'draft'",
        )
        .bind(now)
        .bind(id)
        .bind(revision)
        .execute(&mut **tx)
        .await?;
        if affected(result) != 1 {
            return Err(StoreError::Stale);
        }
        Ok(())
    }

    /// Books one interview of a published loop (or, with no plan, a follow-up interview). [`StoreError::Conflict`] when the candidate
    /// already has a booked interview in this seat.
    pub async fn insert_loop_interview(
        tx: &mut Tx,
        new: &NewLoopInterview<'_>,
        now: i64,
    ) -> Result<i64> {
        sqlx::query_scalar(
            "INSERT INTO interviews (application_id, kind, round, interviewer_id, starts_at, ends_at, \
             status, sequence, candidate_time_zone, created_at, updated_at, plan_id, shadow_id, focus) \
             VALUES ($1, 'final_loop', $2, $3, $4, $5, 'booked', 0, $6, $7, $7, $8, $9, $10) RETURNING id",
        )
        .bind(new.application_id)
        .bind(new.round)
        .bind(new.interviewer_id)
        .bind(new.starts_at)
        .bind(new.ends_at)
        .bind(new.candidate_time_zone)
        .bind(now)
        .bind(new.plan_id)
        .bind(new.shadow_id)
        .bind(new.focus)
        .fetch_one(&mut **tx)
        .await
        .map_err(|e| StoreError::conflict_as(e, "a final loop for this candidate"))
    }

    /// The applications that have a booked final loop, so that a new plan leaves them out.
    pub async fn applications_with_loops(&self, season_id: i64) -> Result<Vec<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT DISTINCT i.application_id FROM interviews i \
             JOIN applications a ON a.id = i.application_id \
             WHERE a.season_id = $1 AND i.kind = 'final_loop' AND i.status = 'booked'",
        )
        .bind(season_id)
        .fetch_all(&self.reader)
        .await?)
    }

    /// Each application of a season with its candidate's name, for a plan's pages.
    pub async fn candidate_names(&self, season_id: i64) -> Result<Vec<(i64, String)>> {
        Ok(
            sqlx::query_as("SELECT id, candidate_name FROM applications WHERE season_id = $1")
                .bind(season_id)
                .fetch_all(&self.reader)
                .await?,
        )
    }

    /// Each interviewer with a profile, with their name, for a plan's pages.
    pub async fn interviewer_names(&self) -> Result<Vec<(i64, String)>> {
        Ok(sqlx::query_as(
            "SELECT u.id, u.display_name FROM users u \
             JOIN interviewer_profiles p ON p.user_id = u.id ORDER BY u.display_name",
        )
        .fetch_all(&self.reader)
        .await?)
    }

    /// An application's booked final-loop interviews that a plan published, in order of seat, as
    /// `tx` sees them; follow-up interviews are not the plan's, and a re-slot leaves them alone.
    pub async fn loop_interviews_in(
        tx: &mut Tx,
        application_id: i64,
    ) -> Result<Vec<super::bookings::InterviewRecord>> {
        Ok(sqlx::query_as(&format!(
            "{} WHERE i.application_id = $1 AND i.kind = 'final_loop' AND i.status = 'booked' \
             AND i.plan_id IS NOT NULL ORDER BY i.round",
            super::bookings::INTERVIEW
        ))
        .bind(application_id)
        .fetch_all(&mut **tx)
        .await?)
    }

    /// The version of an application's final loop as its candidate's calendar knows it: every
    /// interview added (the count) and every change to one (its sequence) raises it, so the
    /// loop's invitation always goes out with a higher SEQUENCE than the last.
    pub async fn loop_version_in(tx: &mut Tx, application_id: i64) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "SELECT CAST(COUNT(*) + COALESCE(SUM(sequence), 0) AS BIGINT) FROM interviews \
             WHERE application_id = $1 AND kind = 'final_loop'",
        )
        .bind(application_id)
        .fetch_one(&mut **tx)
        .await?)
    }

    /// Replaces a plan's instance: a re-slot records an interviewer excluded for a candidate.
    pub async fn save_plan_instance(tx: &mut Tx, id: i64, instance: &str) -> Result<()> {
        sqlx::query("UPDATE loop_plans SET instance = $1 WHERE id = $2")
            .bind(instance)
            .bind(id)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    /// Per application of the season, the track of its first choice.
    pub async fn first_choice_tracks(&self, season_id: i64) -> Result<Vec<(i64, String)>> {
        Ok(sqlx::query_as(
            "SELECT c.application_id, t.name FROM application_choices c \
             JOIN applications a ON a.id = c.application_id \
             JOIN openings o ON o.id = c.opening_id JOIN tracks t ON t.id = o.track_id \
             WHERE a.season_id = $1 AND c.rank = \
             (SELECT MIN(f.rank) FROM application_choices f WHERE f.application_id = c.application_id)",
        )
        .bind(season_id)
        .fetch_all(&self.reader)
        .await?)
    }

    /// Per application of the season, the zone of its latest interview (the zone its candidate
    /// booked in), for applications with any.
    pub async fn latest_interview_zones(&self, season_id: i64) -> Result<Vec<(i64, String)>> {
        Ok(sqlx::query_as(
            "SELECT i.application_id, i.candidate_time_zone FROM interviews i \
             JOIN applications a ON a.id = i.application_id WHERE a.season_id = $1 \
             AND i.starts_at = (SELECT MAX(l.starts_at) FROM interviews l \
             WHERE l.application_id = i.application_id)",
        )
        .bind(season_id)
        .fetch_all(&self.reader)
        .await?)
    }

    /// Per application of the season, each interviewer who has ever interviewed its candidate
    /// (in any season): [`Store::past_interviewers_of`] for the whole season at once.
    pub async fn past_interviewers_in_season(&self, season_id: i64) -> Result<Vec<(i64, i64)>> {
        Ok(sqlx::query_as(
            "SELECT DISTINCT a.id, i.interviewer_id FROM applications a \
             JOIN applications other ON other.candidate_id = a.candidate_id \
             JOIN interviews i ON i.application_id = other.id \
             WHERE a.season_id = $1 AND i.interviewer_id IS NOT NULL AND i.status = 'booked'",
        )
        .bind(season_id)
        .fetch_all(&self.reader)
        .await?)
    }

    /// Gives a booked interview another place in its loop, without a new version: the
    /// interview itself (who, when) has not changed.
    pub async fn renumber_interview(tx: &mut Tx, id: i64, round: i64) -> Result<()> {
        sqlx::query("UPDATE interviews SET round = $1 WHERE id = $2")
            .bind(round)
            .bind(id)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    /// [`Store::loop_version_in`], read outside a transaction.
    pub async fn loop_version(&self, application_id: i64) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "SELECT CAST(COUNT(*) + COALESCE(SUM(sequence), 0) AS BIGINT) FROM interviews \
             WHERE application_id = $1 AND kind = 'final_loop'",
        )
        .bind(application_id)
        .fetch_one(&self.reader)
        .await?)
    }

    /// The name of a user, as `tx` sees it: for messages made inside a transaction, which must
    /// not wait for a second connection while it holds locks.
    pub async fn user_name_in(tx: &mut Tx, user_id: i64) -> Result<String> {
        sqlx::query_scalar("SELECT display_name FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&mut **tx)
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// The candidate's name on an application, as `tx` sees it.
    pub async fn candidate_name_in(tx: &mut Tx, application_id: i64) -> Result<String> {
        sqlx::query_scalar("SELECT candidate_name FROM applications WHERE id = $1")
            .bind(application_id)
            .fetch_optional(&mut **tx)
            .await?
            .ok_or(StoreError::NotFound)
    }
}
