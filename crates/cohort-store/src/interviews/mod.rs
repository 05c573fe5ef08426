//! Interviews: the company's competencies, each track's loop template, and ([`profiles`]) the
//! interviewers.

pub mod bookings;
pub mod calibration;
pub mod case_studies;
pub mod debriefs;
pub mod follow_ups;
pub mod pads;
pub mod plans;
pub mod profiles;
pub mod questions;
pub mod scorecards;

use crate::{affected, Result, Store, StoreError, Tx};
use cohort_domain::interviews::{Competency, CompetencyKind, LoopTemplate, TemplateInterview};
use std::collections::BTreeMap;

/// A competency as stored.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct CompetencyRecord {
    pub id: i64,
    pub name: String,
    #[sqlx(try_from = "String")]
    #[serde(skip)]
    pub kind: CompetencyKind,
    pub key_principle: i64,
    pub position: i64,
}

impl CompetencyRecord {
    pub fn competency(&self) -> Competency {
        Competency {
            id: self.id,
            name: self.name.clone(),
            kind: self.kind,
            key: self.key_principle != 0,
        }
    }
}

/// A track's saved loop template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedLoopTemplate {
    pub id: i64,
    pub season_id: i64,
    pub track_id: i64,
    pub updated_at: i64,
    pub template: LoopTemplate,
}

#[derive(sqlx::FromRow)]
struct TemplateRow {
    id: i64,
    season_id: i64,
    track_id: i64,
    max_gap_minutes: i64,
    phone_screen_minutes: i64,
    phone_screens: i64,
    updated_at: i64,
}

#[derive(sqlx::FromRow)]
struct InterviewRow {
    template_id: i64,
    position: i64,
    minutes: i64,
    title: String,
    area_id: Option<i64>,
    bar_raiser: i64,
    coding_pad: i64,
}

#[derive(sqlx::FromRow)]
struct PrincipleRow {
    template_id: i64,
    position: i64,
    competency_id: i64,
}

impl Store {
    /// Every competency: the technical areas first, then the principles, each in the company's
    /// order.
    pub async fn competencies(&self) -> Result<Vec<CompetencyRecord>> {
        Ok(self.interviewer_directory().await?.competencies.to_vec())
    }

    /// [`Store::competencies`] from the table, for the interviewer directory.
    pub(crate) async fn read_competencies(&self) -> Result<Vec<CompetencyRecord>> {
        Ok(sqlx::query_as(
            "SELECT id, name, kind, key_principle, position FROM competencies \
             ORDER BY CASE kind WHEN 'technical' THEN 0 ELSE 1 END, position, id",
        )
        .fetch_all(&self.reader)
        .await?)
    }

    /// Every competency's name, by id, for pages and mail that name them.
    pub async fn competency_names<C: FromIterator<(i64, String)>>(&self) -> Result<C> {
        Ok(self
            .competencies()
            .await?
            .into_iter()
            .map(|c| (c.id, c.name))
            .collect())
    }

    /// Every competency as the domain's rules take them (loop templates, coverage,
    /// suggestions), in the same order as [`Store::competencies`].
    pub async fn competency_rules(&self) -> Result<Vec<Competency>> {
        Ok(self
            .competencies()
            .await?
            .iter()
            .map(CompetencyRecord::competency)
            .collect())
    }

    /// Adds a competency after the others of its kind; a name the list has already (in any
    /// case) is a conflict.
    pub async fn create_competency(
        tx: &mut Tx,
        name: &str,
        kind: CompetencyKind,
        key: bool,
        now: i64,
    ) -> Result<i64> {
        sqlx::query_scalar(
            "INSERT INTO competencies (name, kind, key_principle, position, created_at) \
             VALUES ($1, $2, $3, (SELECT COALESCE(MAX(position), 0) + 1 FROM competencies WHERE kind = $2), $4) \
             RETURNING id",
        )
        .bind(name)
        .bind(kind.as_str())
        .bind(i64::from(key))
        .bind(now)
        .fetch_one(&mut **tx)
        .await
        .map_err(|e| StoreError::conflict_as(e, "name"))
    }

