//! Mail about interviews: the link to book a phone screen, the booking (with its calendar
//! invitation) to the candidate and the interviewer, moves, cancellations, an interviewer's
//! release, and reminders. Times are written in the reader's own time zone.

use crate::mail::{Message, RECRUITING_TEAM};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// An interview's time for people, in `zone`: "Tuesday 12 January 2027, 10:00–10:45 (Europe/Dublin)".
pub fn span_in(zone: Tz, start: DateTime<Utc>, end: DateTime<Utc>) -> String {
    let (start, end) = (start.with_timezone(&zone), end.with_timezone(&zone));
    format!(
        "{}–{} ({})",
        start.format("%A %-d %B %Y, %H:%M"),
        end.format("%H:%M"),
        zone.name()
    )
}

/// Moving to Phone screen: pick a time.
pub struct BookPhoneScreen<'a> {
    pub name: &'a str,
    pub season: &'a str,
    pub minutes: i64,
    pub link: &'a str,
}

impl Message for BookPhoneScreen<'_> {
    const TEMPLATE: &'static str = "book_phone_screen";

    fn subject(&self) -> String {
        format!(
            "Your {} application: pick a time for your phone interview",
            self.season
        )
    }

    fn body(&self) -> String {
        let BookPhoneScreen {
            name,
            minutes,
            link,
            ..
        } = self;
        format!("Hello {name},\n\nCongratulations: you are through to the technical phone interview, {minutes} minutes by video with one of our engineers.\n\nPick a time that suits you: {link}\n\nThe page shows times in your own time zone. You can move or cancel your interview there later.\n\n{RECRUITING_TEAM}\n")
    }
}

/// What changed for a candidate's booking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BookingChange {
    Booked,
    Moved,
    /// Same time, another interviewer.
    NewInterviewer,
}

/// The candidate's confirmation, with the calendar invitation.
pub struct PhoneScreenConfirmed<'a> {
    pub name: &'a str,
    pub season: &'a str,
    pub change: BookingChange,
    /// Written in the candidate's zone.
    pub when: &'a str,
    pub meeting_link: Option<&'a str>,
    pub manage_link: &'a str,
    /// Written in the candidate's zone.
    pub change_until: &'a str,
    pub calendar: String,
}

impl Message for PhoneScreenConfirmed<'_> {
    const TEMPLATE: &'static str = "phone_screen_confirmed";

    fn subject(&self) -> String {
        let what = match self.change {
            BookingChange::Booked => "booked",
            BookingChange::Moved => "moved",
            BookingChange::NewInterviewer => "updated",
        };
        format!("Your {} phone interview is {what}", self.season)
    }

    fn body(&self) -> String {
        let PhoneScreenConfirmed {
            name,
            when,
            meeting_link,
            manage_link,
            change_until,
            change,
            ..
        } = self;
        let opening = match change {
            BookingChange::Booked => "Your phone interview is booked",
            BookingChange::Moved => "Your phone interview has moved",
            BookingChange::NewInterviewer => "Your phone interview keeps its time, with another interviewer (the first one can no longer make it)",
        };
        let join = meeting_link.map_or_else(
            || "The meeting link will follow from your interviewer.".to_owned(),
            |link| format!("Join here at that time: {link}"),
        );
        format!("Hello {name},\n\n{opening}:\n\n  {when}\n\n{join}\n\nThe attached invitation adds it to your calendar. To move or cancel it (until {change_until}): {manage_link}\n\n{RECRUITING_TEAM}\n")
    }

    fn calendar(&self) -> Option<String> {
        Some(self.calendar.clone())
    }
}

/// The interviewer's notice of an interview given to them, with the calendar invitation.
pub struct InterviewAssigned<'a> {
    pub name: &'a str,
    pub candidate: &'a str,
    pub track: &'a str,
    pub moved: bool,
    /// Written in the interviewer's zone.
    pub when: &'a str,
    pub schedule_link: &'a str,
    pub calendar: String,
}

