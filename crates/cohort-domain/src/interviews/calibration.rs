//! Calibration: how each interviewer rates against the rest of the panels they sat on, how much
//! of their feedback comes in late, and how often their recommendation matched the decision.
//!
//! A principle is assessed by one interviewer per loop, so "the panel's rating for the same
//! candidates" is what the other interviewers of those candidates gave them, over every principle
//! they rated. An interviewer's offset is the mean, over their ratings, of their rating minus the
//! mean of the others' ratings of that candidate: below zero they are harsher than their panels,
//! above it more lenient. Ratings of candidates nobody else rated tell nothing and are left out.
//!
//! Pure: callers pass the submitted ratings, the interviews with their feedback's times, and the
//! decisions.

use super::feedback::Recommendation;
use std::collections::BTreeMap;

/// One rating of one principle on a submitted, counted scorecard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RatingFact {
    pub interviewer: i64,
    pub application: i64,
    pub principle: i64,
    /// 1 to 4.
    pub rating: i64,
}

/// One interview whose feedback was due, with what became of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeedbackFact {
    pub interviewer: i64,
    pub application: i64,
    pub due_at: i64,
    pub submitted_at: Option<i64>,
    pub recommendation: Option<Recommendation>,
}

/// An interviewer's offset from their panels on one principle.
#[derive(Debug, Clone, PartialEq)]
pub struct PrincipleOffset {
    pub principle: i64,
    pub ratings: usize,
    /// Their mean rating of the principle.
    pub mean: f64,
    /// The mean of their panels' ratings of the same candidates.
    pub panel_mean: f64,
}

impl PrincipleOffset {
    pub fn offset(&self) -> f64 {
        self.mean - self.panel_mean
    }
}

/// One interviewer's calibration.
#[derive(Debug, Clone, PartialEq)]
pub struct Calibration {
    pub interviewer: i64,
    /// Ratings compared with a panel.
    pub compared: usize,
    /// Their mean offset from their panels, when any rating could be compared.
    pub offset: Option<f64>,
    pub principles: Vec<PrincipleOffset>,
    /// Interviews whose feedback was due.
    pub due: usize,
    /// Of those, submitted after the due time or not at all.
    pub late: usize,
    /// Their recommendations on decided candidates, and how many matched the decision.
    pub decided: usize,
    pub matched: usize,
}

/// How far from the panels an interviewer rates before the page calls them an outlier, on the
/// four-point scale.
pub const OUTLIER_OFFSET: f64 = 0.5;
/// The fewest compared ratings an outlier call rests on.
pub const OUTLIER_MIN_RATINGS: usize = 3;

impl Calibration {
    pub fn late_share(&self) -> Option<f64> {
        (self.due > 0).then(|| self.late as f64 / self.due as f64)
    }

    pub fn match_share(&self) -> Option<f64> {
        (self.decided > 0).then(|| self.matched as f64 / self.decided as f64)
    }

    /// Rates far from their panels, on enough ratings to say so.
    pub fn is_outlier(&self) -> bool {
        self.compared >= OUTLIER_MIN_RATINGS
            && self.offset.is_some_and(|o| o.abs() >= OUTLIER_OFFSET)
    }
}

