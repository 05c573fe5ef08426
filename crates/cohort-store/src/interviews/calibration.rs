//! The facts calibration is worked out from, for one season: every rating on a submitted,
//! counted scorecard, every interview whose feedback was due with when it came in, and each
//! debrief's last hire or no-hire decision. Three queries whatever the season's size.

use crate::{Result, Store, StoreError};
use cohort_domain::interviews::calibration::{FeedbackFact, RatingFact};
use cohort_domain::interviews::debrief::Decision;
use cohort_domain::interviews::feedback::Recommendation;
use std::collections::BTreeMap;

/// What [`Store::calibration_facts`] reads.
#[derive(Debug, Clone, Default)]
pub struct CalibrationFacts {
    pub ratings: Vec<RatingFact>,
    pub feedback: Vec<FeedbackFact>,
    /// Application to whether its debrief last decided to hire.
    pub decisions: BTreeMap<i64, bool>,
}

#[derive(sqlx::FromRow)]
struct RatingRow {
    interviewer: i64,
    application: i64,
    principle: i64,
    rating: i64,
}

#[derive(sqlx::FromRow)]
struct FeedbackRow {
    interviewer: i64,
    application: i64,
    ends_at: i64,
    submitted_at: Option<i64>,
    recommendation: Option<String>,
}

#[derive(sqlx::FromRow)]
struct DecisionRow {
    application: i64,
    decision: String,
    reason_code: Option<String>,
}

fn undecodable(message: String) -> StoreError {
    StoreError::Database(sqlx::Error::Decode(message.into()))
}

impl Store {
    /// The season's calibration facts at `now`; feedback is due `due_after` seconds after an
    /// interview ends. An interview counts once its feedback is in or its due time has passed.
    pub async fn calibration_facts(
        &self,
        season_id: i64,
        due_after: i64,
        now: i64,
    ) -> Result<CalibrationFacts> {
        let ratings: Vec<RatingRow> = sqlx::query_as(
            "SELECT s.author_id AS interviewer, s.application_id AS application, \
             p.competency_id AS principle, p.rating FROM scorecard_principles p \
             JOIN scorecards s ON s.id = p.scorecard_id JOIN applications a ON a.id = s.application_id \
             WHERE a.season_id = $1 AND s.submitted_at IS NOT NULL AND s.authorship = 'interviewer' \
             AND p.rating IS NOT NULL",
        )
        .bind(season_id)
        .fetch_all(&self.reader)
        .await?;
        let feedback: Vec<FeedbackRow> = sqlx::query_as(
            "SELECT i.interviewer_id AS interviewer, i.application_id AS application, i.ends_at, \
             s.submitted_at, s.recommendation FROM interviews i \
             JOIN applications a ON a.id = i.application_id \
             LEFT JOIN scorecards s ON s.interview_id = i.id AND s.author_id = i.interviewer_id \
             WHERE a.season_id = $1 AND i.status = 'booked' AND i.interviewer_id IS NOT NULL \
             AND i.ends_at < $2 AND (s.submitted_at IS NOT NULL OR i.ends_at < $3)",
        )
        .bind(season_id)
        .bind(now)
        .bind(now - due_after)
        .fetch_all(&self.reader)
        .await?;
        let decisions: Vec<DecisionRow> = sqlx::query_as(
            "SELECT d.application_id AS application, x.decision, x.reason_code \
             FROM debrief_decisions x JOIN debriefs d ON d.id = x.debrief_id \
             JOIN applications a ON a.id = d.application_id WHERE a.season_id = $1 ORDER BY x.id",
        )
        .bind(season_id)
        .fetch_all(&self.reader)
        .await?;
        let mut facts = CalibrationFacts {
            ratings: ratings
                .into_iter()
                .map(|r| RatingFact {
                    interviewer: r.interviewer,
                    application: r.application,
                    principle: r.principle,
                    rating: r.rating,
                })
                .collect(),
            ..Default::default()
        };
        for row in feedback {
            facts.feedback.push(FeedbackFact {
                interviewer: row.interviewer,
                application: row.application,
                due_at: row.ends_at + due_after,
                // A draft is not in.
                submitted_at: row.submitted_at,
                recommendation: match row.submitted_at {
                    Some(_) => row
                        .recommendation
                        .map(Recommendation::try_from)
                        .transpose()
                        .map_err(undecodable)?,
                    None => None,
                },
            });
        }
        // The last hire or no-hire decision of each debrief wins; "more information" decides
        // nothing.
        for row in decisions {
            match Decision::parse(&row.decision, row.reason_code.as_deref().unwrap_or(""))
                .map_err(undecodable)?
            {
                Decision::Hire => {
                    facts.decisions.insert(row.application, true);
                }
                Decision::NoHire(_) => {
                    facts.decisions.insert(row.application, false);
                }
                Decision::MoreInformation => {}
            }
        }
        Ok(facts)
    }
}
