//! Case-study interviews: a track's loop interview in a technical area may carry a case, whose
//! prompt the candidate receives some days before the interview and whose deliverable (a
//! document or slides) they upload before it starts. This module holds the rules: the form a
//! recruiter fills in, when the prompt shows and uploads are taken, and the files accepted.

use super::{Competency, CompetencyKind};
use crate::input::Text;
use crate::FieldErrors;

/// The largest deliverable, in bytes: a deck with a few images fits; a video does not.
pub const MAX_DELIVERABLE_BYTES: usize = 10 * 1024 * 1024;

/// How many days ahead a prompt can be sent: at most two weeks.
pub const MAX_DAYS_AHEAD: u32 = 14;

pub const MAX_CASE_TITLE: usize = 120;
pub const MAX_CASE_PROMPT: usize = 10_000;

/// A case as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseStudyForm {
    pub track: String,
    pub area: String,
    pub title: String,
    pub prompt: String,
    /// Whether the candidate uploads a deliverable (a checkbox: present or not).
    pub wants_deliverable: bool,
    pub days_ahead: String,
}

/// A parsed case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseStudy {
    pub track_id: i64,
    pub area_id: i64,
    pub title: String,
    pub prompt: String,
    pub wants_deliverable: bool,
    pub days_ahead: u32,
}

impl CaseStudyForm {
    /// Parses the form against the season's track ids and the company's competencies; errors
    /// name the field.
    pub fn parse(
        &self,
        tracks: &[i64],
        competencies: &[Competency],
    ) -> Result<CaseStudy, FieldErrors> {
        let mut errors = FieldErrors::new();
        let track = self
            .track
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|id| tracks.contains(id));
        if track.is_none() {
            errors.add("track", "Choose the track from the list.");
        }
        let area = self.area.trim().parse::<i64>().ok().filter(|id| {
            competencies
                .iter()
                .any(|c| c.id == *id && c.kind == CompetencyKind::Technical)
        });
        if area.is_none() {
            errors.add(
                "area",
                "Choose the technical area of the interview that discusses the case.",
            );
        }
        let title = errors.take(
            "title",
            Text::required(&self.title, "the title", MAX_CASE_TITLE),
        );
        let prompt = errors.take(
            "prompt",
            Text::required(&self.prompt, "the prompt", MAX_CASE_PROMPT),
        );
        if prompt
            .as_ref()
            .is_some_and(|p| p.as_str().chars().count() < 40)
        {
            errors.add(
                "prompt",
                "Write the prompt in full (at least 40 characters): the candidate prepares from it alone.",
            );
        }
        let days_ahead = match self.days_ahead.trim().parse::<u32>() {
            Ok(days) if (1..=MAX_DAYS_AHEAD).contains(&days) => Some(days),
            _ => {
                errors.add(
                    "days_ahead",
                    format!("Send the prompt 1 to {MAX_DAYS_AHEAD} days before the interview."),
                );
                None
            }
        };
        match (track, area, title, prompt, days_ahead) {
            (Some(track_id), Some(area_id), Some(title), Some(prompt), Some(days_ahead))
                if errors.is_empty() =>
            {
                Ok(CaseStudy {
                    track_id,
                    area_id,
                    title: title.as_str().to_owned(),
                    prompt: prompt.as_str().to_owned(),
                    wants_deliverable: self.wants_deliverable,
                    days_ahead,
                })
            }
            _ => Err(errors),
        }
    }
}

/// Where a candidate is with a case, at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CasePhase {
    /// The prompt is not sent yet.
    NotYet,
    /// The prompt shows, and a deliverable may be uploaded.
    Open,
    /// The interview has started: the prompt still shows, uploads are closed.
    Closed,
}

/// The phase of a case whose interview starts at `starts_at`, at `now` (Unix seconds).
pub fn phase(starts_at: i64, days_ahead: u32, now: i64) -> CasePhase {
    if now >= starts_at {
        CasePhase::Closed
    } else if now >= starts_at - i64::from(days_ahead) * 86_400 {
        CasePhase::Open
    } else {
        CasePhase::NotYet
    }
}

/// A deliverable's type, as its content says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliverableKind {
    Pdf,
    Docx,
    Pptx,
}

impl DeliverableKind {
    pub const ALL: [DeliverableKind; 3] = [
        DeliverableKind::Pdf,
        DeliverableKind::Docx,
        DeliverableKind::Pptx,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DeliverableKind::Pdf => "pdf",
            DeliverableKind::Docx => "docx",
            DeliverableKind::Pptx => "pptx",
        }
    }

    pub fn parse(text: &str) -> Option<DeliverableKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    pub fn content_type(self) -> &'static str {
        match self {
            DeliverableKind::Pdf => "application/pdf",
            DeliverableKind::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            DeliverableKind::Pptx => {
                "application/vnd.openxmlformats-officedocument.presentationml.presentation"
            }
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DeliverableKind::Pdf => "PDF",
            DeliverableKind::Docx => "Word document",
            DeliverableKind::Pptx => "PowerPoint slides",
        }
    }
}

