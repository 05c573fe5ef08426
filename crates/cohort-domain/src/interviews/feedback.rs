//! Interview feedback: the scorecard an interviewer writes for one interview, and who may read it.
//!
//! A scorecard asks, for each principle the interview covers, for an example told as situation,
//! task, action and result (STAR) and a rating on a four-point scale; for the technical area,
//! notes and a rating; and an overall recommendation with a summary. A draft may be incomplete;
//! submitting needs every part and locks the scorecard.
//!
//! **Blind until submitted:** [`may_read`] is the one rule for every page and endpoint that shows
//! feedback. Someone who interviews the candidate reads nobody else's feedback until every
//! interview of theirs with the candidate has their submitted scorecard, and nobody ever reads
//! another person's draft.
//!
//! Pure: callers pass the facts (who the viewer is to the candidate, what each scorecard is).

use crate::input::Text;
use crate::FieldErrors;
use std::collections::BTreeMap;

/// The longest STAR field, technical notes or summary, in characters.
pub const MAX_NOTES: usize = 4000;

/// A rating on the four-point scale, for a principle or a technical area.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rating {
    StronglyBelow = 1,
    Below = 2,
    Meets = 3,
    Raises = 4,
}

impl Rating {
    pub const ALL: [Rating; 4] = [
        Rating::StronglyBelow,
        Rating::Below,
        Rating::Meets,
        Rating::Raises,
    ];

    /// The number stored and averaged, 1 to 4.
    pub fn value(self) -> i64 {
        self as i64
    }

    pub fn from_value(value: i64) -> Option<Rating> {
        Rating::ALL.into_iter().find(|r| r.value() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            Rating::StronglyBelow => "Strongly below the bar",
            Rating::Below => "Below the bar",
            Rating::Meets => "Meets the bar",
            Rating::Raises => "Raises the bar",
        }
    }

    /// What the level means for a principle, written next to it on the scorecard.
    pub fn principle_meaning(self) -> &'static str {
        match self {
            Rating::StronglyBelow => {
                "No example, or examples that show the opposite of the principle."
            }
            Rating::Below => {
                "An example with gaps: what the candidate did themselves, or its result, stays unclear."
            }
            Rating::Meets => {
                "A clear example: the situation, the candidate's own actions and a result they can measure."
            }
            Rating::Raises => {
                "Several strong examples, at a scope above the level hired for, with what they learnt."
            }
        }
    }

    /// What the level means for a technical area.
    pub fn technical_meaning(self) -> &'static str {
        match self {
            Rating::StronglyBelow => "Could not make progress even with hints.",
            Rating::Below => "Reached a partial answer, with hints, or with errors left unnoticed.",
            Rating::Meets => "Reached a working answer, explained trade-offs and tested it.",
            Rating::Raises => {
                "An optimal, well-structured answer without hints, and extended it unprompted."
            }
        }
    }
}

/// The overall recommendation that ends a scorecard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Recommendation {
    StrongNoHire,
    NoHire,
    Hire,
    StrongHire,
}

impl Recommendation {
    pub const ALL: [Recommendation; 4] = [
        Recommendation::StrongNoHire,
        Recommendation::NoHire,
        Recommendation::Hire,
        Recommendation::StrongHire,
    ];

    /// The stable name stored in the database and used in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Recommendation::StrongNoHire => "strong_no_hire",
            Recommendation::NoHire => "no_hire",
            Recommendation::Hire => "hire",
            Recommendation::StrongHire => "strong_hire",
        }
    }

    pub fn parse(text: &str) -> Option<Recommendation> {
        Recommendation::ALL.into_iter().find(|r| r.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Recommendation::StrongNoHire => "Strong no hire",
            Recommendation::NoHire => "No hire",
            Recommendation::Hire => "Hire",
            Recommendation::StrongHire => "Strong hire",
        }
    }

    pub fn is_hire(self) -> bool {
        matches!(self, Recommendation::Hire | Recommendation::StrongHire)
    }
}

impl TryFrom<String> for Recommendation {
    type Error = String;

    fn try_from(text: String) -> Result<Recommendation, String> {
        Recommendation::parse(&text).ok_or_else(|| format!("unknown recommendation {text:?}"))
    }
}