impl Message for InterviewAssigned<'_> {
    const TEMPLATE: &'static str = "interview_assigned";

    fn subject(&self) -> String {
        let what = if self.moved { "Moved" } else { "New" };
        format!(
            "{what} phone interview: {} ({})",
            self.candidate, self.track
        )
    }

    fn body(&self) -> String {
        let InterviewAssigned {
            name,
            candidate,
            track,
            moved,
            when,
            schedule_link,
            ..
        } = self;
        let what = if *moved {
            "A phone interview of yours has moved"
        } else {
            "You have a new phone interview"
        };
        format!("Hello {name},\n\n{what}: {candidate}, {track}.\n\n  {when}\n\nThe résumé and the interview's focus are on your schedule: {schedule_link}\n\nIf you cannot make it, release it there and someone else will take it.\n\nCohort\n")
    }

    fn calendar(&self) -> Option<String> {
        Some(self.calendar.clone())
    }
}

/// An interview is off for this reader, with the calendar cancellation.
pub struct InterviewCancelled<'a> {
    pub name: &'a str,
    pub what: &'a str,
    /// Written in the reader's zone.
    pub when: &'a str,
    /// Why, in a sentence for the reader.
    pub reason: &'a str,
    /// For a candidate who may pick a new time.
    pub rebook_link: Option<&'a str>,
    pub calendar: String,
}

impl Message for InterviewCancelled<'_> {
    const TEMPLATE: &'static str = "interview_cancelled";

    fn subject(&self) -> String {
        format!("Cancelled: {}", self.what)
    }

    fn body(&self) -> String {
        let InterviewCancelled {
            name,
            what,
            when,
            reason,
            rebook_link,
            ..
        } = self;
        let next = rebook_link.map_or_else(String::new, |link| {
            format!("\n\nPlease pick a new time: {link}")
        });
        format!("Hello {name},\n\n{reason} This {what} is cancelled:\n\n  {when}{next}\n\nThe attached cancellation removes it from your calendar.\n\n{RECRUITING_TEAM}\n")
    }

    fn calendar(&self) -> Option<String> {
        Some(self.calendar.clone())
    }
}

/// A reminder a day or an hour before an interview.
pub struct InterviewReminder<'a> {
    pub name: &'a str,
    pub what: &'a str,
    /// "tomorrow" or "in an hour".
    pub in_words: &'a str,
    /// Written in the reader's zone.
    pub when: &'a str,
    pub meeting_link: Option<&'a str>,
    pub details_link: &'a str,
}

impl Message for InterviewReminder<'_> {
    const TEMPLATE: &'static str = "interview_reminder";

    fn subject(&self) -> String {
        format!("Reminder: {} {}", self.what, self.in_words)
    }

    fn body(&self) -> String {
        let InterviewReminder {
            name,
            what,
            in_words,
            when,
            meeting_link,
            details_link,
        } = self;
        let join = meeting_link.map_or_else(String::new, |link| format!("Join here: {link}\n\n"));
        format!("Hello {name},\n\nA reminder of your {what} {in_words}:\n\n  {when}\n\n{join}Details: {details_link}\n\n{RECRUITING_TEAM}\n")
    }
}

/// A candidate's final loop, published or changed, with the calendar invitation of the whole loop.
pub struct LoopScheduled<'a> {
    pub name: &'a str,
    pub season: &'a str,
    /// True when the loop was scheduled before and has changed.
    pub changed: bool,
    /// One line per interview, in the candidate's zone.
    pub interviews: &'a [String],
    pub status_link: &'a str,
    pub calendar: String,
}

