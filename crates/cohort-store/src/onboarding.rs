//! Onboarding: each track's checklist template, each intern's tasks, orientation sessions, and
//! the accepted interns as provisioning (SCIM and CSV) reads them.

use crate::{affected, Result, Store, StoreError, Tx};
use cohort_domain::onboarding::{TaskKind, TaskOwner, TemplateTask};

/// An intern's task.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TaskRecord {
    pub id: i64,
    pub offer_id: i64,
    pub intern_id: i64,
    pub position: i64,
    pub title: String,
    pub description: String,
    #[sqlx(try_from = "String")]
    pub owner: TaskOwner,
    #[sqlx(try_from = "String")]
    pub kind: TaskKind,
    pub link: String,
    pub due_date: String,
    pub done_at: Option<i64>,
    pub done_by_name: Option<String>,
    pub answer: Option<String>,
    pub blob: Option<String>,
    pub filename: Option<String>,
}

impl TaskRecord {
    pub fn is_done(&self) -> bool {
        self.done_at.is_some()
    }
}

const TASK: &str = "SELECT t.id, t.offer_id, t.intern_id, t.position, t.title, t.description, t.owner, \
     t.kind, t.link, t.due_date, t.done_at, u.display_name AS done_by_name, t.answer, t.blob, t.filename \
     FROM onboarding_tasks t LEFT JOIN users u ON u.id = t.done_by";

/// An accepted intern: who, where, from when to when. What provisioning, the cohort's progress
/// and the CSV export read.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InternRecord {
    pub user_id: i64,
    pub offer_id: i64,
    pub season_id: i64,
    pub name: String,
    pub email: String,
    pub title: String,
    pub track_name: String,
    pub city: String,
    pub country: String,
    pub time_zone: String,
    pub start_date: String,
    pub end_date: String,
    pub manager_name: Option<String>,
    pub manager_email: Option<String>,
    pub updated_at: i64,
}

const INTERN: &str = "SELECT u.id AS user_id, f.id AS offer_id, f.season_id, u.display_name AS name, u.email, \
     o.title, t.name AS track_name, l.city, l.country, f.time_zone, f.start_date, f.end_date, \
     m.display_name AS manager_name, m.email AS manager_email, f.updated_at \
     FROM offers f JOIN applications a ON a.id = f.application_id JOIN users u ON u.id = a.candidate_id \
     JOIN openings o ON o.id = f.opening_id JOIN tracks t ON t.id = o.track_id \
     JOIN locations l ON l.id = o.location_id LEFT JOIN users m ON m.id = t.hiring_manager_id \
     WHERE f.state = 'accepted'";

/// The newest accepted offer of each person (one who accepts again in a later season is one
/// intern, with their latest internship): one grouped pass over the accepted offers.
const LATEST_ACCEPTED: &str =
    "SELECT MAX(f.id) AS id FROM offers f JOIN applications a ON a.id = f.application_id \
     WHERE f.state = 'accepted' GROUP BY a.candidate_id";

/// An orientation session.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRecord {
    pub id: i64,
    pub season_id: i64,
    pub title: String,
    pub description: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub location: String,
    pub start_date: String,
}

/// A new orientation session.
#[derive(Debug, Clone)]
pub struct NewSession<'a> {
    pub season_id: i64,
    pub title: &'a str,
    pub description: &'a str,
    pub starts_at: i64,
    pub ends_at: i64,
    pub location: &'a str,
    pub start_date: &'a str,
    pub created_by: i64,
}

impl Store {
    /// A track's saved template, or `None` when it was never saved (the default applies).
    pub async fn onboarding_template(&self, track_id: i64) -> Result<Option<Vec<TemplateTask>>> {
        let saved: Option<i64> = sqlx::query_scalar(
            "SELECT track_id FROM onboarding_templates_saved WHERE track_id = $1",
        )
        .bind(track_id)
        .fetch_optional(&self.reader)
        .await?;
        if saved.is_none() {
            return Ok(None);
        }
        let rows: Vec<(String, String, String, String, i64, String)> = sqlx::query_as(
            "SELECT title, description, owner, kind, due_offset_days, link FROM onboarding_template_tasks \
             WHERE track_id = $1 ORDER BY position",
        )
        .bind(track_id)
        .fetch_all(&self.reader)
        .await?;
        Ok(Some(
            rows.into_iter()
                .filter_map(|(title, description, owner, kind, due_offset_days, link)| {
                    Some(TemplateTask {
                        title,
                        description,
                        owner: TaskOwner::parse(&owner)?,
                        kind: TaskKind::parse(&kind)?,
                        due_offset_days,
                        link,
                    })
                })
                .collect(),
        ))
    }

