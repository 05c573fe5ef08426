//! The demo's interviews: the company's competencies (the technical areas and the sixteen
//! Leadership Principles) and the suggested loop template of each of the season's tracks.

use cohort_app::interviews::suggested::suggested_template;
use cohort_app::interviews::{self, InterviewsError};
use cohort_app::App;

/// Seeds the competencies if there are none, and saves the suggested loop template of every
/// track of the season that has none yet; returns how many templates it saved.
pub async fn ensure_demo_interviews(app: &App, season_id: i64) -> Result<usize, InterviewsError> {
    interviews::seed_competencies(app).await?;
    let competencies: Vec<_> = app
        .store()
        .competencies()
        .await?
        .iter()
        .map(|c| c.competency())
        .collect();
    let saved = app.store().loop_templates(season_id).await?;
    let mut added = 0;
    for track in app.store().tracks(season_id).await? {
        if saved.iter().any(|t| t.track_id == track.id) {
            continue;
        }
        if let Some(template) = suggested_template(&track.name, &competencies) {
            interviews::save_loop_template(app, season_id, track.id, &template).await?;
            added += 1;
        }
    }
    Ok(added)
}
