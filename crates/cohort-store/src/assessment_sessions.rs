//! Invitations to an online assessment and the timed sessions they become: drafts saved as the
//! candidate types, submissions tied to the session, and closing the session when time is up.

use crate::submissions::{NewSubmission, Scope};
use crate::{affected, Result, Store, StoreError, Tx};
use cohort_domain::assessment::{Advance, Counts, JudgedAttempt, SessionAttempt};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AssessmentInvitation {
    pub id: i64,
    pub application_id: i64,
    pub assessment_id: i64,
    pub candidate_id: i64,
    pub invited_at: i64,
    pub start_by: i64,
    pub started_at: Option<i64>,
    pub ends_at: Option<i64>,
    pub finished_at: Option<i64>,
    pub active_tab: Option<String>,
    pub duration_minutes: i64,
    pub languages: String,
    pub track_name: String,
    pub passing_percent: i64,
    #[sqlx(try_from = "String")]
    pub counts: Counts,
    #[sqlx(try_from = "String")]
    pub advance: Advance,
    pub candidate_name: String,
}

/// A finished session for [`Store::seed_finished_session`].
#[derive(Debug, Clone)]
pub struct SeededSession<'a> {
    pub invitation_id: i64,
    pub application_id: i64,
    pub candidate_id: i64,
    pub started_at: i64,
    pub duration_minutes: i64,
    pub submissions: Vec<SeededSubmission<'a>>,
    /// The share of the assessment's points the submissions earned.
    pub percent: f64,
}

/// One full submission with its known result; `score` is the share of the tests' score (0-1).
#[derive(Debug, Clone)]
pub struct SeededSubmission<'a> {
    pub problem_id: i64,
    pub language: &'a str,
    pub code: &'a str,
    pub verdict: &'a str,
    pub score: f64,
    pub tests_passed: i64,
    pub tests_total: i64,
}

/// Where a session stands at a given moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionState {
    /// Invited; may start until `start_by`.
    NotStarted,
    /// The deadline to start passed without a start.
    Expired,
    /// Started, and time is left.
    Running,
    /// Time ran out or the session was closed.
    Finished,
}

impl AssessmentInvitation {
    pub fn state(&self, now: i64) -> SessionState {
        match (self.started_at, self.ends_at) {
            _ if self.finished_at.is_some() => SessionState::Finished,
            (Some(_), Some(ends_at)) if now < ends_at => SessionState::Running,
            (Some(_), _) => SessionState::Finished,
            (None, _) if now < self.start_by => SessionState::NotStarted,
            (None, _) => SessionState::Expired,
        }
    }

    pub fn language_ids(&self) -> Vec<String> {
        self.languages
            .split(',')
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DraftRecord {
    pub problem_id: i64,
    pub language: String,
    pub code: String,
    pub saved_at: i64,
}

/// A submission of a session with its result, if judged.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionSubmission {
    pub id: i64,
    pub problem_id: i64,
    pub language: String,
    #[sqlx(try_from = "String")]
    pub scope: Scope,
    pub created_at: i64,
    /// The judge's verdict code ("AC", "WA", …), shown as it is; None while it is judged.
    pub verdict: Option<String>,
    pub score: Option<f64>,
    pub max_score: Option<f64>,
    pub tests_passed: Option<i64>,
    pub tests_total: Option<i64>,
    pub report: Option<String>,
}

impl SessionSubmission {
    /// The submission as scoring sees it; the verdict codes are read here and nowhere else.
    pub fn attempt(&self) -> SessionAttempt {
        SessionAttempt {
            problem_id: self.problem_id,
            full: self.scope == Scope::Full,
            at: self.created_at,
            judged: self.verdict.as_deref().map(|verdict| JudgedAttempt {
                id: self.id,
                accepted: verdict == "AC",
                judge_error: verdict == "JE",
                score: self.score.unwrap_or(0.0),
                max_score: self.max_score.unwrap_or(0.0),
            }),
        }
    }
}

/// A submission of some session of an assessment.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AssessmentSubmission {
    pub invitation_id: i64,
    #[sqlx(flatten)]
    pub submission: SessionSubmission,
}

