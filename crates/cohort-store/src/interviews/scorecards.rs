//! Interview feedback: scorecards, their principles' evidence and their amendments.
//!
//! A draft is written whole on every save (the answers, then the evidence rows); submitting sets
//! `submitted_at` in the same transaction, after which triggers in both databases refuse any
//! change to the scorecard or its evidence. Who may read which scorecard is the domain's rule
//! (`feedback::may_read`), applied by the callers to what these queries return.

use crate::{affected, Result, Store, StoreError, Tx};
use cohort_domain::interviews::feedback::{
    Answers, Authorship, PrincipleEvidence, Rating, Recommendation, Star,
};
use std::collections::BTreeMap;

/// A scorecard with its evidence, its amendments and what the pages show beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScorecardRecord {
    pub id: i64,
    pub interview_id: i64,
    pub application_id: i64,
    pub author_id: i64,
    pub author_name: String,
    pub authorship: Authorship,
    pub area_id: Option<i64>,
    pub answers: Answers,
    pub created_at: i64,
    pub updated_at: i64,
    pub submitted_at: Option<i64>,
    /// The interview's kind, round and interviewer (the one a shadow shadowed).
    pub interview_kind: String,
    pub interview_round: i64,
    pub interviewer_id: Option<i64>,
    pub starts_at: i64,
    pub ends_at: i64,
    /// Oldest first: (when, text).
    pub amendments: Vec<(i64, String)>,
    /// The bank's questions the author says they asked.
    pub asked: Vec<i64>,
}

impl ScorecardRecord {
    pub fn is_submitted(&self) -> bool {
        self.submitted_at.is_some()
    }
}

#[derive(sqlx::FromRow)]
struct ScorecardRow {
    id: i64,
    interview_id: i64,
    application_id: i64,
    author_id: i64,
    author_name: String,
    #[sqlx(try_from = "String")]
    authorship: Authorship,
    area_id: Option<i64>,
    technical_notes: String,
    technical_rating: Option<i64>,
    recommendation: Option<String>,
    summary: String,
    created_at: i64,
    updated_at: i64,
    submitted_at: Option<i64>,
    interview_kind: String,
    interview_round: i64,
    interviewer_id: Option<i64>,
    starts_at: i64,
    ends_at: i64,
}

#[derive(sqlx::FromRow)]
struct EvidenceRow {
    scorecard_id: i64,
    competency_id: i64,
    situation: String,
    task: String,
    action: String,
    result: String,
    rating: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct AmendmentRow {
    scorecard_id: i64,
    body: String,
    created_at: i64,
}

/// A draft as its author saves it.
#[derive(Debug, Clone)]
pub struct DraftWrite<'a> {
    pub interview_id: i64,
    pub application_id: i64,
    pub author_id: i64,
    pub authorship: Authorship,
    pub area_id: Option<i64>,
    pub answers: &'a Answers,
    /// The bank's questions the author says they asked.
    pub asked: &'a [i64],
}

/// What a viewer is to one candidate's interviews, for the blind rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, sqlx::FromRow)]
pub struct PanelPart {
    /// Booked interviews of the candidate the viewer gives.
    pub held: i64,
    /// Of those, how many have the viewer's submitted scorecard.
    pub submitted: i64,
    /// Booked interviews of the candidate the viewer sits in on as a shadow.
    pub shadowed: i64,
}

/// An interview whose feedback is late, for the recruiters' list.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OverdueFeedback {
    pub interview_id: i64,
    pub application_id: i64,
    pub kind: String,
    pub round: i64,
    pub ends_at: i64,
    pub interviewer_id: i64,
    pub interviewer_name: String,
    pub interviewer_email: String,
    pub candidate_name: String,
    /// Whether the interviewer has started a draft.
    pub drafted: i64,
}

/// The most rows the overdue list shows at once.
pub const OVERDUE_LIMIT: i64 = 500;

