//! `check` accepts a schedule that keeps every rule and rejects hand-made schedules that break
//! each rule, one test per rule. Bad instances are refused with the path of the field.

use cohort_plan::loops::check::{check, Rule};
use cohort_plan::loops::{Instance, Schedule};
use serde_json::{json, Value};

fn instance() -> Value {
    json!({
        "grid_minutes": 15,
        "days": ["2027-02-01", "2027-02-02"],
        "templates": {
            "sde": { "max_gap_minutes": 15,
                     "interviews": [ { "minutes": 60, "requires": ["coding", "Customer Obsession"] },
                                     { "minutes": 45, "requires": ["bar raiser"] } ] }
        },
        "candidates": [
            { "id": "c1", "track": "sde", "available": [ { "start": "2027-02-01T14:00:00Z", "end": "2027-02-01T22:00:00Z" } ],
              "exclude_interviewers": ["i3"] },
            { "id": "c2", "track": "sde", "priority": 2,
              "available": [ { "start": "2027-02-01T14:00:00Z", "end": "2027-02-02T22:00:00Z" } ] }
        ],
        "interviewers": [
            { "id": "i1", "tracks": ["sde"], "qualified": ["coding", "customer obsession"], "daily_cap": 2, "weekly_cap": 3,
              "available": [ { "start": "2027-02-01T14:00:00Z", "end": "2027-02-02T22:00:00Z" } ] },
            { "id": "i2", "tracks": ["sde"], "qualified": ["bar raiser"], "daily_cap": 1,
              "available": [ { "start": "2027-02-01T14:00:00Z", "end": "2027-02-02T22:00:00Z" } ],
              "shadowing": ["coding"] },
            { "id": "i3", "tracks": ["sde"], "qualified": ["coding", "Customer Obsession", "bar raiser"],
              "available": [ { "start": "2027-02-01T14:00:00Z", "end": "2027-02-02T22:00:00Z" } ], "shadowing": ["coding"] },
            { "id": "i4", "tracks": ["pm"], "qualified": ["bar raiser"], "shadowing": ["bar raiser"],
              "available": [ { "start": "2027-02-01T14:00:00Z", "end": "2027-02-02T22:00:00Z" } ] },
            { "id": "i5", "tracks": ["sde"], "qualified": ["coding"],
              "available": [ { "start": "2027-02-01T14:00:00Z", "end": "2027-02-02T22:00:00Z" } ] }
        ]
    })
}

fn schedule() -> Value {
    json!({ "loops": [
        { "candidate": "c1", "day": "2027-02-01", "interviews": [
            { "interviewer": "i1", "requires": ["coding", "Customer Obsession"],
              "start": "2027-02-01T15:00:00Z", "end": "2027-02-01T16:00:00Z", "shadow": null },
            { "interviewer": "i2", "requires": ["bar raiser"],
              "start": "2027-02-01T16:15:00Z", "end": "2027-02-01T17:00:00Z", "shadow": null } ] },
        { "candidate": "c2", "day": "2027-02-02", "interviews": [
            { "interviewer": "i2", "requires": ["bar raiser"],
              "start": "2027-02-02T14:00:00Z", "end": "2027-02-02T14:45:00Z" },
            { "interviewer": "i1", "requires": ["coding", "Customer Obsession"],
              "start": "2027-02-02T14:45:00Z", "end": "2027-02-02T15:45:00Z", "shadow": "i3" } ] }
    ], "unscheduled": [] })
}

fn violations(instance: Value, schedule: Value) -> Vec<(Rule, String, String)> {
    let instance = Instance::from_json(&instance.to_string()).unwrap();
    let schedule = Schedule::from_json(&schedule.to_string()).unwrap();
    check(&instance, &schedule)
        .into_iter()
        .map(|v| (v.rule, v.path, v.message))
        .collect()
}

/// The schedule with one change, checked; asserts the one rule broken and where.
fn broken(change: impl FnOnce(&mut Value), rule: Rule, path: &str) -> String {
    broken_in(instance(), change, rule, path)
}

