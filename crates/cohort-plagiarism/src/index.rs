//! The incremental index of one problem in one language: every submission of a season (and the
//! known solutions recruiters add) by fingerprint, so that a new submission is checked by looking
//! up its own fingerprints, not by comparing it with every submission again.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::compare::similarity;
use crate::{Config, Detector, Fingerprints, Scheme};

/// Who wrote an indexed submission.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// A candidate, or a group allowed to work together, by id. Submissions of the same origin
    /// are never matched with each other: a candidate's resubmission is not plagiarism.
    Candidate(i64),
    /// A known solution (from the problem's authors, a forum, last season's leak), added so that
    /// candidates who copy it are flagged like candidates who copy each other. Known solutions
    /// are not matched with each other.
    KnownSolution,
}

/// One stored submission, as the application keeps it to rebuild an [`Index`] at start-up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The application's submission id.
    pub submission_id: i64,
    /// Who wrote it.
    pub origin: Origin,
    /// Its fingerprints, from [`Detector::fingerprint`].
    pub fingerprints: Fingerprints,
}

/// An indexed submission that a queried one resembles.
#[derive(Clone, Debug, PartialEq)]
pub struct Match {
    /// The indexed submission.
    pub submission_id: i64,
    /// Who wrote it.
    pub origin: Origin,
    /// Shared distinct fingerprints (leaving out common ones) over the distinct fingerprints of
    /// whichever of the two has fewer; see [`crate::compare::similarity`].
    pub similarity: f64,
    /// Distinct fingerprints the two share, leaving out common ones.
    pub shared_fingerprints: usize,
}

/// Why the index refused a submission.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IndexError {
    #[error("submission {0} is already in the index")]
    DuplicateSubmission(i64),
    #[error(
        "the fingerprints were taken under {found:?} but the index holds {expected:?}; \
         fingerprint the source again"
    )]
    SchemeMismatch { expected: Scheme, found: Scheme },
}

/// Submissions of one problem in one language, by fingerprint.
///
/// Similarity against the index is the similarity [`Detector::compare`] reports for the same
/// pair, except that common fingerprints (see [`Config::new`]) do not count as shared. They still
/// count in each submission's size: boilerplate is no evidence of copying, but a submission that
/// is mostly boilerplate must not reach a high score by sharing its few other fingerprints. While
/// no fingerprint is common (any index of at most `common_floor` submissions) the two agree
/// exactly.
#[derive(Clone, Debug)]
pub struct Index {
    scheme: Scheme,
    config: Config,
    /// Each distinct hash's row in `postings`.
    rows: HashMap<u64, u32>,
    /// For each distinct hash, the slots (positions in `submissions`) of the submissions that
    /// have it, ascending. Its length is the hash's document frequency.
    postings: Vec<Vec<u32>>,
    submissions: Vec<IndexedSubmission>,
    slots: HashMap<i64, u32>,
}

#[derive(Clone, Debug)]
struct IndexedSubmission {
    submission_id: i64,
    origin: Origin,
    distinct_fingerprints: u32,
}

impl Index {
    /// An empty index for `detector`'s problem and language.
    pub fn new(detector: &Detector) -> Index {
        Index {
            scheme: detector.scheme(),
            config: detector.config().clone(),
            rows: HashMap::new(),
            postings: Vec::new(),
            submissions: Vec::new(),
            slots: HashMap::new(),
        }
    }

    /// An index holding `entries`, as stored by the application, in the order given. Fails on
    /// the first entry taken under another scheme (the lexers, parameters or starter code have
    /// changed since, so every stored fingerprint must be taken again) or with a repeated id.
    pub fn rebuild(
        detector: &Detector,
        entries: impl IntoIterator<Item = Entry>,
    ) -> Result<Index, IndexError> {
        let mut index = Index::new(detector);
        for entry in entries {
            index.add(entry.submission_id, entry.origin, &entry.fingerprints)?;
        }
        Ok(index)
    }

    /// Indexed submissions.
    pub fn len(&self) -> usize {
        self.submissions.len()
    }

    /// Whether nothing is indexed yet.
    pub fn is_empty(&self) -> bool {
        self.submissions.is_empty()
    }

    /// Whether `submission_id` is indexed.
    pub fn contains(&self, submission_id: i64) -> bool {
        self.slots.contains_key(&submission_id)
    }

