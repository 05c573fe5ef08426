//! Realistic data for the demo, the benchmarks and tests that need volume: a season with the five
//! tracks, locations with pay bands, openings, staff accounts for every role and thousands of
//! candidates spread across every stage, each with a résumé.
//!
//! Generation is deterministic for a given seed, so a benchmark sees the same data every run.
//!
//! Layout:
//! - [`ensure_demo`] (here): the demo accounts, then the season and its candidates.
//! - `season`: the tracks, locations with pay bands, and openings.
//! - `candidates`: the generated candidates, their résumés and applications, and each
//!   application's walk along the stages.
//! - `assessments`: the demo season's online assessments and the seeded results of candidates
//!   who took them.
//! - `interviews`: the competencies and the tracks' loop templates.
//! - `feedback`: the question bank, a past week of loops with its feedback, and debriefs.
//! - `case_studies`: a case per track for its case-study interview, and one deliverable.
//! - [`pdf`]: a one-page PDF résumé writer (the demo and tests upload real PDFs).

mod assessments;
mod candidates;
mod case_studies;
mod feedback;
mod interviews;
mod offers;
mod pads;
pub mod pdf;
mod season;

pub use assessments::{ensure_demo_assessments, seed_demo_assessment_results};
pub use case_studies::ensure_demo_case_studies;
pub use feedback::{ensure_demo_questions, ensure_past_week, DemoFeedback, DemoFeedbackError};
pub use interviews::{
    ensure_demo_hiring_managers, ensure_demo_interviewers, ensure_demo_interviews,
    ensure_demo_loop_plans, ensure_demo_phone_screens, ensure_interviewers, DemoPlans,
};
pub use offers::{ensure_demo_offers, DemoOffers};
pub use pads::{ensure_demo_live_pad, ensure_demo_past_pad, DemoPadError, LivePad, PastPad};

use cohort_domain::Role;
use cohort_store::{Store, StoreError};
use rand::rngs::StdRng;
use rand::SeedableRng;

/// The password of every demo account. It is printed when the demo starts.
pub const DEMO_PASSWORD: &str = "cohort-demo-2027";

/// The repository's `problems/` folder, inside the binary, so that `cohort demo` adds the
/// built-in problems whichever folder it runs in.
static BUILTIN_PROBLEMS: include_dir::Dir<'static> =
    include_dir::include_dir!("$CARGO_MANIFEST_DIR/../../problems");

/// Writes the built-in problem packages into `folder` (one sub-folder each) and returns their
/// folders, sorted by name.
pub fn extract_builtin_problems(
    folder: &std::path::Path,
) -> std::io::Result<Vec<std::path::PathBuf>> {
    BUILTIN_PROBLEMS.extract(folder)?;
    let mut packages: Vec<std::path::PathBuf> = BUILTIN_PROBLEMS
        .dirs()
        .filter(|dir| dir.get_file(dir.path().join("problem.yaml")).is_some())
        .map(|dir| folder.join(dir.path()))
        .collect();
    packages.sort();
    Ok(packages)
}
pub const DEMO_SEASON: &str = "Summer 2027";

