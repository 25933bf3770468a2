//! `session rsvp` through the real binary: seats confirmed until full, then the waitlist; which
//! capacity applies; who may RSVP; refusals that write nothing; the database refusing an
//! oversell on its own. Every test checks the answer AND the rows left in PostgreSQL.

mod common;

use common::pick;

use common::TestEnv;
use serde_json::{Value, json};
use sqlx::PgPool;

/// e1 with s1 (two seats, in "Hall A"); u-0 … u-3 registered for e1.
async fn two_seats_four_users(env: &TestEnv) -> Vec<String> {
    env.event("e1", &[]);
    env.session(
        "e1",
        "s1",
        9,
        10,
        &["--max-participants", "2", "--room", "Hall A"],
    );
    env.register_many("e1", "u", 4).await
}

/// The same, with u-0 and u-1 seated and u-2, u-3 waiting in that order.
async fn full_with_two_waiting(env: &TestEnv) {
    for u in two_seats_four_users(env).await {
        env.rsvp("s1", &u).run();
    }
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn rsvp_confirms_until_full_then_waitlists_in_order(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    let users = two_seats_four_users(&env).await;

    for u in &users[..2] {
        let out = env.rsvp("s1", u).success().json();
        assert_eq!(
            (
                &out["session_id"],
                &out["user_id"],
                &out["status"],
                &out["waitlist_position"]
            ),
            (&json!("s1"), &json!(u), &json!("CONFIRMED"), &Value::Null)
        );
        assert_eq!(out["repeat"], false);
    }
    for (i, u) in users[2..].iter().enumerate() {
        let run = env.rsvp("s1", u).code(4);
        let out = run.json();
        assert_eq!(out["status"], "WAITLISTED");
        assert_eq!(out["waitlist_position"], i + 1);
        assert!(
            run.stderr.contains("waitlisted at position"),
            "{}",
            run.stderr
        );
    }

    assert_eq!(
        env.status_line("s1").await,
        "u-0 CONFIRMED, u-1 CONFIRMED, u-2 WAITLISTED, u-3 WAITLISTED"
    );
    assert_eq!(env.queue("s1").await, ["u-2", "u-3"]);
    assert_eq!(env.counters("s1").await, (2, 2));
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn session_list_counts_a_full_session(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    full_with_two_waiting(&env).await;
    let list = env
        .capctl("session list --json --event e1")
        .success()
        .json();
    let row = &list[0];
    assert_eq!(
        pick(
            row,
            "capacity confirmed offered waitlisted available is_full"
        ),
        json!({"capacity": 2, "confirmed": 2, "offered": 0, "waitlisted": 2, "available": 0, "is_full": true})
    );
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn session_waitlist_lists_the_queue_in_order(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    full_with_two_waiting(&env).await;
    let queue_json = env
        .capctl("session waitlist --json --session s1")
        .success()
        .json();
    let listed: Vec<(Value, Value)> = queue_json
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["position"].clone(), e["user_id"].clone()))
        .collect();
    assert_eq!(listed, [(json!(1), json!("u-2")), (json!(2), json!("u-3"))]);
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn repeat_rsvp_changes_nothing(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.one_seat(2).await;
    let first = env.rsvp("s1", "u-0").success().json();
    env.rsvp("s1", "u-1").code(4);
    let before = env.snapshot().await;

    let again = env.rsvp("s1", "u-0").success().json();
    assert_eq!(again["status"], "CONFIRMED");
    assert_eq!(again["repeat"], true);
    assert_eq!(again["rsvp_id"], first["rsvp_id"]);
    let queued_again = env.rsvp("s1", "u-1").code(4).json();
    assert_eq!(
        (
            queued_again["status"].clone(),
            queued_again["waitlist_position"].clone()
        ),
        (json!("WAITLISTED"), json!(1))
    );
    assert_eq!(queued_again["repeat"], true);

    assert_eq!(env.snapshot().await, before, "a repeat writes nothing");
    assert_eq!(env.counters("s1").await, (1, 1));
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn capacity_is_maximum_capacity_else_max_participants_else_unlimited(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &[]);
    env.session("e1", "open", 9, 10, &[]);
    env.session("e1", "fallback", 11, 12, &["--max-participants", "3"]);
    env.session("e1", "override", 13, 14, &["--max-participants", "3"]);
    env.register_many("e1", "u", 5).await;
    // The platform writes these columns itself: no session_capacity limit on one, a tighter one on the other.
    sqlx::query(
        "UPDATE session_capacity SET maximum_capacity = NULL WHERE session_id = 'fallback'",
    )
    .execute(&env.pool)
    .await
    .unwrap();
    sqlx::query("UPDATE session_capacity SET maximum_capacity = 1 WHERE session_id = 'override'")
        .execute(&env.pool)
        .await
        .unwrap();

    for i in 0..5 {
        let u = format!("u-{i}");
        env.rsvp("open", &u).success();
        let fallback = env.rsvp("fallback", &u).run();
        let over = env.rsvp("override", &u).run();
        assert_eq!(fallback.code, if i < 3 { 0 } else { 4 }, "{fallback:?}");
        assert_eq!(over.code, if i < 1 { 0 } else { 4 }, "{over:?}");
    }
    assert_eq!(env.counters("open").await, (5, 0));
    assert_eq!(env.counters("fallback").await, (3, 2));
    assert_eq!(env.counters("override").await, (1, 4));
    let list = env
        .capctl("session list --json --event e1")
        .success()
        .json();
    assert_eq!(list[0]["session_id"], "open");
    assert_eq!(
        (list[0]["capacity"].clone(), list[0]["available"].clone()),
        (Value::Null, Value::Null)
    );
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn full_session_without_waitlist_refuses(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &[]);
    env.session(
        "e1",
        "s1",
        9,
        10,
        &["--max-participants", "1", "--no-waitlist"],
    );
    env.register_many("e1", "u", 2).await;
    env.rsvp("s1", "u-0").success();
    let before = env.snapshot().await;
    env.rsvp("s1", "u-1")
        .refused(3, "is full (1 of 1 seats taken) and has no waitlist");
    assert_eq!(env.snapshot().await, before);
    assert_eq!(env.status_of("s1", "u-1").await, None);
    assert_eq!(env.counters("s1").await, (1, 0));
}

/// Events `e1` and `e2`, and session `s1` of `e1` (open, no capacity).
fn s1_in_e1_beside_e2(env: &TestEnv) {
    env.event("e1", &[]);
    env.event("e2", &[]);
    env.session("e1", "s1", 9, 10, &[]);
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn registration_for_the_sessions_event_is_required(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    s1_in_e1_beside_e2(&env);
    env.register_many("e2", "other", 1).await;
    let before = env.snapshot().await;
    env.rsvp("s1", "nobody")
        .refused(6, "not registered for event \"e1\"");
    // Registered, but for another event: the session id does not belong to their event.
    env.rsvp("s1", "other-0")
        .refused(6, "session \"s1\" belongs to it");
    assert_eq!(env.snapshot().await, before);

    env.capctl("event register --event e1 --user other-0")
        .success();
    env.rsvp("s1", "other-0").success();
    assert_eq!(env.status_line("s1").await, "other-0 CONFIRMED");
}

/// e1 with s1 (two seats, u-0 holding one) and e2 with s9; u-0 and u-1 registered for e1.
async fn two_events(env: &TestEnv) {
    env.event("e1", &[]);
    env.event("e2", &[]);
    env.session("e1", "s1", 9, 10, &["--max-participants", "2"]);
    env.session("e2", "s9", 9, 10, &[]);
    env.register_many("e1", "u", 2).await;
    env.rsvp("s1", "u-0").success();
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn bad_input_is_refused_and_writes_nothing(pool: PgPool) {
    // session rsvp and cancel
    let env = TestEnv::new(pool).await;
    two_events(&env).await;
    let before = env.snapshot().await;

    env.rsvp("nope", "u-0")
        .refused(5, "session \"nope\" not found");
    env.rsvp("s1", "ghost").refused(6, "not registered");
    env.rsvp("s9", "u-1")
        .refused(6, "not registered for event \"e2\"");
    env.cancel("s1", "u-1")
        .refused(5, "has no RSVP for session \"s1\"");
    env.cancel("nope", "u-0")
        .refused(5, "session \"nope\" not found");
    env.cancel("s9", "u-0").refused(5, "has no RSVP");
    assert_eq!(env.snapshot().await, before, "nothing written");
    assert_eq!(env.counters("s1").await, (1, 0));
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn bad_capacity_schedule_and_waitlist_input_is_refused_and_writes_nothing(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    two_events(&env).await;
    let before = env.snapshot().await;

    env.set_capacity("s1", &["--max", "-1"])
        .refused(2, "must not be negative");
    env.set_capacity("s1", &["--max", "99999999999"])
        .refused(2, "at most");
    env.set_capacity("nope", &["--max", "3"])
        .refused(5, "session \"nope\" not found");
    env.capctl("session waitlist --session nope")
        .refused(5, "session \"nope\" not found");
    env.capctl("schedule --event s1 --user u-0")
        .refused(5, "that is a session of event \"e1\"");
    env.capctl("schedule --event e1 --user")
        .arg("bad user")
        .code(2);
    let bad_id = env.rsvp("s1", "u;drop").run();
    assert_eq!(bad_id.code, 2);
    assert!(
        bad_id.stdout.is_empty() && bad_id.stderr.contains("contains ';'"),
        "{bad_id:?}"
    );

    // clap refuses the combination before anything runs (its usage error spans a few lines).
    let both = env.set_capacity("s1", &["--max", "3", "--unlimited"]).run();
    assert_eq!(both.code, 2, "{both:?}");
    assert!(both.stdout.is_empty());
    assert!(
        both.stderr
            .lines()
            .next()
            .unwrap()
            .contains("cannot be used with"),
        "{}",
        both.stderr
    );
    let neither = env.set_capacity("s1", &[]).run();
    assert_eq!(neither.code, 2, "{neither:?}");

    assert_eq!(env.snapshot().await, before, "nothing written");
    assert_eq!(env.counters("s1").await, (1, 0));
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn database_refuses_an_oversell_from_a_raw_writer(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.one_seat(3).await;
    env.rsvp("s1", "u-0").success();
    env.rsvp("s1", "u-1").code(4);
    let before = env.snapshot().await;

    let err = env
        .refused_sql(
            "INSERT INTO session_rsvps (id, session_id, user_id, event_id, status)
             VALUES ('srsvp_' || gen_random_uuid(), 's1', 'u-2', 'e1', 'CONFIRMED')",
            "CP001",
        )
        .await;
    assert!(matches!(
        capctl_core::Error::from(err),
        capctl_core::Error::Full(_)
    ));

    // Promoting someone by hand past the queue is refused the same way.
    env.refused_sql(
        "UPDATE session_rsvps SET status = 'CONFIRMED', waitlist_seq = NULL WHERE user_id = 'u-1'",
        "CP001",
    )
    .await;

    assert_eq!(env.snapshot().await, before, "nothing left behind");
    assert_eq!(env.counters("s1").await, (1, 1));
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn only_a_live_registration_may_rsvp(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    s1_in_e1_beside_e2(&env);
    env.register_many("e1", "u", 1).await;
    env.register_many("e2", "w", 1).await;
    sqlx::query("UPDATE event_registrations SET status = 'CANCELLED' WHERE user_id = 'u-0'")
        .execute(&env.pool)
        .await
        .unwrap();
    let before = env.snapshot().await;
    for user in ["u-0", "w-0"] {
        env.capctl(format!("session rsvp --session s1 --user {user}"))
            .refused(6, "not registered");
    }
    assert_eq!(env.snapshot().await, before, "nothing written");
    assert_eq!(env.count("SELECT count(*) FROM session_rsvps").await, 0);
}