    /// Replaces a track's template.
    pub async fn save_onboarding_template(
        tx: &mut Tx,
        track_id: i64,
        tasks: &[TemplateTask],
    ) -> Result<()> {
        sqlx::query("DELETE FROM onboarding_template_tasks WHERE track_id = $1")
            .bind(track_id)
            .execute(&mut **tx)
            .await?;
        for (position, task) in tasks.iter().enumerate() {
            sqlx::query(
                "INSERT INTO onboarding_template_tasks (track_id, position, title, description, owner, kind, due_offset_days, link) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(track_id)
            .bind(position as i64)
            .bind(&task.title)
            .bind(&task.description)
            .bind(task.owner.as_str())
            .bind(task.kind.as_str())
            .bind(task.due_offset_days)
            .bind(&task.link)
            .execute(&mut **tx)
            .await?;
        }
        sqlx::query(
            "INSERT INTO onboarding_templates_saved (track_id) VALUES ($1) ON CONFLICT (track_id) DO NOTHING",
        )
        .bind(track_id)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Writes an intern's tasks from `tasks`, each due on its date; returns their ids in order.
    pub async fn create_onboarding_tasks(
        tx: &mut Tx,
        offer_id: i64,
        intern_id: i64,
        tasks: &[(TemplateTask, String)],
    ) -> Result<Vec<i64>> {
        let mut ids = Vec::with_capacity(tasks.len());
        for (position, (task, due_date)) in tasks.iter().enumerate() {
            ids.push(
                sqlx::query_scalar(
                    "INSERT INTO onboarding_tasks (offer_id, intern_id, position, title, description, owner, kind, link, due_date) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                )
                .bind(offer_id)
                .bind(intern_id)
                .bind(position as i64)
                .bind(&task.title)
                .bind(&task.description)
                .bind(task.owner.as_str())
                .bind(task.kind.as_str())
                .bind(&task.link)
                .bind(due_date)
                .fetch_one(&mut **tx)
                .await?,
            );
        }
        Ok(ids)
    }

    pub async fn onboarding_tasks(&self, offer_id: i64) -> Result<Vec<TaskRecord>> {
        Ok(sqlx::query_as(&format!(
            "{TASK} WHERE t.offer_id = $1 ORDER BY t.due_date, t.position"
        ))
        .bind(offer_id)
        .fetch_all(&self.reader)
        .await?)
    }

    pub async fn onboarding_task(&self, id: i64) -> Result<TaskRecord> {
        sqlx::query_as(&format!("{TASK} WHERE t.id = $1"))
            .bind(id)
            .fetch_optional(&self.reader)
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// Every task of a season's interns, for the cohort's progress: (offer, done at, due date).
    pub async fn onboarding_progress_rows(
        &self,
        season_id: i64,
    ) -> Result<Vec<(i64, Option<i64>, String)>> {
        Ok(sqlx::query_as(
            "SELECT t.offer_id, t.done_at, t.due_date FROM onboarding_tasks t \
             JOIN offers f ON f.id = t.offer_id WHERE f.season_id = $1 AND f.state = 'accepted'",
        )
        .bind(season_id)
        .fetch_all(&self.reader)
        .await?)
    }

    /// Marks a task done, once: a second request finds it done and changes nothing.
    pub async fn complete_onboarding_task(
        tx: &mut Tx,
        id: i64,
        by: i64,
        answer: Option<&str>,
        upload: Option<(&str, &str)>,
        now: i64,
    ) -> Result<()> {
        let result = sqlx::query(
            "UPDATE onboarding_tasks SET done_at = $1, done_by = $2, answer = $3, blob = $4, filename = $5 \
             WHERE id = $6 AND done_at IS NULL",
        )
        .bind(now)
        .bind(by)
        .bind(answer)
        .bind(upload.map(|u| u.0))
        .bind(upload.map(|u| u.1))
        .bind(id)
        .execute(&mut **tx)
        .await?;
        if affected(result) != 1 {
            return Err(StoreError::Stale);
        }
        Ok(())
    }

    /// Opens a done task again (its owner made a mistake).
    pub async fn reopen_onboarding_task(tx: &mut Tx, id: i64) -> Result<()> {
        let result = sqlx::query(
            "UPDATE onboarding_tasks SET done_at = NULL, done_by = NULL, answer = NULL, blob = NULL, filename = NULL \
             WHERE id = $1 AND done_at IS NOT NULL",
        )
        .bind(id)
        .execute(&mut **tx)
        .await?;
        if affected(result) != 1 {
            return Err(StoreError::Stale);
        }
        Ok(())
    }

    /// Accepted interns of every season, in the order their offers were made, from the
    /// `start`th (0-based) on, at most `count`, and how many there are; only `user_name` when
    /// given (an email, any case). The page is chosen on the offers' index alone and only its
    /// rows are joined, so a deep page costs what the first does.
    pub async fn interns_page(
        &self,
        user_name: Option<&str>,
        start: i64,
        count: i64,
    ) -> Result<(Vec<InternRecord>, i64)> {
        match user_name {
            None => {
                let total: i64 =
                    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM ({LATEST_ACCEPTED}) latest"))
                        .fetch_one(&self.reader)
                        .await?;
                let rows = sqlx::query_as(&format!(
                    "{INTERN} AND f.id IN (SELECT id FROM ({LATEST_ACCEPTED}) latest ORDER BY id LIMIT $1 OFFSET $2) \
                     ORDER BY f.id"
                ))
                .bind(count)
                .bind(start)
                .fetch_all(&self.reader)
                .await?;
                Ok((rows, total))
            }
            Some(name) => {
                let all: Vec<InternRecord> = sqlx::query_as(&format!(
                    "{INTERN} AND LOWER(u.email) = LOWER($1) AND f.id IN (SELECT id FROM ({LATEST_ACCEPTED}) latest) ORDER BY f.id"
                ))
                .bind(name)
                .fetch_all(&self.reader)
                .await?;
                let total = all.len() as i64;
                let page = all
                    .into_iter()
                    .skip(start.max(0) as usize)
                    .take(count.max(0) as usize)
                    .collect();
                Ok((page, total))
            }
        }
    }

    /// The accepted intern with account `user_id` (their newest accepted offer).
    pub async fn intern(&self, user_id: i64) -> Result<Option<InternRecord>> {
        Ok(sqlx::query_as(&format!(
            "{INTERN} AND u.id = $1 ORDER BY f.id DESC LIMIT 1"
        ))
        .bind(user_id)
        .fetch_optional(&self.reader)
        .await?)
    }

    /// A season's accepted interns, by start date and name.
    pub async fn season_interns(&self, season_id: i64) -> Result<Vec<InternRecord>> {
        Ok(sqlx::query_as(&format!(
            "{INTERN} AND f.season_id = $1 ORDER BY f.start_date, u.display_name"
        ))
        .bind(season_id)
        .fetch_all(&self.reader)
        .await?)
    }

    pub async fn create_orientation_session(
        tx: &mut Tx,
        session: &NewSession<'_>,
        now: i64,
    ) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO orientation_sessions (season_id, title, description, starts_at, ends_at, location, start_date, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(session.season_id)
        .bind(session.title)
        .bind(session.description)
        .bind(session.starts_at)
        .bind(session.ends_at)
        .bind(session.location)
        .bind(session.start_date)
        .bind(session.created_by)
        .bind(now)
        .fetch_one(&mut **tx)
        .await?)
    }

    pub async fn orientation_session(&self, id: i64) -> Result<SessionRecord> {
        sqlx::query_as(
            "SELECT id, season_id, title, description, starts_at, ends_at, location, start_date FROM orientation_sessions WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.reader)
        .await?
        .ok_or(StoreError::NotFound)
    }

    /// A season's orientation sessions, optionally only those for interns starting on a day.
    pub async fn orientation_sessions(
        &self,
        season_id: i64,
        start_date: Option<&str>,
    ) -> Result<Vec<SessionRecord>> {
        Ok(sqlx::query_as(
            "SELECT id, season_id, title, description, starts_at, ends_at, location, start_date FROM orientation_sessions \
             WHERE season_id = $1 AND ($2 IS NULL OR start_date = $2) ORDER BY starts_at",
        )
        .bind(season_id)
        .bind(start_date)
        .fetch_all(&self.reader)
        .await?)
    }
}
