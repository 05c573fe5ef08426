//! Booked interviews (phone screens today): booking, moving, cancelling and reading them, the
//! interviewers' busy blocks, and the secret of each interviewer's calendar feed.
//!
//! A booking is atomic per interviewer: the caller locks the interviewer ([`Store::lock_interviewer`])
//! and checks their interviews again inside the transaction before it inserts. On SQLite the
//! single writer already serialises transactions; on PostgreSQL the profile row is locked.

use crate::{affected, Result, Store, StoreError, Tx};

/// Where a phone screen of an application comes from: its first choice's track and that track's
/// loop template, if the season has one.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PhoneScreenSetup {
    pub season_id: i64,
    pub track_name: String,
    /// `None` when the track has no loop template yet.
    pub minutes: Option<i64>,
    pub screens: Option<i64>,
}

/// An interview with the names the pages, the mail and the calendar feeds show.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct InterviewRecord {
    pub id: i64,
    pub application_id: i64,
    pub kind: String,
    pub round: i64,
    pub interviewer_id: Option<i64>,
    pub interviewer_name: Option<String>,
    pub interviewer_email: Option<String>,
    pub meeting_link: Option<String>,
    pub starts_at: i64,
    pub ends_at: i64,
    pub status: String,
    pub sequence: i64,
    pub candidate_time_zone: String,
    pub candidate_id: i64,
    pub candidate_name: String,
    pub candidate_email: String,
    pub season_name: String,
    pub track_name: Option<String>,
    /// The plan that published it, for a final loop's interview.
    pub plan_id: Option<i64>,
    /// Who sits in as a shadow, for a final loop's interview.
    pub shadow_id: Option<i64>,
    pub shadow_name: Option<String>,
    pub shadow_email: Option<String>,
    /// What a loop interview assesses, for its interviewer.
    pub focus: Option<String>,
}

impl InterviewRecord {
    pub fn is_booked(&self) -> bool {
        self.status == "booked"
    }
}

/// An interviewer's booked interview or busy block, for availability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct Occupied {
    pub user_id: i64,
    pub starts_at: i64,
    pub ends_at: i64,
}

/// A row of [`Store::occupied_between`]'s one statement: `booked` is 1 for an interview the
/// person gives, 0 for a time they are busy otherwise.
#[derive(sqlx::FromRow)]
struct OccupiedRow {
    user_id: i64,
    starts_at: i64,
    ends_at: i64,
    booked: i64,
}

/// A new booking.
#[derive(Debug, Clone)]
pub struct NewInterview<'a> {
    pub application_id: i64,
    pub kind: &'a str,
    pub round: i64,
    pub interviewer_id: i64,
    pub starts_at: i64,
    pub ends_at: i64,
    pub candidate_time_zone: &'a str,
}

pub(crate) const INTERVIEW: &str = "SELECT i.id, i.application_id, i.kind, i.round, i.interviewer_id, \
     u.display_name AS interviewer_name, u.email AS interviewer_email, p.meeting_link, \
     i.starts_at, i.ends_at, i.status, i.sequence, i.candidate_time_zone, \
     a.candidate_id, a.candidate_name, c.email AS candidate_email, s.name AS season_name, \
     (SELECT t.name FROM application_choices ch JOIN openings o ON o.id = ch.opening_id \
      JOIN tracks t ON t.id = o.track_id WHERE ch.application_id = a.id ORDER BY ch.rank LIMIT 1) AS track_name, \
     i.plan_id, i.shadow_id, sh.display_name AS shadow_name, sh.email AS shadow_email, i.focus \
     FROM interviews i JOIN applications a ON a.id = i.application_id \
     JOIN users c ON c.id = a.candidate_id JOIN seasons s ON s.id = a.season_id \
     LEFT JOIN users u ON u.id = i.interviewer_id \
     LEFT JOIN interviewer_profiles p ON p.user_id = i.interviewer_id \
     LEFT JOIN users sh ON sh.id = i.shadow_id";

impl Store {
    /// The track and phone-screen format of an application's first choice.
    pub async fn phone_screen_setup(&self, application_id: i64) -> Result<PhoneScreenSetup> {
        sqlx::query_as(
            "SELECT o.season_id, t.name AS track_name, l.phone_screen_minutes AS minutes, \
             l.phone_screens AS screens FROM application_choices c \
             JOIN openings o ON o.id = c.opening_id JOIN tracks t ON t.id = o.track_id \
             LEFT JOIN loop_templates l ON l.track_id = t.id \
             WHERE c.application_id = $1 ORDER BY c.rank LIMIT 1",
        )
        .bind(application_id)
        .fetch_optional(&self.reader)
        .await?
        .ok_or(StoreError::NotFound)
    }

