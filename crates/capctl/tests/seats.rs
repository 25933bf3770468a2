//! Session seats through the real binary: RSVP, waitlist, offers, capacity changes, overlap,
//! schedules. Every test checks the exit code and JSON AND the rows left in PostgreSQL.

mod common;

use chrono::{Duration, SecondsFormat, Utc};
use common::{Run, TestEnv};
use serde_json::{Value, json};
use sqlx::PgPool;

fn rsvp(env: &TestEnv, session: &str, user: &str) -> Run {
    env.run(&[
        "session",
        "rsvp",
        "--json",
        "--session",
        session,
        "--user",
        user,
    ])
}

fn cancel(env: &TestEnv, session: &str, user: &str) -> Run {
    env.run(&[
        "session",
        "cancel",
        "--json",
        "--session",
        session,
        "--user",
        user,
    ])
}

fn set_capacity(env: &TestEnv, session: &str, extra: &[&str]) -> Run {
    let mut args = vec!["session", "set-capacity", "--json", "--session", session];
    args.extend_from_slice(extra);
    env.run(&args)
}

/// `user → status` of every RSVP row of a session, sorted by user.
async fn statuses(env: &TestEnv, session: &str) -> Vec<(String, String)> {
    sqlx::query_as(
        "SELECT user_id, status FROM session_rsvps WHERE session_id = $1 ORDER BY user_id",
    )
    .bind(session)
    .fetch_all(&env.pool)
    .await
    .unwrap()
}

async fn status_of(env: &TestEnv, session: &str, user: &str) -> Option<String> {
    sqlx::query_scalar("SELECT status FROM session_rsvps WHERE session_id = $1 AND user_id = $2")
        .bind(session)
        .bind(user)
        .fetch_optional(&env.pool)
        .await
        .unwrap()
}

/// Users still waiting, in queue order.
async fn queue(env: &TestEnv, session: &str) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT user_id FROM session_rsvps WHERE session_id = $1 AND status = 'WAITLISTED'
          ORDER BY waitlist_seq",
    )
    .bind(session)
    .fetch_all(&env.pool)
    .await
    .unwrap()
}

/// `session_capacity` of a session: (current_attendance, waitlist_length), after checking both
/// equal the RSVP rows.
async fn counters(env: &TestEnv, session: &str) -> (i32, i32) {
    let (attendance, waiting, taken, queued): (i32, i32, i64, i64) = sqlx::query_as(
        "SELECT sc.current_attendance, sc.waitlist_length,
                (SELECT count(*) FROM session_rsvps r
                  WHERE r.session_id = sc.session_id AND r.status IN ('CONFIRMED', 'OFFERED')),
                (SELECT count(*) FROM session_rsvps r
                  WHERE r.session_id = sc.session_id AND r.status = 'WAITLISTED')
           FROM session_capacity sc WHERE sc.session_id = $1",
    )
    .bind(session)
    .fetch_one(&env.pool)
    .await
    .unwrap();
    assert_eq!(attendance as i64, taken, "current_attendance of {session}");
    assert_eq!(waiting as i64, queued, "waitlist_length of {session}");
    (attendance, waiting)
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(u, s)| (u.to_string(), s.to_string()))
        .collect()
}

