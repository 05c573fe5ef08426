//! A season's week of final loops gathered from the database into the loop engine's instance
//! (`cohort_domain::interviews::planning`): the candidates in Final loop, each track's loop
//! template, and every interviewer with a profile, their calendar and their interviews.
//! `cohort interviews week` writes it for `cohort plan loops`.
//!
//! A seat asks for a bar raiser, or for someone qualified in its technical area; the principles
//! it assesses are not asked of its interviewer (see [`season_week`]).

use super::InterviewsError;
use crate::App;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use cohort_domain::interviews::availability::InterviewerWeek;
use cohort_domain::interviews::planning::{
    week_instance, CandidateHours, LoopSeat, TrackLoop, WeekCandidate, WeekInstance,
    WeekInterviewer, WeekRules, BAR_RAISER,
};
use cohort_domain::interviews::profile::TrainingState;
use cohort_domain::Stage;
use std::collections::HashMap;

/// The id a candidate has in the instance: their application's.
pub fn candidate_key(application_id: i64) -> String {
    format!("a{application_id}")
}

/// The id an interviewer has in the instance: their account's.
pub fn interviewer_key(user_id: i64) -> String {
    format!("i{user_id}")
}

/// A season's week: the engine's instance, and the candidates it leaves out with why.
#[derive(Debug, Clone)]
pub struct SeasonWeek {
    pub instance: WeekInstance,
    /// (candidate id, reason): a candidate whose track has no loop template cannot be planned.
    pub left_out: Vec<(String, String)>,
}

/// The week of `days` for `season_id`: every application in Final loop without a published
/// loop, on the track of its
/// first choice and in the zone it booked its phone screen in (UTC when it booked none), never
/// with an interviewer it has met; every interviewer with a profile.
pub async fn season_week(
    app: &App,
    season_id: i64,
    days: &[NaiveDate],
) -> Result<SeasonWeek, InterviewsError> {
    let store = app.store();
    let competencies = store.competencies().await?;
    let name_of: HashMap<i64, String> = competencies
        .iter()
        .map(|c| (c.id, c.name.clone()))
        .collect();
    let tracks = store.tracks(season_id).await?;
    let mut loops = Vec::new();
    for saved in store.loop_templates(season_id).await? {
        let Some(track) = tracks.iter().find(|t| t.id == saved.track_id) else {
            continue;
        };
        let seats = saved
            .template
            .interviews
            .iter()
            .map(|seat| LoopSeat {
                minutes: seat.minutes,
                // Who may take a seat: a bar raiser for the bar raiser's, else someone qualified
                // in its technical area. Principles are what the seat assesses, which every
                // interviewer of the track is trained to do; requiring them as well would leave
                // most loops without anyone qualified in every pairing.
                requires: if seat.bar_raiser {
                    vec![BAR_RAISER.to_owned()]
                } else {
                    seat.area
                        .iter()
                        .filter_map(|id| name_of.get(id).cloned())
                        .collect()
                },
            })
            .collect();
        loops.push(TrackLoop {
            track: track.name.clone(),
            max_gap_minutes: saved.template.max_gap_minutes,
            seats,
        });
    }

    let mut candidates = Vec::new();
    // A candidate whose loop is published already is not planned again. The rest is read for
    // the whole season at once: a week has hundreds of candidates.
    let with_loops = store.applications_with_loops(season_id).await?;
    let tracks_of: HashMap<i64, String> = store
        .first_choice_tracks(season_id)
        .await?
        .into_iter()
        .collect();
    let zones_of: HashMap<i64, String> = store
        .latest_interview_zones(season_id)
        .await?
        .into_iter()
        .collect();
    let mut met: HashMap<i64, Vec<String>> = HashMap::new();
    for (application_id, interviewer_id) in store.past_interviewers_in_season(season_id).await? {
        met.entry(application_id)
            .or_default()
            .push(interviewer_key(interviewer_id));
    }
    for reached in store.reached_stage(season_id, Stage::FinalLoop).await? {
        if reached.stage != Stage::FinalLoop.as_str()
            || with_loops.contains(&reached.application_id)
        {
            continue;
        }
        let Some(track) = tracks_of.get(&reached.application_id) else {
            continue;
        };
        let zone: Tz = zones_of
            .get(&reached.application_id)
            .and_then(|z| z.parse().ok())
            .unwrap_or(Tz::UTC);
        candidates.push(WeekCandidate {
            id: candidate_key(reached.application_id),
            track: track.clone(),
            zone,
            exclude: met.remove(&reached.application_id).unwrap_or_default(),
        });
    }

    let at = |seconds: i64| DateTime::from_timestamp(seconds, 0).unwrap_or_default();
    let (from, to) = span_of(days);
    let (booked, busy) = store
        .occupied_between(from.timestamp(), to.timestamp())
        .await?;
    let mut interviewers = Vec::new();
    for person in store.interviewers().await? {
        let Some(profile) = person.profile.clone() else {
            continue;
        };
        let of_person = |rows: &[cohort_store::interviews::bookings::Occupied]| {
            let mut spans: Vec<(DateTime<Utc>, DateTime<Utc>)> = rows
                .iter()
                .filter(|o| o.user_id == person.user_id)
                .map(|o| (at(o.starts_at), at(o.ends_at)))
                .collect();
            spans.sort();
            spans
        };
        let in_state = |wanted: &[TrainingState]| -> Vec<String> {
            person
                .training
                .iter()
                .filter(|(_, t)| wanted.contains(&t.state))
                .filter_map(|(id, _)| name_of.get(id).cloned())
                .collect()
        };
        interviewers.push(WeekInterviewer {
            id: interviewer_key(person.user_id),
            week: InterviewerWeek {
                id: person.user_id,
                zone: profile.time_zone,
                hours: profile.hours,
                time_off: profile.time_off.clone(),
                busy: of_person(&busy),
                interviews: of_person(&booked),
                daily_cap: profile.daily_cap,
                weekly_cap: profile.weekly_cap,
            },
            tracks: person.tracks.clone(),
            qualified: in_state(&[TrainingState::Qualified]),
            shadowing: in_state(&[TrainingState::Shadowing, TrainingState::ReverseShadowing]),
            bar_raiser: person.bar_raiser,
        });
    }
    // The engine refuses an exclusion of someone it was not given (an interviewer since
    // deactivated or without a profile), and a candidate of a track without a loop.
    let present: Vec<String> = interviewers.iter().map(|i| i.id.clone()).collect();
    let mut left_out = Vec::new();
    candidates.retain_mut(|candidate| {
        candidate.exclude.retain(|id| present.contains(id));
        let planned = loops.iter().any(|l| l.track == candidate.track);
        if !planned {
            left_out.push((
                candidate.id.clone(),
                format!(
                    "the {} track has no loop template this season",
                    candidate.track
                ),
            ));
        }
        planned
    });
    let rules = WeekRules {
        days: days.to_vec(),
        grid_minutes: 15,
        candidate_hours: CandidateHours::default(),
        buffer: app.config().booking.buffer,
    };
    Ok(SeasonWeek {
        instance: week_instance(&rules, &loops, &candidates, &interviewers),
        left_out,
    })
}

/// From two days before the first day to two after the last, in UTC: every zone's dates of the
/// week fall inside.
fn span_of(days: &[NaiveDate]) -> (DateTime<Utc>, DateTime<Utc>) {
    let first = days.iter().min().copied().unwrap_or_default();
    let last = days.iter().max().copied().unwrap_or_default();
    let midnight = |d: NaiveDate| d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    (
        midnight(first) - Duration::days(2),
        midnight(last) + Duration::days(3),
    )
}
