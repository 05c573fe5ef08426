use crate::both;
use crate::helpers::*;
use cohort_domain::Role;
use reqwest::StatusCode;

/// The link a queued message carries, such as a reset or invitation link.
async fn link_in_last_message(app: &TestApp, recipient: &str, path: &str) -> String {
    let messages = app.store().messages_to(recipient).await.unwrap();
    let body = &messages.first().expect("a message was queued").body;
    let start = body.find(path).expect("the message has the link");
    body[start..].split_whitespace().next().unwrap().to_owned()
}

both!(
    a_wrong_password_is_refused_and_repeated_failures_are_throttled,
    |app: TestApp| async move {
        app.create_account("hopper@example.com", "Grace Hopper", &[Role::Recruiter])
            .await;
        let browser = app.browser();
        for _ in 0..5 {
            let response = browser
                .login("hopper@example.com", "not the password")
                .await;
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
            assert!(response
                .text()
                .await
                .unwrap()
                .contains("The email or password is not right."));
        }
        let throttled = browser.login("hopper@example.com", PASSWORD).await;
        assert_eq!(throttled.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(throttled
            .text()
            .await
            .unwrap()
            .contains("Too many failed sign-in attempts"));
        app.state.clock().advance(16 * 60);
        assert_eq!(
            browser.login("hopper@example.com", PASSWORD).await.status(),
            StatusCode::SEE_OTHER
        );
    }
);

both!(
    parallel_wrong_passwords_are_each_counted_before_checking_and_other_accounts_at_the_address_still_sign_in,
    |app: TestApp| async move {
        app.create_account("target@example.com", "Target Admin", &[Role::Administrator])
            .await;
        app.create_account("colleague@example.com", "A Colleague", &[Role::Recruiter])
            .await;
        let mut attempts = tokio::task::JoinSet::new();
        for _ in 0..16 {
            let browser = app.browser();
            attempts.spawn(async move {
                browser
                    .login("target@example.com", "a wrong guess")
                    .await
                    .status()
            });
        }
        let statuses = attempts.join_all().await;
        let checked = statuses
            .iter()
            .filter(|s| **s == StatusCode::UNAUTHORIZED)
            .count();
        let throttled = statuses
            .iter()
            .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
            .count();
        assert_eq!(checked, 5, "{statuses:?}");
        assert_eq!(throttled, 11, "{statuses:?}");
        assert_eq!(
            app.browser()
                .login("target@example.com", PASSWORD)
                .await
                .status(),
            StatusCode::TOO_MANY_REQUESTS,
            "the guessed account stays locked from this address"
        );
        // Someone else behind the same address is not locked out with it.
        assert_eq!(
            app.browser()
                .login("colleague@example.com", PASSWORD)
                .await
                .status(),
            StatusCode::SEE_OTHER
        );
    }
);

both!(
    a_stale_csrf_token_is_refused_and_nothing_changes,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let (browser, _) = app.candidate("Alan Turing").await;
        let stale = browser.csrf("/me").await;
        let response = browser
            .apply_with_csrf(
                &ApplicationFields::new(season.season_id, vec![season.open[0]]),
                "0123456789abcdef0123456789abcdef",
            )
            .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert!(response.text().await.unwrap().contains("The form expired"));
        let other = app.browser();
        let foreign = other.csrf("/login").await;
        assert_ne!(foreign, stale);
        let response = browser
            .client
            .post(browser.url("/logout/everywhere"))
            .form(&[("csrf", foreign.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert_eq!(app.count("applications").await, 0);
        assert_eq!(app.count("sessions").await, 1, "the session was not ended");
    }
);

both!(
    a_password_reset_link_works_once_ends_other_sessions_and_expires_after_an_hour,
    |app: TestApp| async move {
        let (old_browser, email) = app.candidate("Barbara Liskov").await;
        let anonymous = app.browser();
        let response = anonymous
            .post_form("/password/forgot", "/password/forgot", &[("email", &email)])
            .await;
        assert!(response
            .text()
            .await
            .unwrap()
            .contains("If an account exists"));
        let link = link_in_last_message(&app, &email, "http").await;
        let path = link
            .trim_start_matches(&format!("http://{}", app.address))
            .to_owned();
        let token = path.split("token=").nth(1).unwrap().to_owned();

        let response = anonymous
            .post_form(
                &path,
                "/password/reset",
                &[("token", &token), ("password", "a brand new password")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            old_browser.get("/me").await.status(),
            StatusCode::SEE_OTHER,
            "the old session was ended"
        );
        assert_eq!(
            app.browser()
                .login(&email, "a brand new password")
                .await
                .status(),
            StatusCode::SEE_OTHER
        );

        let reused = app
            .browser()
            .post_form(
                "/login",
                "/password/reset",
                &[("token", &token), ("password", "yet another password")],
            )
            .await;
        assert_eq!(reused.status(), StatusCode::GONE);
        assert!(reused
            .text()
            .await
            .unwrap()
            .contains("This link has expired or was already used."));
        assert_eq!(
            app.browser()
                .login(&email, "yet another password")
                .await
                .status(),
            StatusCode::UNAUTHORIZED
        );

        // A second link, left for more than an hour, no longer works.
        app.browser()
            .post_form("/password/forgot", "/password/forgot", &[("email", &email)])
            .await;
        let second = link_in_last_message(&app, &email, "http").await;
        let second_token = second.split("token=").nth(1).unwrap().to_owned();
        app.state.clock().advance(3601);
        let expired = app
            .browser()
            .post_form(
                "/login",
                "/password/reset",
                &[("token", &second_token), ("password", "too late password")],
            )
            .await;
        assert_eq!(expired.status(), StatusCode::GONE);
        assert_eq!(
            app.browser()
                .login(&email, "a brand new password")
                .await
                .status(),
            StatusCode::SEE_OTHER
        );
    }
);

both!(
    a_newer_reset_link_voids_the_older_ones_and_a_used_one_stays_used,
    |app: TestApp| async move {
        let (_, email) = app.candidate("Frances Allen").await;
        let request_link = || async {
            app.browser()
                .post_form("/password/forgot", "/password/forgot", &[("email", &email)])
                .await;
            let link = link_in_last_message(&app, &email, "http").await;
            link.split("token=").nth(1).unwrap().to_owned()
        };
        let reset_with = |token: String, password: &'static str| {
            let browser = app.browser();
            async move {
                browser
                    .post_form(
                        "/login",
                        "/password/reset",
                        &[("token", token.as_str()), ("password", password)],
                    )
                    .await
                    .status()
            }
        };
        let first = request_link().await;
        let second = request_link().await;
        assert_ne!(first, second);
        assert_eq!(
            reset_with(first, "the first link's password").await,
            StatusCode::GONE,
            "the older link stopped working when the newer one was sent"
        );
        let third = request_link().await;
        assert_eq!(
            reset_with(second, "the second link's password").await,
            StatusCode::GONE
        );
        assert_eq!(
            reset_with(third.clone(), "the third link's password").await,
            StatusCode::SEE_OTHER
        );
        assert_eq!(
            app.browser()
                .login(&email, "the third link's password")
                .await
                .status(),
            StatusCode::SEE_OTHER
        );
        assert_eq!(reset_with(third, "reused third").await, StatusCode::GONE);
    }
);

both!(
    a_reset_request_for_an_unknown_email_looks_the_same_and_sends_nothing,
    |app: TestApp| async move {
        let response = app
            .browser()
            .post_form(
                "/password/forgot",
                "/password/forgot",
                &[("email", "nobody@example.com")],
            )
            .await;
        assert!(response
            .text()
            .await
            .unwrap()
            .contains("If an account exists"));
        assert_eq!(app.count("outbox").await, 0);
    }
);

both!(
    signing_out_everywhere_ends_every_session_of_the_account,
    |app: TestApp| async move {
        app.create_account("liskov@example.com", "Barbara Liskov", &[Role::Recruiter])
            .await;
        let laptop = app.browser();
        let phone = app.browser();
        laptop.login("liskov@example.com", PASSWORD).await;
        phone.login("liskov@example.com", PASSWORD).await;
        assert_eq!(phone.get("/staff").await.status(), StatusCode::OK);
        let response = laptop
            .post_form("/account", "/logout/everywhere", &[])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(phone.get("/staff").await.status(), StatusCode::SEE_OTHER);
        assert_eq!(laptop.get("/staff").await.status(), StatusCode::SEE_OTHER);
    }
);

both!(
    an_invited_colleague_sets_a_password_and_gets_the_invited_roles_once,
    |app: TestApp| async move {
        let admin = app.signed_in(Role::Administrator).await;
        let response = admin
            .post_form(
                "/admin",
                "/admin/invitations",
                &[
                    ("email", "new.recruiter@example.com"),
                    ("name", "Nia Recruiter"),
                    ("roles", "recruiter"),
                    ("roles", "interviewer"),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let link = link_in_last_message(&app, "new.recruiter@example.com", "http").await;
        let token = link.split("token=").nth(1).unwrap().to_owned();
        let invitee = app.browser();
        let (_, page) = invitee
            .get_text(&format!("/invitations/accept?token={token}"))
            .await;
        assert!(page.contains("Recruiter, Interviewer"), "{page}");
        let response = invitee
            .post_form(
                "/login",
                "/invitations/accept",
                &[
                    ("token", &token),
                    ("name", "Nia Recruiter"),
                    ("password", "a good long password"),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(invitee.get("/staff").await.status(), StatusCode::OK);
        let user = app
            .store()
            .user_by_email("new.recruiter@example.com")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            app.store().roles_of(user.id).await.unwrap(),
            vec![Role::Recruiter, Role::Interviewer]
        );

        let again = app
            .browser()
            .post_form(
                "/login",
                "/invitations/accept",
                &[
                    ("token", &token),
                    ("name", "Mallory"),
                    ("password", "another long password"),
                ],
            )
            .await;
        assert_eq!(again.status(), StatusCode::CONFLICT);
        assert_eq!(
            app.browser()
                .login("new.recruiter@example.com", "another long password")
                .await
                .status(),
            StatusCode::UNAUTHORIZED
        );
    }
);

both!(
    an_invitation_with_no_role_is_refused,
    |app: TestApp| async move {
        let admin = app.signed_in(Role::Administrator).await;
        let response = admin
            .post_form(
                "/admin",
                "/admin/invitations",
                &[("email", "x@example.com"), ("name", "X")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(response
            .text()
            .await
            .unwrap()
            .contains("Choose at least one staff role."));
        assert_eq!(app.count("invitations").await, 0);
    }
);

both!(
    many_failures_from_one_address_throttle_every_account_from_it,
    |app: TestApp| async move {
        app.create_account("victim@example.com", "Victim", &[Role::Recruiter])
            .await;
        let browser = app.browser();
        for index in 0..cohort_web::routes::account::MAX_FAILURES_PER_ADDRESS {
            let response = browser
                .login(&format!("guess{index}@example.com"), "not the password")
                .await;
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        }
        let response = browser.login("victim@example.com", PASSWORD).await;
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(app.count("sessions").await, 0);
    }
);

/// Signs in with `X-Forwarded-For: forwarded_for`.
async fn login_via(
    browser: &Browser,
    forwarded_for: &str,
    email: &str,
    password: &str,
) -> StatusCode {
    let csrf = browser.csrf("/login").await;
    browser
        .client
        .post(browser.url("/login"))
        .header("x-forwarded-for", forwarded_for)
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", email),
            ("password", password),
        ])
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_trusted_proxy_the_throttle_counts_the_forwarded_client_address() {
    let app = spawn_app_with(
        Backend::Sqlite,
        AppOptions {
            trusted_proxies: vec!["127.0.0.1/32".parse().unwrap()],
            ..AppOptions::default()
        },
    )
    .await;
    app.create_account("admin@example.com", "Admin", &[Role::Administrator])
        .await;
    for _ in 0..5 {
        let status = login_via(&app.browser(), "198.51.100.7", "admin@example.com", "guess").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let locked = login_via(
        &app.browser(),
        "198.51.100.7",
        "admin@example.com",
        PASSWORD,
    )
    .await;
    assert_eq!(locked, StatusCode::TOO_MANY_REQUESTS);
    // The administrator at another address behind the same proxy signs in.
    let other = login_via(
        &app.browser(),
        "203.0.113.20",
        "admin@example.com",
        PASSWORD,
    )
    .await;
    assert_eq!(other, StatusCode::SEE_OTHER);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_trusted_proxies_a_forwarded_header_buys_no_fresh_attempts() {
    let app = spawn_app(Backend::Sqlite).await;
    app.create_account("admin@example.com", "Admin", &[Role::Administrator])
        .await;
    for index in 0..5 {
        let spoofed = format!("198.51.100.{index}");
        let status = login_via(&app.browser(), &spoofed, "admin@example.com", "guess").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let status = login_via(
        &app.browser(),
        "198.51.100.99",
        "admin@example.com",
        PASSWORD,
    )
    .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}

both!(
    every_role_lands_on_a_home_page_that_says_what_it_can_do_now,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let opening = format!("/openings/{}", season.open[0]);
        for (role, home, heading, says) in [
            (
                Role::Interviewer,
                "/staff",
                "Interviewing",
                "Candidates book phone interviews with you",
            ),
            (
                Role::Mentor,
                "/staff",
                "Mentoring",
                "No intern is matched to you yet.",
            ),
            // An intern's home is their onboarding checklist, empty until they accept an offer.
            (
                Role::Intern,
                "/onboarding",
                "Your onboarding",
                "appears here once you accept an offer",
            ),
        ] {
            let browser = app.signed_in(role).await;
            let me = browser.get("/me").await;
            assert_eq!(me.status(), StatusCode::SEE_OTHER, "{role}");
            assert_eq!(me.headers()["location"], home, "{role}");
            let (status, page) = browser.get_text(home).await;
            assert_eq!(status, StatusCode::OK, "{role}");
            assert!(
                page.contains(heading) && page.contains(says),
                "{role}: {page}"
            );
            assert!(!page.contains("Seasons</h1>"), "{role}");
            // Staff are not offered an Apply button that would lead to "forbidden".
            let (_, page) = browser.get_text(&opening).await;
            assert!(!page.contains(">Apply</a>"), "{role}");
            assert!(page.contains("staff account, which cannot apply"), "{role}");
        }
        let (candidate, _) = app.candidate("Apply Person").await;
        let (_, page) = candidate.get_text(&opening).await;
        assert!(page.contains(">Apply</a>"));
        let (_, page) = app.browser().get_text(&opening).await;
        assert!(page.contains(">Apply</a>"));
    }
);

both!(
    an_error_page_keeps_the_signed_in_header,
    |app: TestApp| async move {
        let recruiter = app.signed_in(Role::Recruiter).await;
        let (status, page) = recruiter.get_text("/admin").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(page.contains("Sign out"), "{page}");
        assert!(page.contains("Test Recruiter"), "{page}");
        let (status, page) = recruiter.get_text("/openings/999999").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(page.contains("Sign out"), "{page}");
        let (status, page) = app.browser().get_text("/openings/999999").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(
            page.contains("Sign in") && !page.contains("Sign out"),
            "{page}"
        );
    }
);

both!(
    an_administrator_changes_roles_and_deactivates_an_account_whose_sessions_and_tokens_end,
    |app: TestApp| async move {
        let admin = app.signed_in(Role::Administrator).await;
        let colleague_id = app
            .create_account("colleague@example.com", "Col League", &[Role::Recruiter])
            .await;
        let colleague = app.browser();
        colleague.login("colleague@example.com", PASSWORD).await;
        assert_eq!(
            colleague.get("/staff/problems").await.status(),
            StatusCode::OK
        );
        // The colleague made an API token while an administrator.
        let mut tx = app.store().begin().await.unwrap();
        cohort_store::Store::grant_roles(&mut tx, colleague_id, &[Role::Administrator])
            .await
            .unwrap();
        cohort_store::Store::commit(tx).await.unwrap();
        let token = crate::api::token(&app, &colleague, &["read"]).await;
        let api = |token: String| {
            let url = app.url("/api/v1/seasons");
            async move {
                reqwest::Client::new()
                    .get(url)
                    .bearer_auth(token)
                    .send()
                    .await
                    .unwrap()
                    .status()
            }
        };
        assert_eq!(api(token.clone()).await, StatusCode::OK);

        // Roles: interviewer only; the recruiter pages close at once.
        let changed = admin
            .post_form(
                "/admin",
                &format!("/admin/users/{colleague_id}/roles"),
                &[("roles", "interviewer")],
            )
            .await;
        assert_eq!(changed.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            app.store().roles_of(colleague_id).await.unwrap(),
            vec![Role::Interviewer]
        );
        assert_eq!(
            colleague.get("/staff/problems").await.status(),
            StatusCode::FORBIDDEN
        );
        // Its API token acted for an administrator; it stops with the role.
        assert_eq!(api(token.clone()).await, StatusCode::UNAUTHORIZED);
        let unknown = admin
            .post_form(
                "/admin",
                &format!("/admin/users/{colleague_id}/roles"),
                &[("roles", "overlord")],
            )
            .await;
        assert_eq!(unknown.status(), StatusCode::BAD_REQUEST);

        // Deactivation ends sessions and tokens and stops sign-in; reactivation allows it again.
        let deactivated = admin
            .post_form(
                "/admin",
                &format!("/admin/users/{colleague_id}/deactivate"),
                &[],
            )
            .await;
        assert_eq!(deactivated.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            colleague.get("/staff").await.status(),
            StatusCode::SEE_OTHER
        );
        assert_eq!(api(token).await, StatusCode::UNAUTHORIZED);
        let refused = app.browser().login("colleague@example.com", PASSWORD).await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        assert!(refused.text().await.unwrap().contains("deactivated"));
        let wrong = app
            .browser()
            .login("colleague@example.com", "not the password")
            .await;
        assert_eq!(
            wrong.status(),
            StatusCode::UNAUTHORIZED,
            "a guesser learns nothing"
        );
        let reactivated = admin
            .post_form(
                "/admin",
                &format!("/admin/users/{colleague_id}/reactivate"),
                &[],
            )
            .await;
        assert_eq!(reactivated.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            app.browser()
                .login("colleague@example.com", PASSWORD)
                .await
                .status(),
            StatusCode::SEE_OTHER
        );
    }
);

both!(
    the_last_administrator_cannot_be_removed_or_deactivated_and_nobody_deactivates_themselves,
    |app: TestApp| async move {
        let admin = app.signed_in(Role::Administrator).await;
        let admin_id = app
            .store()
            .staff_accounts()
            .await
            .unwrap()
            .into_iter()
            .find(|a| a.roles.contains(&Role::Administrator))
            .unwrap()
            .user
            .id;
        let own = admin
            .post_form(
                "/admin",
                &format!("/admin/users/{admin_id}/deactivate"),
                &[],
            )
            .await;
        assert_eq!(own.status(), StatusCode::CONFLICT);
        let demoted = admin
            .post_form(
                "/admin",
                &format!("/admin/users/{admin_id}/roles"),
                &[("roles", "recruiter")],
            )
            .await;
        assert_eq!(demoted.status(), StatusCode::CONFLICT);
        assert!(demoted
            .text()
            .await
            .unwrap()
            .contains("only active administrator"));
        assert!(app
            .store()
            .roles_of(admin_id)
            .await
            .unwrap()
            .contains(&Role::Administrator));
        // Lower roles cannot use these routes at all.
        let recruiter = app.signed_in(Role::Recruiter).await;
        for action in ["roles", "deactivate", "reactivate"] {
            let response = recruiter
                .post_form(
                    "/account",
                    &format!("/admin/users/{admin_id}/{action}"),
                    &[],
                )
                .await;
            assert_eq!(response.status(), StatusCode::FORBIDDEN, "{action}");
        }
    }
);
