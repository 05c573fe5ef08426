//! Offers: drafted from a hire decision with the band's amounts, checked against the band and
//! the headcount, approved along the season's chain, sent as a letter (page and PDF), answered
//! once by the candidate before the end of the deadline's day in their zone, expired by a job,
//! extended, rescinded; money kept exact in every currency; and who sees what.

use crate::both;
use crate::helpers::*;
use crate::phone_screens::{all_at_once_responses, signed_in_as};
use cohort_domain::{Role, Stage};
use cohort_store::Store;
use reqwest::StatusCode;

/// A candidate whose application a hire decision moved to Offer.
pub(crate) struct Hired {
    pub browser: Browser,
    pub email: String,
    pub application_id: i64,
}

/// A candidate applies to `opening` and is moved, stage by stage, to Offer (as interviews and a
/// debrief would move them).
pub(crate) async fn at_offer(app: &TestApp, season_id: i64, opening: i64, name: &str) -> Hired {
    let (browser, email) = app.candidate(name).await;
    let response = browser
        .apply(&ApplicationFields::new(season_id, vec![opening]))
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "applying");
    let application_id = own_application_id(&browser).await;
    let admin = app
        .store()
        .first_administrator()
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("an administrator exists"));
    let path = [
        Stage::Applied,
        Stage::Screening,
        Stage::PhoneScreen,
        Stage::FinalLoop,
        Stage::Debrief,
        Stage::Offer,
    ];
    let mut tx = app.store().begin().await.unwrap();
    for step in path.windows(2) {
        Store::move_application(
            &mut tx,
            application_id,
            step[0],
            step[1],
            admin,
            None,
            "",
            None,
            app.state.now(),
        )
        .await
        .unwrap();
    }
    Store::commit(tx).await.unwrap();
    Hired {
        browser,
        email,
        application_id,
    }
}

/// Staff accounts for offers: a recruiter, the Software track's hiring manager, another hiring
/// manager, an administrator (the recruiting lead) and an interviewer, each signed in.
pub(crate) struct Staff {
    pub recruiter: Browser,
    pub manager: Browser,
    pub other_manager: Browser,
    pub admin: Browser,
    pub interviewer: Browser,
}

pub(crate) async fn staff(app: &TestApp, season_id: i64) -> Staff {
    let tag = rand::random::<u32>();
    let emails = [
        format!("recruiter-{tag}@example.com"),
        format!("manager-{tag}@example.com"),
        format!("other-manager-{tag}@example.com"),
        format!("lead-{tag}@example.com"),
        format!("interviewer-{tag}@example.com"),
    ];
    app.create_account(&emails[0], "Rita Recruiter", &[Role::Recruiter])
        .await;
    let manager = app
        .create_account(&emails[1], "Manny Manager", &[Role::HiringManager])
        .await;
    app.create_account(&emails[2], "Olga Other", &[Role::HiringManager])
        .await;
    app.create_account(&emails[3], "Lee Lead", &[Role::Administrator])
        .await;
    app.create_account(&emails[4], "Ivan Interviewer", &[Role::Interviewer])
        .await;
    let software: i64 = sqlx::query_scalar(
        "SELECT id FROM tracks WHERE season_id = $1 AND name = 'Software Development'",
    )
    .bind(season_id)
    .fetch_one(app.store().reader())
    .await
    .unwrap();
    let mut tx = app.store().begin().await.unwrap();
    Store::set_track_manager(&mut tx, season_id, software, Some(manager))
        .await
        .unwrap();
    Store::commit(tx).await.unwrap();
    Staff {
        recruiter: signed_in_as(app, &emails[0]).await,
        manager: signed_in_as(app, &emails[1]).await,
        other_manager: signed_in_as(app, &emails[2]).await,
        admin: signed_in_as(app, &emails[3]).await,
        interviewer: signed_in_as(app, &emails[4]).await,
    }
}