impl Message for LoopScheduled<'_> {
    const TEMPLATE: &'static str = "loop_scheduled";

    fn subject(&self) -> String {
        if self.changed {
            format!("Your {} final interviews have changed", self.season)
        } else {
            format!("Your {} final interviews are scheduled", self.season)
        }
    }

    fn body(&self) -> String {
        let LoopScheduled {
            name,
            changed,
            interviews,
            status_link,
            ..
        } = self;
        let opening = if *changed {
            "Your final interviews have changed. Here is the new schedule"
        } else {
            "Congratulations: you are through to the final interviews. Here is your schedule"
        };
        let lines = interviews
            .iter()
            .map(|line| format!("  {line}"))
            .collect::<Vec<_>>()
            .join("\n");
        format!("Hello {name},\n\n{opening}:\n\n{lines}\n\nThe interviews follow one another with short breaks. Each interviewer will ask about different experiences, so prepare several stories.\n\nThe attached invitation adds the whole loop to your calendar; your status page has the meeting link of each interview: {status_link}\n\n{RECRUITING_TEAM}\n")
    }

    fn calendar(&self) -> Option<String> {
        Some(self.calendar.clone())
    }
}

/// One more interview of a candidate's final loop, booked after their debrief, with its
/// invitation. It never says why it was asked for.
pub struct FollowUpScheduled<'a> {
    pub name: &'a str,
    pub season: &'a str,
    /// Written in the candidate's zone.
    pub when: &'a str,
    pub status_link: &'a str,
    pub calendar: String,
}

impl Message for FollowUpScheduled<'_> {
    const TEMPLATE: &'static str = "follow_up_scheduled";

    fn subject(&self) -> String {
        format!("One more interview: {} internship", self.season)
    }

    fn body(&self) -> String {
        let FollowUpScheduled {
            name,
            when,
            status_link,
            ..
        } = self;
        format!("Hello {name},\n\nThank you for your final interviews. We would like to talk with you once more, in one further interview:\n\n  {when}\n\nThe attached invitation adds it to your calendar; your status page has its meeting link: {status_link}\n\n{RECRUITING_TEAM}\n")
    }

    fn calendar(&self) -> Option<String> {
        Some(self.calendar.clone())
    }
}

/// An interviewer's (or a shadow's) seat in a published final loop, with the invitation.
pub struct LoopInterviewAssigned<'a> {
    pub name: &'a str,
    pub candidate: &'a str,
    pub track: &'a str,
    pub round: i64,
    /// Sitting in to learn, not interviewing.
    pub shadow: bool,
    /// Written in the reader's zone.
    pub when: &'a str,
    pub schedule_link: &'a str,
    pub calendar: String,
}

