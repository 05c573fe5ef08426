//! An interviewer's profile: where and when they work, how many interviews they take, which
//! tracks they serve, and their training in each competency.

use crate::input::Links;
use crate::season::parse_time_zone;
use crate::FieldErrors;
use chrono::{NaiveDate, NaiveTime, Timelike, Weekday};
use chrono_tz::Tz;

/// The weekdays in the order forms and the week show them.
pub const WEEKDAYS: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

/// The most interviews a day and a week anyone may be given.
pub const MAX_DAILY_CAP: u32 = 8;
pub const MAX_WEEKLY_CAP: u32 = 30;
/// The most separate periods of time off a profile lists.
pub const MAX_TIME_OFF: usize = 30;

/// Where an interviewer stands in one competency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TrainingState {
    /// Learning; takes no seat yet.
    Trainee,
    /// Sits in on a qualified interviewer's interviews.
    Shadowing,
    /// Leads interviews while a qualified interviewer watches.
    ReverseShadowing,
    /// Interviews alone.
    Qualified,
}

impl TrainingState {
    pub const ALL: [TrainingState; 4] = [
        TrainingState::Trainee,
        TrainingState::Shadowing,
        TrainingState::ReverseShadowing,
        TrainingState::Qualified,
    ];

    /// The stable name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            TrainingState::Trainee => "trainee",
            TrainingState::Shadowing => "shadowing",
            TrainingState::ReverseShadowing => "reverse_shadowing",
            TrainingState::Qualified => "qualified",
        }
    }

    pub fn parse(text: &str) -> Option<TrainingState> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            TrainingState::Trainee => "Trainee",
            TrainingState::Shadowing => "Shadowing",
            TrainingState::ReverseShadowing => "Reverse shadowing",
            TrainingState::Qualified => "Qualified",
        }
    }
}

impl TryFrom<String> for TrainingState {
    type Error = String;

    fn try_from(text: String) -> Result<TrainingState, String> {
        TrainingState::parse(&text).ok_or_else(|| format!("unknown training state {text:?}"))
    }
}

/// How many shadow and reverse-shadow interviews lead to the next step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GraduationRule {
    pub shadows: u32,
    pub reverse_shadows: u32,
}

impl Default for GraduationRule {
    fn default() -> GraduationRule {
        GraduationRule {
            shadows: 3,
            reverse_shadows: 2,
        }
    }
}

/// An interviewer's training in one competency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Training {
    pub state: TrainingState,
    pub shadows: u32,
    pub reverse_shadows: u32,
}

/// Why a sign-off was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignOffError {
    #[error("Only a bar raiser signs off an interviewer.")]
    NotABarRaiser,
    #[error("Nobody signs off their own training.")]
    OwnTraining,
    #[error("{0}")]
    NotReady(String),
}

impl Training {
    /// Counts one interview sat in on, moving to reverse shadowing once the rule's number is
    /// reached.
    pub fn record_shadow(&mut self, rule: GraduationRule) {
        self.shadows += 1;
        if self.state <= TrainingState::Shadowing && self.shadows >= rule.shadows {
            self.state = TrainingState::ReverseShadowing;
        } else if self.state == TrainingState::Trainee {
            self.state = TrainingState::Shadowing;
        }
    }

    /// Counts one interview led under watch.
    pub fn record_reverse_shadow(&mut self) {
        self.reverse_shadows += 1;
    }

    /// Whether a bar raiser may now sign the interviewer off as qualified.
    pub fn ready_for_sign_off(&self, rule: GraduationRule) -> bool {
        self.state == TrainingState::ReverseShadowing
            && self.reverse_shadows >= rule.reverse_shadows
    }

    /// Qualifies the interviewer, signed off by `signer`.
    pub fn sign_off(
        &mut self,
        rule: GraduationRule,
        signer_is_bar_raiser: bool,
        own: bool,
    ) -> Result<(), SignOffError> {
        if own {
            return Err(SignOffError::OwnTraining);
        }
        if !signer_is_bar_raiser {
            return Err(SignOffError::NotABarRaiser);
        }
        if !self.ready_for_sign_off(rule) {
            return Err(SignOffError::NotReady(format!(
                "Sign-off comes after {} shadow and {} reverse-shadow interviews; so far {} and {}.",
                rule.shadows, rule.reverse_shadows, self.shadows, self.reverse_shadows
            )));
        }
        self.state = TrainingState::Qualified;
        Ok(())
    }
}

/// Working hours on one weekday, in minutes after local midnight: `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hours {
    pub start: u32,
    pub end: u32,
}