const INVITATION_SELECT: &str = "SELECT i.id, i.application_id, i.assessment_id, ap.candidate_id, i.invited_at, i.start_by, \
     i.started_at, i.ends_at, i.finished_at, i.active_tab, s.duration_minutes, s.languages, t.name AS track_name, \
     s.passing_percent, s.counts, s.advance, ap.candidate_name \
     FROM assessment_invitations i JOIN applications ap ON ap.id = i.application_id \
     JOIN assessments s ON s.id = i.assessment_id JOIN tracks t ON t.id = s.track_id";

/// Snapshots kept per session and problem at most: at one save every five seconds, more than
/// the longest assessment needs.
pub const MAX_SNAPSHOTS: i64 = 3_000;

/// Integrity events kept per session at most, so a misbehaving page cannot fill the database.
pub const MAX_EVENTS: i64 = 5_000;

/// What a session's page saw the candidate do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntegrityKind {
    /// Pasted text (its size is recorded).
    Paste,
    /// Left the page.
    Left,
    /// Came back to it.
    Returned,
}

impl IntegrityKind {
    pub fn as_str(self) -> &'static str {
        match self {
            IntegrityKind::Paste => "paste",
            IntegrityKind::Left => "left",
            IntegrityKind::Returned => "returned",
        }
    }

    pub fn parse(code: &str) -> Option<IntegrityKind> {
        [
            IntegrityKind::Paste,
            IntegrityKind::Left,
            IntegrityKind::Returned,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == code)
    }
}

impl TryFrom<String> for IntegrityKind {
    type Error = String;

    fn try_from(code: String) -> std::result::Result<IntegrityKind, String> {
        IntegrityKind::parse(&code).ok_or_else(|| format!("unknown integrity event {code:?}"))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct IntegrityEvent {
    pub problem_id: Option<i64>,
    #[sqlx(try_from = "String")]
    pub kind: IntegrityKind,
    pub size: i64,
    pub at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Snapshot {
    pub language: String,
    pub code: String,
    pub at: i64,
}

/// An invitation as made (or found, when the candidate was invited before).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewInvitation {
    pub id: i64,
    pub start_by: i64,
    pub duration_minutes: i64,
}

/// Why a save or a submission was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionRefusal {
    NotRunning,
    OtherTab,
}

impl Store {
    /// Invites the application to the assessment of its highest-ranked choice whose track has
    /// one, in the caller's transaction (which schedules the reminder). Returns the invitation, or
    /// None when no chosen track has an assessment. Inviting again keeps the first invitation.
    pub async fn invite_to_assessment(
        tx: &mut Tx,
        application_id: i64,
        now: i64,
    ) -> Result<Option<NewInvitation>> {
        let assessment: Option<(i64, i64, i64)> = sqlx::query_as(
            "SELECT s.id, s.start_within_days, s.duration_minutes FROM application_choices c \
             JOIN openings o ON o.id = c.opening_id \
             JOIN assessments s ON s.track_id = o.track_id AND s.season_id = o.season_id \
             WHERE c.application_id = $1 ORDER BY c.rank LIMIT 1",
        )
        .bind(application_id)
        .fetch_optional(&mut **tx)
        .await?;
        let Some((assessment_id, days, duration_minutes)) = assessment else {
            return Ok(None);
        };
        let start_by = now + days * 86_400;
        sqlx::query(
            "INSERT INTO assessment_invitations (application_id, assessment_id, invited_at, start_by) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (application_id, assessment_id) DO NOTHING",
        )
        .bind(application_id)
        .bind(assessment_id)
        .bind(now)
        .bind(start_by)
        .execute(&mut **tx)
        .await?;
        let (id, start_by): (i64, i64) = sqlx::query_as(
            "SELECT id, start_by FROM assessment_invitations WHERE application_id = $1 AND assessment_id = $2",
        )
        .bind(application_id)
        .bind(assessment_id)
        .fetch_one(&mut **tx)
        .await?;
        Ok(Some(NewInvitation {
            id,
            start_by,
            duration_minutes,
        }))
    }

