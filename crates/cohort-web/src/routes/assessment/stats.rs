//! One assessment across its candidates: completion, time used, the score distribution (an SVG
//! histogram drawn here, so it needs no script), per-problem solve rates, and a CSV export.

use super::results::AssessmentResult;
use crate::auth::{Csrf, Pipeline, Require};
use crate::error::AppError;
use crate::html::render;
use crate::pages::Layout;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use cohort_app::assessment::scoring::scores_of_assessment;
use cohort_store::problems::AssessmentProblemRecord;
use cohort_store::problems::AssessmentRecord;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff/assessments/{id}/results", get(results_page))
        .route("/staff/assessments/{id}/results.csv", get(results_csv))
}

/// Ten bins of 10 % of the possible points; a full score falls in the last.
pub fn score_bins(totals: &[f64], possible: i64) -> [usize; 10] {
    let mut bins = [0; 10];
    for total in totals {
        let share = if possible > 0 {
            total / possible as f64
        } else {
            0.0
        };
        bins[((share * 10.0).floor() as usize).min(9)] += 1;
    }
    bins
}

/// The histogram as SVG: one bar per bin, labelled, with a title for screen readers.
pub fn histogram_svg(bins: &[usize; 10]) -> String {
    let (width, height, bar) = (420, 160, 38);
    let highest = bins.iter().copied().max().unwrap_or(0).max(1);
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {}\" role=\"img\" aria-labelledby=\"histogram-title\" class=\"histogram\"><title id=\"histogram-title\">Candidates per score band: {}</title>",
        height + 30,
        bins.iter()
            .enumerate()
            .map(|(i, n)| format!("{}–{} %: {n}", i * 10, i * 10 + 10))
            .collect::<Vec<_>>()
            .join(", ")
    );
    for (index, count) in bins.iter().enumerate() {
        let bar_height = count * (height - 20) / highest;
        let x = 10 + index * (bar + 2);
        let y = height - bar_height;
        svg.push_str(&format!(
            "<rect x=\"{x}\" y=\"{y}\" width=\"{bar}\" height=\"{bar_height}\" fill=\"#1f4e79\"/><text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\">{count}</text><text x=\"{}\" y=\"{}\" font-size=\"10\" text-anchor=\"middle\" fill=\"#5a6470\">{}%</text>",
            x + bar / 2,
            y.saturating_sub(4).max(12),
            x + bar / 2,
            height + 16,
            index * 10
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// A cell a spreadsheet will not run as a formula: text a candidate typed (their name) that
/// starts like one gets a leading apostrophe, as spreadsheets expect.
fn spreadsheet_safe(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// A candidate's row.
struct CandidateRow {
    application_id: i64,
    name: String,
    result: AssessmentResult,
}

#[derive(Template)]
#[template(path = "assessment/assessment_results.html")]
struct ResultsPage {
    layout: Layout,
    assessment: AssessmentRecord,
    invited: usize,
    finished: usize,
    completion: String,
    median_minutes: String,
    histogram: String,
    /// (problem, solved by, solve rate).
    solve_rates: Vec<(String, usize, String)>,
    rows: Vec<CandidateRow>,
}

/// Every candidate's row with the assessment's problems, in a fixed number of queries whatever
/// the number of candidates: the problems, the invitations, their submissions and flag counts.
async fn rows_of(
    state: &AppState,
    assessment_id: i64,
) -> Result<(Vec<AssessmentProblemRecord>, Vec<CandidateRow>), AppError> {
    let (problems, sessions) = scores_of_assessment(state.app(), assessment_id).await?;
    let flags: std::collections::HashMap<i64, i64> = state
        .store()
        .flag_counts_of_assessment(assessment_id)
        .await?
        .into_iter()
        .collect();
    let now = state.now();
    let rows = sessions
        .iter()
        .map(|session| {
            let mut result = AssessmentResult::of(now, &problems, session);
            result.flag_count = flags.get(&session.invitation.id).copied().unwrap_or(0) as usize;
            CandidateRow {
                application_id: session.invitation.application_id,
                name: session.invitation.candidate_name.clone(),
                result,
            }
        })
        .collect();
    Ok((problems, rows))
}

async fn results_page(
    State(state): State<AppState>,
    staff: Require<Pipeline>,
    csrf: Csrf,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let assessment = state.store().assessment(id).await?;
    let (problems, rows) = rows_of(&state, id).await?;
    let possible: i64 = problems.iter().map(|p| p.points).sum();
    let finished: Vec<&CandidateRow> = rows.iter().filter(|r| r.result.finished).collect();
    let totals: Vec<f64> = finished.iter().map(|r| r.result.total).collect();
    let mut minutes: Vec<i64> = finished
        .iter()
        .filter_map(|r| r.result.minutes_used)
        .collect();
    minutes.sort_unstable();
    let solve_rates = problems
        .iter()
        .enumerate()
        .map(|(index, problem)| {
            let solved = finished
                .iter()
                .filter(|r| r.result.solved.get(index).copied().unwrap_or(false))
                .count();
            let rate = if finished.is_empty() {
                "—".to_owned()
            } else {
                format!("{:.0} %", 100.0 * solved as f64 / finished.len() as f64)
            };
            (problem.name.clone(), solved, rate)
        })
        .collect();
    let page = ResultsPage {
        layout: Layout::for_account(
            format!("Assessment results: {}", assessment.track_name),
            Some(&staff.account),
            &csrf,
        ),
        invited: rows.len(),
        finished: finished.len(),
        completion: if rows.is_empty() {
            "—".into()
        } else {
            format!("{:.0} %", 100.0 * finished.len() as f64 / rows.len() as f64)
        },
        median_minutes: minutes
            .get(minutes.len() / 2)
            .map_or("—".into(), |m| format!("{m} min")),
        histogram: histogram_svg(&score_bins(&totals, possible)),
        solve_rates,
        rows,
        assessment,
    };
    Ok(render(&page)?.into_response())
}

async fn results_csv(
    State(state): State<AppState>,
    _staff: Require<Pipeline>,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let assessment = state.store().assessment(id).await?;
    let (problems, rows) = rows_of(&state, id).await?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header_row = vec![
        "application_id".to_owned(),
        "candidate".to_owned(),
        "status".to_owned(),
        "minutes_used".to_owned(),
    ];
    header_row.extend(problems.iter().map(|p| format!("points: {}", p.name)));
    header_row.extend([
        "total".into(),
        "possible".into(),
        "passed".into(),
        "plagiarism_flags".into(),
    ]);
    writer
        .write_record(&header_row)
        .map_err(AppError::internal)?;
    for row in rows {
        let result = &row.result;
        let mut record = vec![
            row.application_id.to_string(),
            spreadsheet_safe(&row.name),
            result.status.clone(),
            result.minutes_used.map_or(String::new(), |m| m.to_string()),
        ];
        record.extend(result.problems.iter().map(|p| p.earned.clone()));
        record.extend([
            result.earned.clone(),
            result.possible.to_string(),
            match result.passed {
                Some(true) => "yes".into(),
                Some(false) => "no".into(),
                None => String::new(),
            },
            result.flag_count.to_string(),
        ]);
        writer.write_record(&record).map_err(AppError::internal)?;
    }
    let body = writer.into_inner().map_err(AppError::internal)?;
    let file = format!(
        "attachment; filename=\"assessment-{}-{}.csv\"",
        assessment.id,
        assessment.track_name.to_lowercase().replace(' ', "-")
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, file),
        ],
        body,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_fall_in_tenths_of_the_possible_points_and_a_full_score_in_the_last() {
        let bins = score_bins(&[0.0, 9.9, 10.0, 55.0, 100.0, 100.0], 100);
        assert_eq!(bins, [2, 1, 0, 0, 0, 1, 0, 0, 0, 2]);
    }

    #[test]
    fn names_that_start_like_a_formula_are_kept_as_text() {
        assert_eq!(spreadsheet_safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(spreadsheet_safe("@cmd"), "'@cmd");
        assert_eq!(spreadsheet_safe("Ada Lovelace"), "Ada Lovelace");
    }

    #[test]
    fn the_histogram_has_a_bar_per_band_and_says_what_it_shows() {
        let svg = histogram_svg(&[0, 1, 0, 0, 0, 3, 0, 0, 0, 2]);
        assert_eq!(svg.matches("<rect").count(), 10);
        assert!(svg.contains("50–60 %: 3"));
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    }
}