impl Hours {
    pub fn format(minute: u32) -> String {
        format!("{:02}:{:02}", minute / 60, minute % 60)
    }
}

/// A period of time off, both days included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeOff {
    pub first: NaiveDate,
    pub last: NaiveDate,
}

/// What an interviewer (or a recruiter for them) may set of their profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub time_zone: Tz,
    pub meeting_link: Option<String>,
    pub daily_cap: u32,
    pub weekly_cap: u32,
    /// Monday first; `None` for a day off.
    pub hours: [Option<Hours>; 7],
    pub time_off: Vec<TimeOff>,
}

/// The profile form, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileForm {
    pub time_zone: String,
    pub meeting_link: String,
    pub daily_cap: String,
    pub weekly_cap: String,
    /// Monday first: ("09:00", "17:00"), or empty strings for a day off.
    pub hours: Vec<(String, String)>,
    /// One period a line: `2027-07-01` or `2027-07-01 to 2027-07-05`.
    pub time_off: String,
}

impl ProfileForm {
    /// Parses the form. Errors name the field: `time_zone`, `meeting_link`, `daily_cap`,
    /// `weekly_cap`, `hours_mon` ... `hours_sun`, `time_off`.
    pub fn parse(&self) -> Result<Profile, FieldErrors> {
        let mut errors = FieldErrors::new();
        let time_zone = errors.take("time_zone", parse_time_zone(&self.time_zone));
        let meeting_link = errors.take("meeting_link", meeting_link(&self.meeting_link));
        let daily_cap = errors.take(
            "daily_cap",
            cap(&self.daily_cap, "interviews a day", MAX_DAILY_CAP),
        );
        let weekly_cap = errors.take(
            "weekly_cap",
            cap(&self.weekly_cap, "interviews a week", MAX_WEEKLY_CAP),
        );
        if let (Some(daily), Some(weekly)) = (daily_cap, weekly_cap) {
            if weekly < daily {
                errors.add(
                    "weekly_cap",
                    "The interviews a week are at least the interviews a day.",
                );
            }
        }
        let mut hours = [None; 7];
        for (index, day) in WEEKDAYS.iter().enumerate() {
            let (start, end) = self.hours.get(index).cloned().unwrap_or_default();
            let field = format!("hours_{}", day.to_string().to_lowercase());
            hours[index] = errors.take(&field, day_hours(&start, &end, *day)).flatten();
        }
        if errors.is_empty() && hours.iter().all(Option::is_none) {
            errors.add("hours_mon", "Give the hours of at least one working day.");
        }
        let time_off = errors.take("time_off", time_off(&self.time_off));
        errors.finish(|| Profile {
            time_zone: time_zone.unwrap_or(Tz::UTC),
            meeting_link: meeting_link.flatten(),
            daily_cap: daily_cap.unwrap_or_default(),
            weekly_cap: weekly_cap.unwrap_or_default(),
            hours,
            time_off: time_off.unwrap_or_default(),
        })
    }
}

/// A video-meeting link: one https:// address, or none.
fn meeting_link(text: &str) -> Result<Option<String>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if !text.starts_with("https://") {
        return Err("A meeting link starts with https://.".into());
    }
    let links = Links::parse(text).map_err(|e| e.0)?;
    match links.as_slice() {
        [one] => Ok(Some(one.clone())),
        _ => Err("Give one meeting link.".into()),
    }
}

fn cap(text: &str, what: &str, most: u32) -> Result<u32, String> {
    match text.trim().parse::<u32>() {
        Ok(n) if (1..=most).contains(&n) => Ok(n),
        _ => Err(format!("Give between 1 and {most} {what}.")),
    }
}

/// A time of day `HH:MM`, or `24:00` for the end of the day, in minutes.
fn minute_of_day(text: &str) -> Option<u32> {
    if text.trim() == "24:00" {
        return Some(24 * 60);
    }
    let time = NaiveTime::parse_from_str(text.trim(), "%H:%M").ok()?;
    Some(time.hour() * 60 + time.minute())
}

fn day_hours(start: &str, end: &str, day: Weekday) -> Result<Option<Hours>, String> {
    if start.trim().is_empty() && end.trim().is_empty() {
        return Ok(None);
    }
    let (Some(start), Some(end)) = (minute_of_day(start), minute_of_day(end)) else {
        return Err(format!(
            "Give {day}'s hours as two times like 09:00 and 17:00, or leave both empty for a day off."
        ));
    };
    if end <= start {
        return Err(format!("{day}'s hours end after they start."));
    }
    if end - start < 30 {
        return Err(format!("{day}'s hours last at least 30 minutes."));
    }
    Ok(Some(Hours { start, end }))
}

