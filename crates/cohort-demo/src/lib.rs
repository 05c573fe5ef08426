//! Realistic data for the demo, the benchmarks and tests that need volume: a season with the five
//! tracks, locations with pay bands, openings, staff accounts for every role and thousands of
//! candidates spread across every stage, each with a résumé.
//!
//! Generation is deterministic for a given seed, so a benchmark sees the same data every run.
//!
//! Layout:
//! - [`generate`]: the season and its candidates.
//! - [`pdf`]: a one-page PDF résumé writer (the demo and tests upload real PDFs).

pub mod pdf;

use cohort_domain::{RejectionReason, Role, Stage};
use cohort_store::applications::NewApplication;
use cohort_store::seasons::{NewOpening, PayBandRecord};
use cohort_store::{Store, StoreError};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

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

/// A location with its pay level relative to Seattle and its currency.
struct Place {
    city: &'static str,
    country: &'static str,
    zone: &'static str,
    currency: &'static str,
    /// Monthly pay for Software Development, in whole currency units.
    base_pay: i64,
    housing: i64,
}

const PLACES: [Place; 8] = [
    Place {
        city: "Seattle",
        country: "United States",
        zone: "America/Los_Angeles",
        currency: "USD",
        base_pay: 9_500,
        housing: 2_500,
    },
    Place {
        city: "New York",
        country: "United States",
        zone: "America/New_York",
        currency: "USD",
        base_pay: 10_000,
        housing: 3_000,
    },
    Place {
        city: "Austin",
        country: "United States",
        zone: "America/Chicago",
        currency: "USD",
        base_pay: 8_500,
        housing: 1_800,
    },
    Place {
        city: "Arlington",
        country: "United States",
        zone: "America/New_York",
        currency: "USD",
        base_pay: 9_000,
        housing: 2_200,
    },
    Place {
        city: "Boston",
        country: "United States",
        zone: "America/New_York",
        currency: "USD",
        base_pay: 9_200,
        housing: 2_600,
    },
    Place {
        city: "Vancouver",
        country: "Canada",
        zone: "America/Vancouver",
        currency: "CAD",
        base_pay: 8_000,
        housing: 1_900,
    },
    Place {
        city: "London",
        country: "United Kingdom",
        zone: "Europe/London",
        currency: "GBP",
        base_pay: 3_600,
        housing: 1_200,
    },
    Place {
        city: "Dublin",
        country: "Ireland",
        zone: "Europe/Dublin",
        currency: "EUR",
        base_pay: 3_900,
        housing: 1_300,
    },
];

/// Per-track pay relative to Software Development (percent) and the job title.
const TRACK_DETAILS: [(&str, i64, &str); 5] = [
    (
        "Software Development",
        100,
        "Software Development Engineer Intern",
    ),
    ("Solutions Architecture", 90, "Solutions Architect Intern"),
    ("Data Science", 98, "Data Scientist Intern"),
    ("Product Management", 92, "Product Manager Intern"),
    (
        "Technical Program Management",
        88,
        "Technical Program Manager Intern",
    ),
];

