//! The debrief of a final loop: its written votes, discussion notes, early reveals and decisions
//! (all append-only, enforced by triggers in both databases), its round (raised by each "more
//! information" decision, so that a reopened debrief votes again), and the season's bar-raiser
//! veto setting.

use crate::{affected, Result, Store, StoreError, Tx};
use cohort_domain::interviews::debrief::{Decision, Vote};

/// A debrief with everything recorded in it, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DebriefRecord {
    pub id: i64,
    pub application_id: i64,
    /// The round the debrief is in: 1, plus one for each "more information" decision.
    pub round: i64,
    /// When and by whom the current round's votes were revealed early.
    pub revealed_at: Option<i64>,
    pub revealed_by: Option<i64>,
    pub created_at: i64,
    /// Every vote of every round.
    pub votes: Vec<VoteRecord>,
    pub notes: Vec<DebriefNote>,
    pub decisions: Vec<DecisionRecord>,
}

#[derive(sqlx::FromRow)]
struct DebriefRow {
    id: i64,
    application_id: i64,
    round: i64,
    revealed_at: Option<i64>,
    revealed_by: Option<i64>,
    created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct VoteRecord {
    pub voter_id: i64,
    pub voter_name: String,
    #[sqlx(try_from = "String")]
    pub vote: Vote,
    pub sentence: String,
    /// 1 for a vote cast after the reveal.
    pub after_reveal: i64,
    pub round: i64,
    pub cast_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DebriefNote {
    pub author_name: String,
    pub body: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionRecord {
    pub round: i64,
    pub decision: Decision,
    pub note: String,
    pub decided_by: i64,
    pub decider_name: String,
    pub decided_at: i64,
}

#[derive(sqlx::FromRow)]
struct DecisionRow {
    round: i64,
    decision: String,
    reason_code: Option<String>,
    note: String,
    pub decided_by: i64,
    pub decider_name: String,
    pub decided_at: i64,
}

/// A debrief and the round it is in, as a write names them: the write happens in that round,
/// and a "more information" decision fails with [`StoreError::Stale`] when another has moved
/// the debrief on since.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DebriefRound {
    pub id: i64,
    pub round: i64,
}

/// A track's hiring manager, as the debrief settings show it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TrackManager {
    pub track_id: i64,
    pub track_name: String,
    pub hiring_manager_id: Option<i64>,
}

/// A person who may be a track's hiring manager: an account with that role.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Manager {
    pub id: i64,
    pub name: String,
    pub email: String,
}

/// An open debrief as the recruiters' list shows it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OpenDebrief {
    pub application_id: i64,
    pub candidate_name: String,
    /// The loop's voters: its interviewers and its track's hiring manager.
    pub panel: i64,
    /// Of them, how many have voted.
    pub voted: i64,
    pub revealed: i64,
}

impl Store {
    /// Applications in Debrief that have a final loop, with how far their votes are, oldest
    /// loop first.
    pub async fn open_debriefs(&self, season_id: i64) -> Result<Vec<OpenDebrief>> {
        // The loop's voters: its interviewers and its track's hiring manager, if one is set.
        let manager = "(SELECT u.id FROM application_choices ch \
             JOIN openings o ON o.id = ch.opening_id JOIN tracks t ON t.id = o.track_id \
             JOIN users u ON u.id = t.hiring_manager_id AND u.deactivated_at IS NULL \
             JOIN user_roles r ON r.user_id = u.id AND r.role = 'hiring_manager' \
             WHERE ch.application_id = a.id ORDER BY ch.rank LIMIT 1)";
        let interviewers =
            "SELECT i.interviewer_id FROM interviews i WHERE i.application_id = a.id \
             AND i.kind = 'final_loop' AND i.status = 'booked' AND i.interviewer_id IS NOT NULL";
        Ok(sqlx::query_as(&format!(
            "SELECT a.id AS application_id, a.candidate_name, \
             (SELECT COUNT(*) FROM ({interviewers} UNION SELECT {manager} WHERE {manager} IS NOT NULL) p) AS panel, \
             (SELECT COUNT(DISTINCT v.voter_id) FROM debrief_votes v JOIN debriefs d ON d.id = v.debrief_id \
              AND v.round = d.round WHERE d.application_id = a.id \
              AND (v.voter_id IN ({interviewers}) OR v.voter_id = {manager})) AS voted, \
             (SELECT COUNT(*) FROM debriefs d JOIN debrief_reveals r ON r.debrief_id = d.id \
              AND r.round = d.round WHERE d.application_id = a.id) AS revealed \
             FROM applications a WHERE a.season_id = $1 AND a.stage = 'debrief' AND EXISTS \
             (SELECT 1 FROM interviews i WHERE i.application_id = a.id AND i.kind = 'final_loop' AND i.status = 'booked') \
             ORDER BY a.updated_at, a.id",
        ))
        .bind(season_id)
        .fetch_all(&self.reader)
        .await?)
    }

