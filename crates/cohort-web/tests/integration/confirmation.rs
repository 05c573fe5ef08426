//! Proving an address: sign-up mails a confirmation link, an unconfirmed account can sign in
//! but neither apply nor hold a staff role, and an invitation cannot hand a stranger's account
//! staff roles.

use crate::both;
use crate::helpers::*;
use cohort_domain::Role;
use reqwest::StatusCode;

/// The body of a page with every occurrence of `email` replaced, to compare two answers.
fn without(page: &str, email: &str) -> String {
    page.replace(email, "ADDRESS")
        .lines()
        .filter(|line| !line.contains("name=\"csrf\""))
        .collect::<Vec<_>>()
        .join("\n")
}

both!(
    signing_up_with_a_taken_address_answers_as_for_a_new_one_and_mails_the_owner,
    |app: TestApp| async move {
        let (_, taken) = app.candidate("Ada Lovelace").await;
        let stranger = app.browser();
        let response = stranger.sign_up("Someone Else", &taken, PASSWORD).await;
        assert_eq!(response.status(), StatusCode::OK);
        let for_taken = response.text().await.unwrap();
        assert!(for_taken.contains("Check your email"), "{for_taken}");
        assert!(
            !for_taken.contains("An account with this email already exists"),
            "{for_taken}"
        );

        let fresh = "fresh.person@example.edu";
        let response = app.browser().sign_up("Fresh Person", fresh, PASSWORD).await;
        assert_eq!(response.status(), StatusCode::OK);
        let for_fresh = response.text().await.unwrap();
        assert_eq!(without(&for_taken, &taken), without(&for_fresh, fresh));

        // One account for the taken address, whose owner hears about the attempt.
        let messages = app.store().messages_to(&taken).await.unwrap();
        assert_eq!(messages[0].template, "signup_existing_account");
        assert!(messages[0].body.contains("/password/forgot"));
        assert_eq!(app.count("users").await, 2);
        // Neither sign-up started a session.
        assert_eq!(stranger.get("/me").await.status(), StatusCode::SEE_OTHER);
    }
);

both!(
    an_unconfirmed_account_can_sign_in_but_can_apply_only_after_confirming_with_its_password,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let email = "grace@example.edu";
        let browser = app.browser();
        browser.sign_up("Grace Hopper", email, PASSWORD).await;
        assert_eq!(browser.get("/me").await.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            browser.login(email, PASSWORD).await.status(),
            StatusCode::SEE_OTHER
        );
        let (status, page) = browser.get_text("/me").await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("Confirm your email address"), "{page}");

        // The form is not offered, and a submission made anyway is refused and stores nothing.
        let form = browser
            .get(&format!("/apply?season={}", season.season_id))
            .await;
        assert_eq!(form.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            form.headers()["location"].to_str().unwrap(),
            "/me?notice=confirm-first"
        );
        let csrf = browser.csrf("/me").await;
        let refused = browser
            .apply_with_csrf(
                &ApplicationFields::new(season.season_id, vec![season.open[0]]),
                &csrf,
            )
            .await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        assert!(refused
            .text()
            .await
            .unwrap()
            .contains("Confirm your email address before you apply"));
        assert_eq!(app.count("applications").await, 0);

        // The link alone is not enough: it needs the account's password too.
        let wrong = app
            .confirm_address(&app.browser(), email, "not the password")
            .await;
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
        let user = app.store().user_by_email(email).await.unwrap().unwrap();
        assert!(user.email_confirmed_at.is_none());

        let confirmed = app.confirm_address(&browser, email, PASSWORD).await;
        assert_eq!(confirmed.status(), StatusCode::SEE_OTHER);
        let (_, page) = browser.get_text("/me?notice=confirmed").await;
        assert!(page.contains("Your email address is confirmed."), "{page}");
        assert!(!page.contains("Send the link again"), "{page}");
        let applied = browser
            .apply(&ApplicationFields::new(
                season.season_id,
                vec![season.open[0]],
            ))
            .await;
        assert_eq!(applied.status(), StatusCode::SEE_OTHER);
        assert_eq!(app.count("applications").await, 1);

        // A used link does not work again.
        let again = app.confirm_address(&app.browser(), email, PASSWORD).await;
        assert_eq!(again.status(), StatusCode::GONE);
    }
);

