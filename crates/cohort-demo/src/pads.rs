//! The demo's live coding pad: one phone screen kept about to start, with Indira Interviewer, so
//! that a visitor can open its pad as both people at once (two browsers, or a normal and a
//! private window).

use crate::DEMO_ACCOUNTS;
use cohort_app::interviews::phone_screens::PHONE_SCREEN;
use cohort_app::App;
use cohort_domain::interviews::pad::PadWindow;
use cohort_domain::Stage;
use cohort_store::{Store, StoreError};

/// How long the demo's live phone screen lasts.
const LIVE_MINUTES: i64 = 45;

/// The phone screen whose pad the demo keeps open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LivePad {
    pub interview_id: i64,
    pub starts_at: i64,
    pub interviewer_email: String,
    pub candidate_email: String,
}

/// Keeps one of the season's booked phone screens with Indira Interviewer about to start: one
/// whose pad is open or opens within the hour is kept; otherwise the latest booked phone screen
/// moves to her, five minutes from now. `None` when the season has no booked phone screen.
///
/// The move is made in the store directly, without invitations: the demo's candidates read no
/// mail.
pub async fn ensure_demo_live_pad(
    app: &App,
    season_id: i64,
) -> Result<Option<LivePad>, StoreError> {
    let store = app.store();
    let Some(indira) = store.user_by_email(DEMO_ACCOUNTS[3].0).await? else {
        return Ok(None);
    };
    let now = app.now();
    let live = |i: &cohort_store::interviews::bookings::InterviewRecord| {
        let window = PadWindow::of_interview(i.starts_at, i.ends_at);
        i.kind == PHONE_SCREEN
            && i.is_booked()
            && window.closes_at > now
            && window.opens_at < now + 3600
    };
    let found = store
        .interviews_of_interviewer(indira.id)
        .await?
        .into_iter()
        .find(|i| live(i));
    let interview = match found {
        Some(interview) => interview,
        None => {
            let mut latest = None;
            for reached in store.reached_stage(season_id, Stage::PhoneScreen).await? {
                for interview in store
                    .interviews_of_application(reached.application_id)
                    .await?
                {
                    let later = latest.as_ref().is_none_or(
                        |l: &cohort_store::interviews::bookings::InterviewRecord| {
                            interview.starts_at > l.starts_at
                        },
                    );
                    if interview.kind == PHONE_SCREEN
                        && interview.is_booked()
                        && interview.starts_at > now
                        && later
                    {
                        latest = Some(interview);
                    }
                }
            }
            let Some(chosen) = latest else {
                return Ok(None);
            };
            // On the next whole minute, five minutes from now.
            let starts_at = (now / 60 + 5) * 60;
            let mut tx = store.begin().await?;
            Store::move_interview(
                &mut tx,
                chosen.id,
                chosen.sequence,
                indira.id,
                starts_at,
                starts_at + LIVE_MINUTES * 60,
                &chosen.candidate_time_zone,
                now,
            )
            .await?;
            Store::commit(tx).await?;
            store
                .interview(chosen.id)
                .await?
                .ok_or(StoreError::NotFound)?
        }
    };
    Ok(Some(LivePad {
        interview_id: interview.id,
        starts_at: interview.starts_at,
        interviewer_email: DEMO_ACCOUNTS[3].0.to_owned(),
        candidate_email: interview.candidate_email,
    }))
}

/// The question the interviewer pastes, and the solution the candidate types, in the demo's past
/// phone screen.
const PAST_QUESTION: &str = "# Two sums: read n numbers and a target; print the indices of two\n# numbers that add up to the target, or -1 if there are none.\n";
const PAST_SOLUTION: [&str; 9] = [
    "import sys\n",
    "\n",
    "def two_sum(numbers, target):\n",
    "    seen = {}\n",
    "    for i, x in enumerate(numbers):\n",
    "        if target - x in seen:\n",
    "            return seen[target - x], i\n",
    "        seen[x] = i\n",
    "    return None\n",
];
const PAST_MAIN: &str = "\n*numbers, target = map(int, sys.stdin.read().split())\nfound = two_sum(numbers, target)\nprint(*found if found else [-1])\n";

/// What [`ensure_demo_past_pad`] made.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PastPad {
    pub interview_id: i64,
    pub updates: usize,
}