impl Message for LoopInterviewAssigned<'_> {
    const TEMPLATE: &'static str = "loop_interview_assigned";

    fn subject(&self) -> String {
        let what = if self.shadow {
            "Shadowing a final loop interview"
        } else {
            "New final loop interview"
        };
        format!("{what}: {} ({})", self.candidate, self.track)
    }

    fn body(&self) -> String {
        let LoopInterviewAssigned {
            name,
            candidate,
            track,
            round,
            shadow,
            when,
            schedule_link,
            ..
        } = self;
        let what = if *shadow {
            format!("You sit in as a shadow on interview {round} of {candidate}'s final loop ({track}). Observe; the interviewer leads")
        } else {
            format!("You have interview {round} of {candidate}'s final loop ({track})")
        };
        format!("Hello {name},\n\n{what}:\n\n  {when}\n\nThe résumé and the principles to assess are on your schedule: {schedule_link}\n\nCohort\n")
    }

    fn calendar(&self) -> Option<String> {
        Some(self.calendar.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::test_support::assert_well_formed;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn a_time_is_written_in_the_readers_zone_across_midnight_utc() {
        let text = span_in(
            chrono_tz::America::Los_Angeles,
            utc("2027-01-12T00:30:00Z"),
            utc("2027-01-12T01:15:00Z"),
        );
        assert_eq!(
            text,
            "Monday 11 January 2027, 16:30–17:15 (America/Los_Angeles)"
        );
        let india = span_in(
            chrono_tz::Asia::Kolkata,
            utc("2027-01-12T04:00:00Z"),
            utc("2027-01-12T04:45:00Z"),
        );
        assert_eq!(india, "Tuesday 12 January 2027, 09:30–10:15 (Asia/Kolkata)");
    }

    #[test]
    fn the_follow_up_mail_gives_the_time_and_never_a_reason() {
        let message = FollowUpScheduled {
            name: "Ada",
            season: "Summer 2027",
            when: "Tuesday 12 January 2027, 10:00–10:45 (Europe/Dublin)",
            status_link: "https://cohort.example/me",
            calendar: "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n".into(),
        };
        assert_well_formed(&message, "Ada");
        assert!(message.body().contains("10:00–10:45 (Europe/Dublin)"));
        for internal in ["more information", "debrief", "principle", "rating"] {
            assert!(
                !message.body().to_lowercase().contains(internal),
                "{internal}"
            );
        }
        assert!(message.calendar().is_some());
    }

    #[test]
    fn the_booking_link_mail_says_how_long_and_where_to_pick() {
        let message = BookPhoneScreen {
            name: "Ada",
            season: "Summer 2027",
            minutes: 45,
            link: "https://cohort.example/me/applications/3/phone-screen",
        };
        assert_well_formed(&message, "Ada");
        assert!(message.body().contains("45 minutes"));
        assert!(message.body().contains(
            "Pick a time that suits you: https://cohort.example/me/applications/3/phone-screen\n"
        ));
        assert!(message.calendar().is_none());
    }

    #[test]
    fn the_confirmation_carries_the_invitation_and_says_until_when_it_can_change() {
        let message = PhoneScreenConfirmed {
            name: "Ada",
            season: "Summer 2027",
            change: BookingChange::Moved,
            when: "Tuesday 12 January 2027, 10:00–10:45 (Europe/Dublin)",
            meeting_link: Some("https://meet.example/abc"),
            manage_link: "https://cohort.example/me/applications/3/phone-screen",
            change_until: "Monday 11 January 2027, 10:00 (Europe/Dublin)",
            calendar: "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n".into(),
        };
        assert_well_formed(&message, "Ada");
        assert_eq!(
            message.subject(),
            "Your Summer 2027 phone interview is moved"
        );
        assert!(message.body().contains("has moved"));
        assert!(message
            .body()
            .contains("Join here at that time: https://meet.example/abc"));
        assert!(message
            .body()
            .contains("(until Monday 11 January 2027, 10:00 (Europe/Dublin))"));
        assert!(message.calendar().is_some());
    }

    #[test]
    fn a_cancellation_offers_a_new_time_only_when_there_is_a_link() {
        let mut message = InterviewCancelled {
            name: "Ada",
            what: "phone interview",
            when: "Tuesday 12 January 2027, 10:00–10:45 (Europe/Dublin)",
            reason: "Your interviewer can no longer make it, and nobody else is free then.",
            rebook_link: Some("https://cohort.example/me/applications/3/phone-screen"),
            calendar: String::new(),
        };
        assert_well_formed(&message, "Ada");
        assert!(message.body().contains("Please pick a new time: https://"));
        message.rebook_link = None;
        assert!(!message.body().contains("pick a new time"));
    }

    #[test]
    fn the_interviewers_notice_names_the_candidate_and_track() {
        let message = InterviewAssigned {
            name: "Grace",
            candidate: "Ada Lovelace",
            track: "Software Development",
            moved: false,
            when: "Tuesday 12 January 2027, 02:00–02:45 (America/Los_Angeles)",
            schedule_link: "https://cohort.example/interviewer/interviews",
            calendar: String::new(),
        };
        assert_eq!(
            message.subject(),
            "New phone interview: Ada Lovelace (Software Development)"
        );
        assert!(message.body().starts_with("Hello Grace,\n\n"));
        assert!(message.body().contains("release it there"));
    }

    #[test]
    fn a_reminder_says_when_and_how_to_join() {
        let message = InterviewReminder {
            name: "Ada",
            what: "phone interview",
            in_words: "in an hour",
            when: "Tuesday 12 January 2027, 10:00–10:45 (Europe/Dublin)",
            meeting_link: Some("https://meet.example/abc"),
            details_link: "https://cohort.example/me",
        };
        assert_well_formed(&message, "Ada");
        assert_eq!(message.subject(), "Reminder: phone interview in an hour");
        assert!(message
            .body()
            .contains("Join here: https://meet.example/abc"));
    }
}