/// Whose scorecard it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Authorship {
    /// The interviewer's own, counted in the decision.
    Interviewer,
    /// A shadow's practice feedback: read by the interviewer shadowed and by bar raisers, never
    /// counted.
    Practice,
}

impl Authorship {
    pub fn as_str(self) -> &'static str {
        match self {
            Authorship::Interviewer => "interviewer",
            Authorship::Practice => "practice",
        }
    }

    pub fn parse(text: &str) -> Option<Authorship> {
        [Authorship::Interviewer, Authorship::Practice]
            .into_iter()
            .find(|a| a.as_str() == text)
    }
}

impl TryFrom<String> for Authorship {
    type Error = String;

    fn try_from(text: String) -> Result<Authorship, String> {
        Authorship::parse(&text).ok_or_else(|| format!("unknown authorship {text:?}"))
    }
}

/// What a scorecard asks about: the principles (competency ids, in the template's order) and
/// the technical area, if the interview has one.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Shape {
    pub principles: Vec<i64>,
    pub area: Option<i64>,
}

/// An example told as situation, task, action and result.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Star {
    pub situation: String,
    pub task: String,
    pub action: String,
    pub result: String,
}

impl Star {
    pub const PARTS: [&'static str; 4] = ["situation", "task", "action", "result"];

    fn part(&self, name: &str) -> &str {
        match name {
            "situation" => &self.situation,
            "task" => &self.task,
            "action" => &self.action,
            _ => &self.result,
        }
    }

    fn set(&mut self, name: &str, text: String) {
        match name {
            "situation" => self.situation = text,
            "task" => self.task = text,
            "action" => self.action = text,
            _ => self.result = text,
        }
    }

    pub fn is_empty(&self) -> bool {
        Star::PARTS.iter().all(|p| self.part(p).is_empty())
    }
}

/// One principle's evidence on a scorecard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrincipleEvidence {
    pub competency_id: i64,
    pub star: Star,
    pub rating: Option<Rating>,
}

/// A scorecard's answers, as saved: a draft may leave any of them empty.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Answers {
    pub principles: Vec<PrincipleEvidence>,
    pub technical_notes: String,
    pub technical_rating: Option<Rating>,
    pub recommendation: Option<Recommendation>,
    pub summary: String,
}

/// The form field of one STAR part of a principle ("p12_action").
pub fn star_field(competency_id: i64, part: &str) -> String {
    format!("p{competency_id}_{part}")
}

/// The form field of a principle's rating ("p12_rating").
pub fn rating_field(competency_id: i64) -> String {
    format!("p{competency_id}_rating")
}

fn parse_rating(text: Option<&String>) -> Result<Option<Rating>, String> {
    match text.map(|t| t.trim()).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => t
            .parse::<i64>()
            .ok()
            .and_then(Rating::from_value)
            .map(Some)
            .ok_or_else(|| "Choose a rating from 1 to 4.".to_owned()),
    }
}

/// Reads a scorecard's form into answers for `shape`: each text within [`MAX_NOTES`], each rating
/// 1 to 4, the recommendation one of the four. Fields the shape does not ask for are ignored, so
/// a tab opened before a template changed cannot add principles to a scorecard.
pub fn parse_answers(
    shape: &Shape,
    fields: &BTreeMap<String, String>,
) -> Result<Answers, FieldErrors> {
    let mut errors = FieldErrors::new();
    let text = |errors: &mut FieldErrors, field: &str, what: &str| -> String {
        let raw = fields.get(field).map(String::as_str).unwrap_or("");
        errors
            .take(field, Text::optional(raw, what, MAX_NOTES))
            .map(Text::into_string)
            .unwrap_or_default()
    };
    let mut principles = Vec::with_capacity(shape.principles.len());
    for &id in &shape.principles {
        let mut star = Star::default();
        for part in Star::PARTS {
            let value = text(&mut errors, &star_field(id, part), &format!("the {part}"));
            star.set(part, value);
        }
        let field = rating_field(id);
        let rating = errors
            .take(&field, parse_rating(fields.get(&field)))
            .flatten();
        principles.push(PrincipleEvidence {
            competency_id: id,
            star,
            rating,
        });
    }
    let (technical_notes, technical_rating) = if shape.area.is_some() {
        (
            text(&mut errors, "technical_notes", "the technical notes"),
            errors
                .take(
                    "technical_rating",
                    parse_rating(fields.get("technical_rating")),
                )
                .flatten(),
        )
    } else {
        (String::new(), None)
    };
    let recommendation = match fields.get("recommendation").map(|t| t.trim()) {
        None | Some("") => None,
        Some(t) => errors.take(
            "recommendation",
            Recommendation::parse(t).ok_or("Choose one of the four recommendations."),
        ),
    };
    let summary = text(&mut errors, "summary", "the summary");
    if errors.is_empty() {
        Ok(Answers {
            principles,
            technical_notes,
            technical_rating,
            recommendation,
            summary,
        })
    } else {
        Err(errors)
    }
}