fn broken_in(instance: Value, change: impl FnOnce(&mut Value), rule: Rule, path: &str) -> String {
    let mut value = schedule();
    change(&mut value);
    let found = violations(instance, value);
    assert!(
        found.iter().any(|(r, p, _)| *r == rule && p == path),
        "expected {rule:?} at {path}, found {found:?}"
    );
    assert!(
        found.iter().all(|(r, _, _)| *r == rule),
        "other rules broken too: {found:?}"
    );
    found.into_iter().find(|(_, p, _)| p == path).unwrap().2
}

fn interview(value: &mut Value, l: usize, i: usize) -> &mut Value {
    &mut value["loops"][l]["interviews"][i]
}

#[test]
fn a_schedule_that_keeps_every_rule_has_no_violations() {
    assert_eq!(violations(instance(), schedule()), vec![]);
}

#[test]
fn an_unknown_candidate_is_reported() {
    broken(
        |s| s["loops"][0]["candidate"] = json!("c9"),
        Rule::Unknown,
        "loops[0].candidate",
    );
}

#[test]
fn a_candidate_with_two_loops_is_reported() {
    let mut instance = instance();
    instance["candidates"][0]["available"][0]["end"] = json!("2027-02-02T22:00:00Z");
    // c2's loop has i3 as a shadow, whom c1 excludes; only the second loop is wanted here.
    instance["candidates"][0]["exclude_interviewers"] = json!([]);
    let message = broken_in(
        instance,
        |s| s["loops"][1]["candidate"] = json!("c1"),
        Rule::ScheduledTwice,
        "loops[1].candidate",
    );
    assert!(message.contains("loops[0]"), "{message}");
}

#[test]
fn a_loop_missing_an_interview_of_its_template_is_reported() {
    broken(
        |s| {
            s["loops"][0]["interviews"].as_array_mut().unwrap().pop();
        },
        Rule::Template,
        "loops[0].interviews",
    );
}

#[test]
fn an_interview_of_the_wrong_length_is_reported() {
    broken(
        |s| interview(s, 0, 1)["end"] = json!("2027-02-01T17:15:00Z"),
        Rule::Template,
        "loops[0].interviews[1]",
    );
}

#[test]
fn a_loop_on_a_day_outside_the_week_is_reported() {
    broken(
        |s| s["loops"][0]["day"] = json!("2027-02-03"),
        Rule::Day,
        "loops[0].day",
    );
}

#[test]
fn interviews_that_overlap_in_a_loop_are_reported() {
    broken(
        |s| {
            interview(s, 0, 1)["start"] = json!("2027-02-01T15:45:00Z");
            interview(s, 0, 1)["end"] = json!("2027-02-01T16:30:00Z");
        },
        Rule::Chain,
        "loops[0].interviews[1]",
    );
}

#[test]
fn a_wait_longer_than_the_templates_gap_is_reported() {
    let message = broken(
        |s| {
            interview(s, 0, 1)["start"] = json!("2027-02-01T16:30:00Z");
            interview(s, 0, 1)["end"] = json!("2027-02-01T17:15:00Z");
        },
        Rule::Chain,
        "loops[0].interviews[1]",
    );
    assert!(message.contains("waits 30 minutes"), "{message}");
}

#[test]
fn a_loop_outside_the_candidates_availability_is_reported() {
    let mut instance = instance();
    instance["interviewers"][0]["available"][0]["start"] = json!("2027-02-01T12:00:00Z");
    instance["interviewers"][1]["available"][0]["start"] = json!("2027-02-01T12:00:00Z");
    broken_in(
        instance,
        |s| {
            interview(s, 0, 0)["start"] = json!("2027-02-01T13:00:00Z");
            interview(s, 0, 0)["end"] = json!("2027-02-01T14:00:00Z");
            interview(s, 0, 1)["start"] = json!("2027-02-01T14:00:00Z");
            interview(s, 0, 1)["end"] = json!("2027-02-01T14:45:00Z");
        },
        Rule::CandidateAvailability,
        "loops[0]",
    );
}