const SCORECARD: &str = "SELECT s.id, s.interview_id, s.application_id, s.author_id, \
     u.display_name AS author_name, s.authorship, s.area_id, s.technical_notes, \
     s.technical_rating, s.recommendation, s.summary, s.created_at, s.updated_at, \
     s.submitted_at, i.kind AS interview_kind, i.round AS interview_round, i.interviewer_id, \
     i.starts_at, i.ends_at \
     FROM scorecards s JOIN users u ON u.id = s.author_id JOIN interviews i ON i.id = s.interview_id";

impl Store {
    /// Every scorecard of an application, drafts included (the caller filters them through the
    /// blind rule), in the order of the interviews; three queries whatever their number.
    pub async fn scorecards_of_application(
        &self,
        application_id: i64,
    ) -> Result<Vec<ScorecardRecord>> {
        self.scorecards_where("s.application_id = $1", application_id)
            .await
    }

    /// A trainee's submitted practice feedback from the interviews they shadowed, oldest first,
    /// for the bar raiser who signs them off.
    pub async fn practice_scorecards_of(&self, author_id: i64) -> Result<Vec<ScorecardRecord>> {
        self.scorecards_where(
            "s.author_id = $1 AND s.authorship = 'practice' AND s.submitted_at IS NOT NULL",
            author_id,
        )
        .await
    }

    /// The scorecards that `condition` (on `scorecards s`, with one parameter) selects, with
    /// their evidence and amendments.
    async fn scorecards_where(&self, condition: &str, value: i64) -> Result<Vec<ScorecardRecord>> {
        let rows: Vec<ScorecardRow> = sqlx::query_as(&format!(
            "{SCORECARD} WHERE {condition} ORDER BY i.starts_at, i.id, s.authorship, s.id"
        ))
        .bind(value)
        .fetch_all(&self.reader)
        .await?;
        let evidence: Vec<EvidenceRow> = sqlx::query_as(&format!(
            "SELECT p.scorecard_id, p.competency_id, p.situation, p.task, p.action, p.result, p.rating \
             FROM scorecard_principles p JOIN scorecards s ON s.id = p.scorecard_id \
             WHERE {condition} ORDER BY p.scorecard_id, p.position"
        ))
        .bind(value)
        .fetch_all(&self.reader)
        .await?;
        let amendments: Vec<AmendmentRow> = sqlx::query_as(&format!(
            "SELECT m.scorecard_id, m.body, m.created_at FROM scorecard_amendments m \
             JOIN scorecards s ON s.id = m.scorecard_id WHERE {condition} ORDER BY m.id"
        ))
        .bind(value)
        .fetch_all(&self.reader)
        .await?;
        let asked: Vec<(i64, i64)> = sqlx::query_as(&format!(
            "SELECT q.scorecard_id, q.question_id FROM scorecard_questions q \
             JOIN scorecards s ON s.id = q.scorecard_id WHERE {condition} ORDER BY q.question_id"
        ))
        .bind(value)
        .fetch_all(&self.reader)
        .await?;
        let mut cards = assemble(rows, evidence, amendments)?;
        for card in &mut cards {
            card.asked = asked
                .iter()
                .filter(|(scorecard, _)| *scorecard == card.id)
                .map(|(_, question)| *question)
                .collect();
        }
        Ok(cards)
    }

    /// One author's scorecard for one interview, if they have started it.
    pub async fn scorecard_of(
        &self,
        interview_id: i64,
        author_id: i64,
    ) -> Result<Option<ScorecardRecord>> {
        let application_id: Option<i64> = sqlx::query_scalar(
            "SELECT application_id FROM scorecards WHERE interview_id = $1 AND author_id = $2",
        )
        .bind(interview_id)
        .bind(author_id)
        .fetch_optional(&self.reader)
        .await?;
        let Some(application_id) = application_id else {
            return Ok(None);
        };
        Ok(self
            .scorecards_of_application(application_id)
            .await?
            .into_iter()
            .find(|s| s.interview_id == interview_id && s.author_id == author_id))
    }