/// Keeps one past phone screen of Indira Interviewer's with a pad to replay: a candidate who
/// reached the final loop had it two weeks ago; the interviewer pasted a question, the candidate
/// typed a solution (a stored update per word, timed through the interview), the interviewer
/// ran it on an input (queued for the judge, which runs it when the server starts), and
/// submitted her feedback, so that recruiters may replay it too. Made once.
pub async fn ensure_demo_past_pad(
    app: &App,
    season_id: i64,
) -> Result<Option<PastPad>, DemoPadError> {
    use yrs::{Map, ReadTxn, Text, Transact};
    let store = app.store();
    let Some(indira) = store.user_by_email(DEMO_ACCOUNTS[3].0).await? else {
        return Ok(None);
    };
    let now = app.now();
    for interview in store.interviews_of_interviewer(indira.id).await? {
        if interview.kind == PHONE_SCREEN
            && interview.ends_at < now
            && store.pad_size(interview.id).await?.0 > 0
        {
            return Ok(None);
        }
    }
    // A candidate past the phone screens, without a phone screen of record.
    let mut candidate = None;
    for reached in store.reached_stage(season_id, Stage::FinalLoop).await? {
        let interviews = store
            .interviews_of_application(reached.application_id)
            .await?;
        if !interviews.iter().any(|i| i.kind == PHONE_SCREEN) {
            candidate = Some(reached);
            break;
        }
    }
    let Some(candidate) = candidate else {
        return Ok(None);
    };
    let starts_at = (now - 14 * 86_400) / 3600 * 3600;
    let ends_at = starts_at + LIVE_MINUTES * 60;
    let record = store.application(candidate.application_id).await?;
    let mut tx = store.begin().await?;
    let interview_id = Store::insert_interview(
        &mut tx,
        &cohort_store::interviews::bookings::NewInterview {
            application_id: record.id,
            kind: PHONE_SCREEN,
            round: 1,
            interviewer_id: indira.id,
            starts_at,
            ends_at,
            candidate_time_zone: "America/New_York",
        },
        starts_at - 7 * 86_400,
    )
    .await?;
    Store::commit(tx).await?;

    // The session, as the two browsers would have sent it: one update per change.
    let doc = yrs::Doc::new();
    let code = doc.get_or_insert_text(cohort_app::interviews::pads::CODE);
    let settings = doc.get_or_insert_map(cohort_app::interviews::pads::SETTINGS);
    let mut updates: Vec<(i64, Vec<u8>, i64)> = Vec::new();
    let mut at_ms = (starts_at + 120) * 1000;
    let mut change = |author: i64, at_ms: i64, edit: &dyn Fn(&mut yrs::TransactionMut)| {
        let before = doc.transact().state_vector();
        edit(&mut doc.transact_mut());
        let update = doc.transact().encode_diff_v1(&before);
        updates.push((author, update, at_ms));
    };
    change(indira.id, at_ms, &|txn| {
        settings.insert(txn, cohort_app::interviews::pads::LANGUAGE, "python3");
    });
    at_ms += 20_000;
    change(indira.id, at_ms, &|txn| code.insert(txn, 0, PAST_QUESTION));
    let mut length = PAST_QUESTION.chars().count() as u32;
    at_ms += 90_000;
    for line in PAST_SOLUTION.iter().chain([PAST_MAIN].iter()) {
        for word in line.split_inclusive([' ', '\n']) {
            let at = length;
            change(record.candidate_id, at_ms, &|txn| {
                code.insert(txn, at, word)
            });
            length += word.chars().count() as u32;
            at_ms += 2_500;
        }
        // A pause to think at the end of each line.
        at_ms += 15_000;
    }
    for (author, data, at) in &updates {
        store
            .append_pad_update(interview_id, *author, data, *at)
            .await?;
    }
    let whole: String = {
        use yrs::GetString;
        code.get_string(&doc.transact())
    };

    // The interviewer runs it on an example; the judge runs it when the server starts.
    let mut tx = store.begin().await?;
    let run = Store::queue_pad_run(
        &mut tx,
        &cohort_store::interviews::pads::NewPadRun {
            interview_id,
            requested_by: indira.id,
            language: "python3",
            code: &whole,
            input: "2 7 11 15 9\n",
        },
        at_ms + 30_000,
    )
    .await?;
    cohort_app::jobs::enqueue(
        &mut tx,
        &cohort_app::interviews::pad_runs::RunPadCode { run_id: run },
        now,
    )
    .await?;
    Store::commit(tx).await?;

    // Her feedback, written that afternoon.
    app.clock().travel_to(ends_at + 3600);
    let written = crate::feedback::submit_plain_scorecard(app, indira.id, interview_id).await;
    app.clock().reset();
    written?;
    Ok(Some(PastPad {
        interview_id,
        updates: updates.len(),
    }))
}

/// Why the demo's past pad could not be made.
#[derive(Debug, thiserror::Error)]
pub enum DemoPadError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Feedback(#[from] crate::DemoFeedbackError),
}
