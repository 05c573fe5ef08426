//! Plagiarism checks of full submissions, run by the background job worker.
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

use crate::AppState;
use cohort_plagiarism::{Config, Detector, Index, IndexError, Language, Origin};
use cohort_store::plagiarism::{FlaggedWith, IndexedCode};
use cohort_store::{Store, StoreError};

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
    state: &AppState,
    problem_id: i64,
    family: Language,
) -> Result<Detector, StoreError> {
    let starters: Vec<Vec<u8>> = state
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

/// Runs every due plagiarism check; returns how many ran.
pub async fn check_due(state: &AppState) -> anyhow::Result<usize> {
    let due = state.store().due_plagiarism_checks(state.now(), 50).await?;
    for (job, submission_id) in &due {
        // One check failing does not hold up the others; it is retried later.
        if let Err(error) = check(state, job, *submission_id).await {
            tracing::warn!(
                submission.id = submission_id,
                error = format!("{error:#}"),
                "plagiarism check failed"
            );
            state
                .store()
                .fail_job(job.id, job.attempts, &format!("{error:#}"), state.now())
                .await?;
        }
    }
    Ok(due.len())
}

/// One check, its flags written in the transaction that completes its job.
async fn check(
    state: &AppState,
    job: &cohort_store::jobs::ClaimedJob,
    submission_id: i64,
) -> anyhow::Result<()> {
    let flags = flags_for(state, submission_id).await?;
    let mut tx = state.store().begin().await?;
    for (problem_id, with, similarity) in flags {
        Store::record_flag(
            &mut tx,
            problem_id,
            submission_id,
            with,
            similarity,
            state.now(),
        )
        .await?;
    }
    Store::complete_job(&mut tx, job).await?;
    Store::commit(tx).await?;
    Ok(())
}

/// What `submission_id` is similar to, above the default threshold.
async fn flags_for(
    state: &AppState,
    submission_id: i64,
) -> anyhow::Result<Vec<(i64, FlaggedWith, f64)>> {
    let submission = match state.store().submission(submission_id).await {
        Ok(submission) => submission,
        Err(StoreError::NotFound) => return Ok(Vec::new()),
        Err(other) => return Err(other.into()),
    };
    let Some(family) = Language::from_judge_id(&submission.language) else {
        return Ok(Vec::new());
    };
    let problem_id = submission.problem_id;
    let mut indexes = state.plagiarism().0.lock().await;
    let entry = match indexes.entry((problem_id, family)) {
        std::collections::hash_map::Entry::Occupied(entry) => entry.into_mut(),
        std::collections::hash_map::Entry::Vacant(vacant) => {
            let detector = detector_for(state, problem_id, family).await?;
            vacant.insert(ProblemIndex {
                index: Index::new(&detector),
                detector,
                last_submission: 0,
                last_known_solution: 0,
            })
        }
    };
    let ids = judge_ids(family);
    let added: Vec<IndexedCode> = state
        .store()
        .submissions_to_index(problem_id, ids, entry.last_submission)
        .await?;
    for code in &added {
        let origin = Origin::Candidate(code.author_id.unwrap_or(-code.id));
        add(entry, code.id, origin, &code.code)?;
        entry.last_submission = code.id;
    }
    let known = state
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
        .map_err(|e| anyhow::anyhow!("{e}"))?;
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

fn add(entry: &mut ProblemIndex, id: i64, origin: Origin, code: &str) -> anyhow::Result<()> {
    let fingerprints = entry.detector.fingerprint(code.as_bytes());
    match entry.index.add(id, origin, &fingerprints) {
        // Another check of this process indexed it already.
        Ok(()) | Err(IndexError::DuplicateSubmission(_)) => Ok(()),
        Err(other) => Err(anyhow::anyhow!("{other}")),
    }
}
