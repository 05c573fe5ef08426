//! The plagiarism indexes a process keeps in memory. A leaf, so the shared state can hold them
//! without importing the checks that use the state.

use cohort_plagiarism::{Detector, Index, Language};
use std::collections::HashMap;

/// The index of one problem in one language family, and how far it has read.
pub struct ProblemIndex {
    pub(crate) detector: Detector,
    pub(crate) index: Index,
    pub(crate) last_submission: i64,
    pub(crate) last_known_solution: i64,
}

/// Every index this process holds.
#[derive(Default)]
pub struct Indexes(pub(crate) tokio::sync::Mutex<HashMap<(i64, Language), ProblemIndex>>);