const FIRST_NAMES: [&str; 40] = [
    "Aaliyah",
    "Aarav",
    "Ada",
    "Ahmed",
    "Akira",
    "Alejandro",
    "Amara",
    "Ana",
    "Arjun",
    "Ben",
    "Camila",
    "Chen",
    "Chloe",
    "Daniel",
    "Diego",
    "Elena",
    "Emeka",
    "Fatima",
    "Gabriel",
    "Hana",
    "Ibrahim",
    "Isabella",
    "Jamal",
    "Ji-woo",
    "Kai",
    "Lara",
    "Liam",
    "Lucía",
    "Maya",
    "Mei",
    "Mohammed",
    "Nadia",
    "Noah",
    "Olivia",
    "Priya",
    "Rahul",
    "Sofia",
    "Tariq",
    "Yuki",
    "Zoe",
];
const LAST_NAMES: [&str; 40] = [
    "Abebe",
    "Agarwal",
    "Almeida",
    "Anderson",
    "Bauer",
    "Chen",
    "Costa",
    "Dubois",
    "Eze",
    "Fernández",
    "García",
    "Gupta",
    "Haddad",
    "Hansen",
    "Ito",
    "Jones",
    "Kim",
    "Kowalski",
    "Kumar",
    "Lee",
    "Li",
    "López",
    "Martin",
    "Mensah",
    "Müller",
    "Nakamura",
    "Nguyen",
    "Okafor",
    "Park",
    "Patel",
    "Pereira",
    "Rossi",
    "Santos",
    "Schmidt",
    "Singh",
    "Smith",
    "Tanaka",
    "Wang",
    "Williams",
    "Zhang",
];
const SCHOOLS: [&str; 16] = [
    "University of Washington",
    "Carnegie Mellon University",
    "Georgia Institute of Technology",
    "University of Texas at Austin",
    "University of Waterloo",
    "University of Toronto",
    "Massachusetts Institute of Technology",
    "Stanford University",
    "University of Illinois Urbana-Champaign",
    "Purdue University",
    "University of Michigan",
    "Imperial College London",
    "Trinity College Dublin",
    "University of British Columbia",
    "Howard University",
    "Arizona State University",
];
const DEGREES: [&str; 8] = [
    "BSc Computer Science",
    "BSc Computer Engineering",
    "MSc Computer Science",
    "BSc Data Science",
    "BSc Statistics",
    "MBA",
    "BSc Information Systems",
    "MEng Software Engineering",
];
const LANGUAGES: [&str; 10] = [
    "java",
    "python",
    "c++",
    "javascript",
    "typescript",
    "go",
    "rust",
    "sql",
    "kotlin",
    "c#",
];
const PROJECTS: [&str; 10] = [
    "built a distributed key-value store with Raft replication",
    "trained a gradient-boosted model to forecast warehouse demand",
    "wrote a compiler for a small functional language",
    "led a student team shipping a campus food-delivery app",
    "optimised a PostgreSQL query path, cutting p99 latency by 60%",
    "designed a serverless image pipeline on cloud functions",
    "contributed accessibility fixes to an open-source UI library",
    "ran a hackathon for 300 students as program manager",
    "built a real-time bus tracker with WebSockets",
    "analysed A/B tests for an e-commerce checkout flow",
];