#[test]
fn a_start_off_the_grid_is_reported() {
    let mut value = schedule();
    interview(&mut value, 0, 0)["start"] = json!("2027-02-01T15:05:00Z");
    interview(&mut value, 0, 0)["end"] = json!("2027-02-01T16:05:00Z");
    interview(&mut value, 0, 1)["start"] = json!("2027-02-01T16:05:00Z");
    interview(&mut value, 0, 1)["end"] = json!("2027-02-01T16:50:00Z");
    let found = violations(instance(), value);
    let grid: Vec<_> = found
        .iter()
        .filter(|v| v.0 == Rule::Grid)
        .map(|v| v.1.as_str())
        .collect();
    assert_eq!(
        grid,
        vec![
            "loops[0].interviews[0].start",
            "loops[0].interviews[1].start"
        ]
    );
}

#[test]
fn an_unqualified_interviewer_is_reported() {
    let message = broken(
        |s| interview(s, 0, 0)["interviewer"] = json!("i5"),
        Rule::Interviewer,
        "loops[0].interviews[0].interviewer",
    );
    assert!(message.contains("not qualified"), "{message}");
}

#[test]
fn an_interviewer_of_another_track_is_reported() {
    let message = broken(
        |s| interview(s, 0, 1)["interviewer"] = json!("i4"),
        Rule::Interviewer,
        "loops[0].interviews[1].interviewer",
    );
    assert!(
        message.contains("does not serve the sde track"),
        "{message}"
    );
}

#[test]
fn an_interviewer_the_candidate_excluded_is_reported() {
    let message = broken(
        |s| interview(s, 0, 1)["interviewer"] = json!("i3"),
        Rule::Interviewer,
        "loops[0].interviews[1].interviewer",
    );
    assert!(message.contains("excluded by c1"), "{message}");
}

#[test]
fn the_same_interviewer_twice_in_one_loop_is_reported() {
    let mut instance = instance();
    instance["interviewers"][2]["tracks"] = json!(["sde"]);
    let mut value = schedule();
    interview(&mut value, 1, 0)["interviewer"] = json!("i3");
    interview(&mut value, 1, 1)["interviewer"] = json!("i3");
    interview(&mut value, 1, 1)["shadow"] = json!(null);
    let found = violations(instance, value);
    assert!(
        found.iter().any(|v| v.0 == Rule::Interviewer
            && v.1 == "loops[1].interviews[1].interviewer"
            && v.2.contains("already has an interview in this loop")),
        "{found:?}"
    );
}

#[test]
fn a_shadow_who_does_not_shadow_that_interview_is_reported() {
    broken(
        |s| interview(s, 0, 1)["shadow"] = json!("i3"),
        Rule::Shadow,
        "loops[0].interviews[1].shadow",
    );
}

#[test]
fn a_shadow_the_candidate_excluded_is_reported() {
    let message = broken(
        |s| interview(s, 0, 0)["shadow"] = json!("i3"),
        Rule::Shadow,
        "loops[0].interviews[0].shadow",
    );
    assert!(message.contains("excluded by c1"), "{message}");
}

#[test]
fn an_interviewer_booked_twice_at_once_is_reported() {
    let mut instance = instance();
    instance["interviewers"][1]["daily_cap"] = json!(4);
    let mut value = schedule();
    // c2's loop moves onto c1's day and time: i1 and i2 are then in two places at once.
    value["loops"][1]["day"] = json!("2027-02-01");
    interview(&mut value, 1, 0)["start"] = json!("2027-02-01T16:15:00Z");
    interview(&mut value, 1, 0)["end"] = json!("2027-02-01T17:00:00Z");
    interview(&mut value, 1, 1)["start"] = json!("2027-02-01T17:00:00Z");
    interview(&mut value, 1, 1)["end"] = json!("2027-02-01T18:00:00Z");
    let found = violations(instance, value);
    assert!(found.iter().all(|v| v.0 == Rule::DoubleBooked), "{found:?}");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].1, "loops[1].interviews[0].interviewer");
}

#[test]
fn work_outside_an_interviewers_availability_is_reported() {
    let mut instance = instance();
    instance["interviewers"][0]["available"] =
        json!([{ "start": "2027-02-01T15:00:00Z", "end": "2027-02-01T23:00:00Z" }]);
    let found = violations(instance, schedule());
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        (found[0].0, found[0].1.as_str()),
        (
            Rule::InterviewerAvailability,
            "loops[1].interviews[1].interviewer"
        )
    );
}

