//! Plagiarism checks of full submissions: a [`CheckPlagiarism`] job per full submission of a
//! session, run by the background job worker.
//!
//! Each web process keeps an index per problem and language family in memory and brings it up to
//! date from the database before each check (by id, so only what it has not seen is read and
//! fingerprinted): a new submission is compared with the index, not with every submission again.
//! A process that starts rebuilds its indexes the same way, from the stored code.
//!
//! A flag is evidence for a recruiter to look at, never a verdict: nothing here moves or rejects
//! anyone.

pub mod indexes;

pub use indexes::{Indexes, ProblemIndex};

use crate::jobs::{Done, Job, JobError};
use crate::App;
use cohort_plagiarism::{Config, Detector, Index, IndexError, Language, Origin};
use cohort_store::plagiarism::{FlaggedWith, IndexedCode};
use cohort_store::{Store, StoreError};
use serde::{Deserialize, Serialize};

/// The judge's language ids in a plagiarism language family.
fn judge_ids(family: Language) -> &'static [&'static str] {
    match family {
        Language::CAndCpp => &["c", "cpp"],
        Language::Java => &["java"],
        Language::Python => &["python3"],
    }
}

/// The detector of one problem in one language family: the starter code every candidate was
/// given for that family does not count as shared.
pub async fn detector_for(
    app: &App,
    problem_id: i64,
    family: Language,
) -> Result<Detector, StoreError> {
    let starters: Vec<Vec<u8>> = app
        .store()
        .problem_starters(problem_id)
        .await?
        .into_iter()
        .filter(|(language, _)| judge_ids(family).contains(&language.as_str()))
        .map(|(_, code)| code.into_bytes())
        .collect();
    let starter_refs: Vec<&[u8]> = starters.iter().map(Vec::as_slice).collect();
    Ok(Detector::new(family, Config::default(), &starter_refs))
}

/// Compares a full submission with the other submissions and known solutions of its problem;
/// its flags are written in the transaction that completes the job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckPlagiarism {
    pub submission_id: i64,
}

impl Job for CheckPlagiarism {
    const KIND: &'static str = "check_plagiarism";
    type Context = App;

    fn key(&self) -> String {
        format!("check_plagiarism:{}", self.submission_id)
    }

    async fn run(&self, app: &App, done: &Done) -> Result<(), JobError> {
        let submission_id = self.submission_id;
        let flags = flags_for(app, submission_id).await?;
        let mut tx = app.store().begin().await?;
        for (problem_id, with, similarity) in flags {
            Store::record_flag(
                &mut tx,
                problem_id,
                submission_id,
                with,
                similarity,
                app.now(),
            )
            .await?;
        }
        done.complete(&mut tx).await?;
        Store::commit(tx).await?;
        Ok(())
    }
}

/// What `submission_id` is similar to, above the default threshold.
async fn flags_for(
    app: &App,
    submission_id: i64,
) -> Result<Vec<(i64, FlaggedWith, f64)>, JobError> {
    let submission = match app.store().submission(submission_id).await {
        Ok(submission) => submission,
        Err(StoreError::NotFound) => return Ok(Vec::new()),
        Err(other) => return Err(other.into()),
    };
    let Some(family) = Language::from_judge_id(&submission.language) else {
        return Ok(Vec::new());
    };
    let problem_id = submission.problem_id;
    let mut indexes = app.plagiarism().0.lock().await;
    let entry = match indexes.entry((problem_id, family)) {
        std::collections::hash_map::Entry::Occupied(entry) => entry.into_mut(),
        std::collections::hash_map::Entry::Vacant(vacant) => {
            let detector = detector_for(app, problem_id, family).await?;
            vacant.insert(ProblemIndex {
                index: Index::new(&detector),
                detector,
                last_submission: 0,
                last_known_solution: 0,
            })
        }
    };
    let ids = judge_ids(family);
    let added: Vec<IndexedCode> = app
        .store()
        .submissions_to_index(problem_id, ids, entry.last_submission)
        .await?;
    for code in &added {
        let origin = Origin::Candidate(code.author_id.unwrap_or(-code.id));
        add(entry, code.id, origin, &code.code)?;
        entry.last_submission = code.id;
    }
    let known = app
        .store()
        .known_solutions_to_index(problem_id, ids, entry.last_known_solution)
        .await?;
    for solution in &known {
        // Known solutions share the index with submissions under negative ids.
        add(entry, -solution.id, Origin::KnownSolution, &solution.code)?;
        entry.last_known_solution = solution.id;
    }
    let author = submission.author_id.unwrap_or(-submission.id);
    let fingerprints = entry.detector.fingerprint(submission.code.as_bytes());
    let matches = entry
        .index
        .flag(Origin::Candidate(author), &fingerprints)
        .map_err(|e| JobError::Failed(e.to_string()))?;
    Ok(matches
        .into_iter()
        .filter(|m| m.submission_id != submission_id)
        .map(|m| {
            let with = if m.submission_id < 0 {
                FlaggedWith::KnownSolution(-m.submission_id)
            } else {
                FlaggedWith::Submission(m.submission_id)
            };
            (problem_id, with, m.similarity)
        })
        .collect())
}

fn add(entry: &mut ProblemIndex, id: i64, origin: Origin, code: &str) -> Result<(), JobError> {
    let fingerprints = entry.detector.fingerprint(code.as_bytes());
    match entry.index.add(id, origin, &fingerprints) {
        // Another check of this process indexed it already.
        Ok(()) | Err(IndexError::DuplicateSubmission(_)) => Ok(()),
        Err(other) => Err(JobError::Failed(other.to_string())),
    }
}

/// A known solution of a problem (one published online, say) that each submission is also
/// compared with.
pub struct KnownSolution<'a> {
    pub problem_id: i64,
    /// The judge's language id.
    pub language: &'a str,
    /// Where it was found, as the recruiter names it.
    pub name: &'a str,
    pub code: &'a str,
    pub added_by: Option<i64>,
}

/// Adds a known solution; returns its id. The indexes read it like any submission, by id, at
/// the next check.
pub async fn add_known_solution(app: &App, known: &KnownSolution<'_>) -> Result<i64, StoreError> {
    let mut tx = app.store().begin().await?;
    let id = Store::add_known_solution(
        &mut tx,
        known.problem_id,
        (known.language, known.name, known.code),
        known.added_by,
        app.now(),
    )
    .await?;
    Store::commit(tx).await?;
    Ok(id)
}
