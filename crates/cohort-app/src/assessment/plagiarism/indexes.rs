//! The plagiarism indexes a process keeps in memory. A leaf, so the shared state can hold them
//! without importing the checks that use the state.

use cohort_plagiarism::{Detector, Index, Language};
use std::collections::HashMap;

/// The index of one problem in one language family, and how far it has read.
pub struct ProblemIndex {
    pub detector: Detector,
    pub index: Index,
    pub last_submission: i64,
    pub last_known_solution: i64,
}

/// Every index this process holds.
#[derive(Default)]
pub struct Indexes(pub tokio::sync::Mutex<HashMap<(i64, Language), ProblemIndex>>);