#[test]
fn more_interviews_in_a_day_than_the_daily_cap_is_reported() {
    let mut instance = instance();
    instance["interviewers"][1]["daily_cap"] = json!(0);
    let found = violations(instance, schedule());
    assert!(
        found.iter().all(|v| v.0 == Rule::DailyCap) && found.len() == 2,
        "{found:?}"
    );
}

#[test]
fn more_interviews_in_the_week_than_the_weekly_cap_is_reported() {
    let mut instance = instance();
    instance["interviewers"][0]["weekly_cap"] = json!(1);
    let found = violations(instance, schedule());
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        (found[0].0, found[0].1.as_str()),
        (Rule::WeeklyCap, "loops[1].interviews[1].interviewer")
    );
}

#[test]
fn a_shadow_seat_counts_towards_the_shadows_calendar() {
    let mut instance = instance();
    instance["interviewers"][2]["weekly_cap"] = json!(0);
    let found = violations(instance, schedule());
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        (found[0].0, found[0].1.as_str()),
        (Rule::WeeklyCap, "loops[1].interviews[1].shadow")
    );
}

fn refusal(change: impl FnOnce(&mut Value)) -> (String, String) {
    let mut value = instance();
    change(&mut value);
    let error = Instance::from_json(&value.to_string()).unwrap_err();
    (error.path, error.message)
}

/// One change to the instance that makes it invalid.
type Change = Box<dyn FnOnce(&mut Value)>;

#[test]
fn bad_instances_are_refused_with_the_path_of_the_field() {
    let cases: Vec<(Change, &str, &str)> = vec![
        (
            Box::new(|v| v["candidates"][0]["available"][0]["end"] = json!("2027-02-01T13:00:00Z")),
            "candidates[0].available[0]",
            "ends (2027-02-01T13:00:00Z) before it starts",
        ),
        (
            Box::new(|v| v["candidates"][1]["track"] = json!("ds")),
            "candidates[1].track",
            "has no template",
        ),
        (
            Box::new(|v| v["candidates"][1]["id"] = json!("c1")),
            "candidates[1].id",
            "already the id of candidates[0]",
        ),
        (
            Box::new(|v| v["interviewers"][3]["id"] = json!("i1")),
            "interviewers[3].id",
            "already the id of interviewers[0]",
        ),
        (
            Box::new(|v| v["candidates"][0]["exclude_interviewers"] = json!(["i9"])),
            "candidates[0].exclude_interviewers[0]",
            "no interviewer",
        ),
        (
            Box::new(|v| v["grid_minutes"] = json!(7)),
            "grid_minutes",
            "divide a day",
        ),
        (
            Box::new(|v| v["days"][1] = json!("2027-02-01")),
            "days[1]",
            "listed twice",
        ),
        (
            Box::new(|v| v["days"][0] = json!("Monday")),
            "days[0]",
            "not a date",
        ),
        (
            Box::new(|v| v["templates"]["sde"]["interviews"][0]["minutes"] = json!(0)),
            "templates.sde.interviews[0].minutes",
            "between 1 and",
        ),
        (
            Box::new(|v| v["templates"]["sde"]["interviews"] = json!([])),
            "templates.sde.interviews",
            "at least one interview",
        ),
        (
            Box::new(|v| v["interviewers"][0]["daily_cap"] = json!(-1)),
            "interviewers[0].daily_cap",
            "between 0 and 1000",
        ),
        (
            Box::new(|v| v["interviewers"][0]["available"][0]["start"] = json!("tomorrow")),
            "interviewers[0].available[0].start",
            "not an instant",
        ),
        (
            Box::new(|v| v["candidates"][0]["priority"] = json!(0)),
            "candidates[0].priority",
            "between 1 and 1000",
        ),
        (
            Box::new(|v| v["candidates"][0]["available"] = json!("all week")),
            "candidates[0].available",
            "invalid type",
        ),
    ];
    for (change, path, words) in cases {
        let (found_path, message) = refusal(change);
        assert_eq!(found_path, path, "{message}");
        assert!(message.contains(words), "{path}: {message}");
    }
}