/// One demo staff account per role, plus a candidate with an application.
pub const DEMO_ACCOUNTS: [(&str, &str, Role); 7] = [
    ("admin@demo.cohort.test", "Avery Admin", Role::Administrator),
    (
        "recruiter@demo.cohort.test",
        "Riley Recruiter",
        Role::Recruiter,
    ),
    (
        "manager@demo.cohort.test",
        "Harper Hiring-Manager",
        Role::HiringManager,
    ),
    (
        "interviewer@demo.cohort.test",
        "Indira Interviewer",
        Role::Interviewer,
    ),
    ("mentor@demo.cohort.test", "Morgan Mentor", Role::Mentor),
    ("intern@demo.cohort.test", "Ian Intern", Role::Intern),
    (
        "candidate@demo.cohort.test",
        "Casey Candidate",
        Role::Candidate,
    ),
];

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("could not store a résumé: {0}")]
    Blob(#[from] std::io::Error),
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct DemoOptions {
    pub season_name: String,
    pub candidates: usize,
    pub seed: u64,
    /// Unix seconds; windows and dates are placed around it.
    pub now: i64,
    /// Every how many candidates a PDF résumé is made (the others are plain text).
    pub pdf_every: usize,
    /// Spread candidates across stages (otherwise all stay in Applied).
    pub spread_stages: bool,
}

impl DemoOptions {
    pub fn new(now: i64) -> DemoOptions {
        DemoOptions {
            season_name: DEMO_SEASON.into(),
            candidates: 2000,
            seed: 2027,
            now,
            pdf_every: 10,
            spread_stages: true,
        }
    }
}

/// What was generated.
#[derive(Debug, Clone)]
pub struct DemoSeason {
    pub season_id: i64,
    pub openings: Vec<i64>,
    pub created: bool,
}

/// Seconds in a day, for placing windows and dates around now.
const DAY: i64 = 24 * 3600;

/// Creates the demo season unless a season with its name exists, in which case it is reused as
/// it is (so that starting the demo again takes under a second).
pub async fn ensure_demo(
    app: &cohort_app::App,
    options: &DemoOptions,
    password_hash: &str,
) -> Result<DemoSeason, DemoError> {
    let store = app.store();
    if let Some(season) = existing_season(store, &options.season_name).await? {
        return Ok(season);
    }
    // One generator for the whole season, drawn from in a fixed order (openings, then
    // candidates), which is what makes a seed give the same data every run.
    let mut rng = StdRng::seed_from_u64(options.seed);
    let now = options.now;
    let mut tx = store.begin().await?;
    let staff_ids = ensure_demo_accounts(store, &mut tx, password_hash, now).await?;
    let recruiter_id = staff_ids
        .iter()
        .find(|(_, r)| *r == Role::Recruiter)
        .map(|(id, _)| *id)
        .unwrap_or(staff_ids[0].0);
    let (season_id, openings) =
        season::create_season(&mut tx, &options.season_name, &mut rng, now).await?;
    Store::commit(tx).await?;

    let open_openings: Vec<i64> = openings
        .iter()
        .filter(|opening| opening.open)
        .map(|opening| opening.id)
        .collect();
    candidates::Candidates {
        app,
        options,
        password_hash,
        season_id,
        open_openings: &open_openings,
        demo_candidate_id: staff_ids[6].0,
        recruiter_id,
    }
    .add_all(&mut rng)
    .await?;
    // Index the résumés now rather than leave it to the server's worker, so that search finds
    // every demo candidate from the first page view.
    cohort_app::jobs::Runner::new(
        std::sync::Arc::new(app.clone()),
        cohort_app::pools::indexing(),
    )
    .run_due()
    .await?;
    Ok(DemoSeason {
        season_id,
        openings: openings.into_iter().map(|opening| opening.id).collect(),
        created: true,
    })
}

/// The season named `name` with its openings, if it exists.
async fn existing_season(store: &Store, name: &str) -> Result<Option<DemoSeason>, DemoError> {
    let Some(season) = store.seasons().await?.into_iter().find(|s| s.name == name) else {
        return Ok(None);
    };
    let openings = store
        .openings(&cohort_store::seasons::OpeningFilter {
            season_id: Some(season.id),
            ..Default::default()
        })
        .await?
        .into_iter()
        .map(|o| o.id)
        .collect();
    Ok(Some(DemoSeason {
        season_id: season.id,
        openings,
        created: false,
    }))
}

/// The accounts of [`DEMO_ACCOUNTS`], created where they do not exist yet (another season may
/// have made them); their ids and roles, in the same order.
async fn ensure_demo_accounts(
    store: &Store,
    tx: &mut cohort_store::Tx,
    password_hash: &str,
    now: i64,
) -> Result<Vec<(i64, Role)>, DemoError> {
    let mut staff_ids = Vec::new();
    for (email, name, role) in DEMO_ACCOUNTS {
        let id = match store.user_by_email(email).await? {
            Some(user) => user.id,
            None => Store::create_user(tx, email, name, Some(password_hash), &[role], now).await?,
        };
        staff_ids.push((id, role));
    }
    Ok(staff_ids)
}