/// Whether the answers may be submitted: every principle with all four STAR parts and a rating,
/// the technical area with notes and a rating, a recommendation and a summary. The errors name
/// the fields still empty.
pub fn check_complete(shape: &Shape, answers: &Answers) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::new();
    for evidence in &answers.principles {
        let id = evidence.competency_id;
        for part in Star::PARTS {
            if evidence.star.part(part).is_empty() {
                errors.add(
                    &star_field(id, part),
                    format!("Write the {part} of the example before you submit."),
                );
            }
        }
        if evidence.rating.is_none() {
            errors.add(&rating_field(id), "Rate this principle before you submit.");
        }
    }
    if shape.area.is_some() {
        if answers.technical_notes.is_empty() {
            errors.add(
                "technical_notes",
                "Write your technical notes before you submit.",
            );
        }
        if answers.technical_rating.is_none() {
            errors.add(
                "technical_rating",
                "Rate the technical area before you submit.",
            );
        }
    }
    if answers.recommendation.is_none() {
        errors.add(
            "recommendation",
            "Choose your recommendation before you submit.",
        );
    }
    if answers.summary.is_empty() {
        errors.add(
            "summary",
            "Write a one-paragraph summary before you submit.",
        );
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// Who is reading, as the blind rule needs them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Viewer {
    pub user_id: i64,
    /// Administrators, recruiters and hiring managers.
    pub sees_pipeline: bool,
    /// A bar raiser by profile, who reads shadows' practice feedback to sign trainees off.
    pub bar_raiser: bool,
    /// The candidate's booked interviews this viewer gives (phone screens and loop seats).
    pub interviews_held: u32,
    /// Of those, how many have this viewer's submitted scorecard.
    pub interviews_submitted: u32,
}

impl Viewer {
    /// An integration's API token, which acts for no person: it reads what the pipeline's roles
    /// read (submitted, counted feedback), never a draft and never a shadow's practice feedback.
    pub fn integration() -> Viewer {
        Viewer {
            user_id: 0,
            sees_pipeline: true,
            bar_raiser: false,
            interviews_held: 0,
            interviews_submitted: 0,
        }
    }

    /// Interviews the candidate: on the panel, blind until all their feedback is in.
    pub fn on_panel(&self) -> bool {
        self.interviews_held > 0
    }

    /// Has submitted feedback for every interview they give the candidate.
    pub fn cleared(&self) -> bool {
        self.interviews_submitted >= self.interviews_held
    }
}

/// What the blind rule needs to know of a scorecard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CardFacts {
    pub author_id: i64,
    pub submitted: bool,
    pub authorship: Authorship,
    /// The interviewer of the scorecard's interview (the one a shadow shadowed).
    pub interviewer_id: Option<i64>,
}

/// Whether `viewer` may read a scorecard: the one rule behind every page, email and endpoint.
///
/// - Their own, always (draft or submitted).
/// - Nobody else's draft, ever.
/// - Someone on the panel who has not submitted all of theirs: nothing else.
/// - A practice scorecard: the interviewer shadowed and bar raisers.
/// - A counted scorecard: the pipeline's roles and the panel.
pub fn may_read(viewer: &Viewer, card: &CardFacts) -> bool {
    if card.author_id == viewer.user_id {
        return true;
    }
    if !card.submitted || !viewer.cleared() {
        return false;
    }
    match card.authorship {
        Authorship::Practice => card.interviewer_id == Some(viewer.user_id) || viewer.bar_raiser,
        Authorship::Interviewer => viewer.sees_pipeline || viewer.on_panel(),
    }
}