/// `schedule()` with c2's loop moved to 15:30-17:15 in Seattle on 2027-02-01, which is
/// 23:30 UTC on 2027-02-01 to 01:15 UTC on 2027-02-02.
fn schedule_with_a_seattle_evening() -> Value {
    let mut value = schedule();
    value["loops"][1] = json!({ "candidate": "c2", "day": "2027-02-01", "interviews": [
        { "interviewer": "i1", "requires": ["coding", "Customer Obsession"],
          "start": "2027-02-01T23:30:00Z", "end": "2027-02-02T00:30:00Z", "shadow": "i3" },
        { "interviewer": "i2", "requires": ["bar raiser"],
          "start": "2027-02-02T00:30:00Z", "end": "2027-02-02T01:15:00Z" } ] });
    value
}

#[test]
fn a_loop_across_midnight_utc_is_on_the_seattle_candidates_local_date() {
    let mut instance = instance();
    instance["candidates"][1]["time_zone"] = json!("America/Los_Angeles");
    assert_eq!(
        violations(instance, schedule_with_a_seattle_evening()),
        vec![]
    );
    // The same loop for a candidate without a time zone is on two UTC dates, as before.
    let message = broken_in(
        self::instance(),
        |s| *s = schedule_with_a_seattle_evening(),
        Rule::Day,
        "loops[1].interviews[1].start",
    );
    assert_eq!(message, "2027-02-02T00:30:00Z is not on 2027-02-01");
}

#[test]
fn a_loop_on_a_day_outside_the_week_in_the_candidates_time_zone_is_refused() {
    // 06:00-08:00 UTC on 2027-02-01 is 22:00-00:00 on 2027-01-31 in Seattle.
    let mut instance = instance();
    instance["candidates"][0]["time_zone"] = json!("America/Los_Angeles");
    instance["candidates"][0]["available"][0]["start"] = json!("2027-02-01T05:00:00Z");
    for interviewer in instance["interviewers"].as_array_mut().unwrap() {
        interviewer["available"][0]["start"] = json!("2027-02-01T05:00:00Z");
    }
    let early = |s: &mut Value| {
        interview(s, 0, 0)["start"] = json!("2027-02-01T06:00:00Z");
        interview(s, 0, 0)["end"] = json!("2027-02-01T07:00:00Z");
        interview(s, 0, 1)["start"] = json!("2027-02-01T07:15:00Z");
        interview(s, 0, 1)["end"] = json!("2027-02-01T08:00:00Z");
    };
    // Labelled with its UTC date, the loop is on another date in the candidate's zone.
    let message = broken_in(
        instance.clone(),
        early,
        Rule::Day,
        "loops[0].interviews[0].start",
    );
    assert_eq!(
        message,
        "2027-02-01T06:00:00Z is on 2027-01-31 in America/Los_Angeles, the candidate's time zone, not on 2027-02-01"
    );
    // Labelled with its local date, that date is not one of the week's days.
    let message = broken_in(
        instance,
        |s| {
            early(s);
            s["loops"][0]["day"] = json!("2027-01-31");
        },
        Rule::Day,
        "loops[0].day",
    );
    assert_eq!(
        message,
        "2027-01-31 is not one of the instance's days (dates in the candidate's time zone, America/Los_Angeles)"
    );
}

#[test]
fn an_interviewer_in_kolkata_may_give_two_on_one_utc_date_that_are_two_dates_in_kolkata() {
    // i2 (daily cap 1) gives c1's bar raiser at 16:15 UTC, 21:45 in Kolkata on 2027-02-01, and
    // c2's at 19:00 UTC, 00:30 in Kolkata on 2027-02-02.
    let evening = |s: &mut Value| {
        s["loops"][1]["day"] = json!("2027-02-01");
        interview(s, 1, 0)["start"] = json!("2027-02-01T19:00:00Z");
        interview(s, 1, 0)["end"] = json!("2027-02-01T19:45:00Z");
        interview(s, 1, 1)["start"] = json!("2027-02-01T19:45:00Z");
        interview(s, 1, 1)["end"] = json!("2027-02-01T20:45:00Z");
    };
    let mut kolkata = instance();
    kolkata["interviewers"][1]["time_zone"] = json!("Asia/Kolkata");
    let mut value = schedule();
    evening(&mut value);
    assert_eq!(violations(kolkata, value), vec![]);
    // In UTC both are on 2027-02-01.
    let message = broken(
        evening,
        Rule::DailyCap,
        "loops[1].interviews[0].interviewer",
    );
    assert_eq!(message, "i2 would have more than 1 on 2027-02-01");
}

