//! The demo's interviews: the company's competencies (the technical areas and the sixteen
//! Leadership Principles), the suggested loop template of each of the season's tracks, and
//! twenty interviewers across five offices, booked phone screens, and a published week of final
//! loops with a draft of the week after.

use cohort_app::interviews::phone_screens::{self, BookingError};
use cohort_app::interviews::plans::{self, PlanEdit, PlanError};
use cohort_app::interviews::suggested::suggested_template;
use cohort_app::interviews::{self, calendars, profiles, InterviewsError};
use cohort_app::App;
use cohort_domain::interviews::profile::{Training, TrainingState};
use cohort_domain::interviews::{LEADERSHIP_PRINCIPLES, TECHNICAL_AREAS};
use cohort_domain::season::DEFAULT_TRACKS;
use cohort_domain::Stage;

/// Seeds the competencies if there are none, and saves the suggested loop template of every
/// track of the season that has none yet; returns how many templates it saved.
pub async fn ensure_demo_interviews(app: &App, season_id: i64) -> Result<usize, InterviewsError> {
    interviews::seed_competencies(app).await?;
    let competencies: Vec<_> = app.store().competency_rules().await?;
    let saved = app.store().loop_templates(season_id).await?;
    let mut added = 0;
    for track in app.store().tracks(season_id).await? {
        if saved.iter().any(|t| t.track_id == track.id) {
            continue;
        }
        if let Some(template) = suggested_template(&track.name, &competencies) {
            interviews::save_loop_template(app, season_id, track.id, &template).await?;
            added += 1;
        }
    }
    Ok(added)
}

/// The demo's interviewer offices: a city, its zone, and its working hours.
const OFFICES: [(&str, &str, &str, &str); 5] = [
    ("Seattle", "America/Los_Angeles", "09:00", "17:00"),
    ("New York", "America/New_York", "09:00", "17:00"),
    ("Dublin", "Europe/Dublin", "09:00", "17:30"),
    ("Hyderabad", "Asia/Kolkata", "10:00", "18:00"),
    ("Sydney", "Australia/Sydney", "08:30", "16:30"),
];

const FIRST_NAMES: [&str; 20] = [
    "Maya", "Omar", "Lena", "Kenji", "Priya", "Diego", "Aoife", "Sam", "Noor", "Felix", "Hana",
    "Ravi", "Chloe", "Tomás", "Ines", "Arjun", "Grace", "Luca", "Zara", "Ethan",
];
const LAST_NAMES: [&str; 5] = ["Okafor", "Lindqvist", "Nakamura", "Byrne", "Iyer"];

/// A calendar with a daily stand-up and a weekly planning meeting, as an interviewer's real
/// calendar would have, written in the office's zone so that daylight saving moves with it.
fn demo_calendar(zone: &str) -> String {
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Cohort demo//EN\r\n\
         BEGIN:VEVENT\r\nUID:standup@demo.cohort.test\r\nDTSTAMP:20260101T000000Z\r\n\
         DTSTART;TZID={zone}:20260105T093000\r\nDTEND;TZID={zone}:20260105T094500\r\n\
         RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR\r\nSUMMARY:Team stand-up\r\nEND:VEVENT\r\n\
         BEGIN:VEVENT\r\nUID:planning@demo.cohort.test\r\nDTSTAMP:20260101T000000Z\r\n\
         DTSTART;TZID={zone}:20260107T140000\r\nDTEND;TZID={zone}:20260107T150000\r\n\
         RRULE:FREQ=WEEKLY;BYDAY=WE\r\nSUMMARY:Sprint planning\r\nEND:VEVENT\r\n\
         END:VCALENDAR\r\n"
    )
}

/// Interviewers across the five offices, unless the demo has them: profiles with working
/// hours, tracks, competencies (most qualified, some in training, one trainee ready for a bar
/// raiser's sign-off), three bar raisers including the demo interviewer account, and calendars
/// for half of them. Returns how many it created.
pub async fn ensure_demo_interviewers(
    app: &App,
    password_hash: &str,
) -> Result<usize, InterviewsError> {
    ensure_interviewers(app, password_hash, FIRST_NAMES.len()).await
}