both!(
    a_new_confirmation_link_voids_the_older_ones_and_sending_is_limited,
    |app: TestApp| async move {
        let email = "katherine@example.edu";
        let browser = app.browser();
        browser.sign_up("Katherine Johnson", email, PASSWORD).await;
        let first = app.link_in_last_message(email, "/account/confirm?").await;
        browser.login(email, PASSWORD).await;
        let response = browser
            .post_form("/me", "/account/confirm/resend", &[])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let second = app.link_in_last_message(email, "/account/confirm?").await;
        assert_ne!(first, second);
        let (_, page) = browser.get_text(&first).await;
        assert!(page.contains("expired or was already used"), "{page}");

        // The sign-up and two more sends fill the allowance; the next is refused.
        for _ in 0..(cohort_web::routes::account::MAX_ACCOUNT_MAILS - 2) {
            let response = browser
                .post_form("/me", "/account/confirm/resend", &[])
                .await;
            assert_eq!(response.status(), StatusCode::SEE_OTHER);
        }
        let sent = app.store().messages_to(email).await.unwrap().len();
        let refused = browser
            .post_form("/me", "/account/confirm/resend", &[])
            .await;
        assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(app.store().messages_to(email).await.unwrap().len(), sent);
    }
);

both!(
    an_unconfirmed_account_holds_no_staff_role_even_when_one_is_granted,
    |app: TestApp| async move {
        let email = "claimed@example.com";
        let stranger = app.browser();
        stranger.sign_up("Stranger", email, PASSWORD).await;
        stranger.login(email, PASSWORD).await;
        let user = app.store().user_by_email(email).await.unwrap().unwrap();
        let mut tx = app.store().begin().await.unwrap();
        cohort_store::Store::grant_roles(&mut tx, user.id, &[Role::Administrator])
            .await
            .unwrap();
        cohort_store::Store::commit(tx).await.unwrap();
        assert_eq!(stranger.get("/admin").await.status(), StatusCode::FORBIDDEN);
        assert_eq!(stranger.get("/staff").await.status(), StatusCode::FORBIDDEN);
    }
);