/// Every interviewer's calibration, in interviewer id order. `decisions` maps an application to
/// whether its debrief decided to hire (applications without a hire or no-hire are absent).
pub fn calibrate(
    ratings: &[RatingFact],
    feedback: &[FeedbackFact],
    decisions: &BTreeMap<i64, bool>,
) -> Vec<Calibration> {
    // Per candidate: the sum and count of each interviewer's ratings.
    let mut by_candidate: BTreeMap<i64, BTreeMap<i64, (i64, usize)>> = BTreeMap::new();
    for r in ratings {
        let slot = by_candidate
            .entry(r.application)
            .or_default()
            .entry(r.interviewer)
            .or_default();
        slot.0 += r.rating;
        slot.1 += 1;
    }
    // The others' mean rating of `application`, leaving `interviewer` out.
    let others_mean = |application: i64, interviewer: i64| -> Option<f64> {
        let (sum, count) = by_candidate[&application]
            .iter()
            .filter(|(who, _)| **who != interviewer)
            .fold((0, 0), |(s, c), (_, (sum, count))| (s + sum, c + count));
        (count > 0).then(|| sum as f64 / count as f64)
    };
    // Everyone who rated anything is listed, even with nothing to compare yet.
    let mut people: BTreeMap<i64, Calibration> = ratings
        .iter()
        .map(|r| (r.interviewer, empty(r.interviewer)))
        .collect();
    // Sums per interviewer and principle: (their ratings, the panels' means, count).
    let mut sums: BTreeMap<(i64, i64), (f64, f64, usize)> = BTreeMap::new();
    for r in ratings {
        let Some(panel) = others_mean(r.application, r.interviewer) else {
            continue;
        };
        let slot = sums.entry((r.interviewer, r.principle)).or_default();
        slot.0 += r.rating as f64;
        slot.1 += panel;
        slot.2 += 1;
    }
    for ((interviewer, principle), (mine, panel, count)) in sums {
        let entry = people
            .entry(interviewer)
            .or_insert_with(|| empty(interviewer));
        entry.principles.push(PrincipleOffset {
            principle,
            ratings: count,
            mean: mine / count as f64,
            panel_mean: panel / count as f64,
        });
    }
    for calibration in people.values_mut() {
        let compared: usize = calibration.principles.iter().map(|p| p.ratings).sum();
        let offset_sum: f64 = calibration
            .principles
            .iter()
            .map(|p| p.offset() * p.ratings as f64)
            .sum();
        calibration.compared = compared;
        calibration.offset = (compared > 0).then(|| offset_sum / compared as f64);
    }
    for f in feedback {
        let entry = people
            .entry(f.interviewer)
            .or_insert_with(|| empty(f.interviewer));
        entry.due += 1;
        if f.submitted_at.is_none_or(|at| at > f.due_at) {
            entry.late += 1;
        }
        if let (Some(recommendation), Some(hired)) =
            (f.recommendation, decisions.get(&f.application))
        {
            entry.decided += 1;
            if recommendation.is_hire() == *hired {
                entry.matched += 1;
            }
        }
    }
    people.into_values().collect()
}

fn empty(interviewer: i64) -> Calibration {
    Calibration {
        interviewer,
        compared: 0,
        offset: None,
        principles: Vec::new(),
        due: 0,
        late: 0,
        decided: 0,
        matched: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rating(interviewer: i64, application: i64, principle: i64, rating: i64) -> RatingFact {
        RatingFact {
            interviewer,
            application,
            principle,
            rating,
        }
    }

    #[test]
    fn a_harsh_interviewer_is_below_their_panels_and_an_outlier_once_it_rests_on_enough_ratings() {
        // Interviewer 1 gives 1s where the others give 3s, on three candidates.
        let mut ratings = Vec::new();
        for candidate in 1..=3 {
            ratings.push(rating(1, candidate, 10, 1));
            ratings.push(rating(2, candidate, 11, 3));
            ratings.push(rating(3, candidate, 12, 3));
        }
        let result = calibrate(&ratings, &[], &BTreeMap::new());
        let harsh = &result[0];
        assert_eq!(harsh.interviewer, 1);
        assert_eq!(harsh.compared, 3);
        assert_eq!(harsh.offset, Some(-2.0));
        assert!(harsh.is_outlier());
        assert_eq!(harsh.principles[0].panel_mean, 3.0);
        // The others are each one above their panel (3 against the mean of 1 and 3).
        assert_eq!(result[1].offset, Some(1.0));
        // On two ratings nobody is called an outlier.
        let few = calibrate(&ratings[..6], &[], &BTreeMap::new());
        assert_eq!(few[0].compared, 2);
        assert!(!few[0].is_outlier());
    }

    #[test]
    fn a_candidate_nobody_else_rated_is_left_out() {
        let result = calibrate(&[rating(1, 7, 10, 4)], &[], &BTreeMap::new());
        assert_eq!(result[0].compared, 0);
        assert_eq!(result[0].offset, None);
    }

    #[test]
    fn late_feedback_and_recommendations_that_matched_the_decision_are_counted() {
        let fact = |application, submitted_at, recommendation| FeedbackFact {
            interviewer: 5,
            application,
            due_at: 100,
            submitted_at,
            recommendation,
        };
        let feedback = [
            fact(1, Some(90), Some(Recommendation::Hire)),
            fact(2, Some(150), Some(Recommendation::StrongNoHire)),
            fact(3, None, None),
            fact(4, Some(100), Some(Recommendation::Hire)),
        ];
        let decisions = BTreeMap::from([(1, true), (2, true), (4, false)]);
        let result = calibrate(&[], &feedback, &decisions);
        let c = &result[0];
        assert_eq!((c.due, c.late), (4, 2));
        assert_eq!(c.late_share(), Some(0.5));
        assert_eq!((c.decided, c.matched), (3, 1));
    }
}