/// Why a deliverable was refused; each message tells the candidate what to do.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DeliverableError {
    #[error("Choose the file to upload.")]
    Missing,
    #[error(
        "The file is {size_mb:.1} MB; the limit is 10 MB. Compress its images or export it as PDF."
    )]
    TooLarge { size_mb: f64 },
    #[error("This is an old Office file (.doc or .ppt). Save it as .docx, .pptx or PDF and upload it again.")]
    LegacyOffice,
    #[error("Upload a PDF, a Word document (.docx) or PowerPoint slides (.pptx); this file is none of these.")]
    Unsupported,
    #[error("This file could not be read; it may be damaged or password-protected. Export it again and retry.")]
    Damaged,
}

/// The size check, before the content is looked at.
pub fn check_size(len: usize) -> Result<(), DeliverableError> {
    match len {
        0 => Err(DeliverableError::Missing),
        n if n > MAX_DELIVERABLE_BYTES => Err(DeliverableError::TooLarge {
            size_mb: n as f64 / (1024.0 * 1024.0),
        }),
        _ => Ok(()),
    }
}

/// A file name fit to send back in a download: the base name, without quotes or control
/// characters, ending in the detected type's extension.
pub fn clean_filename(name: &str, kind: DeliverableKind) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let stem: String = base
        .rsplit_once('.')
        .map_or(base, |(stem, _)| stem)
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(100)
        .collect();
    let stem = if stem.trim().is_empty() {
        "deliverable".to_owned()
    } else {
        stem.trim().to_owned()
    };
    format!("{stem}.{}", kind.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn competencies() -> Vec<Competency> {
        vec![
            Competency {
                id: 1,
                name: "Product sense".into(),
                kind: CompetencyKind::Technical,
                key: false,
            },
            Competency {
                id: 2,
                name: "Ownership".into(),
                kind: CompetencyKind::Principle,
                key: true,
            },
        ]
    }

    fn form() -> CaseStudyForm {
        CaseStudyForm {
            track: "4".into(),
            area: "1".into(),
            title: "Grow a feature's adoption".into(),
            prompt: "Our storage console's lifecycle rules are used by 3% of customers. Propose how to raise that.".into(),
            wants_deliverable: true,
            days_ahead: "3".into(),
        }
    }

    #[test]
    fn a_complete_case_parses() {
        let case = form().parse(&[4], &competencies()).unwrap();
        assert_eq!((case.track_id, case.area_id, case.days_ahead), (4, 1, 3));
        assert!(case.wants_deliverable);
    }

    #[test]
    fn a_principle_is_no_area_and_a_track_must_be_the_seasons() {
        let mut wrong = form();
        wrong.area = "2".into();
        let errors = wrong.parse(&[5], &competencies()).unwrap_err();
        assert!(errors.get("area").is_some() && errors.get("track").is_some());
    }

    #[test]
    fn a_short_prompt_and_days_out_of_range_are_refused() {
        let mut short = form();
        short.prompt = "Design a thing.".into();
        short.days_ahead = "30".into();
        let errors = short.parse(&[4], &competencies()).unwrap_err();
        assert!(errors.get("prompt").is_some() && errors.get("days_ahead").is_some());
    }

    #[test]
    fn the_prompt_shows_days_ahead_and_uploads_close_when_the_interview_starts() {
        let start = 100 * 86_400;
        assert_eq!(phase(start, 3, start - 3 * 86_400 - 1), CasePhase::NotYet);
        assert_eq!(phase(start, 3, start - 3 * 86_400), CasePhase::Open);
        assert_eq!(phase(start, 3, start - 1), CasePhase::Open);
        assert_eq!(phase(start, 3, start), CasePhase::Closed);
    }

    #[test]
    fn sizes_outside_the_limits_are_refused_before_the_content_is_read() {
        assert_eq!(check_size(0), Err(DeliverableError::Missing));
        assert!(check_size(MAX_DELIVERABLE_BYTES).is_ok());
        assert!(matches!(
            check_size(MAX_DELIVERABLE_BYTES + 1),
            Err(DeliverableError::TooLarge { .. })
        ));
    }

    #[test]
    fn a_file_name_keeps_its_stem_and_takes_the_detected_extension() {
        assert_eq!(
            clean_filename("C:\\Users\\ada\\My \"case\".exe", DeliverableKind::Pdf),
            "My case.pdf"
        );
        assert_eq!(
            clean_filename("", DeliverableKind::Pptx),
            "deliverable.pptx"
        );
    }
}
