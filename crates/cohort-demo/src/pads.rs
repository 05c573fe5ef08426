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
