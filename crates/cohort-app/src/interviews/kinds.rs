//! The kinds of interview stored in `interviews`, a leaf every interviews module may name.

/// A final loop's interview, booked by publishing a plan ([`super::plans`]).
pub const FINAL_LOOP: &str = "final_loop";