#[test]
fn an_interviewer_in_sydney_is_held_to_the_daily_cap_on_one_sydney_date_over_two_utc_dates() {
    // i2 (daily cap 1) gives c1's bar raiser at 16:15 UTC on 2027-02-01 and c2's at 02:00 UTC on
    // 2027-02-02: 03:15 and 13:00 on 2027-02-02 in Sydney (UTC+11 in summer).
    let morning = |s: &mut Value| {
        interview(s, 1, 0)["start"] = json!("2027-02-02T02:00:00Z");
        interview(s, 1, 0)["end"] = json!("2027-02-02T02:45:00Z");
        interview(s, 1, 1)["start"] = json!("2027-02-02T02:45:00Z");
        interview(s, 1, 1)["end"] = json!("2027-02-02T03:45:00Z");
    };
    let mut value = schedule();
    morning(&mut value);
    assert_eq!(violations(instance(), value), vec![]);
    let mut sydney = instance();
    sydney["interviewers"][1]["time_zone"] = json!("Australia/Sydney");
    let message = broken_in(
        sydney,
        morning,
        Rule::DailyCap,
        "loops[1].interviews[0].interviewer",
    );
    assert_eq!(
        message,
        "i2 would have more than 1 on 2027-02-02 in Australia/Sydney"
    );
}

/// Two candidates (c1 and c2) in `zone`, each needing one 60-minute interview, and one
/// interviewer (daily cap 1) in `interviewer_zone`; all free from `from` to `to`.
fn one_interview_week(
    zone: &str,
    interviewer_zone: &str,
    days: &[&str],
    from: &str,
    to: &str,
) -> Value {
    let window = json!([{ "start": from, "end": to }]);
    json!({
        "grid_minutes": 30, "days": days,
        "templates": { "sde": { "interviews": [ { "minutes": 60, "requires": ["coding"] } ] } },
        "candidates": [
            { "id": "c1", "track": "sde", "time_zone": zone, "available": window },
            { "id": "c2", "track": "sde", "time_zone": zone, "available": window } ],
        "interviewers": [ { "id": "i1", "tracks": ["sde"], "qualified": ["coding"], "daily_cap": 1,
                            "time_zone": interviewer_zone, "available": window } ]
    })
}

/// A schedule for `one_interview_week`: c1's loop and then c2's, each `(day, start, end)`.
fn one_interview_loops(loops: &[(&str, &str, &str)]) -> Value {
    let loops: Vec<Value> = loops
        .iter()
        .zip(["c1", "c2"])
        .map(|((day, start, end), candidate)| {
            json!({ "candidate": candidate, "day": day, "interviews": [
                { "interviewer": "i1", "requires": ["coding"], "start": start, "end": end } ] })
        })
        .collect();
    json!({ "loops": loops })
}

#[test]
fn a_week_across_the_los_angeles_clock_change_takes_each_instants_own_offset() {
    // Clocks go forward at 10:00 UTC on 2027-03-14: 07:30 UTC is 23:30 on 2027-03-13 (UTC-8)
    // before it and 00:30 on 2027-03-15 (UTC-7) a day later.
    let days = ["2027-03-12", "2027-03-13", "2027-03-14", "2027-03-15"];
    let week = one_interview_week(
        "America/Los_Angeles",
        "America/Los_Angeles",
        &days,
        "2027-03-14T06:00:00Z",
        "2027-03-15T09:00:00Z",
    );
    let right = one_interview_loops(&[
        ("2027-03-13", "2027-03-14T07:30:00Z", "2027-03-14T08:30:00Z"),
        ("2027-03-15", "2027-03-15T07:30:00Z", "2027-03-15T08:30:00Z"),
    ]);
    assert_eq!(violations(week.clone(), right), vec![]);
    let one_offset = one_interview_loops(&[
        ("2027-03-14", "2027-03-14T07:30:00Z", "2027-03-14T08:30:00Z"),
        ("2027-03-14", "2027-03-15T07:30:00Z", "2027-03-15T08:30:00Z"),
    ]);
    let found = violations(week, one_offset);
    let paths: Vec<&str> = found.iter().map(|v| v.1.as_str()).collect();
    assert_eq!(
        paths,
        vec![
            "loops[0].interviews[0].start",
            "loops[1].interviews[0].start"
        ],
        "{found:?}"
    );
    assert!(found.iter().all(|v| v.0 == Rule::Day), "{found:?}");
}