    /// Writes a draft whole: creates it, or replaces the answers of the author's draft. `None`
    /// when the author's scorecard for the interview is already submitted (and so locked).
    pub async fn save_scorecard_draft(
        tx: &mut Tx,
        draft: &DraftWrite<'_>,
        now: i64,
    ) -> Result<Option<i64>> {
        let answers = draft.answers;
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO scorecards (interview_id, application_id, author_id, authorship, area_id, \
             technical_notes, technical_rating, recommendation, summary, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) \
             ON CONFLICT (interview_id, author_id) DO UPDATE SET \
             technical_notes = excluded.technical_notes, technical_rating = excluded.technical_rating, \
             recommendation = excluded.recommendation, summary = excluded.summary, \
             updated_at = excluded.updated_at WHERE scorecards.submitted_at IS NULL RETURNING id",
        )
        .bind(draft.interview_id)
        .bind(draft.application_id)
        .bind(draft.author_id)
        .bind(draft.authorship.as_str())
        .bind(draft.area_id)
        .bind(&answers.technical_notes)
        .bind(answers.technical_rating.map(Rating::value))
        .bind(answers.recommendation.map(Recommendation::as_str))
        .bind(&answers.summary)
        .bind(now)
        .fetch_optional(&mut **tx)
        .await?;
        let Some(id) = id else {
            return Ok(None);
        };
        sqlx::query("DELETE FROM scorecard_questions WHERE scorecard_id = $1")
            .bind(id)
            .execute(&mut **tx)
            .await?;
        for question in draft.asked {
            sqlx::query(
                "INSERT INTO scorecard_questions (scorecard_id, question_id) VALUES ($1, $2) \
                 ON CONFLICT DO NOTHING",
            )
            .bind(id)
            .bind(question)
            .execute(&mut **tx)
            .await?;
        }
        sqlx::query("DELETE FROM scorecard_principles WHERE scorecard_id = $1")
            .bind(id)
            .execute(&mut **tx)
            .await?;
        for (position, evidence) in answers.principles.iter().enumerate() {
            sqlx::query(
                "INSERT INTO scorecard_principles (scorecard_id, competency_id, position, situation, \
                 task, action, result, rating) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(id)
            .bind(evidence.competency_id)
            .bind(position as i64)
            .bind(&evidence.star.situation)
            .bind(&evidence.star.task)
            .bind(&evidence.star.action)
            .bind(&evidence.star.result)
            .bind(evidence.rating.map(Rating::value))
            .execute(&mut **tx)
            .await?;
        }
        Ok(Some(id))
    }

    /// Locks a draft as submitted. [`StoreError::Stale`] when it was submitted meanwhile.
    pub async fn submit_scorecard(tx: &mut Tx, id: i64, now: i64) -> Result<()> {
        let result = sqlx::query(
            "UPDATE scorecards SET submitted_at = $1, updated_at = $1 \
             WHERE id = $2 AND submitted_at IS NULL",
        )
        .bind(now)
        .bind(id)
        .execute(&mut **tx)
        .await?;
        if affected(result) != 1 {
            return Err(StoreError::Stale);
        }
        Ok(())
    }

    /// Adds a dated amendment beside a submitted scorecard.
    pub async fn add_scorecard_amendment(
        tx: &mut Tx,
        scorecard_id: i64,
        body: &str,
        now: i64,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO scorecard_amendments (scorecard_id, body, created_at) VALUES ($1, $2, $3)",
        )
        .bind(scorecard_id)
        .bind(body)
        .bind(now)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// What `user_id` is to the interviews of `application_id`.
    pub async fn panel_part(&self, application_id: i64, user_id: i64) -> Result<PanelPart> {
        Ok(sqlx::query_as(
            "SELECT \
             (SELECT COUNT(*) FROM interviews i WHERE i.application_id = $1 AND i.interviewer_id = $2 \
              AND i.status = 'booked') AS held, \
             (SELECT COUNT(*) FROM interviews i JOIN scorecards s ON s.interview_id = i.id \
              AND s.author_id = $2 WHERE i.application_id = $1 AND i.interviewer_id = $2 \
              AND i.status = 'booked' AND s.submitted_at IS NOT NULL) AS submitted, \
             (SELECT COUNT(*) FROM interviews i WHERE i.application_id = $1 AND i.shadow_id = $2 \
              AND i.status = 'booked') AS shadowed",
        )
        .bind(application_id)
        .bind(user_id)
        .fetch_one(&self.reader)
        .await?)
    }