/// Creates the demo season unless a season with its name exists, in which case it is reused as
/// it is (so that starting the demo again takes under a second).
pub async fn ensure_demo(
    app: &cohort_app::App,
    options: &DemoOptions,
    password_hash: &str,
) -> Result<DemoSeason, DemoError> {
    let (store, blobs) = (app.store(), app.blobs());
    if let Some(season) = store
        .seasons()
        .await?
        .into_iter()
        .find(|s| s.name == options.season_name)
    {
        let openings = store
            .openings(&cohort_store::seasons::OpeningFilter {
                season_id: Some(season.id),
                ..Default::default()
            })
            .await?
            .into_iter()
            .map(|o| o.id)
            .collect();
        return Ok(DemoSeason {
            season_id: season.id,
            openings,
            created: false,
        });
    }
    let mut rng = StdRng::seed_from_u64(options.seed);
    let now = options.now;
    let day = 24 * 3600;
    let mut tx = store.begin().await?;

    let mut staff_ids = Vec::new();
    for (email, name, role) in DEMO_ACCOUNTS {
        let id = match store.user_by_email(email).await? {
            Some(user) => user.id,
            None => {
                Store::create_user(&mut tx, email, name, Some(password_hash), &[role], now).await?
            }
        };
        staff_ids.push((id, role));
    }
    let recruiter_id = staff_ids
        .iter()
        .find(|(_, r)| *r == Role::Recruiter)
        .map(|(id, _)| *id)
        .unwrap_or(staff_ids[0].0);

    let season_id = Store::create_season(
        &mut tx,
        &options.season_name,
        "2027-06-01",
        "2027-08-23",
        now,
    )
    .await?;
    let mut track_ids = Vec::new();
    for (name, _, _) in TRACK_DETAILS {
        track_ids.push(Store::create_track(&mut tx, season_id, name).await?);
    }
    let mut location_ids = Vec::new();
    for place in &PLACES {
        location_ids.push(
            Store::create_location(&mut tx, season_id, place.city, place.country, place.zone)
                .await?,
        );
    }
    let mut openings = Vec::new();
    for (track_index, (track_name, percent, title)) in TRACK_DETAILS.iter().enumerate() {
        for (place_index, place) in PLACES.iter().enumerate() {
            let monthly = place.base_pay * percent / 100;
            Store::set_pay_band(
                &mut tx,
                &PayBandRecord {
                    track_id: track_ids[track_index],
                    location_id: location_ids[place_index],
                    monthly_pay_minor: monthly * 100,
                    housing_stipend_minor: place.housing * 100,
                    relocation_minor: 2_000 * 100,
                    currency: place.currency.into(),
                },
            )
            .await?;
            // Most windows are open now; a few close within the week, a few open next month.
            let (opens, closes) = match (track_index + place_index) % 7 {
                0 => (now - 40 * day, now + 5 * day),
                1 => (now + 20 * day, now + 80 * day),
                _ => (now - 30 * day, now + 60 * day),
            };
            let description = format!(
                "## About the role\n\nJoin a team in **{city}** for twelve weeks as a {title}. You own a project with real customers, a mentor and a buddy, and present your results to leaders at the end of the summer.\n\n## What you will do\n\n- Work on a {track} project from design to launch\n- Take part in design reviews, code reviews and weekly check-ins\n- Present your work to your organisation in week 12\n\n## Basic qualifications\n\n- Enrolled in a Bachelor's or Master's program, graduating between December 2027 and September 2028\n- Experience with at least one modern programming language\n\n## Pay\n\nMonthly pay, a housing stipend and relocation support are listed on this page.",
                city = place.city,
                title = title,
                track = track_name.to_lowercase()
            );
            let new = NewOpening {
                season_id,
                track_id: track_ids[track_index],
                location_id: location_ids[place_index],
                title,
                headcount: rng.gen_range(2..=40),
                opens_at: opens,
                closes_at: closes,
                description_md: &description,
            };
            openings.push((
                Store::create_opening(&mut tx, &new, now).await?,
                track_index,
                opens <= now,
            ));
        }
    }
    Store::commit(tx).await?;

    let open_openings: Vec<i64> = openings
        .iter()
        .filter(|(_, _, open)| *open)
        .map(|(id, _, _)| *id)
        .collect();
    let mut tx = store.begin().await?;
    for index in 0..options.candidates {
        let is_demo_candidate = index == 0;
        let first = FIRST_NAMES[rng.gen_range(0..FIRST_NAMES.len())];
        let last = LAST_NAMES[rng.gen_range(0..LAST_NAMES.len())];
        let (candidate_id, name) = if is_demo_candidate {
            (staff_ids[6].0, DEMO_ACCOUNTS[6].1.to_owned())
        } else {
            let name = format!("{first} {last}");
            // The seed keeps the addresses of two generated seasons apart.
            let email = format!(
                "{}.{}.{}.{index}@students.example.edu",
                ascii_lower(first),
                ascii_lower(last),
                options.seed
            );
            (
                Store::create_user(
                    &mut tx,
                    &email,
                    &name,
                    Some(password_hash),
                    &[Role::Candidate],
                    now,
                )
                .await?,
                name,
            )
        };
        let school = SCHOOLS[rng.gen_range(0..SCHOOLS.len())];
        let degree = DEGREES[rng.gen_range(0..DEGREES.len())];
        let graduation_year = rng.gen_range(2027..=2029);
        let graduation = format!("{graduation_year}-{:02}", [5, 6, 12][rng.gen_range(0..3)]);
        let language_count = rng.gen_range(1..=4);
        let mut languages: Vec<String> = LANGUAGES
            .choose_multiple(&mut rng, language_count)
            .map(|l| l.to_string())
            .collect();
        languages.sort();
        let choice_count = rng.gen_range(1..=3);
        let choices: Vec<i64> = open_openings
            .choose_multiple(&mut rng, choice_count)
            .copied()
            .collect();
        let project = PROJECTS[rng.gen_range(0..PROJECTS.len())];
        let resume_lines = vec![
            name.clone(),
            format!("{degree}, {school}, graduating {graduation}"),
            format!("Languages: {}", languages.join(", ")),
            format!("Projects: {project}."),
            "Experience: teaching assistant for data structures; software intern at a local startup.".into(),
        ];
        let resume_text = resume_lines.join("\n");
        let (bytes, kind, filename) = if options.pdf_every > 0 && index % options.pdf_every == 0 {
            (
                pdf::one_page(&resume_lines),
                "pdf",
                format!("{}-resume.pdf", ascii_lower(last)),
            )
        } else {
            (
                resume_text.clone().into_bytes(),
                "text",
                format!("{}-resume.txt", ascii_lower(last)),
            )
        };
        let blob = blobs.put(&bytes)?;
        let links = format!("https://github.com/{}{}", ascii_lower(first), index);
        let created_at = now - rng.gen_range(0..30 * day);
        let new = NewApplication {
            season_id,
            candidate_id,
            candidate_name: &name,
            choices: &choices,
            school,
            degree,
            graduation: &graduation,
            graduation_year,
            languages: &languages,
            links: &links,
            cover_letter: "I would love to spend the summer building things customers use, with a team that cares about doing it right.",
            resume_blob: blob.as_str(),
            resume_filename: &filename,
            resume_kind: kind,
            resume_bytes: bytes.len() as i64,
            resume_text: &resume_text,
        };
        let application_id =
            cohort_app::applications::create(store, &mut tx, &new, created_at).await?;
        let target = if is_demo_candidate {
            Stage::Screening
        } else if options.spread_stages {
            pick_stage(&mut rng)
        } else {
            Stage::Applied
        };
        walk_to(
            &mut tx,
            application_id,
            target,
            recruiter_id,
            (created_at, now),
        )
        .await?;
        // Commit in batches: one transaction per candidate would be slow, one for all would hold
        // the SQLite write lock for the whole run.
        if index % 500 == 499 {
            Store::commit(tx).await?;
            tx = store.begin().await?;
        }
    }
    Store::commit(tx).await?;
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
        openings: openings.into_iter().map(|(id, _, _)| id).collect(),
        created: true,
    })
}