/// The form a recruiter posts for an offer in the Seattle band (9,500 to 10,500 USD a month).
pub(crate) fn terms(opening: i64, monthly: &str, deadline: &str) -> Vec<(String, String)> {
    [
        ("opening", opening.to_string()),
        ("start", "2027-06-01".into()),
        ("end", "2027-08-23".into()),
        ("currency", "USD".into()),
        ("monthly_pay", monthly.into()),
        ("housing", "stipend".into()),
        ("housing_stipend", "2500".into()),
        ("relocation", "2000".into()),
        ("sign_on", "0".into()),
        ("deadline", deadline.into()),
        ("time_zone", "America/Los_Angeles".into()),
        ("reason", String::new()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// A date `days` from now, as the offer form takes it.
pub(crate) fn in_days(app: &TestApp, days: i64) -> String {
    (app.state.app().now_utc() + chrono::Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

pub(crate) async fn post(
    browser: &Browser,
    page: &str,
    action: &str,
    fields: &[(String, String)],
) -> reqwest::Response {
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    browser.post_form(page, action, &fields).await
}

/// Drafts an offer for `application_id`; returns its id.
pub(crate) async fn draft(
    browser: &Browser,
    application_id: i64,
    fields: &[(String, String)],
) -> i64 {
    let page = format!("/staff/applications/{application_id}/offer");
    let response = post(browser, &page, &page, fields).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "drafting");
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    location
        .trim_start_matches("/staff/offers/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

pub(crate) async fn offer_state(app: &TestApp, id: i64) -> (String, i64) {
    sqlx::query_as("SELECT state, version FROM offers WHERE id = $1")
        .bind(id)
        .fetch_one(app.store().reader())
        .await
        .unwrap()
}

/// Posts an action of the offer's page with its current version.
pub(crate) async fn act(
    app: &TestApp,
    browser: &Browser,
    id: i64,
    action: &str,
    extra: &[(&str, &str)],
) -> reqwest::Response {
    let (_, version) = offer_state(app, id).await;
    let version = version.to_string();
    let mut fields: Vec<(&str, &str)> = vec![("version", &version)];
    fields.extend_from_slice(extra);
    browser
        .post_form(
            &format!("/staff/offers/{id}"),
            &format!("/staff/offers/{id}/{action}"),
            &fields,
        )
        .await
}

/// Drafts, submits, approves (as the hiring manager) and sends an in-band offer; returns its id.
pub(crate) async fn sent_offer(app: &TestApp, staff: &Staff, hired: &Hired, opening: i64) -> i64 {
    let id = draft(
        &staff.recruiter,
        hired.application_id,
        &terms(opening, "9,500", &in_days(app, 10)),
    )
    .await;
    assert_eq!(
        act(app, &staff.recruiter, id, "submit", &[]).await.status(),
        StatusCode::SEE_OTHER
    );
    let approve = act(
        app,
        &staff.manager,
        id,
        "decide",
        &[("decision", "approve")],
    )
    .await;
    assert_eq!(approve.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        act(app, &staff.recruiter, id, "send", &[]).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(offer_state(app, id).await.0, "sent");
    id
}

/// The hidden letter hash the candidate's page carries.
pub(crate) async fn seen_letter(browser: &Browser, id: i64) -> String {
    let (status, html) = browser.get_text(&format!("/offers/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    let marker = "name=\"letter\" value=\"";
    let start = html.find(marker).expect("an answer form") + marker.len();
    html[start..start + 64].to_owned()
}

both!(
    a_recruiter_drafts_an_offer_from_a_hire_decision_with_the_bands_amounts_and_the_history_records_each_change,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let staff = staff(&app, season.season_id).await;
        let hired = at_offer(&app, season.season_id, season.open[0], "Ada Lovelace").await;
        let page = format!("/staff/applications/{}/offer", hired.application_id);
        let (status, html) = staff.recruiter.get_text(&page).await;
        assert_eq!(status, StatusCode::OK);
        // Suggested from the band: its bottom, its housing stipend and relocation, the program.
        for expected in [
            "value=\"9500\"",
            "value=\"2500\"",
            "value=\"2000\"",
            "value=\"2027-06-01\"",
            "value=\"America/Los_Angeles\"",
        ] {
            assert!(html.contains(expected), "{expected} on the new offer's form");
        }
        // Bad input changes nothing and names each field.
        let mut bad = terms(season.open[0], "lots", "2020-01-01");
        bad[3].1 = "XAU".into();
        let response = post(&staff.recruiter, &page, &page, &bad).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.text().await.unwrap();
        assert!(html.contains("XAU is not an ISO 4217 currency of pay."), "{html}");
        assert!(html.contains("The deadline has already passed."));
        assert_eq!(app.count("offers").await, 0);
        let id = draft(
            &staff.recruiter,
            hired.application_id,
            &terms(season.open[0], "9,800.25", &in_days(&app, 10)),
        )
        .await;
        let (monthly, housing, currency): (i64, i64, String) = sqlx::query_as(
            "SELECT monthly_pay_minor, housing_stipend_minor, currency FROM offers WHERE id = $1",
        )
        .bind(id)
        .fetch_one(app.store().reader())
        .await
        .unwrap();
        assert_eq!((monthly, housing, currency.as_str()), (980_025, 250_000, "USD"));
        // A second draft for the same application is refused.
        let again = post(
            &staff.recruiter,
            "/staff",
            &page,
            &terms(season.open[0], "9500", &in_days(&app, 10)),
        )
        .await;
        assert_eq!(again.status(), StatusCode::CONFLICT);
        assert!(again.text().await.unwrap().contains("This application has an offer already."));
        let form = staff.recruiter.get(&page).await;
        assert_eq!(form.headers()["location"], format!("/staff/offers/{id}").as_str(), "the form leads to the offer");
        assert_eq!(app.count("offers").await, 1);
        // Revising records what changed, old and new.
        let mut revised = terms(season.open[0], "10000", &in_days(&app, 12));
        revised.push(("version".into(), "1".into()));
        let response = post(
            &staff.recruiter,
            &format!("/staff/offers/{id}"),
            &format!("/staff/offers/{id}"),
            &revised,
        )
        .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(offer_state(&app, id).await, ("draft".to_owned(), 2));
        let (_, html) = staff.recruiter.get_text(&format!("/staff/offers/{id}")).await;
        assert!(html.contains("monthly pay: 9,800.25 USD → 10,000 USD"), "{html}");
        // The history cannot be rewritten.
        let tamper = sqlx::query("UPDATE offer_events SET detail = 'nothing' WHERE offer_id = $1")
            .bind(id)
            .execute(app.store().writer())
            .await;
        assert!(tamper.is_err(), "offer_events is append-only");
    }
);

both!(
    an_offer_in_band_needs_only_the_tracks_hiring_manager_and_one_out_of_band_needs_a_reason_and_a_recruiting_lead,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let staff = staff(&app, season.season_id).await;
        let ada = at_offer(&app, season.season_id, season.open[0], "Ada Lovelace").await;
        let grace = at_offer(&app, season.season_id, season.open[0], "Grace Hopper").await;
        let deadline = in_days(&app, 10);
        // In band: the hiring manager's approval is all it needs.
        let within = draft(&staff.recruiter, ada.application_id, &terms(season.open[0], "10,500", &deadline)).await;
        act(&app, &staff.recruiter, within, "submit", &[]).await;
        assert_eq!(offer_state(&app, within).await.0, "awaiting_approval");
        let manager_email: String = sqlx::query_scalar("SELECT email FROM users WHERE display_name = 'Manny Manager'")
            .fetch_one(app.store().reader()).await.unwrap();
        let link = app.link_in_last_message(&manager_email, &format!("/staff/offers/{within}")).await;
        assert!(link.ends_with(&format!("/staff/offers/{within}")), "the track's hiring manager is asked");
        let others: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE template = 'offer_approval_needed' AND recipient <> $1")
            .bind(&manager_email).fetch_one(app.store().reader()).await.unwrap();
        assert_eq!(others, 0, "nobody else is asked");
        // Another hiring manager, a recruiter and an interviewer may not decide the step.
        for (who, browser) in [("other manager", &staff.other_manager), ("recruiter", &staff.recruiter)] {
            let response = act(&app, browser, within, "decide", &[("decision", "approve")]).await;
            assert_eq!(response.status(), StatusCode::FORBIDDEN, "{who}");
        }
        let response = act(&app, &staff.interviewer, within, "decide", &[("decision", "approve")]).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert_eq!(offer_state(&app, within).await.0, "awaiting_approval");
        act(&app, &staff.manager, within, "decide", &[("decision", "approve")]).await;
        assert_eq!(offer_state(&app, within).await.0, "approved");

        // Out of band: refused without a reason, then two steps.
        let above = draft(&staff.recruiter, grace.application_id, &terms(season.open[0], "10,500.01", &deadline)).await;
        let response = act(&app, &staff.recruiter, above, "submit", &[]).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.text().await.unwrap();
        assert!(html.contains("Monthly pay 10,500.01 USD is above the band&#39;s 10,500 USD. Give the approvers a reason"), "{html}");
        assert_eq!(offer_state(&app, above).await, ("draft".to_owned(), 1));
        let mut with_reason = terms(season.open[0], "10,500.01", &deadline);
        with_reason[11].1 = "Competing offer from a peer company.".into();
        with_reason.push(("version".into(), "1".into()));
        post(&staff.recruiter, &format!("/staff/offers/{above}"), &format!("/staff/offers/{above}"), &with_reason).await;
        act(&app, &staff.recruiter, above, "submit", &[]).await;
        assert_eq!(offer_state(&app, above).await, ("awaiting_approval".to_owned(), 2));
        // Returning needs a note and makes a draft of the next version.
        let response = act(&app, &staff.manager, above, "decide", &[("decision", "return")]).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        act(&app, &staff.manager, above, "decide", &[("decision", "return"), ("note", "Match the band's top.")]).await;
        assert_eq!(offer_state(&app, above).await, ("draft".to_owned(), 3));
        act(&app, &staff.recruiter, above, "submit", &[]).await;
        act(&app, &staff.manager, above, "decide", &[("decision", "approve")]).await;
        // The hiring manager's approval is not enough for an exception: the lead's step remains.
        assert_eq!(offer_state(&app, above).await.0, "awaiting_approval");
        let response = act(&app, &staff.manager, above, "decide", &[("decision", "approve")]).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "the manager cannot take the lead's step");
        let (_, html) = staff.admin.get_text(&format!("/staff/offers/{above}")).await;
        assert!(html.contains("Approved by Manny Manager"));
        assert!(html.contains("outside"));
        act(&app, &staff.admin, above, "decide", &[("decision", "approve")]).await;
        assert_eq!(offer_state(&app, above).await.0, "approved");
        let approvals: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM offer_approvals WHERE offer_id = $1 AND approved = 1")
            .bind(above).fetch_one(app.store().reader()).await.unwrap();
        assert_eq!(approvals, 2);
    }
);

both!(
    an_offer_beyond_the_openings_headcount_is_an_exception_for_the_approvers,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let staff = staff(&app, season.season_id).await;
        sqlx::query("UPDATE openings SET headcount = 1 WHERE id = $1")
            .bind(season.open[0])
            .execute(app.store().writer())
            .await
            .unwrap();
        let first = at_offer(&app, season.season_id, season.open[0], "Ada Lovelace").await;
        let second = at_offer(&app, season.season_id, season.open[0], "Grace Hopper").await;
        let deadline = in_days(&app, 10);
        let a = draft(
            &staff.recruiter,
            first.application_id,
            &terms(season.open[0], "9500", &deadline),
        )
        .await;
        act(&app, &staff.recruiter, a, "submit", &[]).await;
        let b = draft(
            &staff.recruiter,
            second.application_id,
            &terms(season.open[0], "9500", &deadline),
        )
        .await;
        let response = act(&app, &staff.recruiter, b, "submit", &[]).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(response
            .text()
            .await
            .unwrap()
            .contains("This offer makes 2 offers out or accepted for a headcount of 1."));
        let exceptions: String = sqlx::query_scalar("SELECT exceptions FROM offers WHERE id = $1")
            .bind(a)
            .fetch_one(app.store().reader())
            .await
            .unwrap();
        assert_eq!(exceptions, "", "the first offer fits the headcount");
        let (_, html) = staff
            .recruiter
            .get_text(&format!("/staff/seasons/{}/offers", season.season_id))
            .await;
        assert!(html.contains("SDE Intern, Seattle"));
    }
);

both!(
    two_tabs_accepting_at_once_record_one_acceptance_and_the_candidate_becomes_an_intern,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let staff = staff(&app, season.season_id).await;
        let hired = at_offer(&app, season.season_id, season.open[0], "Zoë Núñez").await;
        let id = sent_offer(&app, &staff, &hired, season.open[0]).await;
        let link = app.link_in_last_message(&hired.email, "/offers/").await;
        assert!(link.ends_with(&format!("/offers/{id}")));
        let letter = seen_letter(&hired.browser, id).await;
        let csrf = hired.browser.csrf(&format!("/offers/{id}")).await;
        // A wrong name is refused and changes nothing.
        let wrong = hired
            .browser
            .client
            .post(hired.browser.url(&format!("/offers/{id}/accept")))
            .form(&[
                ("csrf", csrf.as_str()),
                ("letter", letter.as_str()),
                ("signature", "Zoe Nunez"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(offer_state(&app, id).await.0, "sent");
        let requests = (0..50)
            .map(|_| {
                hired
                    .browser
                    .client
                    .post(hired.browser.url(&format!("/offers/{id}/accept")))
                    .form(&[
                        ("csrf", csrf.as_str()),
                        ("letter", letter.as_str()),
                        ("signature", " zoë  NÚÑEZ "),
                    ])
            })
            .collect();
        let responses = all_at_once_responses(requests).await;
        let accepted = responses
            .iter()
            .filter(|(s, _)| *s == StatusCode::SEE_OTHER)
            .count();
        assert_eq!(accepted, 1, "{responses:?}");
        assert!(responses
            .iter()
            .all(|(s, _)| *s == StatusCode::SEE_OTHER || *s == StatusCode::CONFLICT));
        let (state, signature, address, signed): (String, String, String, String) = sqlx::query_as(
            "SELECT state, signature, signed_from, signed_letter_sha256 FROM offers WHERE id = $1",
        )
        .bind(id)
        .fetch_one(app.store().reader())
        .await
        .unwrap();
        assert_eq!(
            (state.as_str(), signature.as_str(), address.as_str()),
            ("accepted", "zoë NÚÑEZ", "127.0.0.1")
        );
        assert_eq!(signed, letter);
        let hired_rows: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM stage_transitions WHERE application_id = $1 AND to_stage = 'hired'",
        ).bind(hired.application_id).fetch_one(app.store().reader()).await.unwrap();
        assert_eq!(hired_rows, 1);
        let events: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM offer_events WHERE offer_id = $1 AND kind = 'accepted'",
        )
        .bind(id)
        .fetch_one(app.store().reader())
        .await
        .unwrap();
        assert_eq!(events, 1);
        let candidate_id = app
            .store()
            .user_by_email(&hired.email)
            .await
            .unwrap()
            .unwrap()
            .id;
        let roles = app.store().roles_of(candidate_id).await.unwrap();
        assert!(
            roles.contains(&Role::Intern) && roles.contains(&Role::Candidate),
            "{roles:?}"
        );
        let (_, html) = hired.browser.get_text(&format!("/offers/{id}")).await;
        assert!(html.contains("You accepted this offer"));
        assert!(!html.contains("/offers/{id}/accept"));
    }
);

both!(
    an_offer_expires_at_the_end_of_its_deadline_day_in_the_candidates_zone_and_an_extension_reopens_it_with_a_new_letter,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let staff = staff(&app, season.season_id).await;
        let hired = at_offer(&app, season.season_id, season.open[0], "Ada Lovelace").await;
        let deadline = in_days(&app, 3);
        let mut fields = terms(season.open[0], "9500", &deadline);
        fields[10].1 = "Pacific/Auckland".into();
        let id = draft(&staff.recruiter, hired.application_id, &fields).await;
        act(&app, &staff.recruiter, id, "submit", &[]).await;
        act(&app, &staff.manager, id, "decide", &[("decision", "approve")]).await;
        act(&app, &staff.recruiter, id, "send", &[]).await;
        let day = chrono::NaiveDate::parse_from_str(&deadline, "%Y-%m-%d").unwrap();
        let ends = cohort_domain::offers::end_of_day(day, chrono_tz::Pacific::Auckland).timestamp();
        let expires_at: i64 = sqlx::query_scalar("SELECT expires_at FROM offers WHERE id = $1")
            .bind(id).fetch_one(app.store().reader()).await.unwrap();
        assert_eq!(expires_at, ends, "midnight after the deadline in Auckland");
        // One second before: still open.
        app.state.app().clock().advance(ends - 1 - app.state.now());
        app.run_jobs().await;
        assert_eq!(offer_state(&app, id).await.0, "sent");
        let letter = seen_letter(&hired.browser, id).await;
        // At the deadline the job expires it and tells both sides.
        app.state.app().clock().advance(2);
        app.run_jobs().await;
        assert_eq!(offer_state(&app, id).await.0, "expired");
        let expired = app.store().messages_to(&hired.email).await.unwrap();
        assert!(expired.iter().any(|m| m.template == "offer_expired"));
        let recruiter_mail: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE template = 'offer_news' AND subject LIKE '%expired%'")
            .fetch_one(app.store().reader()).await.unwrap();
        assert_eq!(recruiter_mail, 1);
        let response = hired.browser.post_form(&format!("/offers/{id}"), &format!("/offers/{id}/accept"),
            &[("letter", &letter), ("signature", "Ada Lovelace")]).await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
        // An extension sends a new letter; answering the old one is refused.
        let later = (app.state.app().now_utc() + chrono::Duration::days(5)).format("%Y-%m-%d").to_string();
        let response = staff.recruiter.post_form(&format!("/staff/offers/{id}"), &format!("/staff/offers/{id}/extend"), &[("deadline", &later)]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(offer_state(&app, id).await.0, "sent");
        let response = hired.browser.post_form(&format!("/offers/{id}"), &format!("/offers/{id}/accept"),
            &[("letter", &letter), ("signature", "Ada Lovelace")]).await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
        assert!(response.text().await.unwrap().contains("The letter changed since you opened it."));
        // The old deadline's job, run again, leaves the extended offer alone.
        let expire = cohort_app::offers::ExpireOffer { offer_id: id, expires_at };
        let mut tx = app.store().begin().await.unwrap();
        cohort_app::jobs::enqueue(&mut tx, &expire, app.state.now()).await.unwrap();
        Store::commit(tx).await.unwrap();
        app.run_jobs().await;
        assert_eq!(offer_state(&app, id).await.0, "sent");
        let fresh = seen_letter(&hired.browser, id).await;
        assert_ne!(fresh, letter);
        let response = hired.browser.post_form(&format!("/offers/{id}"), &format!("/offers/{id}/accept"),
            &[("letter", &fresh), ("signature", "Ada Lovelace")]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(offer_state(&app, id).await.0, "accepted");
    }
);

both!(
    a_rescinded_offer_cannot_be_accepted_and_closes_the_application,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let staff = staff(&app, season.season_id).await;
        let hired = at_offer(&app, season.season_id, season.open[0], "Ada Lovelace").await;
        let id = sent_offer(&app, &staff, &hired, season.open[0]).await;
        let letter = seen_letter(&hired.browser, id).await;
        let response = staff
            .recruiter
            .post_form(
                &format!("/staff/offers/{id}"),
                &format!("/staff/offers/{id}/rescind"),
                &[("reason", "")],
            )
            .await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "a reason is needed"
        );
        let response = staff
            .manager
            .post_form(
                &format!("/staff/offers/{id}"),
                &format!("/staff/offers/{id}/rescind"),
                &[("reason", "Budget")],
            )
            .await;
        assert_eq!(
            response.status(),
            StatusCode::FORBIDDEN,
            "hiring managers do not rescind"
        );
        let response = staff
            .recruiter
            .post_form(
                &format!("/staff/offers/{id}"),
                &format!("/staff/offers/{id}/rescind"),
                &[("reason", "Headcount withdrawn by finance.")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let response = hired
            .browser
            .post_form(
                &format!("/offers/{id}"),
                &format!("/offers/{id}/accept"),
                &[("letter", &letter), ("signature", "Ada Lovelace")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
        assert!(response
            .text()
            .await
            .unwrap()
            .contains("This offer was withdrawn"));
        assert_eq!(offer_state(&app, id).await.0, "rescinded");
        let record = app.store().application(hired.application_id).await.unwrap();
        assert_eq!(record.stage(), Stage::Rejected);
        let code: String = sqlx::query_scalar("SELECT reason_code FROM stage_transitions WHERE application_id = $1 AND to_stage = 'rejected'")
            .bind(hired.application_id).fetch_one(app.store().reader()).await.unwrap();
        assert_eq!(code, "offer_rescinded");
        assert!(app
            .store()
            .messages_to(&hired.email)
            .await
            .unwrap()
            .iter()
            .any(|m| m.template == "offer_rescinded"));
    }
);

both!(
    declining_records_the_reason_and_closes_the_application_as_declined,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let staff = staff(&app, season.season_id).await;
        let hired = at_offer(&app, season.season_id, season.open[0], "Ada Lovelace").await;
        let id = sent_offer(&app, &staff, &hired, season.open[0]).await;
        let letter = seen_letter(&hired.browser, id).await;
        let response = hired
            .browser
            .post_form(
                &format!("/offers/{id}"),
                &format!("/offers/{id}/decline"),
                &[("letter", &letter), ("reason", "pay-too-low")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        let response = hired
            .browser
            .post_form(
                &format!("/offers/{id}"),
                &format!("/offers/{id}/decline"),
                &[
                    ("letter", &letter),
                    ("reason", "another_offer"),
                    ("note", "Going to grad school."),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let (state, reason, note): (String, String, String) =
            sqlx::query_as("SELECT state, decline_reason, decline_note FROM offers WHERE id = $1")
                .bind(id)
                .fetch_one(app.store().reader())
                .await
                .unwrap();
        assert_eq!(
            (state.as_str(), reason.as_str(), note.as_str()),
            ("declined", "another_offer", "Going to grad school.")
        );
        let code: String = sqlx::query_scalar("SELECT reason_code FROM stage_transitions WHERE application_id = $1 AND to_stage = 'rejected'")
            .bind(hired.application_id).fetch_one(app.store().reader()).await.unwrap();
        assert_eq!(code, "offer_declined");
        let (_, html) = staff
            .recruiter
            .get_text(&format!("/staff/offers/{id}"))
            .await;
        assert!(html.contains("I chose another offer: Going to grad school."));
        let (_, html) = staff
            .recruiter
            .get_text(&format!("/staff/applications/{}", hired.application_id))
            .await;
        assert!(html.contains("Declined the offer"));
    }
);

both!(
    money_keeps_every_minor_unit_in_yen_and_dinars_on_the_page_in_the_letter_and_in_its_pdf,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let staff = staff(&app, season.season_id).await;
        // Pay bands in two currencies without two decimals, through the setup form.
        let tracks: Vec<(i64, String)> =
            sqlx::query_as("SELECT id, name FROM tracks WHERE season_id = $1")
                .bind(season.season_id)
                .fetch_all(app.store().reader())
                .await
                .unwrap();
        let software = tracks
            .iter()
            .find(|t| t.1 == "Software Development")
            .unwrap()
            .0;
        let mut tx = app.store().begin().await.unwrap();
        let tokyo =
            Store::create_location(&mut tx, season.season_id, "Tokyo", "Japan", "Asia/Tokyo")
                .await
                .unwrap();
        let kuwait = Store::create_location(
            &mut tx,
            season.season_id,
            "Kuwait City",
            "Kuwait",
            "Asia/Kuwait",
        )
        .await
        .unwrap();
        let now = app.state.now();
        let mut openings = Vec::new();
        for (location, title) in [
            (tokyo, "SDE Intern, Tokyo"),
            (kuwait, "SDE Intern, Kuwait City"),
        ] {
            openings.push(
                Store::create_opening(
                    &mut tx,
                    &cohort_store::seasons::NewOpening {
                        season_id: season.season_id,
                        track_id: software,
                        location_id: location,
                        title,
                        headcount: 3,
                        opens_at: now - 3600,
                        closes_at: now + 86_400 * 30,
                        description_md: "",
                    },
                    now,
                )
                .await
                .unwrap(),
            );
        }
        Store::commit(tx).await.unwrap();
        let setup = format!("/staff/seasons/{}/setup?section=pay", season.season_id);
        let action = format!("/staff/seasons/{}/pay-bands", season.season_id);
        for (location, currency, monthly, top, housing) in [
            (tokyo, "JPY", "450,000", "500000", "120000"),
            (kuwait, "KWD", "1250.125", "1300.5", "300.250"),
        ] {
            let response = staff
                .recruiter
                .post_form(
                    &setup,
                    &action,
                    &[
                        ("track", &software.to_string()),
                        ("location", &location.to_string()),
                        ("monthly_pay", monthly),
                        ("monthly_pay_max", top),
                        ("housing_stipend", housing),
                        ("relocation", "0"),
                        ("sign_on_max", "0"),
                        ("currency", currency),
                    ],
                )
                .await;
            assert!(
                response.status().is_redirection() || response.status() == StatusCode::OK,
                "{currency}: {}",
                response.status()
            );
        }
        let refused = staff
            .recruiter
            .post_form(
                &setup,
                &action,
                &[
                    ("track", &software.to_string()),
                    ("location", &tokyo.to_string()),
                    ("monthly_pay", "450000.5"),
                    ("housing_stipend", "0"),
                    ("relocation", "0"),
                    ("currency", "JPY"),
                ],
            )
            .await;
        assert!(refused
            .text()
            .await
            .unwrap()
            .contains("JPY has no minor unit"));
        let bands: Vec<(String, i64, i64, i64)> = sqlx::query_as(
            "SELECT currency, monthly_pay_minor, monthly_pay_max_minor, housing_stipend_minor FROM pay_bands WHERE location_id IN ($1, $2) ORDER BY currency",
        ).bind(tokyo).bind(kuwait).fetch_all(app.store().reader()).await.unwrap();
        assert_eq!(
            bands,
            vec![
                ("JPY".to_owned(), 450_000, 500_000, 120_000),
                ("KWD".to_owned(), 1_250_125, 1_300_500, 300_250),
            ]
        );
        for (opening, currency, monthly, shown) in [
            (openings[0], "JPY", "450000", "450,000 JPY"),
            (openings[1], "KWD", "1,250.125", "1,250.125 KWD"),
        ] {
            let hired = at_offer(
                &app,
                season.season_id,
                opening,
                &format!("Candidate {currency}"),
            )
            .await;
            let mut fields = terms(opening, monthly, &in_days(&app, 7));
            fields[3].1 = currency.into();
            fields[6].1 = if currency == "JPY" {
                "120000".into()
            } else {
                "300.25".into()
            };
            fields[7].1 = "0".into();
            let id = draft(&staff.recruiter, hired.application_id, &fields).await;
            act(&app, &staff.recruiter, id, "submit", &[]).await;
            act(
                &app,
                &staff.manager,
                id,
                "decide",
                &[("decision", "approve")],
            )
            .await;
            assert_eq!(
                offer_state(&app, id).await.0,
                "approved",
                "{currency} is within its band"
            );
            act(&app, &staff.recruiter, id, "send", &[]).await;
            let (_, page) = hired.browser.get_text(&format!("/offers/{id}")).await;
            assert!(page.contains(shown), "{shown} on the page");
            let pdf = hired.browser.get(&format!("/offers/{id}/letter.pdf")).await;
            assert_eq!(pdf.headers()["content-type"], "application/pdf");
            let bytes = pdf.bytes().await.unwrap();
            let text = pdf_extract::extract_text_from_mem(&bytes).unwrap();
            let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
            for expected in [
                shown,
                "1 June 2027 to 23 August 2027 (12 weeks)",
                "Dear Candidate",
                &format!(
                    "SDE Intern, {}",
                    if currency == "JPY" {
                        "Tokyo"
                    } else {
                        "Kuwait City"
                    }
                ),
            ] {
                assert!(flat.contains(expected), "{expected:?} in the PDF: {flat}");
            }
            let hash: String = sqlx::query_scalar("SELECT letter_sha256 FROM offers WHERE id = $1")
                .bind(id)
                .fetch_one(app.store().reader())
                .await
                .unwrap();
            assert!(flat.contains(&hash), "the PDF names its letter's hash");
        }
    }
);

both!(
    only_the_candidate_sees_their_offer_interviewers_see_none_and_every_write_needs_its_role_and_a_csrf_token,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let staff = staff(&app, season.season_id).await;
        let hired = at_offer(&app, season.season_id, season.open[0], "Ada Lovelace").await;
        let other = at_offer(&app, season.season_id, season.open[0], "Grace Hopper").await;
        let id = draft(&staff.recruiter, hired.application_id, &terms(season.open[0], "9500", &in_days(&app, 10))).await;
        // A draft is not the candidate's to see.
        assert_eq!(hired.browser.get(&format!("/offers/{id}")).await.status(), StatusCode::NOT_FOUND);
        act(&app, &staff.recruiter, id, "submit", &[]).await;
        act(&app, &staff.manager, id, "decide", &[("decision", "approve")]).await;
        act(&app, &staff.recruiter, id, "send", &[]).await;
        let anonymous = app.browser();
        let pages = [
            format!("/staff/offers/{id}"),
            format!("/staff/offers/{id}/letter.pdf"),
            format!("/staff/seasons/{}/offers", season.season_id),
            "/staff/offers/approvals".to_owned(),
            format!("/staff/applications/{}/offer", other.application_id),
        ];
        for page in &pages {
            assert_eq!(staff.recruiter.get(page).await.status(), StatusCode::OK, "recruiter {page}");
            assert_eq!(staff.manager.get(page).await.status(), StatusCode::OK, "hiring manager {page}");
            assert_eq!(staff.interviewer.get(page).await.status(), StatusCode::FORBIDDEN, "interviewer {page}");
            assert_eq!(hired.browser.get(page).await.status(), StatusCode::FORBIDDEN, "candidate {page}");
            let response = anonymous.get(page).await;
            assert_eq!(response.status(), StatusCode::SEE_OTHER, "anonymous {page}");
            assert!(response.headers()["location"].to_str().unwrap().starts_with("/login"), "anonymous {page}");
        }
        let settings = format!("/staff/seasons/{}/offers/settings", season.season_id);
        assert_eq!(staff.admin.get(&settings).await.status(), StatusCode::OK);
        for browser in [&staff.recruiter, &staff.manager, &staff.interviewer, &hired.browser] {
            assert_eq!(browser.get(&settings).await.status(), StatusCode::FORBIDDEN);
        }
        for path in [format!("/offers/{id}"), format!("/offers/{id}/letter.pdf")] {
            assert_eq!(hired.browser.get(&path).await.status(), StatusCode::OK);
            assert_eq!(other.browser.get(&path).await.status(), StatusCode::NOT_FOUND, "another candidate");
            assert_eq!(staff.recruiter.get(&path).await.status(), StatusCode::FORBIDDEN, "staff use their own page");
            assert_eq!(staff.interviewer.get(&path).await.status(), StatusCode::FORBIDDEN);
        }
        // Writes: a hiring manager and an interviewer cannot draft, send, extend or rescind.
        let draft_page = format!("/staff/applications/{}/offer", other.application_id);
        for browser in [&staff.manager, &staff.interviewer] {
            let response = post(browser, &draft_page, &draft_page, &terms(season.open[0], "9500", &in_days(&app, 10))).await;
            assert!(response.status() == StatusCode::FORBIDDEN, "{}", response.status());
        }
        for (action, fields) in [("extend", vec![("deadline", "2027-05-01")]), ("rescind", vec![("reason", "x")])] {
            let response = staff.manager.post_form(&format!("/staff/offers/{id}"), &format!("/staff/offers/{id}/{action}"), &fields).await;
            assert_eq!(response.status(), StatusCode::FORBIDDEN, "{action}");
        }
        // Another candidate cannot answer it, and no write goes through without a CSRF token.
        let letter = seen_letter(&hired.browser, id).await;
        let response = other.browser.post_form("/me", &format!("/offers/{id}/accept"), &[("letter", &letter), ("signature", "Ada Lovelace")]).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        let response = hired.browser.client.post(hired.browser.url(&format!("/offers/{id}/accept")))
            .form(&[("letter", letter.as_str()), ("signature", "Ada Lovelace")]).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "no CSRF token");
        let response = staff.recruiter.client.post(staff.recruiter.url(&format!("/staff/offers/{id}/rescind")))
            .form(&[("reason", "x")]).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "no CSRF token");
        assert_eq!(offer_state(&app, id).await.0, "sent");
        // Nobody reached the offer's page from an interviewer's navigation either.
        let (_, html) = staff.interviewer.get_text("/interviewer/interviews").await;
        assert!(!html.contains("/staff/offers"));
    }
);

both!(
    an_administrator_edits_the_letter_and_the_chain_and_a_template_naming_an_unknown_field_is_refused,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let staff = staff(&app, season.season_id).await;
        let settings = format!("/staff/seasons/{}/offers/settings", season.season_id);
        let letter = format!("/staff/seasons/{}/offers/letter", season.season_id);
        let response = staff.admin.post_form(&settings, &letter, &[("markdown", "Hello {{salary}}")]).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(response.text().await.unwrap().contains("which is not a field"));
        assert_eq!(app.count("offer_letter_templates").await, 0);
        let response = staff.recruiter.post_form("/staff", &letter, &[("markdown", "# Hi {{candidate_name}}")]).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        let response = staff.admin.post_form(&settings, &letter, &[("markdown", "# Welcome, {{candidate_name}}\r\n\r\nYou earn **{{monthly_pay}}** a month. [Benefits](javascript:alert(1))")]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        // A chain with no steps: offers are approved on submission.
        let chain = format!("/staff/seasons/{}/offers/chain", season.season_id);
        let response = staff.admin.post_form(&settings, &chain, &[("approver", ""), ("applies", "always")]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let hired = at_offer(&app, season.season_id, season.open[0], "Ada Lovelace").await;
        let id = draft(&staff.recruiter, hired.application_id, &terms(season.open[0], "9500", &in_days(&app, 10))).await;
        act(&app, &staff.recruiter, id, "submit", &[]).await;
        assert_eq!(offer_state(&app, id).await.0, "approved");
        act(&app, &staff.recruiter, id, "send", &[]).await;
        let (_, html) = hired.browser.get_text(&format!("/offers/{id}")).await;
        assert!(html.contains("<h2>Welcome, Ada Lovelace</h2>"), "{html}");
        assert!(html.contains("<strong>9,500 USD</strong>"));
        assert!(!html.contains("javascript:"), "a script link in the template is dropped from the page");
        // A repeated approver is refused.
        let response = staff.admin.post_form(&settings, &chain, &[("approver", "hiring_manager"), ("applies", "always"), ("approver", "hiring_manager"), ("applies", "exception")]).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
);

both!(
    drafting_in_bulk_makes_one_offer_per_hire_decision_from_its_band_and_skips_openings_without_one,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let staff = staff(&app, season.season_id).await;
        for name in ["Ada Lovelace", "Grace Hopper", "Alan Turing"] {
            at_offer(&app, season.season_id, season.open[0], name).await;
        }
        // London's data science opening has no band.
        at_offer(&app, season.season_id, season.open[1], "Edsger Dijkstra").await;
        let list = format!("/staff/seasons/{}/offers", season.season_id);
        let (_, html) = staff.recruiter.get_text(&list).await;
        assert!(html.contains("4 hire decisions have no offer yet."));
        let response = staff
            .manager
            .post_form(&list, &format!("{list}/draft-all"), &[])
            .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        let response = staff
            .recruiter
            .post_form(&list, &format!("{list}/draft-all"), &[])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(app.count("offers").await, 3);
        // Pressed twice, nothing more.
        staff
            .recruiter
            .post_form(&list, &format!("{list}/draft-all"), &[])
            .await;
        assert_eq!(app.count("offers").await, 3);
        let pays: Vec<i64> = sqlx::query_scalar("SELECT monthly_pay_minor FROM offers")
            .fetch_all(app.store().reader())
            .await
            .unwrap();
        assert!(pays.iter().all(|p| *p == 950_000));
    }
);

/// Applies the migrations numbered up to `last` (or all) of `dialect` to `url`.
async fn migrate(url: &str, dialect: &str, last: Option<i64>) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../cohort-store/migrations")
        .join(dialect);
    let mut migrator = sqlx::migrate::Migrator::new(dir).await.unwrap();
    if let Some(last) = last {
        let kept: Vec<_> = migrator
            .migrations
            .iter()
            .filter(|m| m.version <= last)
            .cloned()
            .collect();
        migrator.migrations = kept.into();
    }
    let pool = sqlx::AnyPool::connect(url).await.unwrap();
    migrator.run(&pool).await.unwrap();
    pool.close().await;
}

/// Bands stored before currencies had their own decimals held hundredths of every currency; the
/// migration that gives bands a range rescales them, exactly.
async fn bands_in_hundredths_are_rescaled_to_each_currencys_minor_unit(url: &str, dialect: &str) {
    sqlx::any::install_default_drivers();
    migrate(url, dialect, Some(33)).await;
    let pool = sqlx::AnyPool::connect(url).await.unwrap();
    let season: i64 = sqlx::query_scalar("INSERT INTO seasons (name, program_start, program_end, created_at) VALUES ('S', '2027-06-01', '2027-08-23', 0) RETURNING id")
        .fetch_one(&pool).await.unwrap();
    let track: i64 = sqlx::query_scalar(
        "INSERT INTO tracks (season_id, name, position) VALUES ($1, 'SDE', 0) RETURNING id",
    )
    .bind(season)
    .fetch_one(&pool)
    .await
    .unwrap();
    // Before: "450000" yen, "1250.12" dinars, "2.5" UF and "8500.5" dollars, as hundredths.
    for (city, currency, monthly) in [
        ("Tokyo", "JPY", 45_000_000_i64),
        ("Kuwait", "KWD", 125_012),
        ("Santiago", "CLF", 250),
        ("Seattle", "USD", 850_050),
    ] {
        let location: i64 = sqlx::query_scalar("INSERT INTO locations (season_id, city, country, time_zone) VALUES ($1, $2, 'X', 'UTC') RETURNING id")
            .bind(season).bind(city).fetch_one(&pool).await.unwrap();
        sqlx::query("INSERT INTO pay_bands (track_id, location_id, monthly_pay_minor, housing_stipend_minor, relocation_minor, currency) VALUES ($1, $2, $3, $3, 0, $4)")
            .bind(track).bind(location).bind(monthly).bind(currency).execute(&pool).await.unwrap();
    }
    pool.close().await;
    migrate(url, dialect, None).await;
    let pool = sqlx::AnyPool::connect(url).await.unwrap();
    let bands: Vec<(String, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT currency, monthly_pay_minor, monthly_pay_max_minor, housing_stipend_minor, sign_on_max_minor FROM pay_bands ORDER BY currency",
    ).fetch_all(&pool).await.unwrap();
    assert_eq!(
        bands,
        vec![
            ("CLF".to_owned(), 25_000, 25_000, 25_000, 0),
            ("JPY".to_owned(), 450_000, 450_000, 450_000, 0),
            ("KWD".to_owned(), 1_250_120, 1_250_120, 1_250_120, 0),
            ("USD".to_owned(), 850_050, 850_050, 850_050, 0),
        ]
    );
    pool.close().await;
}

#[tokio::test]
async fn pay_bands_stored_in_hundredths_are_rescaled_to_each_currencys_decimals_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("old.db").display());
    bands_in_hundredths_are_rescaled_to_each_currencys_minor_unit(&url, "sqlite").await;
}

#[tokio::test]
async fn pay_bands_stored_in_hundredths_are_rescaled_to_each_currencys_decimals_on_postgres() {
    let name = format!(
        "cohort_upgrade_{}_{}",
        std::process::id(),
        rand::random::<u32>()
    );
    let admin = sqlx::PgPool::connect(POSTGRES_ADMIN_URL).await.unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&admin)
        .await
        .unwrap();
    bands_in_hundredths_are_rescaled_to_each_currencys_minor_unit(
        &format!("postgres://postgres@127.0.0.1:5432/{name}"),
        "postgres",
    )
    .await;
    sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .execute(&admin)
        .await
        .unwrap();
}

both!(
    a_withdrawal_closes_the_open_offer_so_it_can_no_longer_be_accepted,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let staff = staff(&app, season.season_id).await;
        let hired = at_offer(&app, season.season_id, season.open[0], "Ada Lovelace").await;
        let id = sent_offer(&app, &staff, &hired, season.open[0]).await;
        let letter = seen_letter(&hired.browser, id).await;
        let response = hired
            .browser
            .post_form(
                "/me",
                &format!("/me/applications/{}/withdraw", hired.application_id),
                &[],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(offer_state(&app, id).await.0, "rescinded");
        let response = hired
            .browser
            .post_form(
                "/me",
                &format!("/offers/{id}/accept"),
                &[("letter", &letter), ("signature", "Ada Lovelace")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
        let candidate_id = app
            .store()
            .user_by_email(&hired.email)
            .await
            .unwrap()
            .unwrap()
            .id;
        assert!(!app
            .store()
            .roles_of(candidate_id)
            .await
            .unwrap()
            .contains(&Role::Intern));
        assert_eq!(app.count("onboarding_tasks").await, 0);
    }
);

both!(
    an_offer_keeps_the_approval_chain_it_was_submitted_under_when_an_administrator_edits_the_chain,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let staff = staff(&app, season.season_id).await;
        let hired = at_offer(&app, season.season_id, season.open[0], "Ada Lovelace").await;
        let mut fields = terms(season.open[0], "11000", &in_days(&app, 10));
        fields[11].1 = "Competing offer.".into();
        let id = draft(&staff.recruiter, hired.application_id, &fields).await;
        act(&app, &staff.recruiter, id, "submit", &[]).await;
        // The administrator puts the recruiting lead first and drops the hiring manager.
        let settings = format!("/staff/seasons/{}/offers/settings", season.season_id);
        let chain = format!("/staff/seasons/{}/offers/chain", season.season_id);
        let response = staff
            .admin
            .post_form(
                &settings,
                &chain,
                &[("approver", "recruiting_lead"), ("applies", "always")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        // The offer still waits for its own first step, the hiring manager, then the lead.
        let response = act(&app, &staff.admin, id, "decide", &[("decision", "approve")]).await;
        assert_eq!(
            response.status(),
            StatusCode::FORBIDDEN,
            "the lead's step is the second"
        );
        act(
            &app,
            &staff.manager,
            id,
            "decide",
            &[("decision", "approve")],
        )
        .await;
        assert_eq!(offer_state(&app, id).await.0, "awaiting_approval");
        act(&app, &staff.admin, id, "decide", &[("decision", "approve")]).await;
        assert_eq!(offer_state(&app, id).await.0, "approved");
    }
);