    /// Gives a candidate who has not started until `start_by` to start, in the caller's
    /// transaction (which schedules the reminder again). Returns false (changing nothing) when the
    /// session has started.
    pub async fn extend_invitation(tx: &mut Tx, invitation_id: i64, start_by: i64) -> Result<bool> {
        Ok(affected(
            sqlx::query(
                "UPDATE assessment_invitations SET start_by = $1 WHERE id = $2 AND started_at IS NULL",
            )
            .bind(start_by)
            .bind(invitation_id)
            .execute(&mut **tx)
            .await?,
        ) == 1)
    }

    pub async fn assessment_invitation(&self, id: i64) -> Result<AssessmentInvitation> {
        sqlx::query_as(&format!("{INVITATION_SELECT} WHERE i.id = $1"))
            .bind(id)
            .fetch_optional(&self.reader)
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// Finished sessions whose every submission is judged and that the advance rule has not been
    /// applied to yet. (A session still waiting for a result stays out of the batch, so it cannot
    /// hold up the others.)
    pub async fn undecided_sessions(&self, limit: i64) -> Result<Vec<AssessmentInvitation>> {
        Ok(sqlx::query_as(&format!(
            "{INVITATION_SELECT} WHERE i.finished_at IS NOT NULL AND i.decided_at IS NULL \
             AND NOT EXISTS (SELECT 1 FROM submissions s LEFT JOIN submission_results r ON r.submission_id = s.id \
             WHERE s.invitation_id = i.id AND r.submission_id IS NULL) ORDER BY i.id LIMIT $1"
        ))
        .bind(limit)
        .fetch_all(&self.reader)
        .await?)
    }

    /// Applies the advance rule's outcome to a session, once: `advance` (with the candidate's
    /// message) moves a passing candidate from Assessment to Phone screen, recorded in the audit
    /// log as Cohort's own move (no actor). Returns false when the session was decided already.
    pub async fn decide_session(
        tx: &mut Tx,
        invitation: &AssessmentInvitation,
        percent: f64,
        advance: Option<(&str, &crate::outbox::NewMessage)>,
        now: i64,
    ) -> Result<bool> {
        let decided = affected(
            sqlx::query(
                "UPDATE assessment_invitations SET decided_at = $1 WHERE id = $2 AND decided_at IS NULL",
            )
            .bind(now)
            .bind(invitation.id)
            .execute(&mut **tx)
            .await?,
        ) == 1;
        if decided {
            // The board shows and sorts by the latest decided assessment of the application.
            sqlx::query("UPDATE applications SET assessment_percent = $1 WHERE id = $2")
                .bind(percent)
                .bind(invitation.application_id)
                .execute(&mut **tx)
                .await?;
        }
        let Some((reason, message)) = advance.filter(|_| decided) else {
            return Ok(decided);
        };
        let moved = affected(
            sqlx::query(
                "UPDATE applications SET stage = 'phone_screen', updated_at = $1 WHERE id = $2 AND stage = 'assessment'",
            )
            .bind(now)
            .bind(invitation.application_id)
            .execute(&mut **tx)
            .await?,
        ) == 1;
        // A recruiter may have moved the candidate meanwhile; then the rule has nothing to do.
        if moved {
            sqlx::query(
                "INSERT INTO stage_transitions (application_id, from_stage, to_stage, actor_id, reason_code, reason, at) \
                 VALUES ($1, 'assessment', 'phone_screen', NULL, NULL, $2, $3)",
            )
            .bind(invitation.application_id)
            .bind(reason)
            .bind(now)
            .execute(&mut **tx)
            .await?;
            Store::enqueue_message(tx, message, now).await?;
        }
        Ok(true)
    }

    /// Every invitation to one assessment, oldest first.
    /// Every submission of every session of an assessment, for its statistics in one query.
    pub async fn submissions_of_assessment(
        &self,
        assessment_id: i64,
    ) -> Result<Vec<AssessmentSubmission>> {
        Ok(sqlx::query_as(
            "SELECT s.invitation_id, s.id, s.problem_id, s.language, s.scope, s.created_at, r.verdict, r.score, \
             r.max_score, r.tests_passed, r.tests_total, NULL AS report FROM submissions s \
             JOIN assessment_invitations i ON i.id = s.invitation_id \
             LEFT JOIN submission_results r ON r.submission_id = s.id \
             WHERE i.assessment_id = $1 ORDER BY s.id DESC",
        )
        .bind(assessment_id)
        .fetch_all(&self.reader)
        .await?)
    }

    pub async fn invitations_to(&self, assessment_id: i64) -> Result<Vec<AssessmentInvitation>> {
        Ok(sqlx::query_as(&format!(
            "{INVITATION_SELECT} WHERE i.assessment_id = $1 ORDER BY i.id"
        ))
        .bind(assessment_id)
        .fetch_all(&self.reader)
        .await?)
    }

    /// The invitations of one application, newest first.
    pub async fn assessment_invitations_of(
        &self,
        application_id: i64,
    ) -> Result<Vec<AssessmentInvitation>> {
        Ok(sqlx::query_as(&format!(
            "{INVITATION_SELECT} WHERE i.application_id = $1 ORDER BY i.id DESC"
        ))
        .bind(application_id)
        .fetch_all(&self.reader)
        .await?)
    }

    /// Starts the session now, in the caller's transaction, if it has not started and may still
    /// start. Returns when it ends if this call started it (the caller queues the job that closes
    /// it then).
    pub async fn start_session(
        tx: &mut Tx,
        invitation: &AssessmentInvitation,
        now: i64,
    ) -> Result<Option<i64>> {
        let ends_at = now + invitation.duration_minutes * 60;
        let started = affected(
            sqlx::query(
                "UPDATE assessment_invitations SET started_at = $1, ends_at = $2 \
                 WHERE id = $3 AND started_at IS NULL AND start_by > $1",
            )
            .bind(now)
            .bind(ends_at)
            .bind(invitation.id)
            .execute(&mut **tx)
            .await?,
        ) == 1;
        Ok(started.then_some(ends_at))
    }

    /// Makes `tab` the one browser tab whose saves count (the session page calls this when it
    /// is opened).
    pub async fn claim_session_tab(&self, invitation_id: i64, tab: &str) -> Result<()> {
        sqlx::query("UPDATE assessment_invitations SET active_tab = $1 WHERE id = $2")
            .bind(tab)
            .bind(invitation_id)
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    /// Checks, inside `tx`, that the session is running and held by `tab`.
    async fn check_session(
        tx: &mut Tx,
        invitation_id: i64,
        tab: &str,
        now: i64,
    ) -> Result<Result<(), SessionRefusal>> {
        // On PostgreSQL the row is locked until the transaction ends, so the job that closes the
        // session waits for a save or submission in flight (SQLite has one writer at a time).
        let lock = if tx.backend_name() == "PostgreSQL" {
            " FOR UPDATE"
        } else {
            ""
        };
        let row: Option<(Option<i64>, Option<i64>, Option<String>)> = sqlx::query_as(&format!(
            "SELECT ends_at, finished_at, active_tab FROM assessment_invitations WHERE id = $1{lock}"
        ))
        .bind(invitation_id)
        .fetch_optional(&mut **tx)
        .await?;
        Ok(match row {
            Some((Some(ends_at), None, active)) if now < ends_at => {
                if active.as_deref() == Some(tab) {
                    Ok(())
                } else {
                    Err(SessionRefusal::OtherTab)
                }
            }
            _ => Err(SessionRefusal::NotRunning),
        })
    }

    /// Saves the editor's code for one problem, if the session runs and `tab` holds it.
    pub async fn save_draft(
        &self,
        invitation_id: i64,
        tab: &str,
        draft: &DraftRecord,
        now: i64,
    ) -> Result<Result<(), SessionRefusal>> {
        let mut tx = self.begin().await?;
        if let Err(refusal) = Store::check_session(&mut tx, invitation_id, tab, now).await? {
            return Ok(Err(refusal));
        }
        Store::write_draft(&mut tx, invitation_id, draft, now).await?;
        Store::commit(tx).await?;
        Ok(Ok(()))
    }

    async fn write_draft(
        tx: &mut Tx,
        invitation_id: i64,
        draft: &DraftRecord,
        now: i64,
    ) -> Result<()> {
        // Each change becomes a snapshot, for the replay of how the code was written.
        let previous: Option<String> = sqlx::query_scalar(
            "SELECT code FROM assessment_drafts WHERE invitation_id = $1 AND problem_id = $2",
        )
        .bind(invitation_id)
        .bind(draft.problem_id)
        .fetch_optional(&mut **tx)
        .await?;
        if previous.as_deref() != Some(draft.code.as_str()) {
            sqlx::query(
                "INSERT INTO code_snapshots (invitation_id, problem_id, language, code, at) \
                 SELECT $1, $2, $3, $4, $5 WHERE (SELECT COUNT(*) FROM code_snapshots \
                 WHERE invitation_id = $1 AND problem_id = $2) < $6",
            )
            .bind(invitation_id)
            .bind(draft.problem_id)
            .bind(&draft.language)
            .bind(&draft.code)
            .bind(now)
            .bind(MAX_SNAPSHOTS)
            .execute(&mut **tx)
            .await?;
        }
        sqlx::query(
            "INSERT INTO assessment_drafts (invitation_id, problem_id, language, code, saved_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (invitation_id, problem_id) DO UPDATE SET \
             language = excluded.language, code = excluded.code, saved_at = excluded.saved_at",
        )
        .bind(invitation_id)
        .bind(draft.problem_id)
        .bind(&draft.language)
        .bind(&draft.code)
        .bind(now)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Records an integrity signal (`paste` with its size, `left` or `returned`) while the
    /// session runs. At most [`MAX_EVENTS`] are kept per session.
    pub async fn record_integrity_event(
        &self,
        invitation_id: i64,
        problem_id: Option<i64>,
        kind: IntegrityKind,
        size: i64,
        now: i64,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO integrity_events (invitation_id, problem_id, kind, size, at) \
             SELECT $1, $2, $3, $4, $5 WHERE (SELECT COUNT(*) FROM integrity_events WHERE invitation_id = $1) < $6",
        )
        .bind(invitation_id)
        .bind(problem_id)
        .bind(kind.as_str())
        .bind(size)
        .bind(now)
        .bind(MAX_EVENTS)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    pub async fn integrity_events(&self, invitation_id: i64) -> Result<Vec<IntegrityEvent>> {
        Ok(sqlx::query_as(
            "SELECT problem_id, kind, size, at FROM integrity_events WHERE invitation_id = $1 ORDER BY id",
        )
        .bind(invitation_id)
        .fetch_all(&self.reader)
        .await?)
    }

    /// The snapshots of one problem's code in a session, oldest first.
    pub async fn code_snapshots(
        &self,
        invitation_id: i64,
        problem_id: i64,
    ) -> Result<Vec<Snapshot>> {
        Ok(sqlx::query_as(
            "SELECT language, code, at FROM code_snapshots WHERE invitation_id = $1 AND problem_id = $2 ORDER BY id",
        )
        .bind(invitation_id)
        .bind(problem_id)
        .fetch_all(&self.reader)
        .await?)
    }

    pub async fn drafts(&self, invitation_id: i64) -> Result<Vec<DraftRecord>> {
        Ok(sqlx::query_as(
            "SELECT problem_id, language, code, saved_at FROM assessment_drafts WHERE invitation_id = $1 ORDER BY problem_id",
        )
        .bind(invitation_id)
        .fetch_all(&self.reader)
        .await?)
    }

    /// Saves the draft and submits it (samples or full) in one transaction with its judging job,
    /// if the session runs and `tab` holds it.
    pub async fn submit_in_session(
        tx: &mut Tx,
        invitation_id: i64,
        tab: &str,
        draft: &DraftRecord,
        scope: Scope,
        author_id: i64,
        now_ms: i64,
    ) -> Result<Result<i64, SessionRefusal>> {
        let now = now_ms / 1000;
        if let Err(refusal) = Store::check_session(tx, invitation_id, tab, now).await? {
            return Ok(Err(refusal));
        }
        Store::write_draft(tx, invitation_id, draft, now).await?;
        let id = Store::create_session_submission(
            tx,
            invitation_id,
            &NewSubmission {
                problem_id: draft.problem_id,
                author_id: Some(author_id),
                language: &draft.language,
                code: &draft.code,
                scope,
            },
            now_ms,
        )
        .await?;
        Ok(Ok(id))
    }

    async fn create_session_submission(
        tx: &mut Tx,
        invitation_id: i64,
        new: &NewSubmission<'_>,
        now_ms: i64,
    ) -> Result<i64> {
        let id = Store::create_submission(tx, new, now_ms).await?;
        sqlx::query("UPDATE submissions SET invitation_id = $1 WHERE id = $2")
            .bind(invitation_id)
            .bind(id)
            .execute(&mut **tx)
            .await?;
        Ok(id)
    }

    /// When the session's newest submission of `scope` to a problem was made, in seconds (for
    /// rate limits).
    pub async fn last_submission_at(
        &self,
        invitation_id: i64,
        problem_id: i64,
        scope: Scope,
    ) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT MAX(created_at) FROM submissions WHERE invitation_id = $1 AND problem_id = $2 AND scope = $3",
        )
        .bind(invitation_id)
        .bind(problem_id)
        .bind(scope.as_str())
        .fetch_one(&self.writer)
        .await?)
    }