fn ascii_lower(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_lowercase()
}

/// A plausible spread: most applications early in the funnel, a few at the end.
fn pick_stage(rng: &mut StdRng) -> Stage {
    const WEIGHTS: [(Stage, u32); 10] = [
        (Stage::Applied, 30),
        (Stage::Screening, 20),
        (Stage::Assessment, 14),
        (Stage::PhoneScreen, 9),
        (Stage::FinalLoop, 6),
        (Stage::Debrief, 3),
        (Stage::Offer, 3),
        (Stage::Hired, 3),
        (Stage::Rejected, 10),
        (Stage::Withdrawn, 2),
    ];
    let total: u32 = WEIGHTS.iter().map(|(_, w)| w).sum();
    let mut pick = rng.gen_range(0..total);
    for (stage, weight) in WEIGHTS {
        if pick < weight {
            return stage;
        }
        pick -= weight;
    }
    Stage::Applied
}

/// Moves a fresh application along the main path to `target`, writing each step to the audit log,
/// two hours apart from `start` but never later than `now` (history is never in the future).
async fn walk_to(
    tx: &mut cohort_store::Tx,
    application_id: i64,
    target: Stage,
    actor_id: i64,
    (start, now): (i64, i64),
) -> Result<(), StoreError> {
    const PATH: [Stage; 8] = [
        Stage::Applied,
        Stage::Screening,
        Stage::Assessment,
        Stage::PhoneScreen,
        Stage::FinalLoop,
        Stage::Debrief,
        Stage::Offer,
        Stage::Hired,
    ];
    let mut at = start;
    let mut current = Stage::Applied;
    let stop_before_terminal = match target {
        Stage::Rejected | Stage::Withdrawn => Stage::Screening,
        other => other,
    };
    for next in PATH.iter().skip(1) {
        if current == stop_before_terminal {
            break;
        }
        at = (at + 2 * 3600).min(now);
        Store::move_application(
            tx,
            application_id,
            current,
            *next,
            actor_id,
            None,
            "",
            None,
            at,
        )
        .await?;
        current = *next;
    }
    match target {
        Stage::Rejected => {
            Store::move_application(
                tx,
                application_id,
                current,
                Stage::Rejected,
                actor_id,
                Some(RejectionReason::NotQualified.as_str()),
                "",
                None,
                (at + 3600).min(now),
            )
            .await?
        }
        Stage::Withdrawn => {
            Store::move_application(
                tx,
                application_id,
                current,
                Stage::Withdrawn,
                actor_id,
                None,
                "Withdrawn by the candidate",
                None,
                (at + 3600).min(now),
            )
            .await?
        }
        _ => {}
    }
    Ok(())
}