    /// The scheme every indexed fingerprint was taken under.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// The number of indexed submissions a fingerprint may be in before it is common and stops
    /// counting as shared: `common_fraction` of the index, but never below `common_floor`.
    pub fn common_limit(&self) -> usize {
        let fraction = (self.config.common_fraction() * self.submissions.len() as f64) as usize;
        fraction.max(self.config.common_floor())
    }

    /// Adds a submission.
    pub fn add(
        &mut self,
        submission_id: i64,
        origin: Origin,
        fingerprints: &Fingerprints,
    ) -> Result<(), IndexError> {
        self.check_scheme(fingerprints)?;
        if self.contains(submission_id) {
            return Err(IndexError::DuplicateSubmission(submission_id));
        }
        let slot = self.submissions.len() as u32;
        let hashes = fingerprints.distinct_hashes();
        for &hash in &hashes {
            let next_row = self.postings.len() as u32;
            let row = *self.rows.entry(hash).or_insert(next_row);
            if row == next_row {
                self.postings.push(Vec::new());
            }
            self.postings[row as usize].push(slot);
        }
        self.submissions.push(IndexedSubmission {
            submission_id,
            origin,
            distinct_fingerprints: hashes.len() as u32,
        });
        self.slots.insert(submission_id, slot);
        Ok(())
    }

    /// The indexed submissions that `fingerprints` (written by `origin`) resemble with at least
    /// `min_similarity`, most similar first. Submissions of the same origin are left out, and so
    /// are submissions that share no fingerprint at all, even at a `min_similarity` of 0.
    pub fn query(
        &self,
        origin: Origin,
        fingerprints: &Fingerprints,
        min_similarity: f64,
    ) -> Result<Vec<Match>, IndexError> {
        self.check_scheme(fingerprints)?;
        let hashes = fingerprints.distinct_hashes();
        let common_limit = self.common_limit();
        // Shared fingerprints per slot, counted by walking the postings of the query's own
        // fingerprints: the work is proportional to how often they occur, not to the index size.
        let mut shared = vec![0u32; self.submissions.len()];
        let mut touched = Vec::new();
        for hash in &hashes {
            let Some(&row) = self.rows.get(hash) else {
                continue;
            };
            let slots = &self.postings[row as usize];
            if slots.len() > common_limit {
                continue;
            }
            for &slot in slots {
                if shared[slot as usize] == 0 {
                    touched.push(slot);
                }
                shared[slot as usize] += 1;
            }
        }
        let mut matches: Vec<Match> = touched
            .into_iter()
            .filter_map(|slot| {
                let submission = &self.submissions[slot as usize];
                if submission.origin == origin {
                    return None;
                }
                let shared = shared[slot as usize] as usize;
                let similarity = similarity(
                    shared,
                    hashes.len(),
                    submission.distinct_fingerprints as usize,
                );
                (similarity >= min_similarity).then_some(Match {
                    submission_id: submission.submission_id,
                    origin: submission.origin,
                    similarity,
                    shared_fingerprints: shared,
                })
            })
            .collect();
        matches.sort_by(|a, b| {
            b.similarity
                .total_cmp(&a.similarity)
                .then(b.shared_fingerprints.cmp(&a.shared_fingerprints))
                .then(a.submission_id.cmp(&b.submission_id))
        });
        Ok(matches)
    }

    /// The indexed submissions that `fingerprints` resemble at or above the flag threshold.
    pub fn flag(
        &self,
        origin: Origin,
        fingerprints: &Fingerprints,
    ) -> Result<Vec<Match>, IndexError> {
        self.query(origin, fingerprints, self.config.flag_threshold())
    }

    /// What happens to each new submission: it is flagged against everything indexed so far,
    /// then added. Nothing is added if the submission is refused.
    pub fn flag_and_add(
        &mut self,
        submission_id: i64,
        origin: Origin,
        fingerprints: &Fingerprints,
    ) -> Result<Vec<Match>, IndexError> {
        if self.contains(submission_id) {
            return Err(IndexError::DuplicateSubmission(submission_id));
        }
        let flagged = self.flag(origin, fingerprints)?;
        self.add(submission_id, origin, fingerprints)?;
        Ok(flagged)
    }

    fn check_scheme(&self, fingerprints: &Fingerprints) -> Result<(), IndexError> {
        if fingerprints.scheme == self.scheme {
            Ok(())
        } else {
            Err(IndexError::SchemeMismatch {
                expected: self.scheme,
                found: fingerprints.scheme,
            })
        }
    }
}
