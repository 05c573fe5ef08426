//! Loop templates: per track of a season, the phone screens and the final loop's interviews in
//! order, each with its length, technical area and principles, one of them the bar raiser's;
//! with what the template covers of the principles, and warnings.

use crate::auth::{Csrf, CsrfForm, Recruiting, Require};
use crate::error::AppError;
use crate::html::{render, render_status};
use crate::pages::Layout;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use cohort_app::interviews::suggested::suggested_template;
use cohort_app::interviews::{self, InterviewsError};
use cohort_domain::interviews::{
    coverage, Competency, CompetencyKind, Coverage, InterviewRow, LoopTemplate, LoopTemplateForm,
    MAX_LOOP_INTERVIEWS,
};
use cohort_domain::FieldErrors;
use cohort_store::accounts::Account;
use cohort_store::seasons::SeasonRecord;

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/staff/seasons/{id}/interviews",
        get(templates_page).post(save),
    )
}

/// One interview row as the form shows it.
struct RowView {
    minutes: String,
    title: String,
    area: String,
    principle_a: String,
    principle_b: String,
    coding_pad: bool,
}

/// One track's form, filled from its saved template, the suggestion for its track, or what was
/// just submitted.
struct TrackView {
    track_id: i64,
    track_name: String,
    /// "saved", "suggested" or "empty".
    source: &'static str,
    rows: Vec<RowView>,
    /// The bar raiser's row, counted from 1; 0 for none.
    bar_raiser: usize,
    max_gap: String,
    phone_minutes: String,
    phone_screens: String,
    total_minutes: u32,
    coverage: Option<Coverage>,
    errors: FieldErrors,
}

#[derive(Template)]
#[template(path = "interviews/loop_templates.html")]
struct TemplatesPage {
    layout: Layout,
    season: SeasonRecord,
    tracks: Vec<TrackView>,
    areas: Vec<Competency>,
    principles: Vec<Competency>,
    /// Whether the bar raiser's no-hire vote vetoes a hire in this season's debriefs.
    veto: bool,
    /// Each track's hiring manager, who votes in its debriefs.
    track_managers: Vec<cohort_store::interviews::debriefs::TrackManager>,
    /// Who may be one: accounts with the hiring-manager role.
    managers: Vec<cohort_store::interviews::debriefs::Manager>,
}

fn rows_of(template: &LoopTemplate) -> (Vec<RowView>, usize) {
    let id = |value: Option<&i64>| value.map(i64::to_string).unwrap_or_default();
    let rows = template
        .interviews
        .iter()
        .map(|i| RowView {
            minutes: i.minutes.to_string(),
            title: i.title.clone(),
            area: id(i.area.as_ref()),
            principle_a: id(i.principles.first()),
            principle_b: id(i.principles.get(1)),
            coding_pad: i.coding_pad,
        })
        .collect();
    let bar_raiser = template
        .interviews
        .iter()
        .position(|i| i.bar_raiser)
        .map_or(0, |p| p + 1);
    (rows, bar_raiser)
}

fn view_of(
    track_id: i64,
    track_name: String,
    source: &'static str,
    template: &LoopTemplate,
    competencies: &[Competency],
) -> TrackView {
    let (rows, bar_raiser) = rows_of(template);
    TrackView {
        track_id,
        track_name,
        source,
        rows,
        bar_raiser,
        max_gap: template.max_gap_minutes.to_string(),
        phone_minutes: template.phone_screen_minutes.to_string(),
        phone_screens: template.phone_screens.to_string(),
        total_minutes: template.total_minutes(),
        coverage: (source != "empty").then(|| coverage(template, competencies)),
        errors: FieldErrors::new(),
    }
}

async fn page_for(
    state: &AppState,
    account: &Account,
    csrf: &Csrf,
    season_id: i64,
    submitted: Option<(SubmittedForm, FieldErrors)>,
    flash: Option<String>,
) -> Result<TemplatesPage, AppError> {
    let season = state.store().season(season_id).await?;
    let competencies: Vec<Competency> = state.store().competency_rules().await?;
    let saved = state.store().loop_templates(season_id).await?;
    let mut submitted = submitted;
    let mut tracks = Vec::new();
    for track in state.store().tracks(season_id).await? {
        let mut view = match saved.iter().find(|t| t.track_id == track.id) {
            Some(saved) => view_of(
                track.id,
                track.name,
                "saved",
                &saved.template,
                &competencies,
            ),
            None => match suggested_template(&track.name, &competencies) {
                Some(suggested) => {
                    view_of(track.id, track.name, "suggested", &suggested, &competencies)
                }
                None => view_of(
                    track.id,
                    track.name,
                    "empty",
                    &LoopTemplate {
                        interviews: Vec::new(),
                        max_gap_minutes: 15,
                        phone_screen_minutes: 45,
                        phone_screens: 1,
                    },
                    &competencies,
                ),
            },
        };
        if let Some((form, errors)) = submitted.take_if(|(form, _)| form.track == track.id) {
            view.rows = form.row_views();
            view.bar_raiser = form.bar_raiser_row();
            view.max_gap = form.max_gap_minutes;
            view.phone_minutes = form.phone_screen_minutes;
            view.phone_screens = form.phone_screens;
            view.errors = errors;
        }
        view.rows.resize_with(MAX_LOOP_INTERVIEWS, || RowView {
            minutes: String::new(),
            title: String::new(),
            area: String::new(),
            principle_a: String::new(),
            principle_b: String::new(),
            coding_pad: false,
        });
        tracks.push(view);
    }
    let (areas, principles) = competencies
        .into_iter()
        .partition(|c| c.kind == CompetencyKind::Technical);
    Ok(TemplatesPage {
        layout: Layout::for_account(
            format!("Interviews for {}", season.name),
            Some(account),
            csrf,
        )
        .with_flash(flash),
        veto: state.store().bar_raiser_veto(season.id).await?,
        track_managers: state.store().track_managers(season.id).await?,
        managers: state.store().managers().await?,
        season,
        tracks,
        areas,
        principles,
    })
}