    /// The session a submission was made in, if any.
    pub async fn invitation_of_submission(&self, submission_id: i64) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar::<_, Option<i64>>(
            "SELECT invitation_id FROM submissions WHERE id = $1",
        )
        .bind(submission_id)
        .fetch_optional(&self.reader)
        .await?
        .flatten())
    }

    /// The session's submissions with their results, newest first.
    pub async fn session_submissions(&self, invitation_id: i64) -> Result<Vec<SessionSubmission>> {
        Ok(sqlx::query_as(
            "SELECT s.id, s.problem_id, s.language, s.scope, s.created_at, r.verdict, r.score, r.max_score, \
             r.tests_passed, r.tests_total, r.report FROM submissions s \
             LEFT JOIN submission_results r ON r.submission_id = s.id \
             WHERE s.invitation_id = $1 ORDER BY s.id DESC",
        )
        .bind(invitation_id)
        .fetch_all(&self.reader)
        .await?)
    }

    /// Writes a finished, decided session whose submissions' results are already known, as
    /// `cohort demo` seeds a season's history: no judging job is queued, and the application
    /// gets `percent` as its assessment score. `started_at` is when the candidate started.
    pub async fn seed_finished_session(tx: &mut Tx, seed: &SeededSession<'_>) -> Result<()> {
        let ends_at = seed.started_at + seed.duration_minutes * 60;
        sqlx::query(
            "UPDATE assessment_invitations SET started_at = $1, ends_at = $2, finished_at = $2, decided_at = $2, \
             active_tab = NULL WHERE id = $3",
        )
        .bind(seed.started_at)
        .bind(ends_at)
        .bind(seed.invitation_id)
        .execute(&mut **tx)
        .await?;
        for (offset, submission) in seed.submissions.iter().enumerate() {
            let at = seed.started_at + 600 * (offset as i64 + 1);
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO submissions (problem_id, author_id, language, code, scope, created_at, created_ms, invitation_id) \
                 VALUES ($1, $2, $3, $4, 'full', $5, $6, $7) RETURNING id",
            )
            .bind(submission.problem_id)
            .bind(seed.candidate_id)
            .bind(submission.language)
            .bind(submission.code)
            .bind(at)
            .bind(at * 1000)
            .bind(seed.invitation_id)
            .fetch_one(&mut **tx)
            .await?;
            Store::record_result(
                tx,
                &crate::submissions::ResultRecord {
                    submission_id: id,
                    verdict: submission.verdict.to_owned(),
                    score: submission.score,
                    max_score: 1.0,
                    tests_passed: submission.tests_passed,
                    tests_total: submission.tests_total,
                    report: r#"{"tests": [], "seeded": "the verdict the problem package declares for this code"}"#.to_owned(),
                    judged_at: at + 2,
                    turnaround_ms: 2_000,
                },
            )
            .await?;
        }
        sqlx::query("UPDATE applications SET assessment_percent = $1 WHERE id = $2")
            .bind(seed.percent)
            .bind(seed.application_id)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    /// Ends a running session now, at the candidate's request, and closes it as time running
    /// out would (the last saved code of each problem is submitted). Returns `None` when the
    /// session was not running (not started, already over, or finished by a request at the same
    /// moment), else the submissions closing made (whose judging and checks the caller queues in
    /// the same transaction).
    pub async fn finish_session_now(
        tx: &mut Tx,
        invitation_id: i64,
        now_ms: i64,
    ) -> Result<Option<Vec<i64>>> {
        let now = now_ms / 1000;
        let ended = affected(
            sqlx::query(
                "UPDATE assessment_invitations SET ends_at = $1 \
                 WHERE id = $2 AND started_at IS NOT NULL AND finished_at IS NULL AND ends_at > $1",
            )
            .bind(now)
            .bind(invitation_id)
            .execute(&mut **tx)
            .await?,
        ) == 1;
        if !ended {
            return Ok(None);
        }
        Ok(Some(Store::close_session(tx, invitation_id, now_ms).await?))
    }

    /// Closes a session whose time is up: every problem whose last saved code was not submitted
    /// in full afterwards is submitted now, so nothing the candidate typed is lost. Idempotent:
    /// a closed session is left alone. Returns the submissions made, all full ones (whose judging
    /// and checks the caller queues in the same transaction).
    pub async fn close_session(tx: &mut Tx, invitation_id: i64, now_ms: i64) -> Result<Vec<i64>> {
        let now = now_ms / 1000;
        let closed = affected(
            sqlx::query(
                "UPDATE assessment_invitations SET finished_at = $1 \
                 WHERE id = $2 AND finished_at IS NULL AND ends_at IS NOT NULL AND ends_at <= $1",
            )
            .bind(now)
            .bind(invitation_id)
            .execute(&mut **tx)
            .await?,
        ) == 1;
        if !closed {
            return Ok(Vec::new());
        }
        let candidate: i64 = sqlx::query_scalar(
            "SELECT ap.candidate_id FROM assessment_invitations i JOIN applications ap ON ap.id = i.application_id WHERE i.id = $1",
        )
        .bind(invitation_id)
        .fetch_one(&mut **tx)
        .await?;
        let unsubmitted: Vec<DraftRecord> = sqlx::query_as(
            "SELECT d.problem_id, d.language, d.code, d.saved_at FROM assessment_drafts d \
             WHERE d.invitation_id = $1 AND NOT EXISTS (SELECT 1 FROM submissions s \
             WHERE s.invitation_id = d.invitation_id AND s.problem_id = d.problem_id \
             AND s.scope = 'full' AND s.code = d.code)",
        )
        .bind(invitation_id)
        .fetch_all(&mut **tx)
        .await?;
        let mut submitted = Vec::with_capacity(unsubmitted.len());
        for draft in &unsubmitted {
            let id = Store::create_session_submission(
                tx,
                invitation_id,
                &NewSubmission {
                    problem_id: draft.problem_id,
                    author_id: Some(candidate),
                    language: &draft.language,
                    code: &draft.code,
                    scope: Scope::Full,
                },
                now_ms,
            )
            .await?;
            submitted.push(id);
        }
        Ok(submitted)
    }
}