/// [`ensure_demo_interviewers`] with `count` interviewers (besides the demo interviewer account),
/// for benchmarks that need more of them; names repeat with a number after the twentieth.
pub async fn ensure_interviewers(
    app: &App,
    password_hash: &str,
    count: usize,
) -> Result<usize, InterviewsError> {
    let store = app.store();
    if store
        .user_by_email("interviewer-1@demo.cohort.test")
        .await?
        .is_some()
    {
        return Ok(0);
    }
    let competencies = store.competencies().await?;
    let id_of = |name: &str| competencies.iter().find(|c| c.name == name).map(|c| c.id);
    let now = app.now();
    let mut people = Vec::new();
    let mut tx = store.begin().await?;
    for index in 0..count {
        let email = format!("interviewer-{}@demo.cohort.test", index + 1);
        let first = FIRST_NAMES[index % FIRST_NAMES.len()];
        let round = index / FIRST_NAMES.len();
        let name = if round == 0 {
            format!("{first} {}", LAST_NAMES[index % LAST_NAMES.len()])
        } else {
            format!(
                "{first} {} {}",
                LAST_NAMES[(index + round) % LAST_NAMES.len()],
                round + 1
            )
        };
        let roles = [cohort_domain::Role::Interviewer];
        let id = cohort_store::Store::create_user(
            &mut tx,
            &email,
            &name,
            Some(password_hash),
            &roles,
            now,
        )
        .await?;
        people.push(id);
    }
    cohort_store::Store::commit(tx).await?;
    if let Some(demo) = store.user_by_email("interviewer@demo.cohort.test").await? {
        people.push(demo.id);
    }
    for (index, user_id) in people.iter().enumerate() {
        let (_, zone, start, end) = OFFICES[index % OFFICES.len()];
        let mut form = cohort_domain::interviews::profile::ProfileForm {
            time_zone: zone.into(),
            meeting_link: format!("https://meet.demo.cohort.test/room-{}", index + 1),
            daily_cap: "3".into(),
            weekly_cap: "8".into(),
            hours: vec![(start.to_owned(), end.to_owned()); 5],
            time_off: String::new(),
        };
        form.hours.extend([
            (String::new(), String::new()),
            (String::new(), String::new()),
        ]);
        let profile = form.parse().expect("the demo's profiles are valid");
        profiles::save_profile(app, *user_id, &profile).await?;
        let demo_account = index == people.len() - 1;
        let bar_raiser = demo_account || index % 4 == 3;
        let tracks: Vec<String> = DEFAULT_TRACKS
            .iter()
            .enumerate()
            .filter(|(t, _)| (index + t) % 3 != 0)
            .map(|(_, t)| t.to_string())
            .collect();
        profiles::set_staffing(app, *user_id, bar_raiser, &tracks).await?;
        seed_training(app, *user_id, index, &id_of).await?;
        if index % 2 == 0 {
            let calendar = demo_calendar(zone);
            calendars::upload_calendar(app, *user_id, "work.ics", calendar.as_bytes())
                .await
                .map_err(|e| match e {
                    calendars::CalendarUploadError::Interviews(e) => e,
                    other => panic!("the demo calendar is valid: {other}"),
                })?;
        }
    }
    Ok(people.len())
}