#[derive(serde::Deserialize)]
struct PageQuery {
    notice: Option<String>,
}

async fn templates_page(
    State(state): State<AppState>,
    staff: Require<Recruiting>,
    csrf: Csrf,
    Path(season_id): Path<i64>,
    Query(query): Query<PageQuery>,
) -> Result<Response, AppError> {
    let flash = match query.notice.as_deref() {
        Some("saved") => Some("Loop template saved.".to_owned()),
        Some("debriefs") => Some("Debrief settings saved.".to_owned()),
        _ => None,
    };
    let page = page_for(&state, &staff.account, &csrf, season_id, None, flash).await?;
    Ok(render(&page)?.into_response())
}

/// The form as submitted: the rows' fields come as lists, one entry per row.
#[derive(serde::Deserialize, Default)]
struct SubmittedForm {
    track: i64,
    #[serde(default)]
    minutes: Vec<String>,
    #[serde(default)]
    title: Vec<String>,
    #[serde(default)]
    area: Vec<String>,
    #[serde(default)]
    principle_a: Vec<String>,
    #[serde(default)]
    principle_b: Vec<String>,
    /// The bar raiser's row, counted from 1; empty or 0 for none.
    #[serde(default)]
    bar_raiser: String,
    /// The rows held in the coding pad, counted from 1.
    #[serde(default)]
    coding_pad: Vec<String>,
    #[serde(default)]
    max_gap_minutes: String,
    #[serde(default)]
    phone_screen_minutes: String,
    #[serde(default)]
    phone_screens: String,
}

impl SubmittedForm {
    fn field(list: &[String], index: usize) -> String {
        list.get(index).cloned().unwrap_or_default()
    }

    /// As many rows as the longest list (a forged form may send more than the page shows; the
    /// domain refuses more than a loop may have).
    fn row_count(&self) -> usize {
        [
            &self.minutes,
            &self.title,
            &self.area,
            &self.principle_a,
            &self.principle_b,
        ]
        .iter()
        .map(|l| l.len())
        .max()
        .unwrap_or(0)
    }

    fn bar_raiser_row(&self) -> usize {
        self.bar_raiser.trim().parse().unwrap_or(0)
    }

    /// Whether row `index` (from 0) is ticked to be held in the coding pad.
    fn in_coding_pad(&self, index: usize) -> bool {
        self.coding_pad
            .iter()
            .any(|row| row.trim().parse() == Ok(index + 1))
    }

    fn row_views(&self) -> Vec<RowView> {
        (0..self.row_count())
            .map(|i| RowView {
                minutes: Self::field(&self.minutes, i),
                title: Self::field(&self.title, i),
                area: Self::field(&self.area, i),
                principle_a: Self::field(&self.principle_a, i),
                principle_b: Self::field(&self.principle_b, i),
                coding_pad: self.in_coding_pad(i),
            })
            .collect()
    }

    fn domain_form(&self) -> LoopTemplateForm {
        let bar_raiser = self.bar_raiser_row();
        LoopTemplateForm {
            rows: (0..self.row_count())
                .map(|i| InterviewRow {
                    minutes: Self::field(&self.minutes, i),
                    title: Self::field(&self.title, i),
                    area: Self::field(&self.area, i),
                    principles: vec![
                        Self::field(&self.principle_a, i),
                        Self::field(&self.principle_b, i),
                    ],
                    bar_raiser: bar_raiser == i + 1,
                    coding_pad: self.in_coding_pad(i),
                })
                .collect(),
            max_gap_minutes: self.max_gap_minutes.clone(),
            phone_screen_minutes: self.phone_screen_minutes.clone(),
            phone_screens: self.phone_screens.clone(),
        }
    }
}

async fn save(
    State(state): State<AppState>,
    staff: Require<Recruiting>,
    csrf: Csrf,
    Path(season_id): Path<i64>,
    CsrfForm(submitted): CsrfForm<SubmittedForm>,
) -> Result<Response, AppError> {
    let track = state.store().track(submitted.track).await?;
    if track.season_id != season_id {
        return Err(AppError::NotFound);
    }
    let competencies: Vec<Competency> = state.store().competency_rules().await?;
    // A bar raiser's row the form does not have (a forged or stale form) is refused, not
    // dropped, so that nobody saves a loop without the bar raiser they meant to have.
    let parsed = submitted
        .domain_form()
        .parse(&competencies)
        .and_then(|template| {
            if submitted.bar_raiser_row() > submitted.row_count() {
                let mut errors = FieldErrors::new();
                errors.add(
                    "interviews",
                    "The bar raiser's interview is not one of the rows.",
                );
                Err(errors)
            } else {
                Ok(template)
            }
        });
    let errors = match parsed {
        Ok(template) => {
            interviews::save_loop_template(state.app(), season_id, track.id, &template)
                .await
                .map_err(|error| match error {
                    InterviewsError::WrongSeason => AppError::NotFound,
                    other => other.into(),
                })?;
            return Ok(Redirect::to(&format!(
                "/staff/seasons/{season_id}/interviews?notice=saved#track-{}",
                track.id
            ))
            .into_response());
        }
        Err(errors) => errors,
    };
    let page = page_for(
        &state,
        &staff.account,
        &csrf,
        season_id,
        Some((submitted, errors)),
        None,
    )
    .await?;
    render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
}