    /// The author's scorecards by interview: (interview id, submitted).
    pub async fn scorecard_states_of_author(&self, author_id: i64) -> Result<Vec<(i64, bool)>> {
        let rows: Vec<(i64, Option<i64>)> = sqlx::query_as(
            "SELECT interview_id, submitted_at FROM scorecards WHERE author_id = $1",
        )
        .bind(author_id)
        .fetch_all(&self.reader)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, submitted)| (id, submitted.is_some()))
            .collect())
    }

    /// Booked interviews that ended before `ended_before` and whose interviewer has not submitted
    /// feedback, the longest overdue first; at most [`OVERDUE_LIMIT`].
    pub async fn overdue_feedback(&self, ended_before: i64) -> Result<Vec<OverdueFeedback>> {
        Ok(sqlx::query_as(
            "SELECT i.id AS interview_id, i.application_id, i.kind, i.round, i.ends_at, \
             i.interviewer_id, u.display_name AS interviewer_name, u.email AS interviewer_email, \
             a.candidate_name, CASE WHEN s.id IS NULL THEN 0 ELSE 1 END AS drafted \
             FROM interviews i JOIN users u ON u.id = i.interviewer_id \
             JOIN applications a ON a.id = i.application_id \
             LEFT JOIN scorecards s ON s.interview_id = i.id AND s.author_id = i.interviewer_id \
             WHERE i.status = 'booked' AND i.ends_at < $1 AND s.submitted_at IS NULL \
             ORDER BY i.ends_at, i.id LIMIT $2",
        )
        .bind(ended_before)
        .bind(OVERDUE_LIMIT)
        .fetch_all(&self.reader)
        .await?)
    }
}

/// Puts the rows of three queries together, scorecard by scorecard.
fn assemble(
    rows: Vec<ScorecardRow>,
    evidence: Vec<EvidenceRow>,
    amendments: Vec<AmendmentRow>,
) -> Result<Vec<ScorecardRecord>> {
    let mut evidence_of: BTreeMap<i64, Vec<PrincipleEvidence>> = BTreeMap::new();
    for row in evidence {
        evidence_of
            .entry(row.scorecard_id)
            .or_default()
            .push(PrincipleEvidence {
                competency_id: row.competency_id,
                star: Star {
                    situation: row.situation,
                    task: row.task,
                    action: row.action,
                    result: row.result,
                },
                rating: rating(row.rating)?,
            });
    }
    let mut amendments_of: BTreeMap<i64, Vec<(i64, String)>> = BTreeMap::new();
    for row in amendments {
        amendments_of
            .entry(row.scorecard_id)
            .or_default()
            .push((row.created_at, row.body));
    }
    rows.into_iter()
        .map(|row| {
            Ok(ScorecardRecord {
                id: row.id,
                interview_id: row.interview_id,
                application_id: row.application_id,
                author_id: row.author_id,
                author_name: row.author_name,
                authorship: row.authorship,
                area_id: row.area_id,
                answers: Answers {
                    principles: evidence_of.remove(&row.id).unwrap_or_default(),
                    technical_notes: row.technical_notes,
                    technical_rating: rating(row.technical_rating)?,
                    recommendation: row
                        .recommendation
                        .map(Recommendation::try_from)
                        .transpose()
                        .map_err(undecodable)?,
                    summary: row.summary,
                },
                created_at: row.created_at,
                updated_at: row.updated_at,
                submitted_at: row.submitted_at,
                interview_kind: row.interview_kind,
                interview_round: row.interview_round,
                interviewer_id: row.interviewer_id,
                starts_at: row.starts_at,
                ends_at: row.ends_at,
                amendments: amendments_of.remove(&row.id).unwrap_or_default(),
                asked: Vec::new(),
            })
        })
        .collect()
}

/// A stored code the domain does not know fails the read, as every stored code does.
fn undecodable(message: String) -> StoreError {
    StoreError::Database(sqlx::Error::Decode(message.into()))
}

fn rating(value: Option<i64>) -> Result<Option<Rating>> {
    value
        .map(|v| Rating::from_value(v).ok_or_else(|| undecodable(format!("unknown rating {v}"))))
        .transpose()
}
