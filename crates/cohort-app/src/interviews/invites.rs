//! The calendar invitation of an interview, as the candidate or an interviewer receives it: one
//! UID per interview for its whole life, the interview's SEQUENCE, the organiser (the address
//! mail comes from) and both people as attendees.

use crate::App;
use chrono::DateTime;
use cohort_domain::interviews::itip::{self, Attendee, AttendeeRole, Invitation, Method};
use cohort_store::interviews::bookings::InterviewRecord;

/// Whose copy of the invitation: each reads its own summary and description.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    Candidate,
    Interviewer,
}

/// The interview's UID: stable for its whole life, and unique to this Cohort (its host).
pub fn uid(app: &App, interview_id: i64) -> String {
    format!("interview-{interview_id}@{}", app.config().host())
}

/// The words and names of one party's copy of an interview, which an [`Invitation`] borrows.
struct Texts {
    uid: String,
    summary: String,
    description: String,
    organizer_name: String,
    organizer_email: String,
}

fn texts(app: &App, interview: &InterviewRecord, party: Party) -> Texts {
    let track = interview.track_name.as_deref().unwrap_or("Internship");
    let final_loop = interview.kind == super::kinds::FINAL_LOOP;
    let (summary, description) = match party {
        Party::Interviewer if final_loop => (
            format!(
                "Final loop interview: {} ({track})",
                interview.candidate_name
            ),
            format!(
                "Interview {} of the candidate's final loop. Your interview kit (focus, questions, time plan): {}",
                interview.round,
                app.config().link(&super::links::kit_path(interview.id))
            ),
        ),
        Party::Candidate if final_loop => (
            format!("Follow-up interview: {} internship", interview.season_name),
            format!(
                "One more interview of your final loop ({track}). Your status page has the details: {}",
                app.config().link("/me")
            ),
        ),
        Party::Candidate => (
            format!("Phone interview: {} internship", interview.season_name),
            format!(
                "Your technical phone interview ({track}). To move or cancel it: {}",
                app.config()
                    .link(&super::links::manage_path(interview.application_id))
            ),
        ),
        Party::Interviewer => (
            format!("Phone interview: {} ({track})", interview.candidate_name),
            format!(
                "Your interview kit (focus, questions, time plan): {}. The résumé: {}",
                app.config().link(&super::links::kit_path(interview.id)),
                app.config().link(super::links::SCHEDULE_PATH)
            ),
        ),
    };
    let from = &app.config().mail.from;
    Texts {
        uid: uid(app, interview.id),
        summary,
        description,
        organizer_name: from.name.clone().unwrap_or_else(|| "Cohort".to_owned()),
        organizer_email: from.email.to_string(),
    }
}

fn invitation<'a>(
    app: &App,
    interview: &'a InterviewRecord,
    texts: &'a Texts,
    method: Method,
) -> Invitation<'a> {
    let mut attendees = vec![Attendee {
        name: &interview.candidate_name,
        email: &interview.candidate_email,
        role: AttendeeRole::Required,
    }];
    if let (Some(name), Some(email)) = (
        interview.interviewer_name.as_deref(),
        interview.interviewer_email.as_deref(),
    ) {
        attendees.push(Attendee {
            name,
            email,
            role: AttendeeRole::Required,
        });
    }
    if let (Some(name), Some(email)) = (
        interview.shadow_name.as_deref(),
        interview.shadow_email.as_deref(),
    ) {
        attendees.push(Attendee {
            name,
            email,
            role: AttendeeRole::Optional,
        });
    }
    Invitation {
        method,
        uid: &texts.uid,
        sequence: u32::try_from(interview.sequence).unwrap_or(0),
        stamp: app.clock().now_utc(),
        start: DateTime::from_timestamp(interview.starts_at, 0).unwrap_or_default(),
        end: DateTime::from_timestamp(interview.ends_at, 0).unwrap_or_default(),
        summary: &texts.summary,
        description: &texts.description,
        location: interview.meeting_link.as_deref(),
        organizer: (&texts.organizer_name, &texts.organizer_email),
        attendees,
    }
}

/// The iTIP text of `interview` with `method`, for `party`.
pub fn calendar(app: &App, interview: &InterviewRecord, method: Method, party: Party) -> String {
    let texts = texts(app, interview, party);
    invitation(app, interview, &texts, method).to_ics()
}

/// An interviewer's calendar feed of `interviews`, called `name`: the same events, with the same
/// UIDs, as the invitations they were mailed, so a calendar holding both shows each once.
pub fn feed(app: &App, name: &str, interviews: &[InterviewRecord]) -> String {
    let texts: Vec<Texts> = interviews
        .iter()
        .map(|i| texts(app, i, Party::Interviewer))
        .collect();
    let events: Vec<Invitation<'_>> = interviews
        .iter()
        .zip(&texts)
        .map(|(interview, texts)| invitation(app, interview, texts, Method::Publish))
        .collect();
    itip::feed(name, &events)
}

/// The candidate's invitation to their whole final loop, `interviews` in order: one event from
/// the first start to the last end, with a UID of its own that stays the same when the plan
/// re-slots the loop, and `sequence` raised by every change to it.
pub fn loop_calendar(
    app: &App,
    interviews: &[InterviewRecord],
    sequence: i64,
    method: Method,
) -> String {
    let Some(first) = interviews.first() else {
        return String::new();
    };
    let end = interviews
        .iter()
        .map(|i| i.ends_at)
        .max()
        .unwrap_or(first.ends_at);
    let from = &app.config().mail.from;
    let organizer_name = from.name.clone().unwrap_or_else(|| "Cohort".to_owned());
    let organizer_email = from.email.to_string();
    let uid = uid(app, first.application_id).replace("interview-", "final-loop-");
    let summary = format!("Final interviews: {} internship", first.season_name);
    let description = format!(
        "Your final loop of {} interviews, back to back. The times and links of each are on your status page: {}",
        interviews.len(),
        app.config().link("/me")
    );
    Invitation {
        method,
        uid: &uid,
        sequence: u32::try_from(sequence).unwrap_or(0),
        stamp: app.clock().now_utc(),
        start: DateTime::from_timestamp(first.starts_at, 0).unwrap_or_default(),
        end: DateTime::from_timestamp(end, 0).unwrap_or_default(),
        summary: &summary,
        description: &description,
        location: first.meeting_link.as_deref(),
        organizer: (&organizer_name, &organizer_email),
        attendees: vec![Attendee {
            name: &first.candidate_name,
            email: &first.candidate_email,
            role: AttendeeRole::Required,
        }],
    }
    .to_ics()
}
