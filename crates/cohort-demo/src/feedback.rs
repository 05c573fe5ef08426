//! The demo's feedback: a question bank, a week of final loops that took place last week (the
//! demo lives through it on the app's clock before the server starts), the interviewers'
//! scorecards written as people do (most on time, some late, a few still overdue; one
//! interviewer harsh and one lenient, so calibration has outliers), the shadows' practice
//! feedback, and two debriefs: one decided, one waiting for votes.
//!
//! Everything goes through the same use cases as the pages.

use cohort_app::interviews::debriefs;
use cohort_app::interviews::feedback::{self, FeedbackError};
use cohort_app::interviews::kits;
use cohort_app::interviews::plans::{self, PlanEdit, PlanError};
use cohort_app::App;
use cohort_domain::interviews::feedback::{rating_field, star_field, Star};
use cohort_domain::interviews::kit::{Level, QuestionInput};
use cohort_domain::interviews::planning::BAR_RAISER;
use cohort_domain::Stage;
use cohort_store::interviews::bookings::InterviewRecord;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::BTreeMap;

/// Why the demo's feedback could not be seeded.
#[derive(Debug, thiserror::Error)]
pub enum DemoFeedbackError {
    #[error(transparent)]
    Plan(#[from] PlanError),
    #[error(transparent)]
    Feedback(#[from] FeedbackError),
    #[error(transparent)]
    Debrief(#[from] debriefs::DebriefError),
    #[error(transparent)]
    Bank(#[from] kits::BankError),
    #[error(transparent)]
    Store(#[from] cohort_store::StoreError),
}

/// Two questions per principle and per technical area: (competency, question, what a strong
/// answer covers).
const QUESTIONS: [(&str, &str, &str); 26] = [
    ("Customer Obsession", "Tell me about a time you went past what a customer asked for.", "Names the customer, what they needed and how the candidate found out; a result the customer noticed."),
    ("Customer Obsession", "Tell me about a time a customer's need conflicted with your team's plan.", "Weighs both sides, decides for the customer with data, and explains the trade-off."),
    ("Ownership", "Tell me about something you fixed that was not your job to fix.", "Acts beyond their scope, follows through to the end and leaves it fixed for others."),
    ("Ownership", "Tell me about a project that went wrong because of something you did.", "Owns the mistake without blaming, fixes it, and changes how they work."),
    ("Invent and Simplify", "Tell me about a time you made something complicated simple.", "Finds the simpler idea, convinces others and measures the gain."),
    ("Are Right, A Lot", "Tell me about a decision you made with too little information.", "Names the missing facts, how they judged, and what they checked afterwards."),
    ("Learn and Be Curious", "Tell me about the last thing you taught yourself, and why.", "Learns on their own initiative and applies it to a real problem."),
    ("Insist on the Highest Standards", "Tell me about work you refused to ship as it was.", "Raises the bar for themselves and the team, with a concrete standard."),
    ("Think Big", "Tell me about an idea of yours that was bigger than what was asked.", "Sees beyond the task, sells the larger vision, and makes a first step happen."),
    ("Bias for Action", "Tell me about a time you acted before you had every answer.", "Weighs reversibility, moves quickly and corrects course."),
    ("Frugality", "Tell me about something you achieved with far less than you wanted.", "Gets more from less, and invents around the constraint."),
    ("Earn Trust", "Tell me about a time you had to win back someone's trust.", "Listens, admits fault, and keeps commitments until trust returns."),
    ("Dive Deep", "Tell me about a problem you only solved by going into the details.", "Goes down to the data or the code, finds the root cause, and checks it."),
    ("Have Backbone; Disagree and Commit", "Tell me about a time you disagreed with your manager or team.", "Disagrees with reasons, respectfully; commits fully once decided."),
    ("Deliver Results", "Tell me about a deadline you met despite a setback.", "Keeps the goal, removes obstacles, and delivers with quality."),
    ("Deliver Results", "Tell me about a goal you missed.", "Owns the miss, names what they learnt and what they do differently."),
    ("Coding", "Merge k sorted lists, then tell me its cost.", "A heap-based solution in O(n log k), tested on empty and single lists."),
    ("Coding", "Find the longest substring without repeated characters.", "A sliding window in O(n), with the edge cases spoken aloud."),
    ("Data structures and algorithms", "Design an LRU cache with get and put in constant time.", "A hash map with a doubly linked list; explains eviction."),
    ("System design", "Design a URL shortener for a billion links.", "Key generation, storage, caching, and what fails first at scale."),
    ("Customer scenario", "A retailer's checkout falls over every Black Friday: design their architecture.", "Asks for load and budget, proposes auto scaling, queues and caching, names the trade-offs."),
    ("Analytics", "Sign-ups fell 10% last week: how do you find out why?", "Segments the metric, checks instrumentation first, forms and tests hypotheses."),
    ("Machine learning", "How would you predict which orders will be returned?", "Features, a baseline, an evaluation that matches the cost of errors, and leakage."),
    ("Product sense", "Choose one metric for a grocery delivery app's success, and defend it.", "Ties the metric to the customer's problem and guards it with counter-metrics."),
    ("Program execution", "Plan the launch of a feature that three teams must ship together.", "Finds the critical path, the risks and the checkpoints, and how to escalate."),
    ("Data modelling", "Model the data of a library's loans, then query the overdue books.", "Sound keys and relations; the query handles renewals."),
];

/// Adds the demo's questions to an empty bank; returns how many.
pub async fn ensure_demo_questions(app: &App, author: i64) -> Result<usize, DemoFeedbackError> {
    if !app.store().questions(0).await?.is_empty() {
        return Ok(0);
    }
    let Some(account) = app.store().account(author).await? else {
        return Ok(0);
    };
    let competencies = app.store().competencies().await?;
    let mut added = 0;
    for (competency, prompt, guidance) in QUESTIONS {
        let Some(found) = competencies.iter().find(|c| c.name == competency) else {
            continue;
        };
        let question = QuestionInput {
            competency_id: found.id,
            track: None,
            level: Level::Intern,
            prompt: prompt.to_owned(),
            guidance: guidance.to_owned(),
        };
        kits::add_question(app, &account, &question).await?;
        added += 1;
    }
    Ok(added)
}

/// What [`ensure_past_week`] made.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DemoFeedback {
    pub loops: usize,
    pub submitted: usize,
    pub overdue: usize,
    pub debriefs_decided: usize,
    pub debriefs_waiting: usize,
}

/// How long the engine may run on the past week.
const PAST_PLAN_SECONDS: i64 = 2;

/// Plans and publishes a week of loops that took place last week, then has its interviewers
/// write their feedback at the times people do and runs two debriefs. A season that has a plan
/// of a past week already is left alone. `coordinator` is the recruiter.
pub async fn ensure_past_week(
    app: &App,
    season_id: i64,
    coordinator: i64,
    seed: u64,
) -> Result<DemoFeedback, DemoFeedbackError> {
    let now = app.now();
    let today = app.clock().now_utc().date_naive();
    let last_monday = {
        use chrono::Datelike;
        today - chrono::Duration::days(i64::from(today.weekday().num_days_from_monday()) + 7)
    };
    let days: Vec<chrono::NaiveDate> = (0..5)
        .map(|d| last_monday + chrono::Duration::days(d))
        .collect();
    let past = app
        .store()
        .plans_of_season(season_id)
        .await?
        .iter()
        .any(|p| p.days.as_str() < today.to_string().as_str());
    if past {
        return Ok(DemoFeedback::default());
    }
    // Live through last week: plan it the Friday before, as a coordinator would have.
    app.clock()
        .travel_to(now - (today - last_monday).num_days() * 86_400 - 3 * 86_400);
    let result = live_through(app, season_id, coordinator, &days, seed).await;
    app.clock().reset();
    result
}

async fn live_through(
    app: &App,
    season_id: i64,
    coordinator: i64,
    days: &[chrono::NaiveDate],
    seed: u64,
) -> Result<DemoFeedback, DemoFeedbackError> {
    let mut made = DemoFeedback::default();
    let plan = match plans::start_plan(app, season_id, coordinator, days, PAST_PLAN_SECONDS).await {
        Ok(id) => id,
        Err(PlanError::NobodyToPlan) => return Ok(made),
        Err(other) => return Err(other.into()),
    };
    cohort_app::pools::run_background_due(app).await?;
    let details = plans::plan_details(app, plan).await?;
    let mut revision = details.plan.revision;
    // Half of the week's candidates (six at most) had their loops; the others wait for the
    // weeks ahead, which the demo plans next.
    let planned: Vec<String> = details
        .candidates
        .iter()
        .filter(|c| !c.interviews.is_empty())
        .map(|c| c.key.clone())
        .collect();
    let took_place = planned.len().div_ceil(2).clamp(3.min(planned.len()), 6);
    for key in planned.iter().skip(took_place) {
        plans::edit_plan(
            app,
            plan,
            revision,
            PlanEdit::Remove {
                candidate: key.clone(),
            },
        )
        .await?;
        revision += 1;
    }
    made.loops = plans::publish(app, plan, revision).await?;
    let mut interviews: Vec<InterviewRecord> = Vec::new();
    for application in app.store().applications_with_loops(season_id).await? {
        let the_loop = plans::loop_of(app, application).await?;
        if the_loop.iter().all(|i| i.plan_id == Some(plan)) {
            interviews.extend(the_loop);
        }
    }
    interviews.sort_by_key(|i| (i.ends_at, i.id));
    let mut applications: Vec<i64> = interviews.iter().map(|i| i.application_id).collect();
    applications.sort_unstable();
    applications.dedup();
    let mut overdue_loops = std::collections::BTreeSet::new();
    // The interviewer with the most interviews rates harshly and the next leniently, so that
    // calibration's outliers rest on enough ratings to be called so.
    let mut load: BTreeMap<i64, usize> = BTreeMap::new();
    for person in interviews.iter().filter_map(|i| i.interviewer_id) {
        *load.entry(person).or_default() += 1;
    }
    let mut interviewers: Vec<(i64, usize)> = load.into_iter().collect();
    interviewers.sort_by_key(|(id, count)| (std::cmp::Reverse(*count), *id));
    let interviewers: Vec<i64> = interviewers.into_iter().map(|(id, _)| id).collect();
    let harsh = interviewers.first().copied();
    let lenient = interviewers.get(1).copied();
    let mut random = StdRng::seed_from_u64(seed ^ 0x5ca1_ab1e);
    let names: BTreeMap<i64, String> = app.store().competency_names().await?;
    for interview in &interviews {
        let Some(author) = interview.interviewer_id else {
            continue;
        };
        // The first two loops' feedback is all in (their debriefs run below); of each other
        // loop, the first interview and one in six of the rest are still not written: overdue.
        let position = applications
            .iter()
            .position(|a| *a == interview.application_id);
        let first_of_loop = overdue_loops.insert(interview.application_id);
        if position.is_some_and(|p| p >= 2) && (first_of_loop || random.gen_range(0..6) == 0) {
            made.overdue += 1;
            continue;
        }
        // Most within the day, one in five late.
        let hours = if random.gen_range(0..5) == 0 {
            random.gen_range(26..60)
        } else {
            random.gen_range(1..20)
        };
        app.clock().travel_to(interview.ends_at + hours * 3600);
        let rating = |random: &mut StdRng| -> i64 {
            if Some(author) == harsh {
                random.gen_range(1..=2)
            } else if Some(author) == lenient {
                4
            } else {
                random.gen_range(2..=4)
            }
        };
        let form = feedback::scorecard_form(app, author, interview.id).await?;
        let mut fields = BTreeMap::new();
        let mut total = 0;
        let mut count = 0;
        for id in &form.shape.principles {
            let name = names.get(id).cloned().unwrap_or_default();
            for (part, text) in star_texts(&name, &interview.candidate_name) {
                fields.insert(star_field(*id, part), text);
            }
            let r = rating(&mut random);
            total += r;
            count += 1;
            fields.insert(rating_field(*id), r.to_string());
        }
        if let Some(area) = form.shape.area {
            let r = rating(&mut random);
            total += r;
            count += 1;
            let name = names.get(&area).cloned().unwrap_or_default();
            fields.insert(
                "technical_notes".to_owned(),
                format!("{name}: reached a working solution, talked through the trade-offs and tested two edge cases."),
            );
            fields.insert("technical_rating".to_owned(), r.to_string());
        }
        let mean = if count == 0 {
            3.0
        } else {
            total as f64 / count as f64
        };
        let recommendation = match mean {
            m if m >= 3.6 => "strong_hire",
            m if m >= 2.75 => "hire",
            m if m >= 1.75 => "no_hire",
            _ => "strong_no_hire",
        };
        fields.insert("recommendation".to_owned(), recommendation.to_owned());
        fields.insert(
            "summary".to_owned(),
            format!(
                "{} gave clear, specific examples; my recommendation follows the ratings above ({mean:.1} on average).",
                interview.candidate_name
            ),
        );
        let kit = kits::kit_for(app, author, interview.id).await?;
        let asked: Vec<i64> = kit
            .principles
            .iter()
            .chain(kit.area.iter())
            .filter_map(|part| part.questions.first().map(|q| q.id))
            .collect();
        feedback::save(app, author, interview.id, &fields, &asked, true).await?;
        made.submitted += 1;
        // The shadow writes practice feedback the same day.
        if let Some(shadow) = interview.shadow_id {
            feedback::save(app, shadow, interview.id, &fields, &[], true).await?;
        }
    }
    debriefs_of(app, season_id, &interviews, &mut made).await?;
    Ok(made)
}

/// A STAR example as an interviewer writes it down.
fn star_texts(principle: &str, candidate: &str) -> [(&'static str, String); 4] {
    let first = candidate.split(' ').next().unwrap_or(candidate);
    let star = Star {
        situation: format!("In {first}'s internship, a team deadline was at risk ({principle})."),
        task: format!("{first} was responsible for the part that was late."),
        action: format!(
            "{first} split the work, wrote the tests first and asked for an early review."
        ),
        result: "Shipped two days early; the approach became the team's template.".to_owned(),
    };
    [
        ("situation", star.situation),
        ("task", star.task),
        ("action", star.action),
        ("result", star.result),
    ]
}

/// Runs two debriefs of loops whose feedback is all in: the first to a decision, the second
/// with two votes cast and the rest awaited.
async fn debriefs_of(
    app: &App,
    season_id: i64,
    interviews: &[InterviewRecord],
    made: &mut DemoFeedback,
) -> Result<(), DemoFeedbackError> {
    let recruiter = app
        .store()
        .user_by_email(crate::DEMO_ACCOUNTS[1].0)
        .await?
        .map(|u| u.id);
    let Some(recruiter) = recruiter else {
        return Ok(());
    };
    let Some(recruiter) = app.store().account(recruiter).await? else {
        return Ok(());
    };
    let mut open: Vec<i64> = interviews.iter().map(|i| i.application_id).collect();
    open.sort_unstable();
    open.dedup();
    let mut ready = Vec::new();
    for application in open {
        let record = app.store().application(application).await?;
        if record.season_id == season_id && record.stage() == Stage::Debrief {
            ready.push(application);
        }
    }
    for (index, application) in ready.iter().take(2).enumerate() {
        let panel: Vec<&InterviewRecord> = interviews
            .iter()
            .filter(|i| i.application_id == *application)
            .collect();
        let last = panel.iter().map(|i| i.ends_at).max().unwrap_or_default();
        app.clock().travel_to(last + 2 * 86_400);
        let cards = app.store().scorecards_of_application(*application).await?;
        // The waiting debrief has two votes in, neither the bar raiser's.
        let voters: Vec<&InterviewRecord> = if index == 0 {
            panel.clone()
        } else {
            panel
                .iter()
                .filter(|i| i.focus.as_deref() != Some(BAR_RAISER))
                .take(2)
                .copied()
                .collect()
        };
        for interview in voters {
            let Some(person) = interview.interviewer_id else {
                continue;
            };
            let Some(account) = app.store().account(person).await? else {
                continue;
            };
            let hire = cards
                .iter()
                .find(|c| c.interview_id == interview.id && c.author_id == person)
                .and_then(|c| c.answers.recommendation)
                .is_some_and(|r| r.is_hire());
            let (vote, sentence) = if hire {
                (
                    "hire",
                    "Strong examples and a working solution; above the bar.",
                )
            } else {
                (
                    "no_hire",
                    "The examples stayed vague about what they did themselves.",
                )
            };
            debriefs::vote(app, &account, *application, vote, sentence).await?;
        }
        if index == 0 {
            debriefs::add_note(
                app,
                &recruiter,
                *application,
                "Discussed asynchronously: the panel's evidence is consistent across the loop.",
            )
            .await?;
            let hired = debriefs::decide(app, &recruiter, *application, "hire", "", "").await;
            match hired {
                Ok(_) => {}
                // The bar raiser voted no hire: their veto stands.
                Err(debriefs::DebriefError::Refused(_)) => {
                    debriefs::decide(
                        app,
                        &recruiter,
                        *application,
                        "no_hire",
                        "interview_performance",
                        "The bar raiser's veto.",
                    )
                    .await?;
                }
                Err(other) => return Err(other.into()),
            }
            made.debriefs_decided += 1;
        } else {
            made.debriefs_waiting += 1;
        }
    }
    Ok(())
}

/// Submits `author`'s scorecard for an interview as an interviewer who saw a solid candidate
/// writes it: STAR examples for each principle, a 3 everywhere, "hire".
pub(crate) async fn submit_plain_scorecard(
    app: &App,
    author: i64,
    interview_id: i64,
) -> Result<(), DemoFeedbackError> {
    let form = feedback::scorecard_form(app, author, interview_id).await?;
    let names: std::collections::HashMap<i64, String> = app.store().competency_names().await?;
    let candidate = form.interview.candidate_name.clone();
    let mut fields = BTreeMap::new();
    for id in &form.shape.principles {
        let name = names.get(id).cloned().unwrap_or_default();
        for (part, text) in star_texts(&name, &candidate) {
            fields.insert(star_field(*id, part), text);
        }
        fields.insert(rating_field(*id), "3".to_owned());
    }
    if let Some(area) = form.shape.area {
        let name = names.get(&area).cloned().unwrap_or_default();
        fields.insert(
            "technical_notes".to_owned(),
            format!("{name}: wrote a hash-map solution in the pad, ran it on the example and explained why it is linear."),
        );
        fields.insert("technical_rating".to_owned(), "3".to_owned());
    }
    fields.insert("recommendation".to_owned(), "hire".to_owned());
    fields.insert(
        "summary".to_owned(),
        format!("{candidate} solved the coding question cleanly in the pad; replay it to see how."),
    );
    feedback::save(app, author, interview_id, &fields, &[], true).await?;
    Ok(())
}