fn time_off(text: &str) -> Result<Vec<TimeOff>, String> {
    let date = |t: &str| NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d").ok();
    let mut periods = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let (first, last) = match line.split_once(" to ") {
            Some((first, last)) => (date(first), date(last)),
            None => (date(line), date(line)),
        };
        let (Some(first), Some(last)) = (first, last) else {
            return Err(format!(
                "Line {}: write a day as 2027-07-01, or a period as 2027-07-01 to 2027-07-05.",
                number + 1
            ));
        };
        if last < first {
            return Err(format!(
                "Line {}: the period ends before it starts.",
                number + 1
            ));
        }
        periods.push(TimeOff { first, last });
    }
    if periods.len() > MAX_TIME_OFF {
        return Err(format!("List at most {MAX_TIME_OFF} periods of time off."));
    }
    periods.sort_by_key(|p| p.first);
    Ok(periods)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> ProfileForm {
        let mut hours = vec![("09:00".to_owned(), "17:00".to_owned()); 5];
        hours.extend([
            (String::new(), String::new()),
            (String::new(), String::new()),
        ]);
        ProfileForm {
            time_zone: "Asia/Kolkata".into(),
            meeting_link: "https://meet.example.com/ada".into(),
            daily_cap: "3".into(),
            weekly_cap: "10".into(),
            hours,
            time_off: "2027-07-04\n2027-08-01 to 2027-08-05".into(),
        }
    }

    #[test]
    fn a_complete_form_becomes_a_profile() {
        let profile = form().parse().unwrap();
        assert_eq!(profile.time_zone, chrono_tz::Asia::Kolkata);
        assert_eq!(
            profile.hours[0],
            Some(Hours {
                start: 540,
                end: 1020
            })
        );
        assert_eq!(profile.hours[5], None);
        assert_eq!(profile.time_off.len(), 2);
        assert_eq!(profile.time_off[1].last.to_string(), "2027-08-05");
        assert_eq!(Hours::format(1020), "17:00");
    }

    #[test]
    fn each_bad_field_is_named_with_a_reason() {
        let mut bad = form();
        bad.time_zone = "Mars/Olympus".into();
        bad.meeting_link = "http://meet.example.com".into();
        bad.daily_cap = "9".into();
        bad.weekly_cap = "0".into();
        bad.hours[1] = ("17:00".into(), "09:00".into());
        bad.hours[2] = ("9am".into(), "".into());
        bad.time_off = "2027-08-05 to 2027-08-01".into();
        let errors = bad.parse().unwrap_err();
        for field in [
            "time_zone",
            "meeting_link",
            "daily_cap",
            "weekly_cap",
            "hours_tue",
            "hours_wed",
            "time_off",
        ] {
            assert!(
                errors.get(field).is_some(),
                "no error for {field}: {errors}"
            );
        }
    }

    #[test]
    fn a_profile_needs_a_working_day_and_a_week_no_smaller_than_a_day() {
        let mut bad = form();
        bad.hours = vec![(String::new(), String::new()); 7];
        assert!(bad.parse().unwrap_err().get("hours_mon").is_some());
        let mut bad = form();
        bad.weekly_cap = "2".into();
        assert!(bad.parse().unwrap_err().get("weekly_cap").is_some());
    }

    #[test]
    fn training_moves_from_shadowing_to_reverse_shadowing_and_a_bar_raiser_signs_off() {
        let rule = GraduationRule::default();
        let mut training = Training {
            state: TrainingState::Trainee,
            shadows: 0,
            reverse_shadows: 0,
        };
        training.record_shadow(rule);
        assert_eq!(training.state, TrainingState::Shadowing);
        training.record_shadow(rule);
        training.record_shadow(rule);
        assert_eq!(training.state, TrainingState::ReverseShadowing);
        training.record_reverse_shadow();
        assert!(matches!(
            training.sign_off(rule, true, false),
            Err(SignOffError::NotReady(_))
        ));
        training.record_reverse_shadow();
        assert_eq!(
            training.sign_off(rule, false, false),
            Err(SignOffError::NotABarRaiser)
        );
        assert_eq!(
            training.sign_off(rule, true, true),
            Err(SignOffError::OwnTraining)
        );
        training.sign_off(rule, true, false).unwrap();
        assert_eq!(training.state, TrainingState::Qualified);
    }
}