    /// Renames a competency and sets whether it is a key principle.
    pub async fn update_competency(tx: &mut Tx, id: i64, name: &str, key: bool) -> Result<()> {
        let result =
            sqlx::query("UPDATE competencies SET name = $1, key_principle = $2 WHERE id = $3")
                .bind(name)
                .bind(i64::from(key))
                .bind(id)
                .execute(&mut **tx)
                .await
                .map_err(|e| StoreError::conflict_as(e, "name"))?;
        if affected(result) == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// How many interviews of loop templates assess a competency, how many interviewers train or
    /// are qualified in it, and how many questions and scorecards name it.
    pub async fn competency_uses(tx: &mut Tx, id: i64) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM loop_template_interviews WHERE area_id = $1) \
             + (SELECT COUNT(*) FROM loop_template_principles WHERE competency_id = $1) \
             + (SELECT COUNT(*) FROM interviewer_competencies WHERE competency_id = $1) \
             + (SELECT COUNT(*) FROM interview_questions WHERE competency_id = $1) \
             + (SELECT COUNT(*) FROM scorecard_principles WHERE competency_id = $1) \
             + (SELECT COUNT(*) FROM scorecards WHERE area_id = $1)",
        )
        .bind(id)
        .fetch_one(&mut **tx)
        .await?)
    }

    pub async fn delete_competency(tx: &mut Tx, id: i64) -> Result<()> {
        let result = sqlx::query("DELETE FROM competencies WHERE id = $1")
            .bind(id)
            .execute(&mut **tx)
            .await?;
        if affected(result) == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// The loop templates of a season's tracks, in three queries whatever their number.
    pub async fn loop_templates(&self, season_id: i64) -> Result<Vec<SavedLoopTemplate>> {
        let templates: Vec<TemplateRow> = sqlx::query_as(
            "SELECT id, season_id, track_id, max_gap_minutes, phone_screen_minutes, phone_screens, updated_at \
             FROM loop_templates WHERE season_id = $1 ORDER BY track_id",
        )
        .bind(season_id)
        .fetch_all(&self.reader)
        .await?;
        let interviews: Vec<InterviewRow> = sqlx::query_as(
            "SELECT i.template_id, i.position, i.minutes, i.title, i.area_id, i.bar_raiser, i.coding_pad \
             FROM loop_template_interviews i JOIN loop_templates t ON t.id = i.template_id \
             WHERE t.season_id = $1 ORDER BY i.template_id, i.position",
        )
        .bind(season_id)
        .fetch_all(&self.reader)
        .await?;
        let principles: Vec<PrincipleRow> = sqlx::query_as(
            "SELECT p.template_id, p.position, p.competency_id \
             FROM loop_template_principles p JOIN loop_templates t ON t.id = p.template_id \
             WHERE t.season_id = $1 ORDER BY p.template_id, p.position, p.competency_id",
        )
        .bind(season_id)
        .fetch_all(&self.reader)
        .await?;
        Ok(assemble(templates, interviews, principles))
    }

    /// Creates or replaces a track's loop template; returns its id.
    pub async fn save_loop_template(
        tx: &mut Tx,
        season_id: i64,
        track_id: i64,
        template: &LoopTemplate,
        now: i64,
    ) -> Result<i64> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO loop_templates (season_id, track_id, max_gap_minutes, phone_screen_minutes, phone_screens, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (track_id) DO UPDATE SET \
             max_gap_minutes = excluded.max_gap_minutes, phone_screen_minutes = excluded.phone_screen_minutes, \
             phone_screens = excluded.phone_screens, updated_at = excluded.updated_at RETURNING id",
        )
        .bind(season_id)
        .bind(track_id)
        .bind(i64::from(template.max_gap_minutes))
        .bind(i64::from(template.phone_screen_minutes))
        .bind(i64::from(template.phone_screens))
        .bind(now)
        .fetch_one(&mut **tx)
        .await?;
        for table in ["loop_template_principles", "loop_template_interviews"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE template_id = $1"))
                .bind(id)
                .execute(&mut **tx)
                .await?;
        }
        for (position, interview) in template.interviews.iter().enumerate() {
            insert_interview(tx, id, position as i64 + 1, interview).await?;
        }
        Ok(id)
    }
}

async fn insert_interview(
    tx: &mut Tx,
    template_id: i64,
    position: i64,
    interview: &TemplateInterview,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO loop_template_interviews (template_id, position, minutes, title, area_id, bar_raiser, coding_pad) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(template_id)
    .bind(position)
    .bind(i64::from(interview.minutes))
    .bind(&interview.title)
    .bind(interview.area)
    .bind(i64::from(interview.bar_raiser))
    .bind(i64::from(interview.coding_pad))
    .execute(&mut **tx)
    .await?;
    for principle in &interview.principles {
        sqlx::query(
            "INSERT INTO loop_template_principles (template_id, position, competency_id) VALUES ($1, $2, $3)",
        )
        .bind(template_id)
        .bind(position)
        .bind(principle)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Puts the rows of three queries together, template by template.
fn assemble(
    templates: Vec<TemplateRow>,
    interviews: Vec<InterviewRow>,
    principles: Vec<PrincipleRow>,
) -> Vec<SavedLoopTemplate> {
    let mut principles_of: BTreeMap<(i64, i64), Vec<i64>> = BTreeMap::new();
    for row in principles {
        principles_of
            .entry((row.template_id, row.position))
            .or_default()
            .push(row.competency_id);
    }
    let mut interviews_of: BTreeMap<i64, Vec<TemplateInterview>> = BTreeMap::new();
    for row in interviews {
        interviews_of
            .entry(row.template_id)
            .or_default()
            .push(TemplateInterview {
                minutes: row.minutes as u32,
                title: row.title,
                area: row.area_id,
                principles: principles_of
                    .remove(&(row.template_id, row.position))
                    .unwrap_or_default(),
                bar_raiser: row.bar_raiser != 0,
                coding_pad: row.coding_pad != 0,
            });
    }
    templates
        .into_iter()
        .map(|row| SavedLoopTemplate {
            id: row.id,
            season_id: row.season_id,
            track_id: row.track_id,
            updated_at: row.updated_at,
            template: LoopTemplate {
                interviews: interviews_of.remove(&row.id).unwrap_or_default(),
                max_gap_minutes: row.max_gap_minutes as u32,
                phone_screen_minutes: row.phone_screen_minutes as u32,
                phone_screens: row.phone_screens as u32,
            },
        })
        .collect()
}
