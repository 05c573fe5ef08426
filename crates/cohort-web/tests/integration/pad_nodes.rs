//! One pad through two web nodes on one PostgreSQL database, as behind a load balancer: the
//! interviewer's connection on one node and the candidate's on the other. (SQLite has one
//! process, so these run on PostgreSQL only.) A node killed outright is tested with real
//! processes and browsers in `e2e/pad_nodes.test.mjs`.

use crate::helpers::*;
use crate::pads::{booked_phone_screen, connect, reconnect, travel_to_start, Booked, PadClient};
use std::time::Duration;

/// Reads both clients' frames until their texts are equal and `done` holds; panics after ten
/// seconds.
async fn until_both(pat: &mut PadClient, grace: &mut PadClient, done: impl Fn(&str) -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while pat.text() != grace.text() || !done(&pat.text()) {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{:?} / {:?}",
            pat.text(),
            grace.text()
        );
        assert_eq!(pat.closed_within(Duration::from_millis(30)).await, None);
        assert_eq!(grace.closed_within(Duration::from_millis(30)).await, None);
    }
}

/// Two nodes on one PostgreSQL database and a phone screen going on, with the interviewer (Pat)
/// connected to the first node and the candidate (Grace) to the second.
struct TwoNodes {
    node_a: TestApp,
    node_b: TestApp,
    booked: Booked,
    pat: PadClient,
    grace: PadClient,
}

async fn two_nodes() -> TwoNodes {
    let node_a = spawn_app(Backend::Postgres).await;
    let booked = booked_phone_screen(&node_a).await;
    travel_to_start(&node_a, &booked, 60);
    let node_b = node_a.second_node().await;
    let id = booked.interview.id;
    let pat = connect(&node_a, &booked.interviewer, id).await.unwrap();
    let grace = connect(&node_b, &booked.candidate, id).await.unwrap();
    TwoNodes {
        node_a,
        node_b,
        booked,
        pat,
        grace,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_on_two_web_nodes_edit_one_document_and_see_each_others_cursors_on_postgres() {
    let TwoNodes {
        node_a: _node_a,
        node_b,
        booked,
        mut pat,
        mut grace,
    } = two_nodes().await;
    let id = booked.interview.id;
    pat.announce("Pat").await;
    grace.announce("Grace").await;

    // One after the other, then both at once at the same place.
    pat.type_at(0, "def solve():\n").await;
    grace.until_text("def solve():\n").await;
    grace.type_at(13, "    return 42\n").await;
    pat.until_text("def solve():\n    return 42\n").await;
    for word in ["one ", "two ", "three "] {
        pat.type_at(0, word).await;
        grace.type_at(0, &word.to_uppercase()).await;
    }
    until_both(&mut pat, &mut grace, |text| text.len() == 27 + 28).await;
    let text = pat.text();
    for word in ["one", "two", "three", "ONE", "TWO", "THREE", "return 42"] {
        assert!(text.contains(word), "{text}");
    }

    // Each sees the other's cursor, under the account's name, across the nodes.
    let grace_id = grace.doc.client_id().get();
    let pat_id = pat.doc.client_id().get();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while !(pat
        .awareness
        .iter()
        .any(|(client, json)| *client == grace_id && json.contains("Grace Hopper"))
        && grace
            .awareness
            .iter()
            .any(|(client, json)| *client == pat_id && json.contains("Pat Pairer")))
    {
        assert!(tokio::time::Instant::now() < deadline, "no cursor arrived");
        pat.closed_within(Duration::from_millis(30)).await;
        grace.closed_within(Duration::from_millis(30)).await;
    }

    // An update too large to ride in an announcement is announced by id and read from the store.
    let long = "x".repeat(9_000);
    pat.type_at(0, &long).await;
    until_both(&mut pat, &mut grace, |text| text.starts_with(&long)).await;
    let text = pat.text();

    // The store holds what both have: a third connection, on either node, reads it back.
    let document = cohort_app::interviews::pads::document(node_b.state.app(), id)
        .await
        .unwrap();
    assert_eq!(document.code, text);
    let mut again = connect(&node_b, &booked.interviewer, id).await.unwrap();
    again.until_text(&text).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_that_loses_its_database_listener_sends_its_clients_to_resync_and_no_edit_is_lost_on_postgres(
) {
    let TwoNodes {
        node_a,
        node_b,
        booked,
        mut pat,
        mut grace,
    } = two_nodes().await;
    let id = booked.interview.id;
    pat.type_at(0, "first\n").await;
    grace.until_text("first\n").await;

    // The database ends both nodes' listening connections, as a restart or a network cut would:
    // announcements may be missed, so each node closes its pads' connections.
    let database = node_a.state.config().database_url.clone();
    let ended: Vec<(bool,)> = sqlx::query_as(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND query LIKE 'LISTEN%'",
    )
    .fetch_all(&sqlx::PgPool::connect(&database).await.unwrap())
    .await
    .unwrap();
    assert_eq!(ended.len(), 2, "each node listens on one connection");
    assert_eq!(
        pat.closed_within(Duration::from_secs(5)).await,
        Some(1013),
        "try again later"
    );
    assert_eq!(
        grace.closed_within(Duration::from_secs(5)).await,
        Some(1013)
    );

    // Each keeps typing while disconnected, then reconnects to the same node with the same
    // document, once it listens again; both end with every edit.
    let (pat_doc, grace_doc) = (pat.doc.clone(), grace.doc.clone());
    drop((pat, grace));
    for (doc, text) in [(&pat_doc, "pat\n"), (&grace_doc, "grace\n")] {
        use yrs::{Text, Transact};
        let code = doc.get_or_insert_text("code");
        code.push(&mut doc.transact_mut(), text);
    }
    let mut pat = reconnect(&node_a, &booked.interviewer, id, pat_doc).await;
    let mut grace = reconnect(&node_b, &booked.candidate, id, grace_doc).await;
    until_both(&mut pat, &mut grace, |text| {
        text.contains("pat\n") && text.contains("grace\n") && text.starts_with("first\n")
    })
    .await;
    let document = cohort_app::interviews::pads::document(node_a.state.app(), id)
        .await
        .unwrap();
    assert_eq!(document.code, pat.text());
}