    pub async fn interview(&self, id: i64) -> Result<Option<InterviewRecord>> {
        Ok(sqlx::query_as(&format!("{INTERVIEW} WHERE i.id = $1"))
            .bind(id)
            .fetch_optional(&self.reader)
            .await?)
    }

    /// Reads an interview inside `tx`, after the caller's locks.
    pub async fn interview_in(tx: &mut Tx, id: i64) -> Result<Option<InterviewRecord>> {
        Ok(sqlx::query_as(&format!("{INTERVIEW} WHERE i.id = $1"))
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?)
    }

    /// An application's booked interviews of every kind, read inside `tx` after the caller's
    /// locks, in order of start.
    pub async fn booked_interviews_of_application_in(
        tx: &mut Tx,
        application_id: i64,
    ) -> Result<Vec<InterviewRecord>> {
        Ok(sqlx::query_as(&format!(
            "{INTERVIEW} WHERE i.application_id = $1 AND i.status = 'booked' ORDER BY i.starts_at, i.id"
        ))
        .bind(application_id)
        .fetch_all(&mut **tx)
        .await?)
    }

    /// An application's interviews, booked and cancelled, in order of start.
    pub async fn interviews_of_application(
        &self,
        application_id: i64,
    ) -> Result<Vec<InterviewRecord>> {
        Ok(sqlx::query_as(&format!(
            "{INTERVIEW} WHERE i.application_id = $1 ORDER BY i.starts_at, i.id"
        ))
        .bind(application_id)
        .fetch_all(&self.reader)
        .await?)
    }

    /// An interviewer's booked interviews, and the final loop interviews they sit in on as a
    /// shadow, in order of start.
    pub async fn interviews_of_interviewer(&self, user_id: i64) -> Result<Vec<InterviewRecord>> {
        Ok(sqlx::query_as(&format!(
            "{INTERVIEW} WHERE (i.interviewer_id = $1 OR i.shadow_id = $2) AND i.status = 'booked' \
             ORDER BY i.starts_at, i.id"
        ))
        .bind(user_id)
        .bind(user_id)
        .fetch_all(&self.reader)
        .await?)
    }