/// Code from a built-in package's `submissions/` folder.
fn package_code(path: &str) -> &'static str {
    BUILTIN_PROBLEMS
        .get_file(path)
        .and_then(|file| file.contents_utf8())
        .unwrap_or_default()
}

/// Gives the demo season's candidates who reached the Assessment stage their online assessment:
/// an invitation when they reached it, and (for those who started in time) a finished session
/// whose submissions are the built-in packages' own solutions, each with the verdict its
/// package declares for it (accepted, wrong answer, time limit exceeded). Candidates past the
/// Assessment stage passed; those still in it passed, half passed or failed, or have not started.
/// Returns how many sessions were seeded.
pub async fn seed_demo_assessment_results(
    store: &Store,
    season_id: i64,
    now: i64,
) -> Result<usize, DemoError> {
    let bank = store.problems().await?;
    let by_slug = |slug: &str| bank.iter().find(|p| p.slug == slug);
    let (Some(queue), Some(speedups)) = (by_slug("buildqueue"), by_slug("speedups")) else {
        return Ok(0);
    };
    let accepted_queue = [
        (
            "python3",
            package_code("buildqueue/submissions/accepted/heap.py"),
        ),
        (
            "cpp",
            package_code("buildqueue/submissions/accepted/heap.cpp"),
        ),
        (
            "java",
            package_code("buildqueue/submissions/accepted/Main.java"),
        ),
    ];
    let accepted_speedups = [
        (
            "python3",
            package_code("speedups/submissions/accepted/fenwick.py"),
        ),
        (
            "cpp",
            package_code("speedups/submissions/accepted/fenwick.cpp"),
        ),
        (
            "java",
            package_code("speedups/submissions/accepted/Main.java"),
        ),
    ];
    let wrong_queue = (
        "cpp",
        package_code("buildqueue/submissions/wrong_answer/int32.cpp"),
    );
    let slow_queue = (
        "java",
        package_code("buildqueue/submissions/time_limit_exceeded/Main.java"),
    );
    let wrong_speedups = (
        "java",
        package_code("speedups/submissions/wrong_answer/Main.java"),
    );
    let mut rng = StdRng::seed_from_u64(season_id as u64 * 7919);
    let mut seeded = 0;
    let mut tx = store.begin().await?;
    for reached in store.reached_stage(season_id, Stage::Assessment).await? {
        let Some(invitation) =
            Store::invite_to_assessment(&mut tx, reached.application_id, reached.reached_at)
                .await?
        else {
            continue;
        };
        cohort_app::assessment::schedule_reminder(
            &mut tx,
            invitation.id,
            invitation.start_by,
            reached.reached_at,
        )
        .await?;
        let still_in_assessment = reached.stage == Stage::Assessment.as_str();
        // Those still in the stage: two in five have not started; the rest passed (both
        // problems accepted), half passed (one), or failed (none).
        let outcome = if still_in_assessment {
            rng.gen_range(0..5)
        } else {
            4
        };
        if outcome < 2 {
            continue;
        }
        let started_at = reached.reached_at + rng.gen_range(3_600..86_400);
        if started_at + invitation.duration_minutes * 60 > now {
            continue;
        }
        let language = rng.gen_range(0..3);
        let accepted = |problem: &cohort_store::problems::ProblemRecord,
                        code: (&'static str, &'static str)| {
            cohort_store::assessment_sessions::SeededSubmission {
                problem_id: problem.id,
                language: code.0,
                code: code.1,
                verdict: "AC",
                score: 1.0,
                tests_passed: problem.test_count,
                tests_total: problem.test_count,
            }
        };
        let failed =
            |problem: &cohort_store::problems::ProblemRecord,
             code: (&'static str, &'static str),
             verdict: &'static str,
             passed: i64| cohort_store::assessment_sessions::SeededSubmission {
                problem_id: problem.id,
                language: code.0,
                code: code.1,
                verdict,
                score: 0.0,
                tests_passed: passed.min(problem.test_count - 1).max(0),
                tests_total: problem.test_count,
            };
        let (submissions, percent) = match outcome {
            4 => (
                vec![
                    accepted(queue, accepted_queue[language]),
                    accepted(speedups, accepted_speedups[language]),
                ],
                100.0,
            ),
            3 => (
                vec![
                    accepted(queue, accepted_queue[language]),
                    failed(speedups, wrong_speedups, "WA", rng.gen_range(1..4)),
                ],
                50.0,
            ),
            _ => (
                vec![
                    failed(queue, wrong_queue, "WA", rng.gen_range(2..6)),
                    failed(queue, slow_queue, "TLE", rng.gen_range(4..8)),
                ],
                0.0,
            ),
        };
        Store::seed_finished_session(
            &mut tx,
            &cohort_store::assessment_sessions::SeededSession {
                invitation_id: invitation.id,
                application_id: reached.application_id,
                candidate_id: reached.candidate_id,
                started_at,
                duration_minutes: invitation.duration_minutes,
                submissions,
                percent,
            },
        )
        .await?;
        seeded += 1;
    }
    Store::commit(tx).await?;
    Ok(seeded)
}