/// An administrator invites `email` as a recruiter; returns the invitation's token.
async fn invite_recruiter(app: &TestApp, email: &str) -> String {
    let admin = app.signed_in(Role::Administrator).await;
    let response = admin
        .post_form(
            "/admin",
            "/admin/invitations",
            &[
                ("email", email),
                ("name", "Real Owner"),
                ("roles", "recruiter"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let link = app
        .link_in_last_message(email, "/invitations/accept?")
        .await;
    link.split("token=").nth(1).unwrap().to_owned()
}

both!(
    an_invitation_to_an_address_a_stranger_signed_up_with_never_gives_the_stranger_staff_roles,
    |app: TestApp| async move {
        let email = "new.recruiter@example.com";
        let stranger = app.browser();
        stranger
            .sign_up("Stranger", email, "the stranger's password")
            .await;
        stranger.login(email, "the stranger's password").await;
        let token = invite_recruiter(&app, email).await;
        let invitation = format!("/invitations/accept?token={token}");

        // The owner, holding only the invitation, is asked to sign in as the account, and a
        // post without doing so grants nothing.
        let owner = app.browser();
        let (_, page) = owner.get_text(&invitation).await;
        assert!(page.contains("Sign in to accept"), "{page}");
        let response = owner
            .post_form(
                "/login",
                "/invitations/accept",
                &[
                    ("token", &token),
                    ("name", "Owner"),
                    ("password", "owner's new password"),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert!(response.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/login?next="));
        let user = app.store().user_by_email(email).await.unwrap().unwrap();
        assert_eq!(
            app.store().roles_of(user.id).await.unwrap(),
            vec![Role::Candidate]
        );

        // The owner takes the account back with a reset link from the mailbox, which ends the
        // stranger's session, then accepts.
        owner
            .post_form("/password/forgot", "/password/forgot", &[("email", email)])
            .await;
        let reset = app.link_in_last_message(email, "/password/reset?").await;
        let reset_token = reset.split("token=").nth(1).unwrap().to_owned();
        let response = owner
            .post_form(
                &reset,
                "/password/reset",
                &[
                    ("token", &reset_token),
                    ("password", "owner's new password"),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(stranger.get("/me").await.status(), StatusCode::SEE_OTHER);
        let (_, page) = owner.get_text(&invitation).await;
        assert!(page.contains("Accept the invitation"), "{page}");
        let response = owner
            .post_form("/signup", "/invitations/accept", &[("token", &token)])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(owner.get("/staff").await.status(), StatusCode::OK);
        assert_eq!(
            app.browser()
                .login(email, "the stranger's password")
                .await
                .status(),
            StatusCode::UNAUTHORIZED
        );
    }
);

both!(
    accepting_an_invitation_into_an_existing_account_ends_its_other_sessions,
    |app: TestApp| async move {
        let (laptop, email) = app.candidate("Former Intern").await;
        let phone = app.browser();
        phone.login(&email, PASSWORD).await;
        assert_eq!(phone.get("/me").await.status(), StatusCode::OK);
        let token = invite_recruiter(&app, &email).await;

        // Signed in as another account, the invitation is refused with the reason.
        let other = app.signed_in(Role::Interviewer).await;
        let refused = other
            .post_form("/signup", "/invitations/accept", &[("token", &token)])
            .await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        assert!(refused.text().await.unwrap().contains("Sign out"));

        let response = laptop
            .post_form("/signup", "/invitations/accept", &[("token", &token)])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(laptop.get("/staff").await.status(), StatusCode::OK);
        assert_eq!(phone.get("/me").await.status(), StatusCode::SEE_OTHER);
        let user = app.store().user_by_email(&email).await.unwrap().unwrap();
        assert_eq!(
            app.store().roles_of(user.id).await.unwrap(),
            vec![Role::Recruiter, Role::Candidate]
        );
    }
);

both!(
    fifty_simultaneous_sign_ups_and_confirmations_make_one_account_confirmed_once,
    |app: TestApp| async move {
        let email = "rush@example.edu";
        let browsers: Vec<Browser> = (0..50).map(|_| app.browser()).collect();
        let mut csrfs = Vec::new();
        for browser in &browsers {
            csrfs.push(browser.csrf("/signup").await);
        }
        let mut sign_ups = tokio::task::JoinSet::new();
        for (browser, csrf) in browsers.iter().zip(csrfs) {
            let request = browser.client.post(browser.url("/signup")).form(&[
                ("csrf", csrf.as_str()),
                ("name", "Rush"),
                ("email", email),
                ("password", PASSWORD),
            ]);
            sign_ups.spawn(async move { request.send().await.unwrap().status() });
        }
        for status in sign_ups.join_all().await {
            assert_eq!(status, StatusCode::OK);
        }
        assert_eq!(app.count("users").await, 1);

        let link = app.link_in_last_message(email, "/account/confirm?").await;
        let token = link.split("token=").nth(1).unwrap().to_owned();
        let browser = app.browser();
        browser.login(email, PASSWORD).await;
        let csrf = browser.csrf(&link).await;
        let mut confirmations = tokio::task::JoinSet::new();
        for _ in 0..50 {
            let request = browser
                .client
                .post(browser.url("/account/confirm"))
                .form(&[("csrf", csrf.as_str()), ("token", token.as_str())]);
            confirmations.spawn(async move { request.send().await.unwrap().status() });
        }
        let statuses = confirmations.join_all().await;
        assert_eq!(
            statuses
                .iter()
                .filter(|s| **s == StatusCode::SEE_OTHER)
                .count(),
            1,
            "{statuses:?}"
        );
        assert!(statuses
            .iter()
            .all(|s| *s == StatusCode::SEE_OTHER || *s == StatusCode::GONE));
    }
);