fn rfc3339(t: chrono::DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A session relative to now (for started and ended sessions).
fn session_at(
    env: &TestEnv,
    event: &str,
    id: &str,
    starts: Duration,
    ends: Duration,
    extra: &[&str],
) {
    let now = Utc::now();
    let (s, e) = (rfc3339(now + starts), rfc3339(now + ends));
    let mut args = vec![
        "session",
        "create",
        "--json",
        "--event",
        event,
        "--id",
        id,
        "--title",
        "Live session",
        "--starts-at",
        &s,
        "--ends-at",
        &e,
    ];
    args.extend_from_slice(extra);
    env.run(&args).success();
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn rsvp_confirms_until_full_then_waitlists_in_order(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &[]);
    env.session(
        "e1",
        "s1",
        9,
        10,
        &["--max-participants", "2", "--room", "Hall A"],
    );
    let users = env.register_many("e1", "u", 4).await;

    for u in &users[..2] {
        let out = rsvp(&env, "s1", u).success().json();
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
        let run = rsvp(&env, "s1", u).code(4);
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
        statuses(&env, "s1").await,
        pairs(&[
            ("u-0", "CONFIRMED"),
            ("u-1", "CONFIRMED"),
            ("u-2", "WAITLISTED"),
            ("u-3", "WAITLISTED")
        ])
    );
    assert_eq!(queue(&env, "s1").await, ["u-2", "u-3"]);
    assert_eq!(counters(&env, "s1").await, (2, 2));

    let list = env
        .run(&["session", "list", "--json", "--event", "e1"])
        .success()
        .json();
    let row = &list[0];
    assert_eq!(
        (
            &row["capacity"],
            &row["confirmed"],
            &row["offered"],
            &row["waitlisted"],
            &row["available"],
            &row["is_full"]
        ),
        (
            &json!(2),
            &json!(2),
            &json!(0),
            &json!(2),
            &json!(0),
            &json!(true)
        )
    );

    let queue_json = env
        .run(&["session", "waitlist", "--json", "--session", "s1"])
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
async fn human_output_is_a_table_and_a_summary(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &[]);
    env.session("e1", "s1", 9, 10, &["--max-participants", "1"]);
    env.register_many("e1", "u", 2).await;

    let ok = env
        .run(&["session", "rsvp", "--session", "s1", "--user", "u-0"])
        .success();
    assert!(
        ok.stdout.contains("CONFIRMED") && ok.stdout.contains("u-0 has a seat in s1"),
        "{}",
        ok.stdout
    );
    let queued = env
        .run(&["session", "rsvp", "--session", "s1", "--user", "u-1"])
        .code(4);
    assert!(
        queued
            .stdout
            .contains("u-1 is waitlisted for s1 at position 1"),
        "{}",
        queued.stdout
    );
    assert_eq!(queued.stderr.lines().count(), 1);
    let wl = env
        .run(&["session", "waitlist", "--session", "s1"])
        .success();
    assert!(
        wl.stdout.contains("s1: 1 waitlisted, 0 holding an offer"),
        "{}",
        wl.stdout
    );
    let sched = env
        .run(&["schedule", "--event", "e1", "--user", "u-0"])
        .success();
    assert!(
        sched.stdout.contains("u-0: 1 session(s) on the schedule"),
        "{}",
        sched.stdout
    );
    assert_eq!(counters(&env, "s1").await, (1, 1));
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn repeat_rsvp_changes_nothing(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &[]);
    env.session("e1", "s1", 9, 10, &["--max-participants", "1"]);
    env.register_many("e1", "u", 2).await;
    let first = rsvp(&env, "s1", "u-0").success().json();
    rsvp(&env, "s1", "u-1").code(4);
    let before = env.snapshot().await;

    let again = rsvp(&env, "s1", "u-0").success().json();
    assert_eq!(again["status"], "CONFIRMED");
    assert_eq!(again["repeat"], true);
    assert_eq!(again["rsvp_id"], first["rsvp_id"]);
    let queued_again = rsvp(&env, "s1", "u-1").code(4).json();
    assert_eq!(
        (
            queued_again["status"].clone(),
            queued_again["waitlist_position"].clone()
        ),
        (json!("WAITLISTED"), json!(1))
    );
    assert_eq!(queued_again["repeat"], true);

    assert_eq!(env.snapshot().await, before, "a repeat writes nothing");
    assert_eq!(counters(&env, "s1").await, (1, 1));
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
        rsvp(&env, "open", &u).success();
        let fallback = rsvp(&env, "fallback", &u);
        let over = rsvp(&env, "override", &u);
        assert_eq!(fallback.code, if i < 3 { 0 } else { 4 }, "{fallback:?}");
        assert_eq!(over.code, if i < 1 { 0 } else { 4 }, "{over:?}");
    }
    assert_eq!(counters(&env, "open").await, (5, 0));
    assert_eq!(counters(&env, "fallback").await, (3, 2));
    assert_eq!(counters(&env, "override").await, (1, 4));
    let list = env
        .run(&["session", "list", "--json", "--event", "e1"])
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
    rsvp(&env, "s1", "u-0").success();
    let before = env.snapshot().await;
    rsvp(&env, "s1", "u-1")
        .code(3)
        .error_mentions("is full (1 of 1 seats taken) and has no waitlist");
    assert_eq!(env.snapshot().await, before);
    assert_eq!(status_of(&env, "s1", "u-1").await, None);
    assert_eq!(counters(&env, "s1").await, (1, 0));
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn registration_for_the_sessions_event_is_required(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &[]);
    env.event("e2", &[]);
    env.session("e1", "s1", 9, 10, &[]);
    env.register_many("e2", "other", 1).await;
    let before = env.snapshot().await;
    rsvp(&env, "s1", "nobody")
        .code(6)
        .error_mentions("not registered for event \"e1\"");
    // Registered, but for another event: the session id does not belong to their event.
    rsvp(&env, "s1", "other-0")
        .code(6)
        .error_mentions("session \"s1\" belongs to it");
    assert_eq!(env.snapshot().await, before);

    env.run(&["event", "register", "--event", "e1", "--user", "other-0"])
        .success();
    rsvp(&env, "s1", "other-0").success();
    assert_eq!(
        statuses(&env, "s1").await,
        pairs(&[("other-0", "CONFIRMED")])
    );
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn cancel_offers_the_seat_to_the_next_in_line_who_accepts(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &[]);
    env.session(
        "e1",
        "s1",
        9,
        10,
        &["--max-participants", "1", "--offer-ttl", "10m"],
    );
    env.register_many("e1", "u", 3).await;
    rsvp(&env, "s1", "u-0").success();
    rsvp(&env, "s1", "u-1").code(4);
    rsvp(&env, "s1", "u-2").code(4);

    let out = cancel(&env, "s1", "u-0").success().json();
    assert_eq!(
        (
            &out["status"],
            &out["waitlist_position"],
            &out["previous_status"],
            &out["offers_sent"]
        ),
        (
            &json!("CANCELLED"),
            &Value::Null,
            &json!("CONFIRMED"),
            &json!(1)
        )
    );
    assert_eq!(
        statuses(&env, "s1").await,
        pairs(&[
            ("u-0", "CANCELLED"),
            ("u-1", "OFFERED"),
            ("u-2", "WAITLISTED")
        ])
    );
    // The offer holds the seat for the session's offer TTL.
    let held: bool = sqlx::query_scalar(
        "SELECT offer_expires_at - offered_at = interval '10 minutes' AND waitlist_seq IS NULL
           FROM session_rsvps WHERE session_id = 's1' AND user_id = 'u-1'",
    )
    .fetch_one(&env.pool)
    .await
    .unwrap();
    assert!(held);
    assert_eq!(counters(&env, "s1").await, (1, 1));
    let q = env
        .run(&["session", "waitlist", "--json", "--session", "s1"])
        .success()
        .json();
    assert_eq!(
        (
            q[0]["user_id"].clone(),
            q[0]["status"].clone(),
            q[0]["position"].clone()
        ),
        (json!("u-1"), json!("OFFERED"), Value::Null)
    );
    assert_eq!(
        (q[1]["user_id"].clone(), q[1]["position"].clone()),
        (json!("u-2"), json!(1))
    );
    let sched = env
        .run(&["schedule", "--json", "--event", "e1", "--user", "u-1"])
        .success()
        .json();
    assert_eq!(sched[0]["status"], "OFFERED");

    // The canceller coming back does not get the held seat back: they queue behind.
    rsvp(&env, "s1", "u-0").code(4);
    assert_eq!(queue(&env, "s1").await, ["u-2", "u-0"]);

    let accepted = rsvp(&env, "s1", "u-1").success().json();
    assert_eq!(
        (accepted["status"].clone(), accepted["repeat"].clone()),
        (json!("CONFIRMED"), json!(false))
    );
    assert_eq!(
        status_of(&env, "s1", "u-1").await.as_deref(),
        Some("CONFIRMED")
    );
    assert_eq!(counters(&env, "s1").await, (1, 2));
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn cancelling_an_offer_passes_it_on_and_repeats_are_idempotent(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &[]);
    env.session("e1", "s1", 9, 10, &["--max-participants", "1"]);
    env.register_many("e1", "u", 3).await;
    rsvp(&env, "s1", "u-0").success();
    rsvp(&env, "s1", "u-1").code(4);
    rsvp(&env, "s1", "u-2").code(4);
    cancel(&env, "s1", "u-0").success();

    let out = cancel(&env, "s1", "u-1").success().json();
    assert_eq!(
        (out["previous_status"].clone(), out["offers_sent"].clone()),
        (json!("OFFERED"), json!(1))
    );
    assert_eq!(
        statuses(&env, "s1").await,
        pairs(&[
            ("u-0", "CANCELLED"),
            ("u-1", "CANCELLED"),
            ("u-2", "OFFERED")
        ])
    );
    assert_eq!(counters(&env, "s1").await, (1, 0));

    let before = env.snapshot().await;
    let again = cancel(&env, "s1", "u-1").success().json();
    assert_eq!(
        (again["status"].clone(), again["repeat"].clone()),
        (json!("CANCELLED"), json!(true))
    );
    assert_eq!(env.snapshot().await, before);

    // The last offer given up with nobody waiting: the seat is simply free.
    cancel(&env, "s1", "u-2").success();
    assert_eq!(counters(&env, "s1").await, (0, 0));
    let list = env
        .run(&["session", "list", "--json", "--event", "e1"])
        .success()
        .json();
    assert_eq!(list[0]["available"], 1);
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn waitlisted_cancel_closes_the_gap(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &[]);
    env.session("e1", "s1", 9, 10, &["--max-participants", "1"]);
    env.register_many("e1", "u", 6).await;
    for i in 0..6 {
        rsvp(&env, "s1", &format!("u-{i}"));
    }
    cancel(&env, "s1", "u-2").success();
    cancel(&env, "s1", "u-4").success();
    assert_eq!(counters(&env, "s1").await, (1, 3));
    let q = env
        .run(&["session", "waitlist", "--json", "--session", "s1"])
        .success()
        .json();
    let got: Vec<(Value, Value)> = q
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["position"].clone(), e["user_id"].clone()))
        .collect();
    assert_eq!(
        got,
        [
            (json!(1), json!("u-1")),
            (json!(2), json!("u-3")),
            (json!(3), json!("u-5"))
        ]
    );
    // The RSVP answer and the schedule agree with the queue.
    assert_eq!(
        rsvp(&env, "s1", "u-5").code(4).json()["waitlist_position"],
        3
    );
    let sched = env
        .run(&["schedule", "--json", "--event", "e1", "--user", "u-3"])
        .success()
        .json();
    assert_eq!(sched[0]["waitlist_position"], 2);
    // Rejoining puts you at the back.
    assert_eq!(
        rsvp(&env, "s1", "u-2").code(4).json()["waitlist_position"],
        4
    );
    assert_eq!(queue(&env, "s1").await, ["u-1", "u-3", "u-5", "u-2"]);
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn expired_offer_passes_on_at_the_next_write(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &[]);
    env.session("e1", "s1", 9, 10, &["--max-participants", "1"]);
    env.register_many("e1", "u", 4).await;
    rsvp(&env, "s1", "u-0").success();
    rsvp(&env, "s1", "u-1").code(4);
    rsvp(&env, "s1", "u-2").code(4);
    cancel(&env, "s1", "u-0").success();
    assert_eq!(
        status_of(&env, "s1", "u-1").await.as_deref(),
        Some("OFFERED")
    );

    sqlx::query("UPDATE session_rsvps SET offer_expires_at = now() - interval '1s' WHERE status = 'OFFERED'")
        .execute(&env.pool)
        .await
        .unwrap();
    // Reads do not write: the overdue offer is simply not shown as holding anything.
    let q = env
        .run(&["session", "waitlist", "--json", "--session", "s1"])
        .success()
        .json();
    assert_eq!(q.as_array().unwrap().len(), 1);
    assert_eq!(
        status_of(&env, "s1", "u-1").await.as_deref(),
        Some("OFFERED")
    );
    let list = env
        .run(&["session", "list", "--json", "--event", "e1"])
        .success()
        .json();
    assert_eq!(
        (
            &list[0]["offered"],
            &list[0]["available"],
            &list[0]["is_full"]
        ),
        (&json!(0), &json!(1), &json!(false))
    );

    // The next write on the session (anyone's RSVP) expires it and passes the seat on.
    let late = rsvp(&env, "s1", "u-3").code(4).json();
    assert_eq!(late["waitlist_position"], 1);
    assert_eq!(
        statuses(&env, "s1").await,
        pairs(&[
            ("u-0", "CANCELLED"),
            ("u-1", "EXPIRED"),
            ("u-2", "OFFERED"),
            ("u-3", "WAITLISTED")
        ])
    );
    assert_eq!(counters(&env, "s1").await, (1, 1));

    // The late user trying to accept now queues again, at the back; the schedule drops the offer.
    let sched = env
        .run(&["schedule", "--json", "--event", "e1", "--user", "u-1"])
        .success()
        .json();
    assert_eq!(sched, json!([]));
    let back = rsvp(&env, "s1", "u-1").code(4).json();
    assert_eq!(back["waitlist_position"], 2);
    assert_eq!(queue(&env, "s1").await, ["u-3", "u-1"]);

    // An offer that lapses in the hands of a canceller gives nothing away twice.
    sqlx::query("UPDATE session_rsvps SET offer_expires_at = now() - interval '1s' WHERE status = 'OFFERED'")
        .execute(&env.pool)
        .await
        .unwrap();
    let out = cancel(&env, "s1", "u-2").success().json();
    assert_eq!(
        (out["previous_status"].clone(), out["offers_sent"].clone()),
        (json!("EXPIRED"), json!(1))
    );
    assert_eq!(
        statuses(&env, "s1").await,
        pairs(&[
            ("u-0", "CANCELLED"),
            ("u-1", "WAITLISTED"),
            ("u-2", "CANCELLED"),
            ("u-3", "OFFERED")
        ])
    );
    assert_eq!(counters(&env, "s1").await, (1, 1));
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn no_offers_once_the_session_has_started_and_none_after_it_ended(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    // Sessions lie within their event: this event began a day ago.
    let from = rfc3339(Utc::now() - Duration::days(1));
    env.run(&[
        "event",
        "create",
        "--id",
        "e1",
        "--name",
        "Test event",
        "--starts-at",
        &from,
        "--ends-at",
        "2030-06-03T18:00:00Z",
    ])
    .success();
    session_at(
        &env,
        "e1",
        "live",
        Duration::hours(-1),
        Duration::hours(1),
        &["--max-participants", "1"],
    );
    session_at(
        &env,
        "e1",
        "over",
        Duration::hours(-3),
        Duration::hours(-2),
        &["--max-participants", "5"],
    );
    env.register_many("e1", "u", 3).await;

    rsvp(&env, "live", "u-0").success();
    rsvp(&env, "live", "u-1").code(4);
    let out = cancel(&env, "live", "u-0").success().json();
    assert_eq!(out["offers_sent"], 0);
    assert_eq!(
        statuses(&env, "live").await,
        pairs(&[("u-0", "CANCELLED"), ("u-1", "WAITLISTED")])
    );
    let raised = set_capacity(&env, "live", &["--max", "5"]).success().json();
    assert_eq!(raised["offers_sent"], 0);
    assert_eq!(counters(&env, "live").await, (0, 1));
    // At the door: the waiting user asking again takes the free seat.
    let door = rsvp(&env, "live", "u-1").success().json();
    assert_eq!(
        (door["status"].clone(), door["repeat"].clone()),
        (json!("CONFIRMED"), json!(false))
    );
    assert_eq!(counters(&env, "live").await, (1, 0));

    let before = env.snapshot().await;
    rsvp(&env, "over", "u-2")
        .code(6)
        .error_mentions("has already ended");
    assert_eq!(env.snapshot().await, before);
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn raising_capacity_offers_seats_at_once(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &[]);
    env.session("e1", "s1", 9, 10, &["--max-participants", "1"]);
    env.register_many("e1", "u", 5).await;
    for i in 0..5 {
        rsvp(&env, "s1", &format!("u-{i}"));
    }
    let out = set_capacity(&env, "s1", &["--max", "3"]).success().json();
    assert_eq!(
        (
            &out["capacity"],
            &out["previous_capacity"],
            &out["taken"],
            &out["offers_sent"],
            &out["over_capacity"]
        ),
        (&json!(3), &json!(1), &json!(3), &json!(2), &json!(false))
    );
    assert_eq!(
        statuses(&env, "s1").await,
        pairs(&[
            ("u-0", "CONFIRMED"),
            ("u-1", "OFFERED"),
            ("u-2", "OFFERED"),
            ("u-3", "WAITLISTED"),
            ("u-4", "WAITLISTED")
        ])
    );
    assert_eq!(counters(&env, "s1").await, (3, 2));
    let cap: (Option<i32>, Option<i32>) = sqlx::query_as(
        "SELECT sc.maximum_capacity, s.max_participants FROM session_capacity sc JOIN sessions s ON s.id = sc.session_id",
    )
    .fetch_one(&env.pool)
    .await
    .unwrap();
    assert_eq!(cap, (Some(3), Some(3)));

    let human = env
        .run(&["session", "set-capacity", "--session", "s1", "--unlimited"])
        .success();
    assert!(
        human.stdout.contains("2 waitlisted user(s) offered a seat"),
        "{}",
        human.stdout
    );
    assert_eq!(counters(&env, "s1").await, (5, 0));
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn lowering_below_taken_needs_force_and_then_admits_nobody_until_below(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &[]);
    env.session("e1", "s1", 9, 10, &["--max-participants", "3"]);
    env.register_many("e1", "u", 5).await;
    for i in 0..3 {
        rsvp(&env, "s1", &format!("u-{i}")).success();
    }
    let before = env.snapshot().await;
    set_capacity(&env, "s1", &["--max", "1"])
        .code(6)
        .error_mentions("capacity 1 is below the 3 seats already taken");
    assert_eq!(env.snapshot().await, before);

    let forced = set_capacity(&env, "s1", &["--max", "1", "--force"])
        .success()
        .json();
    assert_eq!(
        (forced["taken"].clone(), forced["over_capacity"].clone()),
        (json!(3), json!(true))
    );
    let human = env
        .run(&[
            "session",
            "set-capacity",
            "--session",
            "s1",
            "--max",
            "1",
            "--force",
        ])
        .success();
    assert!(
        human.stdout.contains("nobody new is admitted until below"),
        "{}",
        human.stdout
    );
    assert_eq!(
        statuses(&env, "s1")
            .await
            .iter()
            .filter(|(_, s)| s == "CONFIRMED")
            .count(),
        3,
        "nobody removed"
    );

    rsvp(&env, "s1", "u-3").code(4);
    assert_eq!(cancel(&env, "s1", "u-0").success().json()["offers_sent"], 0);
    assert_eq!(cancel(&env, "s1", "u-1").success().json()["offers_sent"], 0);
    assert_eq!(counters(&env, "s1").await, (1, 1));
    // Below at last: the next seat freed goes to the queue.
    assert_eq!(cancel(&env, "s1", "u-2").success().json()["offers_sent"], 1);
    assert_eq!(
        status_of(&env, "s1", "u-3").await.as_deref(),
        Some("OFFERED")
    );
    assert_eq!(counters(&env, "s1").await, (1, 0));
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn overlap_is_refused_unless_allowed(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &[]);
    env.session("e1", "morning", 9, 11, &[]);
    env.session("e1", "keynote", 10, 12, &[]);
    env.session("e1", "lunch", 12, 13, &[]);
    env.register_many("e1", "u", 1).await;
    rsvp(&env, "morning", "u-0").success();
    rsvp(&env, "lunch", "u-0").success(); // touching end and start is no overlap

    let before = env.snapshot().await;
    rsvp(&env, "keynote", "u-0")
        .code(6)
        .error_mentions("overlaps session \"morning\"");
    assert_eq!(env.snapshot().await, before);

    let out = env
        .run(&[
            "session",
            "rsvp",
            "--json",
            "--session",
            "keynote",
            "--user",
            "u-0",
            "--allow-overlap",
        ])
        .success()
        .json();
    assert_eq!(out["status"], "CONFIRMED");
    assert_eq!(counters(&env, "keynote").await, (1, 0));

    let sched = env
        .run(&["schedule", "--json", "--event", "e1", "--user", "u-0"])
        .success()
        .json();
    let got: Vec<(Value, Value)> = sched
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["session_id"].clone(), e["overlaps"].clone()))
        .collect();
    assert_eq!(
        got,
        [
            (json!("morning"), json!(["keynote"])),
            (json!("keynote"), json!(["morning"])),
            (json!("lunch"), json!([])),
        ]
    );
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn promotion_skips_a_clashing_user_who_keeps_their_place(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &[]);
    env.session("e1", "s1", 9, 10, &["--max-participants", "1"]);
    env.session("e1", "s2", 9, 10, &[]);
    env.register_many("e1", "u", 3).await;
    rsvp(&env, "s1", "u-0").success();
    rsvp(&env, "s1", "u-1").code(4);
    rsvp(&env, "s1", "u-2").code(4);
    // u-1 meanwhile confirms a session at the same time.
    rsvp(&env, "s2", "u-1").success();

    assert_eq!(cancel(&env, "s1", "u-0").success().json()["offers_sent"], 1);
    assert_eq!(
        status_of(&env, "s1", "u-2").await.as_deref(),
        Some("OFFERED")
    );
    assert_eq!(
        status_of(&env, "s1", "u-1").await.as_deref(),
        Some("WAITLISTED")
    );
    assert_eq!(queue(&env, "s1").await, ["u-1"]);
    assert_eq!(counters(&env, "s1").await, (1, 1));

    // Once u-1 gives the clashing session up, the next freed seat is theirs.
    cancel(&env, "s2", "u-1").success();
    cancel(&env, "s1", "u-2").success();
    assert_eq!(
        status_of(&env, "s1", "u-1").await.as_deref(),
        Some("OFFERED")
    );
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn schedule_lists_the_users_sessions_by_start(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &[]);
    env.event("e2", &[]);
    env.session("e1", "late", 15, 16, &["--room", "Hall B"]);
    env.session("e1", "early", 9, 10, &["--max-participants", "1"]);
    env.session("e1", "dropped", 11, 12, &[]);
    env.session("e2", "elsewhere", 9, 10, &[]);
    env.register_many("e1", "u", 2).await;
    env.register_many("e2", "u", 2).await;
    rsvp(&env, "early", "u-1").success();
    rsvp(&env, "late", "u-0").success();
    rsvp(&env, "early", "u-0").code(4);
    rsvp(&env, "dropped", "u-0").success();
    cancel(&env, "dropped", "u-0").success();
    rsvp(&env, "elsewhere", "u-0").success();

    let sched = env
        .run(&["schedule", "--json", "--event", "e1", "--user", "u-0"])
        .success()
        .json();
    let rows = sched.as_array().unwrap();
    assert_eq!(rows.len(), 2, "{sched}");
    assert_eq!(
        rows[0],
        json!({
            "session_id": "early", "title": "Test session",
            "starts_at": "2030-06-01T09:00:00Z", "ends_at": "2030-06-01T10:00:00Z",
            "room": null, "status": "WAITLISTED", "waitlist_position": 1,
            "offer_expires_at": null, "overlaps": [],
            "rsvp_id": rows[0]["rsvp_id"], "updated_at": rows[0]["updated_at"],
        })
    );
    assert_eq!(
        (
            rows[1]["session_id"].clone(),
            rows[1]["status"].clone(),
            rows[1]["room"].clone()
        ),
        (json!("late"), json!("CONFIRMED"), json!("Hall B"))
    );

    // Someone with no RSVPs has an empty schedule; an unknown event is an error.
    assert_eq!(
        env.run(&["schedule", "--json", "--event", "e1", "--user", "stranger"])
            .success()
            .json(),
        json!([])
    );
    env.run(&["schedule", "--json", "--event", "nope", "--user", "u-0"])
        .code(5)
        .error_mentions("event \"nope\" not found");
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn schedule_ics_is_a_stable_calendar(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &[]);
    env.session(
        "e1",
        "s1",
        9,
        10,
        &["--room", "Hall A", "--max-participants", "1"],
    );
    env.session("e1", "s2", 11, 12, &["--max-participants", "1"]);
    env.session("e1", "s3", 13, 14, &[]);
    env.register_many("e1", "u", 2).await;
    rsvp(&env, "s2", "u-1").success();
    rsvp(&env, "s1", "u-0").success();
    rsvp(&env, "s2", "u-0").code(4);
    rsvp(&env, "s3", "u-0").success();
    cancel(&env, "s3", "u-0").success();

    let args = ["schedule", "--event", "e1", "--user", "u-0", "--ics"];
    let first = env.run(&args).success().stdout;
    let second = env.run(&args).success().stdout;
    assert_eq!(first, second, "same RSVPs, same calendar");
    assert!(
        first.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"),
        "{first}"
    );
    assert!(first.ends_with("END:VCALENDAR\r\n"));
    assert!(!first.replace("\r\n", "").contains('\n'), "CRLF line ends");
    assert_eq!(
        first.matches("BEGIN:VEVENT\r\n").count(),
        2,
        "one VEVENT per listed session"
    );

    let ids: Vec<String> =
        sqlx::query_scalar("SELECT id FROM session_rsvps WHERE user_id = 'u-0' AND session_id IN ('s1', 's2') ORDER BY session_id")
            .fetch_all(&env.pool)
            .await
            .unwrap();
    let events: Vec<&str> = first.split("BEGIN:VEVENT").skip(1).collect();
    let prop = |ev: &str, key: &str| -> String {
        ev.lines()
            .find_map(|l| l.strip_prefix(&format!("{key}:")))
            .unwrap_or_else(|| panic!("{key} missing in {ev}"))
            .trim_end()
            .to_string()
    };
    assert_eq!(prop(events[0], "UID"), format!("{}@capctl", ids[0]));
    assert_eq!(prop(events[1], "UID"), format!("{}@capctl", ids[1]));
    assert_eq!(prop(events[0], "DTSTART"), "20300601T090000Z");
    assert_eq!(prop(events[0], "DTEND"), "20300601T100000Z");
    assert!(prop(events[0], "DTSTAMP").ends_with('Z'));
    assert_eq!(prop(events[0], "SUMMARY"), "Test session");
    assert_eq!(prop(events[0], "LOCATION"), "Hall A");
    assert_eq!(prop(events[0], "STATUS"), "CONFIRMED");
    assert_eq!(prop(events[1], "STATUS"), "TENTATIVE");
    assert!(prop(events[1], "DTSTART").ends_with('Z'));

    // Promoted from the waitlist: same UID, now confirmed.
    cancel(&env, "s2", "u-1").success();
    rsvp(&env, "s2", "u-0").success();
    let third = env.run(&args).success().stdout;
    let ev = third.split("BEGIN:VEVENT").nth(2).unwrap();
    assert_eq!(prop(ev, "UID"), format!("{}@capctl", ids[1]));
    assert_eq!(prop(ev, "STATUS"), "CONFIRMED");
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn bad_input_is_refused_and_writes_nothing(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &[]);
    env.event("e2", &[]);
    env.session("e1", "s1", 9, 10, &["--max-participants", "2"]);
    env.session("e2", "s9", 9, 10, &[]);
    env.register_many("e1", "u", 2).await;
    rsvp(&env, "s1", "u-0").success();
    let before = env.snapshot().await;

    rsvp(&env, "nope", "u-0")
        .code(5)
        .error_mentions("session \"nope\" not found");
    rsvp(&env, "s1", "ghost")
        .code(6)
        .error_mentions("not registered");
    rsvp(&env, "s9", "u-1")
        .code(6)
        .error_mentions("not registered for event \"e2\"");
    cancel(&env, "s1", "u-1")
        .code(5)
        .error_mentions("has no RSVP for session \"s1\"");
    cancel(&env, "nope", "u-0")
        .code(5)
        .error_mentions("session \"nope\" not found");
    cancel(&env, "s9", "u-0")
        .code(5)
        .error_mentions("has no RSVP");
    set_capacity(&env, "s1", &["--max", "-1"])
        .code(2)
        .error_mentions("must not be negative");
    set_capacity(&env, "s1", &["--max", "99999999999"])
        .code(2)
        .error_mentions("at most");
    set_capacity(&env, "nope", &["--max", "3"])
        .code(5)
        .error_mentions("session \"nope\" not found");
    env.run(&["session", "waitlist", "--session", "nope"])
        .code(5)
        .error_mentions("session \"nope\" not found");
    env.run(&["schedule", "--event", "s1", "--user", "u-0"])
        .code(5)
        .error_mentions("that is a session of event \"e1\"");
    env.run(&["schedule", "--event", "e1", "--user", "bad user"])
        .code(2);
    let bad_id = rsvp(&env, "s1", "u;drop");
    assert_eq!(bad_id.code, 2);
    assert!(
        bad_id.stdout.is_empty() && bad_id.stderr.contains("contains ';'"),
        "{bad_id:?}"
    );

    // clap refuses the combination before anything runs (its usage error spans a few lines).
    let both = set_capacity(&env, "s1", &["--max", "3", "--unlimited"]);
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
    let neither = set_capacity(&env, "s1", &[]);
    assert_eq!(neither.code, 2, "{neither:?}");

    assert_eq!(env.snapshot().await, before, "nothing written");
    assert_eq!(counters(&env, "s1").await, (1, 0));
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn database_refuses_an_oversell_from_a_raw_writer(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &[]);
    env.session("e1", "s1", 9, 10, &["--max-participants", "1"]);
    env.register_many("e1", "u", 3).await;
    rsvp(&env, "s1", "u-0").success();
    rsvp(&env, "s1", "u-1").code(4);
    let before = env.snapshot().await;

    let err = sqlx::query(
        "INSERT INTO session_rsvps (id, session_id, user_id, event_id, status)
         VALUES ('srsvp_' || gen_random_uuid(), 's1', 'u-2', 'e1', 'CONFIRMED')",
    )
    .execute(&env.pool)
    .await
    .unwrap_err();
    assert_eq!(
        err.as_database_error().and_then(|e| e.code()).as_deref(),
        Some("CP001"),
        "{err}"
    );
    assert!(matches!(
        capctl_core::Error::from(err),
        capctl_core::Error::Full(_)
    ));

    // Promoting someone by hand past the queue is refused the same way.
    let err = sqlx::query(
        "UPDATE session_rsvps SET status = 'CONFIRMED', waitlist_seq = NULL WHERE user_id = 'u-1'",
    )
    .execute(&env.pool)
    .await
    .unwrap_err();
    assert_eq!(
        err.as_database_error().and_then(|e| e.code()).as_deref(),
        Some("CP001"),
        "{err}"
    );

    assert_eq!(env.snapshot().await, before, "nothing left behind");
    assert_eq!(counters(&env, "s1").await, (1, 1));
}
