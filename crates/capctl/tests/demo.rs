//! `capctl demo`: a fresh event per run, every rule shown, state consistent afterwards.

mod common;

use common::TestEnv;
use sqlx::PgPool;

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn demo_walks_through_every_rule_and_reruns_without_collisions(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    let first = env.capctl("demo --json").success().json();
    let ev = first["event_id"].as_str().unwrap().to_string();
    assert_eq!(first["registered"], 300);
    assert_eq!(first["rush"]["admitted"], 12);
    assert_eq!(first["rush"]["waitlisted"], 12);
    assert_eq!(first["offers_after_cancel"], 2);
    assert_eq!(first["overlap_refused"], true);
    assert_eq!(first["stream_first_wave"]["admitted"], 50);
    assert_eq!(first["stream_first_wave"]["refused"], 5);
    assert_eq!(first["storm_reconcile"]["leases_expired"], 16);
    assert_eq!(first["stream_second_wave"]["admitted"], 16);
    assert_eq!(first["stream_second_wave"]["refused"], 4);
    assert_eq!(first["booth"]["admitted"], 8);
    assert_eq!(first["booth"]["refused"], 2);

    // The workshop after the story: 12 seats, two cancelled, one offer accepted, one held.
    let workshop = first["workshop_session_id"].as_str().unwrap();
    let counts: Vec<(String, i64)> = sqlx::query_as(
        "SELECT status, count(*) FROM session_rsvps WHERE session_id = $1 GROUP BY status ORDER BY status",
    )
    .bind(workshop)
    .fetch_all(&env.pool)
    .await
    .unwrap();
    let counts: std::collections::BTreeMap<_, _> = counts.into_iter().collect();
    assert_eq!(counts["CONFIRMED"], 11);
    assert_eq!(counts["OFFERED"], 1);
    assert_eq!(counts["WAITLISTED"], 10);
    assert_eq!(counts["CANCELLED"], 2);
    // Counters equal the truth everywhere, and Redis holds exactly the limits' worth of leases.
    env.capctl("reconcile --check").success();
    let viewers = env
        .capctl(format!("stream viewers --event {ev} --json"))
        .success()
        .json();
    assert_eq!(viewers[0]["viewers"], 50);
    assert_eq!(viewers[0]["limit"], 50);

    // A second run makes a new event and new people: nothing collides with the first.
    let human = env.capctl("demo").success().stdout;
    for needle in [
        "RSVP rush",
        "Overlap rule",
        "offered",
        "Disconnect storm",
        "reconcile pass",
        "capctl export-rsvps --event",
    ] {
        assert!(human.contains(needle), "demo output lacks {needle:?}");
    }
    assert_eq!(env.count("SELECT count(*) FROM events").await, 2);
    assert_eq!(
        env.count("SELECT count(DISTINCT user_id) FROM event_registrations")
            .await,
        600
    );
}
