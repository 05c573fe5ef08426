//! The demo season's candidates: an account each (the first is the demo candidate's), a profile
//! and a résumé drawn from the lists below, an application to one to three open openings, and
//! that application moved along the stages with its history written.

use cohort_domain::{RejectionReason, Role, Stage};
use cohort_store::applications::NewApplication;
use cohort_store::{Store, StoreError, Tx};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::Rng;

use crate::{pdf, DemoError, DemoOptions, DAY, DEMO_ACCOUNTS};

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

/// What every generated candidate of one season shares.
pub(crate) struct Candidates<'a> {
    pub app: &'a cohort_app::App,
    pub options: &'a DemoOptions,
    pub password_hash: &'a str,
    pub season_id: i64,
    /// The openings that take applications now: the ones a candidate chooses from.
    pub open_openings: &'a [i64],
    /// The demo candidate's account, which candidate 0 applies as.
    pub demo_candidate_id: i64,
    /// Who moves the applications along the stages.
    pub recruiter_id: i64,
}

/// A candidate's profile: what they enter on the form besides their résumé.
struct Profile {
    school: &'static str,
    degree: &'static str,
    graduation_year: i64,
    /// Year and month, `2028-05`.
    graduation: String,
    languages: Vec<String>,
    /// The openings applied to, in order of preference.
    choices: Vec<i64>,
    project: &'static str,
}

/// A résumé as uploaded: the file, its kind and name, and the text the server indexes.
struct Resume {
    bytes: Vec<u8>,
    kind: &'static str,
    filename: String,
    text: String,
}

impl Candidates<'_> {
    /// Adds `options.candidates` candidates, each with an application.
    pub async fn add_all(&self, rng: &mut StdRng) -> Result<(), DemoError> {
        let store = self.app.store();
        let mut tx = store.begin().await?;
        for index in 0..self.options.candidates {
            self.add(&mut tx, rng, index).await?;
            // Commit in batches: one transaction per candidate would be slow, one for all would hold
            // the SQLite write lock for the whole run.
            if index % 500 == 499 {
                Store::commit(tx).await?;
                tx = store.begin().await?;
            }
        }
        Store::commit(tx).await?;
        Ok(())
    }

    /// Adds candidate `index`: their account (candidate 0 is the demo candidate, who has one),
    /// their résumé and application, and the application's walk to the stage it ends in.
    async fn add(&self, tx: &mut Tx, rng: &mut StdRng, index: usize) -> Result<(), DemoError> {
        let (options, now) = (self.options, self.options.now);
        let is_demo_candidate = index == 0;
        let first = FIRST_NAMES[rng.gen_range(0..FIRST_NAMES.len())];
        let last = LAST_NAMES[rng.gen_range(0..LAST_NAMES.len())];
        let (candidate_id, name) = if is_demo_candidate {
            (self.demo_candidate_id, DEMO_ACCOUNTS[6].1.to_owned())
        } else {
            self.create_account(tx, first, last, index).await?
        };
        let profile = Profile::generate(rng, self.open_openings);
        let as_pdf = options.pdf_every > 0 && index.is_multiple_of(options.pdf_every);
        let resume = Resume::write(&name, last, &profile, as_pdf);
        let blob = self.app.blobs().put(&resume.bytes)?;
        let links = format!("https://github.com/{}{}", ascii_lower(first), index);
        let created_at = now - rng.gen_range(0..30 * DAY);
        let new = NewApplication {
            season_id: self.season_id,
            candidate_id,
            candidate_name: &name,
            choices: &profile.choices,
            school: profile.school,
            degree: profile.degree,
            graduation: &profile.graduation,
            graduation_year: profile.graduation_year,
            languages: &profile.languages,
            links: &links,
            cover_letter: "I would love to spend the summer building things customers use, with a team that cares about doing it right.",
            resume_blob: blob.as_str(),
            resume_filename: &resume.filename,
            resume_kind: resume.kind,
            resume_bytes: resume.bytes.len() as i64,
            resume_text: &resume.text,
        };
        let application_id =
            cohort_app::applications::create(self.app.store(), tx, &new, created_at).await?;
        let target = if is_demo_candidate {
            Stage::Screening
        } else if options.spread_stages {
            pick_stage(rng)
        } else {
            Stage::Applied
        };
        walk_to(
            tx,
            application_id,
            target,
            self.recruiter_id,
            (created_at, now),
        )
        .await?;
        Ok(())
    }

    /// A candidate account for `first` `last`, the `index`th of the season; its id and name.
    async fn create_account(
        &self,
        tx: &mut Tx,
        first: &str,
        last: &str,
        index: usize,
    ) -> Result<(i64, String), StoreError> {
        let name = format!("{first} {last}");
        // The seed keeps the addresses of two generated seasons apart.
        let email = format!(
            "{}.{}.{}.{index}@students.example.edu",
            ascii_lower(first),
            ascii_lower(last),
            self.options.seed
        );
        let id = Store::create_user(
            tx,
            &email,
            &name,
            Some(self.password_hash),
            &[Role::Candidate],
            self.options.now,
        )
        .await?;
        Ok((id, name))
    }
}

impl Profile {
    /// Draws a profile from the lists above, choosing among `open_openings`.
    fn generate(rng: &mut StdRng, open_openings: &[i64]) -> Profile {
        let school = SCHOOLS[rng.gen_range(0..SCHOOLS.len())];
        let degree = DEGREES[rng.gen_range(0..DEGREES.len())];
        let graduation_year = rng.gen_range(2027..=2029);
        let graduation = format!("{graduation_year}-{:02}", [5, 6, 12][rng.gen_range(0..3)]);
        let language_count = rng.gen_range(1..=4);
        let mut languages: Vec<String> = LANGUAGES
            .choose_multiple(rng, language_count)
            .map(|l| l.to_string())
            .collect();
        languages.sort();
        let choice_count = rng.gen_range(1..=3);
        let choices: Vec<i64> = open_openings
            .choose_multiple(rng, choice_count)
            .copied()
            .collect();
        let project = PROJECTS[rng.gen_range(0..PROJECTS.len())];
        Profile {
            school,
            degree,
            graduation_year,
            graduation,
            languages,
            choices,
            project,
        }
    }
}

impl Resume {
    /// The résumé of `name` (whose last name is `last`, which names the file): a one-page PDF if
    /// `as_pdf`, plain text otherwise.
    fn write(name: &str, last: &str, profile: &Profile, as_pdf: bool) -> Resume {
        let Profile {
            degree,
            school,
            graduation,
            languages,
            project,
            ..
        } = profile;
        let lines = vec![
            name.to_owned(),
            format!("{degree}, {school}, graduating {graduation}"),
            format!("Languages: {}", languages.join(", ")),
            format!("Projects: {project}."),
            "Experience: teaching assistant for data structures; software intern at a local startup.".into(),
        ];
        let text = lines.join("\n");
        let (bytes, kind, filename) = if as_pdf {
            (
                pdf::one_page(&lines),
                "pdf",
                format!("{}-resume.pdf", ascii_lower(last)),
            )
        } else {
            (
                text.clone().into_bytes(),
                "text",
                format!("{}-resume.txt", ascii_lower(last)),
            )
        };
        Resume {
            bytes,
            kind,
            filename,
            text,
        }
    }
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
    tx: &mut Tx,
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