/// Gives every track of the demo season an online assessment (if it has none) made of the
/// built-in problems Build Queue and Speedups, when they are in the bank: 90 minutes, C++, Java
/// or Python, 60 % to pass, 7 days to start. Returns how many assessments were created.
pub async fn ensure_demo_assessments(
    store: &Store,
    season_id: i64,
    now: i64,
) -> Result<usize, DemoError> {
    let bank = store.problems().await?;
    let by_slug = |slug: &str| bank.iter().find(|p| p.slug == slug).map(|p| p.id);
    let (Some(first), Some(second)) = (by_slug("buildqueue"), by_slug("speedups")) else {
        return Ok(0);
    };
    let existing = store.assessments(season_id).await?;
    let mut created = 0;
    let mut tx = store.begin().await?;
    for track in store.tracks(season_id).await? {
        if existing.iter().any(|a| a.track_id == track.id) {
            continue;
        }
        Store::save_assessment(
            &mut tx,
            &cohort_store::problems::AssessmentInput {
                season_id,
                track_id: track.id,
                duration_minutes: 90,
                languages: vec!["cpp".into(), "java".into(), "python3".into()],
                passing_percent: 60,
                start_within_days: 7,
                counts: "best".into(),
                advance: "recruiter".into(),
                problems: vec![(first, 50), (second, 50)],
            },
            now,
        )
        .await?;
        created += 1;
    }
    Store::commit(tx).await?;
    Ok(created)
}