    /// The debrief of an application, once anyone has acted on it.
    pub async fn debrief(&self, application_id: i64) -> Result<Option<DebriefRecord>> {
        let row: Option<DebriefRow> = sqlx::query_as(
            "SELECT d.id, d.application_id, d.round, r.revealed_at, r.revealed_by, d.created_at \
             FROM debriefs d LEFT JOIN debrief_reveals r ON r.debrief_id = d.id AND r.round = d.round \
             WHERE d.application_id = $1",
        )
        .bind(application_id)
        .fetch_optional(&self.reader)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let votes = sqlx::query_as(
            "SELECT v.voter_id, u.display_name AS voter_name, v.vote, v.sentence, v.after_reveal, \
             v.round, v.cast_at FROM debrief_votes v JOIN users u ON u.id = v.voter_id \
             WHERE v.debrief_id = $1 ORDER BY v.id",
        )
        .bind(row.id)
        .fetch_all(&self.reader)
        .await?;
        let notes = sqlx::query_as(
            "SELECT u.display_name AS author_name, n.body, n.created_at FROM debrief_notes n \
             JOIN users u ON u.id = n.author_id WHERE n.debrief_id = $1 ORDER BY n.id",
        )
        .bind(row.id)
        .fetch_all(&self.reader)
        .await?;
        let rows: Vec<DecisionRow> = sqlx::query_as(
            "SELECT d.round, d.decision, d.reason_code, d.note, d.decided_by, u.display_name AS decider_name, \
             d.decided_at FROM debrief_decisions d JOIN users u ON u.id = d.decided_by \
             WHERE d.debrief_id = $1 ORDER BY d.id",
        )
        .bind(row.id)
        .fetch_all(&self.reader)
        .await?;
        // A stored code the domain does not know fails the read, as every stored code does.
        let decisions = rows
            .into_iter()
            .map(|d| {
                let decision = Decision::parse(&d.decision, d.reason_code.as_deref().unwrap_or(""))
                    .map_err(|e| StoreError::Database(sqlx::Error::Decode(e.into())))?;
                Ok(DecisionRecord {
                    round: d.round,
                    decision,
                    note: d.note,
                    decided_by: d.decided_by,
                    decider_name: d.decider_name,
                    decided_at: d.decided_at,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Some(DebriefRecord {
            id: row.id,
            application_id: row.application_id,
            round: row.round,
            revealed_at: row.revealed_at,
            revealed_by: row.revealed_by,
            created_at: row.created_at,
            votes,
            notes,
            decisions,
        }))
    }

    /// An application's debrief and its round, made if it has none yet.
    pub async fn ensure_debrief(
        tx: &mut Tx,
        application_id: i64,
        now: i64,
    ) -> Result<DebriefRound> {
        sqlx::query(
            "INSERT INTO debriefs (application_id, created_at) VALUES ($1, $2) \
             ON CONFLICT (application_id) DO NOTHING",
        )
        .bind(application_id)
        .bind(now)
        .execute(&mut **tx)
        .await?;
        let (id, round): (i64, i64) =
            sqlx::query_as("SELECT id, round FROM debriefs WHERE application_id = $1")
                .bind(application_id)
                .fetch_one(&mut **tx)
                .await?;
        Ok(DebriefRound { id, round })
    }

    /// Records a vote in `round`. Before the reveal each participant votes once a round:
    /// [`StoreError::Conflict`] for a second.
    pub async fn cast_debrief_vote(
        tx: &mut Tx,
        at: DebriefRound,
        voter_id: i64,
        vote: Vote,
        sentence: &str,
        after_reveal: bool,
        now: i64,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO debrief_votes (debrief_id, voter_id, vote, sentence, after_reveal, cast_at, round) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(at.id)
        .bind(voter_id)
        .bind(vote.as_str())
        .bind(sentence)
        .bind(i64::from(after_reveal))
        .bind(now)
        .bind(at.round)
        .execute(&mut **tx)
        .await
        .map_err(|e| StoreError::conflict_as(e, "vote"))?;
        Ok(())
    }

    /// Reveals the votes of `round` early. [`StoreError::Stale`] when they were revealed already.
    pub async fn reveal_debrief_votes(
        tx: &mut Tx,
        at: DebriefRound,
        by: i64,
        now: i64,
    ) -> Result<()> {
        let result = sqlx::query(
            "INSERT INTO debrief_reveals (debrief_id, round, revealed_by, revealed_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (debrief_id, round) DO NOTHING",
        )
        .bind(at.id)
        .bind(at.round)
        .bind(by)
        .bind(now)
        .execute(&mut **tx)
        .await?;
        if affected(result) != 1 {
            return Err(StoreError::Stale);
        }
        Ok(())
    }

    /// Whether `author_id` has written exactly `body` in the debrief already.
    pub async fn has_debrief_note(
        tx: &mut Tx,
        debrief_id: i64,
        author_id: i64,
        body: &str,
    ) -> Result<bool> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM debrief_notes WHERE debrief_id = $1 AND author_id = $2 AND body = $3 LIMIT 1",
        )
        .bind(debrief_id)
        .bind(author_id)
        .bind(body)
        .fetch_optional(&mut **tx)
        .await?;
        Ok(found.is_some())
    }

    pub async fn add_debrief_note(
        tx: &mut Tx,
        debrief_id: i64,
        author_id: i64,
        body: &str,
        now: i64,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO debrief_notes (debrief_id, author_id, body, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(debrief_id)
        .bind(author_id)
        .bind(body)
        .bind(now)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Records the decision of `round`. "More information" starts the next round, in which the
    /// panel (with the follow-up interviewers) votes again once their feedback is in.
    pub async fn record_debrief_decision(
        tx: &mut Tx,
        at: DebriefRound,
        decision: Decision,
        note: &str,
        decided_by: i64,
        now: i64,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO debrief_decisions (debrief_id, decision, reason_code, note, decided_by, decided_at, round) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(at.id)
        .bind(decision.as_str())
        .bind(match decision {
            Decision::NoHire(reason) => Some(reason.as_str()),
            _ => None,
        })
        .bind(note)
        .bind(decided_by)
        .bind(now)
        .bind(at.round)
        .execute(&mut **tx)
        .await?;
        if decision == Decision::MoreInformation {
            let result =
                sqlx::query("UPDATE debriefs SET round = round + 1 WHERE id = $1 AND round = $2")
                    .bind(at.id)
                    .bind(at.round)
                    .execute(&mut **tx)
                    .await?;
            if affected(result) != 1 {
                return Err(StoreError::Stale);
            }
        }
        Ok(())
    }

    /// Whether every booked interview of the application's final loop has its interviewer's
    /// submitted scorecard (and the loop has interviews at all), read in the caller's transaction.
    pub async fn loop_feedback_complete(tx: &mut Tx, application_id: i64) -> Result<bool> {
        let (interviews, missing): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), COUNT(*) - COUNT(s.id) FROM interviews i \
             LEFT JOIN scorecards s ON s.interview_id = i.id AND s.author_id = i.interviewer_id \
             AND s.submitted_at IS NOT NULL \
             WHERE i.application_id = $1 AND i.kind = 'final_loop' AND i.status = 'booked'",
        )
        .bind(application_id)
        .fetch_one(&mut **tx)
        .await?;
        Ok(interviews > 0 && missing == 0)
    }

    /// Opens the debrief for Cohort itself: Final loop to Debrief with its audit row (no actor),
    /// when the application is still in Final loop. Returns whether it moved.
    pub async fn open_debrief_by_rule(
        tx: &mut Tx,
        application_id: i64,
        reason: &str,
        now: i64,
    ) -> Result<bool> {
        let result = sqlx::query(
            "UPDATE applications SET stage = 'debrief', updated_at = $1 WHERE id = $2 AND stage = 'final_loop'",
        )
        .bind(now)
        .bind(application_id)
        .execute(&mut **tx)
        .await?;
        if affected(result) != 1 {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO stage_transitions (application_id, from_stage, to_stage, actor_id, reason_code, reason, at) \
             VALUES ($1, 'final_loop', 'debrief', NULL, NULL, $2, $3)",
        )
        .bind(application_id)
        .bind(reason)
        .bind(now)
        .execute(&mut **tx)
        .await?;
        Ok(true)
    }

    /// Each track of the season with its hiring manager, in the tracks' order.
    pub async fn track_managers(&self, season_id: i64) -> Result<Vec<TrackManager>> {
        Ok(sqlx::query_as(
            "SELECT id AS track_id, name AS track_name, hiring_manager_id FROM tracks \
             WHERE season_id = $1 ORDER BY position",
        )
        .bind(season_id)
        .fetch_all(&self.reader)
        .await?)
    }

    /// Accounts with the hiring-manager role, by name.
    pub async fn managers(&self) -> Result<Vec<Manager>> {
        Ok(sqlx::query_as(
            "SELECT u.id, u.display_name AS name, u.email FROM users u \
             JOIN user_roles r ON r.user_id = u.id WHERE r.role = 'hiring_manager' \
             AND u.deactivated_at IS NULL ORDER BY u.display_name, u.id",
        )
        .fetch_all(&self.reader)
        .await?)
    }

    /// The hiring manager of an application's loop: its first choice's track's, while their
    /// account is active and has the role (else the loop has none, and no vote is awaited).
    pub async fn hiring_manager_of(&self, application_id: i64) -> Result<Option<Manager>> {
        Ok(sqlx::query_as(
            "SELECT u.id, u.display_name AS name, u.email FROM application_choices c \
             JOIN openings o ON o.id = c.opening_id JOIN tracks t ON t.id = o.track_id \
             JOIN users u ON u.id = t.hiring_manager_id AND u.deactivated_at IS NULL \
             JOIN user_roles r ON r.user_id = u.id AND r.role = 'hiring_manager' \
             WHERE c.application_id = $1 ORDER BY c.rank LIMIT 1",
        )
        .bind(application_id)
        .fetch_optional(&self.reader)
        .await?)
    }

    /// Sets a track's hiring manager (none clears it). [`StoreError::NotFound`] for a track not
    /// in the season.
    pub async fn set_track_manager(
        tx: &mut Tx,
        season_id: i64,
        track_id: i64,
        manager: Option<i64>,
    ) -> Result<()> {
        let result = sqlx::query(
            "UPDATE tracks SET hiring_manager_id = $1 WHERE id = $2 AND season_id = $3",
        )
        .bind(manager)
        .bind(track_id)
        .bind(season_id)
        .execute(&mut **tx)
        .await?;
        if affected(result) != 1 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Whether the season's bar raisers may veto a hire.
    pub async fn bar_raiser_veto(&self, season_id: i64) -> Result<bool> {
        let veto: i64 = sqlx::query_scalar("SELECT bar_raiser_veto FROM seasons WHERE id = $1")
            .bind(season_id)
            .fetch_optional(&self.reader)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(veto != 0)
    }

    pub async fn set_bar_raiser_veto(tx: &mut Tx, season_id: i64, veto: bool) -> Result<()> {
        let result = sqlx::query("UPDATE seasons SET bar_raiser_veto = $1 WHERE id = $2")
            .bind(i64::from(veto))
            .bind(season_id)
            .execute(&mut **tx)
            .await?;
        if affected(result) != 1 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }
}