/// Whether `viewer` may open a candidate's feedback page at all (it then lists what
/// [`may_read`] allows, and says why the rest is hidden).
pub fn may_open(viewer: &Viewer, shadows_the_candidate: bool) -> bool {
    viewer.sees_pipeline || viewer.on_panel() || viewer.bar_raiser || shadows_the_candidate
}

/// When feedback for an interview that ends at `ends_at` is due.
pub fn due_at(ends_at: i64, due_after_seconds: i64) -> i64 {
    ends_at + due_after_seconds
}

/// Which seat of the track's template each interview of a loop fills. A loop's interview names
/// what its seat requires (`focus`, as the schedule wrote it), not the seat: the k-th interview of
/// the day with a given focus fills the k-th seat of the template with that focus, so two seats
/// with the same technical area keep the template's order. `None` for an interview whose focus
/// no seat has (the template changed since the loop was published).
pub fn seats_of(template_focus: &[String], loop_focus: &[String]) -> Vec<Option<usize>> {
    let mut taken = vec![false; template_focus.len()];
    loop_focus
        .iter()
        .map(|focus| {
            let seat =
                (0..template_focus.len()).find(|&s| !taken[s] && template_focus[s] == *focus)?;
            taken[seat] = true;
            Some(seat)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape() -> Shape {
        Shape {
            principles: vec![7, 9],
            area: Some(2),
        }
    }

    fn complete_fields() -> BTreeMap<String, String> {
        let mut fields = BTreeMap::new();
        for id in [7, 9] {
            for part in Star::PARTS {
                fields.insert(star_field(id, part), format!("{part} of {id}"));
            }
            fields.insert(rating_field(id), "3".into());
        }
        fields.insert("technical_notes".into(), "Solved it in O(n log n).".into());
        fields.insert("technical_rating".into(), "4".into());
        fields.insert("recommendation".into(), "hire".into());
        fields.insert("summary".into(), "Strong on ownership.".into());
        fields
    }

    #[test]
    fn a_complete_form_parses_and_may_be_submitted() {
        let answers = parse_answers(&shape(), &complete_fields()).unwrap();
        assert_eq!(answers.principles.len(), 2);
        assert_eq!(answers.principles[0].star.action, "action of 7");
        assert_eq!(answers.principles[1].rating, Some(Rating::Meets));
        assert_eq!(answers.technical_rating, Some(Rating::Raises));
        assert_eq!(answers.recommendation, Some(Recommendation::Hire));
        assert!(check_complete(&shape(), &answers).is_ok());
    }

    #[test]
    fn a_draft_may_be_empty_but_cannot_be_submitted_and_the_errors_name_each_empty_field() {
        let answers = parse_answers(&shape(), &BTreeMap::new()).unwrap();
        let errors = check_complete(&shape(), &answers).unwrap_err();
        // Four STAR parts and a rating per principle, the area's notes and rating, the
        // recommendation and the summary.
        assert_eq!(errors.errors.len(), 2 * 5 + 2 + 2);
        assert!(errors.get("p9_result").is_some());
        assert!(errors.get("technical_rating").is_some());
        assert!(errors.get("summary").is_some());
    }

    #[test]
    fn bad_ratings_recommendations_and_overlong_notes_are_refused_by_field() {
        let mut fields = complete_fields();
        fields.insert(rating_field(7), "5".into());
        fields.insert("technical_rating".into(), "three".into());
        fields.insert("recommendation".into(), "maybe".into());
        fields.insert(star_field(9, "task"), "x".repeat(MAX_NOTES + 1));
        let errors = parse_answers(&shape(), &fields).unwrap_err();
        for field in ["p7_rating", "technical_rating", "recommendation", "p9_task"] {
            assert!(errors.get(field).is_some(), "{field}: {errors:?}");
        }
    }

    #[test]
    fn fields_the_shape_does_not_ask_for_are_ignored() {
        let mut fields = complete_fields();
        fields.insert(star_field(99, "action"), "smuggled".into());
        let no_area = Shape {
            principles: vec![7],
            area: None,
        };
        let answers = parse_answers(&no_area, &fields).unwrap();
        assert_eq!(answers.principles.len(), 1);
        assert_eq!(answers.technical_notes, "");
        assert_eq!(answers.technical_rating, None);
    }

    const ME: i64 = 1;
    const OTHER: i64 = 2;

    fn viewer(pipeline: bool, bar_raiser: bool, held: u32, submitted: u32) -> Viewer {
        Viewer {
            user_id: ME,
            sees_pipeline: pipeline,
            bar_raiser,
            interviews_held: held,
            interviews_submitted: submitted,
        }
    }

    fn card(author: i64, submitted: bool, authorship: Authorship, interviewer: i64) -> CardFacts {
        CardFacts {
            author_id: author,
            submitted,
            authorship,
            interviewer_id: Some(interviewer),
        }
    }

    #[test]
    fn the_blind_rule_as_a_table() {
        use Authorship::*;
        let others_submitted = card(OTHER, true, Interviewer, OTHER);
        let others_draft = card(OTHER, false, Interviewer, OTHER);
        let practice_on_me = card(OTHER, true, Practice, ME);
        let practice_on_third = card(OTHER, true, Practice, 3);
        // (viewer, card, may read)
        let table = [
            // Own feedback: always, even a draft, even before submitting.
            (
                viewer(false, false, 1, 0),
                card(ME, false, Interviewer, ME),
                true,
            ),
            // On the panel and not yet submitted: nothing else, whatever the role.
            (viewer(false, false, 1, 0), others_submitted, false),
            (viewer(true, true, 1, 0), others_submitted, false),
            (viewer(true, false, 2, 1), others_submitted, false),
            (viewer(false, false, 1, 0), practice_on_me, false),
            // On the panel and cleared: the others' submitted feedback, never a draft.
            (viewer(false, false, 1, 1), others_submitted, true),
            (viewer(false, false, 1, 1), others_draft, false),
            (viewer(true, false, 0, 0), others_draft, false),
            // Off the panel: the pipeline's roles read counted feedback, others do not.
            (viewer(true, false, 0, 0), others_submitted, true),
            (viewer(false, false, 0, 0), others_submitted, false),
            (viewer(false, true, 0, 0), others_submitted, false),
            // Practice feedback: the interviewer shadowed and bar raisers, not recruiters.
            (viewer(false, false, 1, 1), practice_on_me, true),
            (viewer(false, false, 1, 1), practice_on_third, false),
            (viewer(false, true, 0, 0), practice_on_third, true),
            (viewer(true, false, 0, 0), practice_on_third, false),
        ];
        for (index, (v, c, expected)) in table.iter().enumerate() {
            assert_eq!(may_read(v, c), *expected, "row {index}: {v:?} {c:?}");
        }
    }

    #[test]
    fn an_integration_reads_submitted_counted_feedback_only() {
        use Authorship::*;
        let token = Viewer::integration();
        assert!(may_read(&token, &card(OTHER, true, Interviewer, OTHER)));
        assert!(!may_read(&token, &card(OTHER, false, Interviewer, OTHER)));
        assert!(!may_read(&token, &card(OTHER, true, Practice, OTHER)));
    }

    #[test]
    fn the_page_opens_for_the_pipeline_the_panel_bar_raisers_and_shadows_only() {
        assert!(may_open(&viewer(true, false, 0, 0), false));
        assert!(may_open(&viewer(false, false, 1, 0), false));
        assert!(may_open(&viewer(false, true, 0, 0), false));
        assert!(may_open(&viewer(false, false, 0, 0), true));
        assert!(!may_open(&viewer(false, false, 0, 0), false));
    }

    #[test]
    fn interviews_fill_the_seats_with_their_focus_in_the_templates_order() {
        let template: Vec<String> = ["Coding", "Coding", "System design", "bar raiser"]
            .map(String::from)
            .to_vec();
        let day: Vec<String> = [
            "bar raiser",
            "Coding",
            "System design",
            "Coding",
            "Analytics",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(
            seats_of(&template, &day),
            vec![Some(3), Some(0), Some(2), Some(1), None]
        );
    }

    #[test]
    fn ratings_and_recommendations_round_trip_through_their_stored_forms() {
        for r in Rating::ALL {
            assert_eq!(Rating::from_value(r.value()), Some(r));
        }
        assert_eq!(Rating::from_value(0), None);
        for r in Recommendation::ALL {
            assert_eq!(Recommendation::parse(r.as_str()), Some(r));
        }
        assert!(Recommendation::Hire.is_hire() && !Recommendation::NoHire.is_hire());
        assert_eq!(due_at(1_000, 86_400), 87_400);
    }
}
