use crate::both;
use crate::helpers::*;
use cohort_app::applications::IndexApplication;
use cohort_app::assessment::CloseSession;
use cohort_app::jobs::{self, Job};
use cohort_store::applications::BoardQuery;
use cohort_store::Store;
use reqwest::StatusCode;

/// How many applications of the season a text search finds.
async fn found(app: &TestApp, season_id: i64, text: &str) -> i64 {
    app.store()
        .board(&BoardQuery {
            season_id: Some(season_id),
            text: Some(text.into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap()
        .total
}

async fn enqueue<J: Job>(app: &TestApp, job: &J) {
    let mut tx = app.store().begin().await.unwrap();
    jobs::enqueue(&mut tx, job, app.state.now()).await.unwrap();
    Store::commit(tx).await.unwrap();
}

both!(
    an_application_is_indexed_by_the_job_queued_with_it_and_indexing_twice_leaves_one_entry,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let (browser, _) = app.candidate("Mary Jackson").await;
        let mut fields = ApplicationFields::new(season.season_id, vec![season.open[0]]);
        fields.resume = b"Mary Jackson\nWind tunnel experiments, supersonic flow".to_vec();
        assert_eq!(browser.apply(&fields).await.status(), StatusCode::SEE_OTHER);
        let id = own_application_id(&browser).await;

        assert_eq!(
            app.store()
                .queued_jobs(IndexApplication::KIND)
                .await
                .unwrap(),
            1,
            "the job was committed with the application"
        );
        assert_eq!(found(&app, season.season_id, "supersonic").await, 0);
        assert_eq!(app.run_jobs().await, 1);
        assert_eq!(found(&app, season.season_id, "supersonic").await, 1);
        assert_eq!(found(&app, season.season_id, "jackson").await, 1);
        assert_eq!(
            app.store()
                .queued_jobs(IndexApplication::KIND)
                .await
                .unwrap(),
            0,
            "a finished job leaves the queue"
        );

        enqueue(&app, &IndexApplication { application_id: id }).await;
        assert_eq!(app.run_jobs().await, 1);
        assert_eq!(found(&app, season.season_id, "supersonic").await, 1);
        assert_eq!(app.count("application_search").await, 1);
    }
);

both!(
    the_same_job_queued_twice_is_one_row_and_a_job_queued_again_while_it_runs_runs_again,
    |app: TestApp| async move {
        let job = IndexApplication {
            application_id: 9_999,
        };
        enqueue(&app, &job).await;
        enqueue(&app, &job).await;
        assert_eq!(app.count("jobs").await, 1, "one row for one piece of work");

        let now = app.state.now();
        let claimed = app
            .store()
            .claim_jobs(IndexApplication::KIND, now, 60, 10)
            .await
            .unwrap();
        assert_eq!(claimed.len(), 1);
        assert_eq!(
            serde_json::from_str::<IndexApplication>(&claimed[0].payload).unwrap(),
            job
        );
        assert!(
            app.store()
                .claim_jobs(IndexApplication::KIND, now, 60, 10)
                .await
                .unwrap()
                .is_empty(),
            "a leased job is not claimed twice"
        );

        // Queued again while the worker holds it: completing the first run must not drop it.
        enqueue(&app, &job).await;
        let mut tx = app.store().begin().await.unwrap();
        Store::complete_job(&mut tx, &claimed[0]).await.unwrap();
        Store::commit(tx).await.unwrap();
        // Claimed at a fresh now: the job was queued again for the moment of queueing, which
        // may be a second after the first claim.
        let again = app
            .store()
            .claim_jobs(IndexApplication::KIND, app.state.now(), 60, 10)
            .await
            .unwrap();
        assert_eq!(again.len(), 1, "the job is released to run once more");
        let mut tx = app.store().begin().await.unwrap();
        Store::complete_job(&mut tx, &again[0]).await.unwrap();
        Store::commit(tx).await.unwrap();
        assert_eq!(app.count("jobs").await, 0);
    }
);

both!(
    a_failed_job_waits_for_its_retry_and_an_expired_lease_lets_another_worker_take_it,
    |app: TestApp| async move {
        let job = IndexApplication { application_id: 77 };
        enqueue(&app, &job).await;
        let now = app.state.now();
        let store = app.store();
        let claimed = store
            .claim_jobs(IndexApplication::KIND, now, 60, 10)
            .await
            .unwrap();
        assert_eq!(claimed.len(), 1);
        assert!(
            store
                .claim_jobs(IndexApplication::KIND, now + 59, 60, 10)
                .await
                .unwrap()
                .is_empty(),
            "held for the lease"
        );
        let expired = store
            .claim_jobs(IndexApplication::KIND, now + 60, 60, 10)
            .await
            .unwrap();
        assert_eq!(expired.len(), 1, "a dead worker's job is taken over");

        store
            .fail_job(expired[0].id, expired[0].attempts, "disk full", now + 60)
            .await
            .unwrap();
        assert!(store
            .claim_jobs(IndexApplication::KIND, now + 69, 60, 10)
            .await
            .unwrap()
            .is_empty());
        let retried = store
            .claim_jobs(IndexApplication::KIND, now + 70, 60, 10)
            .await
            .unwrap();
        assert_eq!(retried.len(), 1, "retried ten seconds later");
        assert_eq!(retried[0].attempts, 1);
    }
);

both!(
    a_job_whose_payload_does_not_parse_is_parked_with_the_reason,
    |app: TestApp| async move {
        sqlx::query(
            "INSERT INTO jobs (kind, job_key, payload, created_at, run_after) \
             VALUES ('index_application', 'broken', '{\"kind\":\"index_application\"}', 0, 0)",
        )
        .execute(app.store().writer())
        .await
        .unwrap();
        let now = app.state.now();
        assert_eq!(app.run_jobs().await, 1, "claimed once, then parked");
        let (attempts, error): (i64, String) =
            sqlx::query_as("SELECT attempts, last_error FROM jobs WHERE job_key = 'broken'")
                .fetch_one(app.store().reader())
                .await
                .unwrap();
        assert_eq!(attempts, cohort_store::jobs::MAX_JOB_ATTEMPTS);
        assert!(error.contains("does not parse"), "{error}");
        assert!(
            app.store()
                .claim_jobs(IndexApplication::KIND, now + 86_400, 60, 10)
                .await
                .unwrap()
                .is_empty(),
            "parked, not retried"
        );
    }
);

both!(
    the_queue_and_the_judge_workers_are_shown_to_administrators_and_exported_for_prometheus,
    |app: TestApp| async move {
        let now = app.state.now();
        enqueue(&app, &IndexApplication { application_id: 1 }).await;
        let mut tx = app.store().begin().await.unwrap();
        jobs::enqueue_at(&mut tx, &CloseSession { invitation_id: 5 }, now, now + 600)
            .await
            .unwrap();
        Store::commit(tx).await.unwrap();
        app.store()
            .worker_heartbeat(
                "judge-host:42:1",
                cohort_store::jobs::WorkerKind::Judge,
                "judge-host",
                "control groups (v1)",
                now,
            )
            .await
            .unwrap();
        app.store()
            .worker_heartbeat(
                "laptop:7:1",
                cohort_store::jobs::WorkerKind::Judge,
                "laptop",
                "resource limits only",
                now,
            )
            .await
            .unwrap();
        app.store()
            .worker_heartbeat(
                "gone:1:1",
                cohort_store::jobs::WorkerKind::Judge,
                "gone",
                "control groups (v1)",
                now - 600,
            )
            .await
            .unwrap();

        let admin = app.signed_in(cohort_domain::Role::Administrator).await;
        let (_, page) = admin.get_text("/admin").await;
        assert!(page.contains("<td>index_application</td><td>1</td><td>0</td><td>0</td>"));
        assert!(page.contains("<td>close_session</td><td>0</td><td>0</td><td>1</td>"));
        assert!(
            page.contains("judge-host") && !page.contains(">gone <"),
            "only live workers"
        );
        // A worker without control groups is pointed out, with what that changes.
        assert!(page.contains("Sandbox: control groups (v1)"), "{page}");
        assert!(page.contains("laptop") && page.contains("This worker has no control groups"));

        let anonymous = app.browser().get("/metrics").await;
        assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
        let token = crate::api::token(&app, &admin, &["read"]).await;
        let metrics = app
            .browser()
            .client
            .get(app.url("/metrics"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(metrics.status(), StatusCode::OK);
        assert!(metrics.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/openmetrics-text"));
        let text = metrics.text().await.unwrap();
        assert!(
            text.contains("cohort_jobs_waiting{kind=\"index_application\"} 1"),
            "{text}"
        );
        assert!(
            text.contains("cohort_jobs_scheduled{kind=\"close_session\"} 1"),
            "{text}"
        );
        assert!(text.contains("cohort_workers{kind=\"judge\"} 2"), "{text}");
        assert!(
            text.contains(
                "cohort_judge_worker_control_groups{host=\"laptop\",id=\"laptop:7:1\"} 0"
            ) && text.contains(
                "cohort_judge_worker_control_groups{host=\"judge-host\",id=\"judge-host:42:1\"} 1"
            ),
            "{text}"
        );
        assert!(text.contains("cohort_jobs_oldest_waiting_seconds{kind=\"index_application\"}"));
        assert!(text.ends_with("# EOF\n"));
    }
);

/// PostgreSQL only: there the workers of other nodes hear of new work by a notice, while SQLite
/// has one process, which wakes its own workers without one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgres_only_a_job_due_now_is_announced_to_the_workers_and_one_due_later_waits_for_their_poll(
) {
    let app = spawn_app(Backend::Postgres).await;
    let mut listener = sqlx::postgres::PgListener::connect(&app.state.config().database_url)
        .await
        .unwrap();
    listener
        .listen(cohort_store::jobs::JOBS_CHANNEL)
        .await
        .unwrap();
    let now = app.state.now();
    for (kind, key, due) in [
        ("due_later", "later:1", now + 3600),
        ("due_now", "now:1", now),
    ] {
        let mut tx = app.store().begin().await.unwrap();
        Store::enqueue_job(&mut tx, kind, key, "{}", now, due)
            .await
            .unwrap();
        Store::commit(tx).await.unwrap();
    }
    // Notices arrive in the order of their commits: had the job due later been announced, its
    // notice would come first.
    let first = listener.recv().await.unwrap();
    assert_eq!(first.payload(), "due_now");
    assert_eq!(app.count("jobs").await, 2, "both are queued");
}

both!(
    jobs_queued_together_are_queued_as_one_after_another_and_two_with_one_key_are_one_due_when_the_later_says,
    |app: TestApp| async move {
        use cohort_store::jobs::NewJob;
        let now = app.state.now();
        let job = |key, run_after| NewJob {
            kind: "together",
            key,
            payload: "{}",
            run_after,
        };
        let mut tx = app.store().begin().await.unwrap();
        Store::enqueue_jobs(
            &mut tx,
            &[
                job("together:1", now + 60),
                job("together:2", now + 60),
                job("together:1", now),
            ],
            now,
        )
        .await
        .unwrap();
        Store::commit(tx).await.unwrap();
        assert_eq!(app.count("jobs").await, 2);
        let due = app.store().claim_jobs("together", now, 3600, 10).await.unwrap();
        assert_eq!(due.len(), 1, "only together:1 is due now");
        let later = app.store().claim_jobs("together", now + 60, 30, 10).await.unwrap();
        assert_eq!(later.len(), 1, "together:2 is due a minute later");
    }
);