    /// The interviewers who ever interviewed the candidate of `application_id` (any season), so
    /// that nobody interviews the same person twice.
    pub async fn past_interviewers_of(&self, application_id: i64) -> Result<Vec<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT DISTINCT i.interviewer_id FROM interviews i JOIN applications a ON a.id = i.application_id \
             WHERE a.candidate_id = (SELECT candidate_id FROM applications WHERE id = $1) \
             AND i.interviewer_id IS NOT NULL AND i.status = 'booked'",
        )
        .bind(application_id)
        .fetch_all(&self.reader)
        .await?)
    }

    /// Booked interviews, and calendar busy blocks and times given up, of every interviewer
    /// overlapping `[from, to)`.
    pub async fn occupied_between(
        &self,
        from: i64,
        to: i64,
    ) -> Result<(Vec<Occupied>, Vec<Occupied>)> {
        // One statement for both kinds (a booking reads this on every request); `booked` tells
        // them apart. A time an interviewer gave up, or sits in on as a shadow, counts as busy
        // for them, like their calendar (a shadow seat does not count against their caps).
        let rows: Vec<OccupiedRow> = sqlx::query_as(
            "SELECT interviewer_id AS user_id, starts_at, ends_at, CAST(1 AS BIGINT) AS booked FROM interviews \
             WHERE status = 'booked' AND interviewer_id IS NOT NULL AND starts_at < $2 AND ends_at > $1 \
             UNION ALL SELECT user_id, starts_at, ends_at, CAST(0 AS BIGINT) FROM interviewer_busy \
             WHERE starts_at < $2 AND ends_at > $1 \
             UNION ALL SELECT user_id, starts_at, ends_at, CAST(0 AS BIGINT) FROM interview_releases \
             WHERE starts_at < $2 AND ends_at > $1 \
             UNION ALL SELECT shadow_id, starts_at, ends_at, CAST(0 AS BIGINT) FROM interviews \
             WHERE status = 'booked' AND shadow_id IS NOT NULL AND starts_at < $2 AND ends_at > $1 \
             ORDER BY starts_at",
        )
        .bind(from)
        .bind(to)
        .fetch_all(&self.reader)
        .await?;
        let (booked, busy): (Vec<OccupiedRow>, Vec<OccupiedRow>) =
            rows.into_iter().partition(|row| row.booked != 0);
        let spans = |rows: Vec<OccupiedRow>| -> Vec<Occupied> {
            rows.into_iter()
                .map(|row| Occupied {
                    user_id: row.user_id,
                    starts_at: row.starts_at,
                    ends_at: row.ends_at,
                })
                .collect()
        };
        Ok((spans(booked), spans(busy)))
    }

    /// When each interviewer was last given an interview, for round robin.
    pub async fn last_assigned(&self) -> Result<Vec<(i64, i64)>> {
        Ok(sqlx::query_as(
            "SELECT interviewer_id, MAX(updated_at) FROM interviews \
             WHERE interviewer_id IS NOT NULL AND status = 'booked' GROUP BY interviewer_id",
        )
        .fetch_all(&self.reader)
        .await?)
    }

    /// Holds `user_id`'s bookings until `tx` ends, so that two bookings of one interviewer are
    /// decided one after the other. SQLite's single writer already does this.
    pub async fn lock_interviewer(tx: &mut Tx, user_id: i64) -> Result<()> {
        if tx.backend_name() == "PostgreSQL" {
            sqlx::query("SELECT user_id FROM interviewer_profiles WHERE user_id = $1 FOR UPDATE")
                .bind(user_id)
                .fetch_optional(&mut **tx)
                .await?;
        }
        Ok(())
    }

    /// [`Store::lock_interviewer`] unless another transaction holds them now, which is `false`
    /// and waits for nothing: a booking may then take another free interviewer rather than
    /// queue behind the one every concurrent booking picked first.
    pub async fn try_lock_interviewer(tx: &mut Tx, user_id: i64) -> Result<bool> {
        if tx.backend_name() == "PostgreSQL" {
            let held: Option<i64> = sqlx::query_scalar(
                "SELECT user_id FROM interviewer_profiles WHERE user_id = $1 FOR UPDATE SKIP LOCKED",
            )
            .bind(user_id)
            .fetch_optional(&mut **tx)
            .await?;
            return Ok(held.is_some());
        }
        Ok(true)
    }

    /// The ids of an application's booked interviews still ahead, as `tx` sees them.
    pub async fn booked_interviews_ahead_in(
        tx: &mut Tx,
        application_id: i64,
        now: i64,
    ) -> Result<Vec<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT id FROM interviews WHERE application_id = $1 AND status = 'booked' \
             AND starts_at > $2 ORDER BY id",
        )
        .bind(application_id)
        .bind(now)
        .fetch_all(&mut **tx)
        .await?)
    }

    /// Holds an application's bookings until `tx` ends (two tabs of one candidate), and returns
    /// its stage as `tx` sees it; one round trip for both. SQLite's single writer already holds
    /// everything.
    pub async fn lock_application(tx: &mut Tx, application_id: i64) -> Result<String> {
        let sql = if tx.backend_name() == "PostgreSQL" {
            "SELECT stage FROM applications WHERE id = $1 FOR UPDATE"
        } else {
            "SELECT stage FROM applications WHERE id = $1"
        };
        sqlx::query_scalar(sql)
            .bind(application_id)
            .fetch_optional(&mut **tx)
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// One interviewer's booked interviews (and shadow seats) overlapping `[from, to)`, read inside `tx` after
    /// [`Store::lock_interviewer`]; `except` leaves out the interview being moved.
    pub async fn booked_for_interviewer(
        tx: &mut Tx,
        user_id: i64,
        from: i64,
        to: i64,
        except: i64,
    ) -> Result<Vec<(i64, i64)>> {
        Ok(sqlx::query_as(
            "SELECT starts_at, ends_at FROM interviews WHERE (interviewer_id = $1 OR shadow_id = $1) \
             AND status = 'booked' AND starts_at < $3 AND ends_at > $2 AND id <> $4 ORDER BY starts_at",
        )
        .bind(user_id)
        .bind(from)
        .bind(to)
        .bind(except)
        .fetch_all(&mut **tx)
        .await?)
    }

    /// Books an interview. [`StoreError::Conflict`] when the candidate already has this round
    /// booked (another tab got there first).
    pub async fn insert_interview(tx: &mut Tx, new: &NewInterview<'_>, now: i64) -> Result<i64> {
        sqlx::query_scalar(
            "INSERT INTO interviews (application_id, kind, round, interviewer_id, starts_at, ends_at, \
             status, sequence, candidate_time_zone, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 'booked', 0, $7, $8, $8) RETURNING id",
        )
        .bind(new.application_id)
        .bind(new.kind)
        .bind(new.round)
        .bind(new.interviewer_id)
        .bind(new.starts_at)
        .bind(new.ends_at)
        .bind(new.candidate_time_zone)
        .bind(now)
        .fetch_one(&mut **tx)
        .await
        .map_err(|e| StoreError::conflict_as(e, "a booking for this phone screen"))
    }

    /// Moves a booked interview to another time or interviewer and raises its sequence.
    /// [`StoreError::Stale`] when it changed since `sequence` was read.
    #[allow(clippy::too_many_arguments)]
    pub async fn move_interview(
        tx: &mut Tx,
        id: i64,
        sequence: i64,
        interviewer_id: i64,
        starts_at: i64,
        ends_at: i64,
        candidate_time_zone: &str,
        now: i64,
    ) -> Result<()> {
        let result = sqlx::query(
            "UPDATE interviews SET interviewer_id = $1, starts_at = $2, ends_at = $3, \
             candidate_time_zone = $4, sequence = sequence + 1, updated_at = $5 \
             WHERE id = $6 AND sequence = $7 AND status = 'booked'",
        )
        .bind(interviewer_id)
        .bind(starts_at)
        .bind(ends_at)
        .bind(candidate_time_zone)
        .bind(now)
        .bind(id)
        .bind(sequence)
        .execute(&mut **tx)
        .await?;
        if affected(result) != 1 {
            return Err(StoreError::Stale);
        }
        Ok(())
    }

    /// Cancels a booked interview and raises its sequence. [`StoreError::Stale`] when it changed
    /// since `sequence` was read.
    pub async fn cancel_interview(tx: &mut Tx, id: i64, sequence: i64, now: i64) -> Result<()> {
        let result = sqlx::query(
            "UPDATE interviews SET status = 'cancelled', sequence = sequence + 1, updated_at = $1 \
             WHERE id = $2 AND sequence = $3 AND status = 'booked'",
        )
        .bind(now)
        .bind(id)
        .bind(sequence)
        .execute(&mut **tx)
        .await?;
        if affected(result) != 1 {
            return Err(StoreError::Stale);
        }
        Ok(())
    }

    /// Records that `user_id` gave up `interview_id` at `[starts_at, ends_at)`; recording it
    /// twice changes nothing.
    pub async fn record_release(
        tx: &mut Tx,
        interview_id: i64,
        user_id: i64,
        (starts_at, ends_at): (i64, i64),
        now: i64,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO interview_releases (interview_id, user_id, starts_at, ends_at, released_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (interview_id, user_id) DO NOTHING",
        )
        .bind(interview_id)
        .bind(user_id)
        .bind(starts_at)
        .bind(ends_at)
        .bind(now)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// The interviewers who gave up `interview_id`.
    pub async fn released_by(&self, interview_id: i64) -> Result<Vec<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT user_id FROM interview_releases WHERE interview_id = $1 ORDER BY user_id",
        )
        .bind(interview_id)
        .fetch_all(&self.reader)
        .await?)
    }

    /// Replaces an interviewer's busy blocks with `blocks` (Unix seconds).
    pub async fn replace_busy_blocks(
        tx: &mut Tx,
        user_id: i64,
        blocks: &[(i64, i64)],
    ) -> Result<()> {
        sqlx::query("DELETE FROM interviewer_busy WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut **tx)
            .await?;
        for (start, end) in blocks {
            sqlx::query(
                "INSERT INTO interviewer_busy (user_id, starts_at, ends_at) VALUES ($1, $2, $3)",
            )
            .bind(user_id)
            .bind(start)
            .bind(end)
            .execute(&mut **tx)
            .await?;
        }
        Ok(())
    }

    /// The secret of an interviewer's feed, if they have made one.
    pub async fn feed_secret(&self, user_id: i64) -> Result<Option<String>> {
        Ok(sqlx::query_scalar::<_, Option<String>>(
            "SELECT feed_secret FROM interviewer_profiles WHERE user_id = $1",
        )
        .bind(user_id)
        .fetch_optional(&self.reader)
        .await?
        .flatten())
    }

    /// Sets a new feed secret; the old link stops working. [`StoreError::NotFound`] without a profile.
    pub async fn set_feed_secret(tx: &mut Tx, user_id: i64, secret: &str) -> Result<()> {
        let result =
            sqlx::query("UPDATE interviewer_profiles SET feed_secret = $1 WHERE user_id = $2")
                .bind(secret)
                .bind(user_id)
                .execute(&mut **tx)
                .await?;
        if affected(result) != 1 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// The active interviewer whose feed secret this is.
    pub async fn interviewer_of_feed(&self, secret: &str) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT p.user_id FROM interviewer_profiles p JOIN users u ON u.id = p.user_id \
             JOIN user_roles r ON r.user_id = u.id AND r.role = 'interviewer' \
             WHERE p.feed_secret = $1 AND u.deactivated_at IS NULL",
        )
        .bind(secret)
        .fetch_optional(&self.reader)
        .await?)
    }
}