/// Qualified in the technical areas and principles their place in the list gives them; four are
/// trainees, qualified in principles only: the fifth and sixth reverse shadowing (the sixth
/// ready for sign-off), the eighth and ninth shadowing.
async fn seed_training(
    app: &App,
    user_id: i64,
    index: usize,
    id_of: &dyn Fn(&str) -> Option<i64>,
) -> Result<(), InterviewsError> {
    // Four technical areas each, spread over the list, so that every track's loop finds
    // several qualified interviewers for each of its seats.
    let areas = TECHNICAL_AREAS;
    let qualified = [
        areas[index % areas.len()],
        areas[(index + 2) % areas.len()],
        areas[(index + 4) % areas.len()],
        areas[(index + 7) % areas.len()],
        LEADERSHIP_PRINCIPLES[index % LEADERSHIP_PRINCIPLES.len()],
        LEADERSHIP_PRINCIPLES[(index + 5) % LEADERSHIP_PRINCIPLES.len()],
        LEADERSHIP_PRINCIPLES[(index + 11) % LEADERSHIP_PRINCIPLES.len()],
    ];
    // The counts stand for interviews sat in on before the demo began.
    let training: Option<(&[&str], Training)> = match index {
        4 | 5 => Some((
            &["Data structures and algorithms"],
            Training {
                state: TrainingState::ReverseShadowing,
                shadows: 3,
                reverse_shadows: if index == 5 { 2 } else { 1 },
            },
        )),
        // System design and customer scenarios are in four of the five tracks' loops.
        7 | 8 => Some((
            &["System design", "Customer scenario"],
            Training {
                state: TrainingState::Shadowing,
                shadows: (index - 7) as u32,
                reverse_shadows: 0,
            },
        )),
        _ => None,
    };
    // Trainees are new to interviewing: qualified in principles only, so the loops seat them
    // seldom and they are free to sit in as shadows.
    let trainee = training.is_some();
    for name in qualified {
        if trainee && TECHNICAL_AREAS.contains(&name) {
            continue;
        }
        if let Some(id) = id_of(name) {
            profiles::set_training_state(app, user_id, id, Some(TrainingState::Qualified)).await?;
        }
    }
    let Some((competencies, training)) = training else {
        return Ok(());
    };
    for competency in competencies {
        let Some(competency) = id_of(competency) else {
            continue;
        };
        let mut tx = app.store().begin().await?;
        cohort_store::Store::set_training(&mut tx, user_id, competency, Some(training), None)
            .await?;
        cohort_store::Store::commit(tx).await?;
    }
    Ok(())
}

/// The zones the demo's candidates book from, so that their pages and mail show times around the
/// world.
const CANDIDATE_ZONES: [chrono_tz::Tz; 5] = [
    chrono_tz::America::Los_Angeles,
    chrono_tz::America::New_York,
    chrono_tz::Europe::London,
    chrono_tz::Asia::Kolkata,
    chrono_tz::Australia::Sydney,
];

/// Books the phone screens of two in three of the season's candidates waiting for one, at times
/// spread over the booking window, through the same use case a candidate's page calls (so each
/// booking has its invitations and reminders). A candidate with any interview is left alone, so
/// running it again books nothing twice. Returns how many it booked.
pub async fn ensure_demo_phone_screens(app: &App, season_id: i64) -> Result<usize, BookingError> {
    let waiting: Vec<_> = app
        .store()
        .reached_stage(season_id, Stage::PhoneScreen)
        .await?
        .into_iter()
        .filter(|r| r.stage == Stage::PhoneScreen.as_str())
        .collect();
    let mut booked = 0;
    for (index, candidate) in waiting.iter().enumerate() {
        // The third of each three is left to book, as some candidates would be.
        if index % 3 == 2
            || !app
                .store()
                .interviews_of_application(candidate.application_id)
                .await?
                .is_empty()
        {
            continue;
        }
        let record = app.store().application(candidate.application_id).await?;
        let state = phone_screens::booking_state(app, &record).await?;
        if state.times.is_empty() {
            continue;
        }
        let start = state.times[(index * 7) % state.times.len()];
        let zone = CANDIDATE_ZONES[index % CANDIDATE_ZONES.len()];
        match phone_screens::book(app, record.candidate_id, record.id, start, zone).await {
            Ok(_) => booked += 1,
            // Another demo booking took the last interviewer free then.
            Err(BookingError::Taken) => continue,
            Err(other) => return Err(other),
        }
    }
    Ok(booked)
}

/// What [`ensure_demo_loop_plans`] made.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DemoPlans {
    /// Loops published in the first week.
    pub published: usize,
    /// Loops in the draft of the week after.
    pub drafted: usize,
}