#[test]
fn a_week_across_the_dublin_clock_change_counts_the_daily_cap_by_dublin_dates() {
    // Clocks go forward at 01:00 UTC on 2027-03-28, to UTC+1: 22:00 UTC that evening is 23:00
    // on 2027-03-28 in Dublin and 23:00 UTC is midnight, 2027-03-29. A week earlier both
    // are on one Dublin date.
    let days = ["2027-03-21", "2027-03-22", "2027-03-28", "2027-03-29"];
    let week = one_interview_week(
        "Europe/Dublin",
        "Europe/Dublin",
        &days,
        "2027-03-21T21:00:00Z",
        "2027-03-29T01:00:00Z",
    );
    let after = one_interview_loops(&[
        ("2027-03-28", "2027-03-28T22:00:00Z", "2027-03-28T23:00:00Z"),
        ("2027-03-29", "2027-03-28T23:00:00Z", "2027-03-29T00:00:00Z"),
    ]);
    assert_eq!(violations(week.clone(), after), vec![]);
    let before = one_interview_loops(&[
        ("2027-03-21", "2027-03-21T22:00:00Z", "2027-03-21T23:00:00Z"),
        ("2027-03-21", "2027-03-21T23:00:00Z", "2027-03-22T00:00:00Z"),
    ]);
    let found = violations(week, before);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        (found[0].0, found[0].2.as_str()),
        (
            Rule::DailyCap,
            "i1 would have more than 1 on 2027-03-21 in Europe/Dublin"
        )
    );
}

#[test]
fn an_unknown_time_zone_is_refused_with_the_path_of_the_field() {
    let cases: Vec<(Change, &str)> = vec![
        (
            Box::new(|v| v["candidates"][1]["time_zone"] = json!("America/Seattle")),
            "candidates[1].time_zone",
        ),
        (
            Box::new(|v| v["interviewers"][2]["time_zone"] = json!("UTC+5")),
            "interviewers[2].time_zone",
        ),
    ];
    for (change, path) in cases {
        let (found_path, message) = refusal(change);
        assert_eq!(found_path, path, "{message}");
        assert!(message.contains("is not an IANA time zone"), "{message}");
    }
    // Named zones, and none at all, are fine.
    let mut value = instance();
    value["candidates"][0]["time_zone"] = json!("Asia/Kolkata");
    value["interviewers"][0]["time_zone"] = json!("Australia/Sydney");
    value["interviewers"][1]["time_zone"] = json!("");
    assert!(Instance::from_json(&value.to_string()).is_ok());
}

#[test]
fn a_zone_that_set_its_clocks_back_across_midnight_that_week_is_refused() {
    // Until 2010 Newfoundland went back from 00:01 to 23:01 the day before, so one date came
    // twice; loops cannot be counted by such dates.
    let (path, message) = refusal(|v| {
        v["days"] = json!(["2009-10-31", "2009-11-01"]);
        v["interviewers"][3]["time_zone"] = json!("America/St_Johns");
    });
    assert_eq!(path, "interviewers[3].time_zone", "{message}");
    assert!(
        message.contains("turns its clocks back across midnight at 2009-11-01T02:31:00Z"),
        "{message}"
    );
    // Its weeks since are fine.
    let mut value = instance();
    value["interviewers"][3]["time_zone"] = json!("America/St_Johns");
    assert!(Instance::from_json(&value.to_string()).is_ok());
}
