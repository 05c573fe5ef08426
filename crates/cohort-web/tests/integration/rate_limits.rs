//! Writes a signed-in person (or a stranger, for mail) can repeat are bounded.

use crate::both;
use crate::helpers::*;
use cohort_domain::Role;
use reqwest::StatusCode;

both!(
    a_signed_in_account_sending_writes_without_pause_is_stopped_and_may_go_on_later,
    |app: TestApp| async move {
        let recruiter = app.signed_in(Role::Recruiter).await;
        let csrf = recruiter.csrf("/account").await;
        let limit = cohort_web::rate::ACCOUNT_WRITES;
        let send = || {
            recruiter
                .client
                .post(recruiter.url("/account/confirm/resend"))
                .form(&[("csrf", csrf.as_str())])
                .send()
        };
        for _ in 0..limit.max {
            assert_eq!(send().await.unwrap().status(), StatusCode::SEE_OTHER);
        }
        let stopped = send().await.unwrap();
        assert_eq!(stopped.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(stopped.text().await.unwrap().contains("Wait a few minutes"));
        // Another account is not affected, and reads go on.
        let other = app.signed_in(Role::Recruiter).await;
        assert_eq!(
            other
                .post_form("/account", "/account/confirm/resend", &[])
                .await
                .status(),
            StatusCode::SEE_OTHER
        );
        assert_eq!(recruiter.get("/staff").await.status(), StatusCode::OK);
        app.state.clock().advance(limit.window_seconds);
        assert_eq!(send().await.unwrap().status(), StatusCode::SEE_OTHER);
    }
);

both!(
    password_reset_mail_to_one_address_is_limited_and_the_answer_does_not_change,
    |app: TestApp| async move {
        app.create_account("target@example.com", "Target", &[Role::Recruiter])
            .await;
        let stranger = app.browser();
        let mut pages = Vec::new();
        for _ in 0..6 {
            let response = stranger
                .post_form(
                    "/password/forgot",
                    "/password/forgot",
                    &[("email", "target@example.com")],
                )
                .await;
            assert_eq!(response.status(), StatusCode::OK);
            pages.push(response.text().await.unwrap().contains("If an account"));
        }
        assert_eq!(
            app.store()
                .messages_to("target@example.com")
                .await
                .unwrap()
                .len() as i64,
            cohort_web::routes::account::MAX_ACCOUNT_MAILS
        );
        assert!(
            pages.iter().all(|said_sent| *said_sent),
            "the same answer every time"
        );
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stranger_asking_for_resets_cannot_use_up_the_owners_mail() {
    let app = spawn_app_with(
        Backend::Sqlite,
        AppOptions {
            trusted_proxies: vec!["127.0.0.1/32".parse().unwrap()],
            ..AppOptions::default()
        },
    )
    .await;
    app.create_account("owner@example.com", "Owner", &[Role::Recruiter])
        .await;
    let ask = |client: &'static str| {
        let browser = app.browser();
        async move {
            let csrf = browser.csrf("/password/forgot").await;
            browser
                .client
                .post(browser.url("/password/forgot"))
                .header("x-forwarded-for", client)
                .form(&[("csrf", csrf.as_str()), ("email", "owner@example.com")])
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    for _ in 0..8 {
        assert_eq!(ask("203.0.113.9").await, StatusCode::OK);
    }
    let sent = || async {
        app.store()
            .messages_to("owner@example.com")
            .await
            .unwrap()
            .len() as i64
    };
    assert_eq!(sent().await, cohort_web::routes::account::MAX_ACCOUNT_MAILS);
    // The owner, from their own address, still gets a link.
    assert_eq!(ask("198.51.100.7").await, StatusCode::OK);
    assert_eq!(
        sent().await,
        cohort_web::routes::account::MAX_ACCOUNT_MAILS + 1
    );
}