/// How long the engine may run on each demo week: the demo's weeks are small.
const DEMO_PLAN_SECONDS: i64 = 2;

/// Five weekdays in a row, the first at least two days after `today` (clear of the booking
/// cut-off whatever the day and hour), skipping `skip` such runs of five.
fn weekdays(today: chrono::NaiveDate, skip: usize) -> Vec<chrono::NaiveDate> {
    use chrono::Datelike;
    (2..)
        .map(|d| today + chrono::Duration::days(d))
        .filter(|d| d.weekday().number_from_monday() <= 5)
        .skip(5 * skip)
        .take(5)
        .collect()
}

/// Plans the season's final loops as a coordinator would, through the same use cases as the
/// "Plan a week" page: the next five weekdays from the day after tomorrow, planned and
/// published, though the coordinator keeps half of the loops back for the five after; and those,
/// planned and left as a draft. A season with
/// a plan of any day from today on is left alone. `coordinator` is the recruiter recorded as planning them.
pub async fn ensure_demo_loop_plans(
    app: &App,
    season_id: i64,
    coordinator: i64,
) -> Result<DemoPlans, PlanError> {
    let today = app.clock().now_utc().date_naive();
    // A plan of a past week (the demo's week that took place) does not count.
    let ahead = today.to_string();
    if app
        .store()
        .plans_of_season(season_id)
        .await?
        .iter()
        .any(|p| p.days.as_str() >= ahead.as_str())
    {
        return Ok(DemoPlans::default());
    }
    let mut made = DemoPlans::default();
    let first = match plans::start_plan(
        app,
        season_id,
        coordinator,
        &weekdays(today, 0),
        DEMO_PLAN_SECONDS,
    )
    .await
    {
        Ok(id) => id,
        // Nobody is in Final loop yet (a demo with few candidates).
        Err(PlanError::NobodyToPlan) => return Ok(made),
        Err(other) => return Err(other),
    };
    cohort_app::pools::run_background_due(app).await?;
    let details = plans::plan_details(app, first).await?;
    let mut revision = details.plan.revision;
    let planned: Vec<&str> = details
        .candidates
        .iter()
        .filter(|c| !c.interviews.is_empty())
        .map(|c| c.key.as_str())
        .collect();
    for key in planned.iter().skip(1).step_by(2) {
        plans::edit_plan(
            app,
            first,
            revision,
            PlanEdit::Remove {
                candidate: (*key).to_owned(),
            },
        )
        .await?;
        revision += 1;
    }
    made.published = plans::publish(app, first, revision).await?;
    let second = plans::start_plan(
        app,
        season_id,
        coordinator,
        &weekdays(today, 1),
        DEMO_PLAN_SECONDS,
    )
    .await;
    match second {
        Ok(id) => {
            cohort_app::pools::run_background_due(app).await?;
            made.drafted = app.store().plan(id).await?.scheduled as usize;
        }
        Err(PlanError::NobodyToPlan) => {}
        Err(other) => return Err(other),
    }
    Ok(made)
}

/// Makes the demo's hiring manager the hiring manager of every track that has none; returns how
/// many tracks it set. Run after the past week, whose debriefs were held without one.
pub async fn ensure_demo_hiring_managers(
    app: &App,
    season_id: i64,
) -> Result<usize, cohort_app::interviews::debriefs::DebriefError> {
    let Some(manager) = app.store().user_by_email(crate::DEMO_ACCOUNTS[2].0).await? else {
        return Ok(0);
    };
    let tracks = app.store().track_managers(season_id).await?;
    if tracks.iter().any(|t| t.hiring_manager_id.is_some()) {
        return Ok(0);
    }
    let settings = cohort_app::interviews::debriefs::DebriefSettings {
        veto: app.store().bar_raiser_veto(season_id).await?,
        managers: tracks
            .iter()
            .map(|t| (t.track_id, manager.id.to_string()))
            .collect(),
    };
    cohort_app::interviews::debriefs::save_settings(app, season_id, &settings).await?;
    Ok(tracks.len())
}
