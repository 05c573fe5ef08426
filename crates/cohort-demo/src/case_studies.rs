//! The demo's case studies: one per track, on the interview of its loop that discusses a case
//! (system design for SDE, a customer architecture for SA, an analytics case for DS, a product
//! case for PM and a program-execution case for TPM), and a deliverable uploaded by the first
//! candidate whose prompt has arrived. Everything goes through the same use cases as the pages.

use cohort_app::interviews::case_studies::{self, CaseError};
use cohort_app::App;
use cohort_domain::interviews::case_study::CaseStudyForm;

/// (track, technical area, title, prompt, days ahead).
const CASES: [(&str, &str, &str, &str, u32); 5] = [
    ("Software Development", "System design", "Design an order history service",
     "Our retail site shows each customer their order history. It holds 2 billion orders and grows by 40% a year; the page must answer in 200 ms at the 99th percentile. Sketch how you would store and serve it, what you would cache, and what fails first as it grows. Bring your sketch; slides are welcome but not required.", 7),
    ("Solutions Architecture", "Customer scenario", "Black Friday for a mid-size retailer",
     "A retailer runs its shop on two servers in its own data centre. Every Black Friday checkout slows to a crawl and they lose sales. They have three months and a modest budget. Prepare a short deck (5 slides at most) with the architecture you would propose, how it scales, what it costs roughly, and how you would migrate without downtime.", 5),
    ("Data Science", "Analytics", "Why did repeat orders fall?",
     "Repeat orders in our grocery app fell 8% over the last month while new sign-ups grew. Write a one-page plan (PDF or Word) of how you would find out why: the data you would pull, the segments and hypotheses you would test first, and how you would tell a real change from noise.", 5),
    ("Product Management", "Product sense", "Returns for a marketplace",
     "Customers of our marketplace say returns are painful: they must print a label and find a drop-off point. Write a one-page press release and FAQ (PDF or Word), working backwards from the customer: who they are, the experience you would build, the one metric that says it worked, and the trade-off you would accept.", 5),
    ("Technical Program Management", "Program execution", "Launching in a new region",
     "Three teams (payments, catalogue and delivery) must launch our service in a new country on the same day in twelve weeks; payments depends on a licence that may come late. Prepare a one-page plan (PDF, Word or slides): the critical path, the three biggest risks with what you would do about each, and how you would report progress.", 5),
];

/// Adds the demo's cases to a season that has none, then uploads one deliverable for the first
/// candidate whose prompt has arrived. Returns how many cases were added.
pub async fn ensure_demo_case_studies(
    app: &App,
    season_id: i64,
    author: i64,
) -> Result<usize, CaseError> {
    if !app.store().case_studies(season_id).await?.is_empty() {
        return Ok(0);
    }
    let Some(account) = app.store().account(author).await? else {
        return Ok(0);
    };
    let tracks = app.store().tracks(season_id).await?;
    let competencies = app.store().competencies().await?;
    let mut added = 0;
    for (track, area, title, prompt, days) in CASES {
        let (Some(track), Some(area)) = (
            tracks.iter().find(|t| t.name == track),
            competencies.iter().find(|c| c.name == area),
        ) else {
            continue;
        };
        let form = CaseStudyForm {
            track: track.id.to_string(),
            area: area.id.to_string(),
            title: title.to_owned(),
            prompt: prompt.to_owned(),
            wants_deliverable: track.name != "Software Development",
            days_ahead: days.to_string(),
        };
        case_studies::save(app, &account, season_id, None, &form).await?;
        added += 1;
    }
    upload_one_deliverable(app, season_id).await?;
    Ok(added)
}

/// The first candidate in Final loop with an open case that asks for a file uploads a plan.
async fn upload_one_deliverable(app: &App, season_id: i64) -> Result<(), CaseError> {
    let waiting = app.store().applications_with_loops(season_id).await?;
    for application_id in waiting {
        let cases = case_studies::cases_of_application(app, application_id).await?;
        let Some(open) = cases.iter().find(|c| {
            c.case.wants_deliverable()
                && c.phase == cohort_domain::interviews::case_study::CasePhase::Open
        }) else {
            continue;
        };
        let pdf = crate::pdf::one_page(&[
            open.case.title.clone(),
            "1. What the customer needs, and how we will know.".to_owned(),
            "2. The plan, its critical path and its risks.".to_owned(),
            "3. What I would do first on Monday.".to_owned(),
        ]);
        case_studies::upload(app, application_id, open.case.id, pdf, "my plan.pdf").await?;
        return Ok(());
    }
    Ok(())
}
