//! Case studies (a prompt per track and technical area of a season) and the deliverables
//! candidates upload for them, append-only.

use crate::{affected, Result, Store, StoreError, Tx};
use cohort_domain::interviews::case_study::CaseStudy;

/// A case study as stored, with its track's and area's names.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CaseStudyRecord {
    pub id: i64,
    pub season_id: i64,
    pub track_id: i64,
    pub track_name: String,
    pub area_id: i64,
    pub area_name: String,
    pub title: String,
    pub prompt: String,
    pub wants_deliverable: i64,
    pub days_ahead: i64,
    pub updated_at: i64,
}

impl CaseStudyRecord {
    pub fn wants_deliverable(&self) -> bool {
        self.wants_deliverable != 0
    }
}

/// One uploaded deliverable.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DeliverableRecord {
    pub id: i64,
    pub application_id: i64,
    pub case_study_id: i64,
    pub blob: String,
    pub filename: String,
    pub kind: String,
    pub size: i64,
    pub uploaded_at: i64,
}

/// A deliverable to record.
#[derive(Debug, Clone)]
pub struct NewDeliverable<'a> {
    pub application_id: i64,
    pub case_study_id: i64,
    pub blob: &'a str,
    pub filename: &'a str,
    pub kind: &'a str,
    pub size: i64,
}

const CASE_STUDY: &str = "SELECT c.id, c.season_id, c.track_id, t.name AS track_name, c.area_id, \
     k.name AS area_name, c.title, c.prompt, c.wants_deliverable, c.days_ahead, c.updated_at \
     FROM case_studies c JOIN tracks t ON t.id = c.track_id JOIN competencies k ON k.id = c.area_id";

const DELIVERABLE: &str = "SELECT id, application_id, case_study_id, blob, filename, kind, size, \
     uploaded_at FROM case_deliverables";

impl Store {
    /// A season's case studies, by track and area.
    pub async fn case_studies(&self, season_id: i64) -> Result<Vec<CaseStudyRecord>> {
        Ok(sqlx::query_as(&format!(
            "{CASE_STUDY} WHERE c.season_id = $1 ORDER BY t.position, k.name"
        ))
        .bind(season_id)
        .fetch_all(&self.reader)
        .await?)
    }

    pub async fn case_study(&self, id: i64) -> Result<CaseStudyRecord> {
        sqlx::query_as(&format!("{CASE_STUDY} WHERE c.id = $1"))
            .bind(id)
            .fetch_optional(&self.reader)
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// Adds a case. [`StoreError::Conflict`] when the track's interview in that area has one.
    pub async fn create_case_study(
        tx: &mut Tx,
        season_id: i64,
        case: &CaseStudy,
        by: i64,
        now: i64,
    ) -> Result<i64> {
        sqlx::query_scalar(
            "INSERT INTO case_studies (season_id, track_id, area_id, title, prompt, wants_deliverable, \
             days_ahead, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
        )
        .bind(season_id)
        .bind(case.track_id)
        .bind(case.area_id)
        .bind(&case.title)
        .bind(&case.prompt)
        .bind(i64::from(case.wants_deliverable))
        .bind(i64::from(case.days_ahead))
        .bind(by)
        .bind(now)
        .fetch_one(&mut **tx)
        .await
        .map_err(|e| StoreError::conflict_as(e, "a case for this track's interview in that area"))
    }

    /// Rewrites a case. [`StoreError::NotFound`] for no such case in the season;
    /// [`StoreError::Conflict`] when another case has the track and area.
    pub async fn update_case_study(
        tx: &mut Tx,
        (season_id, id): (i64, i64),
        case: &CaseStudy,
        now: i64,
    ) -> Result<()> {
        let result = sqlx::query(
            "UPDATE case_studies SET track_id = $1, area_id = $2, title = $3, prompt = $4, \
             wants_deliverable = $5, days_ahead = $6, updated_at = $7 WHERE id = $8 AND season_id = $9",
        )
        .bind(case.track_id)
        .bind(case.area_id)
        .bind(&case.title)
        .bind(&case.prompt)
        .bind(i64::from(case.wants_deliverable))
        .bind(i64::from(case.days_ahead))
        .bind(now)
        .bind(id)
        .bind(season_id)
        .execute(&mut **tx)
        .await
        .map_err(|e| StoreError::conflict_as(e, "a case for this track's interview in that area"))?;
        if affected(result) != 1 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Every deliverable of an application, oldest first.
    pub async fn deliverables_of(&self, application_id: i64) -> Result<Vec<DeliverableRecord>> {
        Ok(sqlx::query_as(&format!(
            "{DELIVERABLE} WHERE application_id = $1 ORDER BY id"
        ))
        .bind(application_id)
        .fetch_all(&self.reader)
        .await?)
    }

    pub async fn deliverable(&self, id: i64) -> Result<DeliverableRecord> {
        sqlx::query_as(&format!("{DELIVERABLE} WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.reader)
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// The latest deliverable of an application for a case, read inside `tx` after the
    /// caller's locks.
    pub async fn latest_deliverable_in(
        tx: &mut Tx,
        application_id: i64,
        case_study_id: i64,
    ) -> Result<Option<DeliverableRecord>> {
        Ok(sqlx::query_as(&format!(
            "{DELIVERABLE} WHERE application_id = $1 AND case_study_id = $2 ORDER BY id DESC LIMIT 1"
        ))
        .bind(application_id)
        .bind(case_study_id)
        .fetch_optional(&mut **tx)
        .await?)
    }

    pub async fn insert_deliverable(
        tx: &mut Tx,
        new: &NewDeliverable<'_>,
        now: i64,
    ) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO case_deliverables (application_id, case_study_id, blob, filename, kind, size, \
             uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(new.application_id)
        .bind(new.case_study_id)
        .bind(new.blob)
        .bind(new.filename)
        .bind(new.kind)
        .bind(new.size)
        .bind(now)
        .fetch_one(&mut **tx)
        .await?)
    }
}
