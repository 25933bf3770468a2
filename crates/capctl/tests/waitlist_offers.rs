//! The waitlist and its offers: a freed seat offered to the next in line, offers passed on,
//! expired or withheld once a session started, capacity raised or cut, and waiting users who
//! clash keeping their place. Every test checks the answer AND the rows left in PostgreSQL.

mod common;

use common::pick;

use chrono::{Duration, Utc};
use common::{TestEnv, rfc3339};
use serde_json::{Value, json};
use sqlx::PgPool;

/// s1 (one seat, offers held 10 minutes): u-0 confirmed, then cancelled, so u-1 holds an offer
/// and u-2 waits.
async fn offer_made(env: &TestEnv) -> serde_json::Value {
    env.event("e1", &[]);
    env.session(
        "e1",
        "s1",
        9,
        10,
        &["--max-participants", "1", "--offer-ttl", "10m"],
    );
    env.register_many("e1", "u", 3).await;
    env.rsvp("s1", "u-0").success();
    env.rsvp("s1", "u-1").code(4);
    env.rsvp("s1", "u-2").code(4);
    env.cancel("s1", "u-0").success().json()
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn cancel_offers_the_seat_to_the_next_in_line_who_accepts(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    let out = offer_made(&env).await;
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
        env.status_line("s1").await,
        "u-0 CANCELLED, u-1 OFFERED, u-2 WAITLISTED"
    );
    assert_eq!(env.counters("s1").await, (1, 1));

    let accepted = env.rsvp("s1", "u-1").success().json();
    assert_eq!(
        (accepted["status"].clone(), accepted["repeat"].clone()),
        (json!("CONFIRMED"), json!(false))
    );
    assert_eq!(
        env.status_of("s1", "u-1").await.as_deref(),
        Some("CONFIRMED")
    );
    assert_eq!(env.counters("s1").await, (1, 1));
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn an_offer_holds_the_seat_for_the_sessions_offer_ttl(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    offer_made(&env).await;
    let held: bool = sqlx::query_scalar(
        "SELECT offer_expires_at - offered_at = interval '10 minutes' AND waitlist_seq IS NULL
           FROM session_rsvps WHERE session_id = 's1' AND user_id = 'u-1'",
    )
    .fetch_one(&env.pool)
    .await
    .unwrap();
    assert!(held);
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn waitlist_and_schedule_show_the_offer(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    offer_made(&env).await;
    let q = env
        .capctl("session waitlist --json --session s1")
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
        .capctl("schedule --json --event e1 --user u-1")
        .success()
        .json();
    assert_eq!(sched[0]["status"], "OFFERED");
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn the_canceller_coming_back_queues_behind_the_held_seat(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    offer_made(&env).await;
    env.rsvp("s1", "u-0").code(4);
    assert_eq!(env.queue("s1").await, ["u-2", "u-0"]);
    // then the offer is accepted: one seat taken, two waiting
    env.rsvp("s1", "u-1").success();
    assert_eq!(env.counters("s1").await, (1, 2));
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn cancelling_an_offer_passes_it_on_and_repeats_are_idempotent(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.one_seat(3).await;
    env.rsvp("s1", "u-0").success();
    env.rsvp("s1", "u-1").code(4);
    env.rsvp("s1", "u-2").code(4);
    env.cancel("s1", "u-0").success();

    let out = env.cancel("s1", "u-1").success().json();
    assert_eq!(
        (out["previous_status"].clone(), out["offers_sent"].clone()),
        (json!("OFFERED"), json!(1))
    );
    assert_eq!(
        env.status_line("s1").await,
        "u-0 CANCELLED, u-1 CANCELLED, u-2 OFFERED"
    );
    assert_eq!(env.counters("s1").await, (1, 0));

    let before = env.snapshot().await;
    let again = env.cancel("s1", "u-1").success().json();
    assert_eq!(
        (again["status"].clone(), again["repeat"].clone()),
        (json!("CANCELLED"), json!(true))
    );
    assert_eq!(env.snapshot().await, before);

    // The last offer given up with nobody waiting: the seat is simply free.
    env.cancel("s1", "u-2").success();
    assert_eq!(env.counters("s1").await, (0, 0));
    let list = env
        .capctl("session list --json --event e1")
        .success()
        .json();
    assert_eq!(list[0]["available"], 1);
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn waitlisted_cancel_closes_the_gap(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.one_seat(6).await;
    for i in 0..6 {
        env.rsvp("s1", &format!("u-{i}")).run();
    }
    env.cancel("s1", "u-2").success();
    env.cancel("s1", "u-4").success();
    assert_eq!(env.counters("s1").await, (1, 3));
    let q = env
        .capctl("session waitlist --json --session s1")
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
    assert_eq!(env.rsvp("s1", "u-5").code(4).json()["waitlist_position"], 3);
    let sched = env
        .capctl("schedule --json --event e1 --user u-3")
        .success()
        .json();
    assert_eq!(sched[0]["waitlist_position"], 2);
    // Rejoining puts you at the back.
    assert_eq!(env.rsvp("s1", "u-2").code(4).json()["waitlist_position"], 4);
    assert_eq!(env.queue("s1").await, ["u-1", "u-3", "u-5", "u-2"]);
}

/// s1 (one seat): u-0 cancelled, so u-1 was offered the seat, u-2 waits; then u-1's offer
/// lapsed (its expiry set in the past behind capctl's back). u-3 is registered too.
async fn offer_lapsed(env: &TestEnv) {
    env.one_seat(4).await;
    env.rsvp("s1", "u-0").success();
    env.rsvp("s1", "u-1").code(4);
    env.rsvp("s1", "u-2").code(4);
    env.cancel("s1", "u-0").success();
    assert_eq!(env.status_of("s1", "u-1").await.as_deref(), Some("OFFERED"));
    env.exec("UPDATE session_rsvps SET offer_expires_at = now() - interval '1s' WHERE status = 'OFFERED'")
        .await;
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn expired_offer_passes_on_at_the_next_write(pool: PgPool) {
    // The next write on the session (anyone's RSVP) expires it and passes the seat on.
    let env = TestEnv::new(pool).await;
    offer_lapsed(&env).await;
    let late = env.rsvp("s1", "u-3").code(4).json();
    assert_eq!(late["waitlist_position"], 1);
    assert_eq!(
        env.status_line("s1").await,
        "u-0 CANCELLED, u-1 EXPIRED, u-2 OFFERED, u-3 WAITLISTED"
    );
    assert_eq!(env.counters("s1").await, (1, 1));
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn reads_show_an_overdue_offer_as_holding_nothing_and_write_nothing(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    offer_lapsed(&env).await;
    let q = env
        .capctl("session waitlist --json --session s1")
        .success()
        .json();
    assert_eq!(q.as_array().unwrap().len(), 1);
    assert_eq!(env.status_of("s1", "u-1").await.as_deref(), Some("OFFERED"));
    let list = env
        .capctl("session list --json --event e1")
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
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn a_late_user_trying_to_accept_queues_again_at_the_back(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    offer_lapsed(&env).await;
    env.rsvp("s1", "u-3").code(4);
    // the schedule drops the lapsed offer
    let sched = env
        .capctl("schedule --json --event e1 --user u-1")
        .success()
        .json();
    assert_eq!(sched, json!([]));
    let back = env.rsvp("s1", "u-1").code(4).json();
    assert_eq!(back["waitlist_position"], 2);
    assert_eq!(env.queue("s1").await, ["u-3", "u-1"]);
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn an_offer_lapsing_in_a_cancellers_hands_gives_nothing_away_twice(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    offer_lapsed(&env).await;
    env.rsvp("s1", "u-3").code(4); // u-1's offer expires, u-2 is offered the seat
    env.rsvp("s1", "u-1").code(4);
    env.exec("UPDATE session_rsvps SET offer_expires_at = now() - interval '1s' WHERE status = 'OFFERED'")
        .await;
    let out = env.cancel("s1", "u-2").success().json();
    assert_eq!(
        (out["previous_status"].clone(), out["offers_sent"].clone()),
        (json!("EXPIRED"), json!(1))
    );
    assert_eq!(
        env.status_line("s1").await,
        "u-0 CANCELLED, u-1 WAITLISTED, u-2 CANCELLED, u-3 OFFERED"
    );
    assert_eq!(env.counters("s1").await, (1, 1));
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn no_offers_once_the_session_has_started_and_none_after_it_ended(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    // Sessions lie within their event: this event began a day ago.
    let from = rfc3339(Utc::now() - Duration::days(1));
    env.capctl("event create --id e1 --ends-at 2030-06-03T18:00:00Z --name")
        .arg("Test event")
        .args(["--starts-at", &from])
        .success();
    env.session_at(
        "e1",
        "live",
        Duration::hours(-1),
        Duration::hours(1),
        &["--max-participants", "1"],
    );
    env.session_at(
        "e1",
        "over",
        Duration::hours(-3),
        Duration::hours(-2),
        &["--max-participants", "5"],
    );
    env.register_many("e1", "u", 3).await;

    env.rsvp("live", "u-0").success();
    env.rsvp("live", "u-1").code(4);
    let out = env.cancel("live", "u-0").success().json();
    assert_eq!(out["offers_sent"], 0);
    assert_eq!(
        env.status_line("live").await,
        "u-0 CANCELLED, u-1 WAITLISTED"
    );
    let raised = env.set_capacity("live", &["--max", "5"]).success().json();
    assert_eq!(raised["offers_sent"], 0);
    assert_eq!(env.counters("live").await, (0, 1));
    // At the door: the waiting user asking again takes the free seat.
    let door = env.rsvp("live", "u-1").success().json();
    assert_eq!(
        (door["status"].clone(), door["repeat"].clone()),
        (json!("CONFIRMED"), json!(false))
    );
    assert_eq!(env.counters("live").await, (1, 0));

    let before = env.snapshot().await;
    env.rsvp("over", "u-2").refused(6, "has already ended");
    assert_eq!(env.snapshot().await, before);
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn raising_capacity_offers_seats_at_once(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.one_seat(5).await;
    for i in 0..5 {
        env.rsvp("s1", &format!("u-{i}")).run();
    }
    let out = env.set_capacity("s1", &["--max", "3"]).success().json();
    assert_eq!(
        pick(
            &out,
            "capacity previous_capacity taken offers_sent over_capacity"
        ),
        json!({"capacity": 3, "previous_capacity": 1, "taken": 3, "offers_sent": 2, "over_capacity": false})
    );
    assert_eq!(
        env.status_line("s1").await,
        "u-0 CONFIRMED, u-1 OFFERED, u-2 OFFERED, u-3 WAITLISTED, u-4 WAITLISTED"
    );
    assert_eq!(env.counters("s1").await, (3, 2));
    let cap: (Option<i32>, Option<i32>) = sqlx::query_as(
        "SELECT sc.maximum_capacity, s.max_participants FROM session_capacity sc JOIN sessions s ON s.id = sc.session_id",
    )
    .fetch_one(&env.pool)
    .await
    .unwrap();
    assert_eq!(cap, (Some(3), Some(3)));

    let human = env
        .capctl("session set-capacity --session s1 --unlimited")
        .success();
    assert!(
        human.stdout.contains("2 waitlisted user(s) offered a seat"),
        "{}",
        human.stdout
    );
    assert_eq!(env.counters("s1").await, (5, 0));
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn lowering_below_taken_needs_force_and_then_admits_nobody_until_below(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &[]);
    env.session("e1", "s1", 9, 10, &["--max-participants", "3"]);
    env.register_many("e1", "u", 5).await;
    for i in 0..3 {
        env.rsvp("s1", &format!("u-{i}")).success();
    }
    let before = env.snapshot().await;
    env.set_capacity("s1", &["--max", "1"])
        .refused(6, "capacity 1 is below the 3 seats already taken");
    assert_eq!(env.snapshot().await, before);

    let forced = env
        .set_capacity("s1", &["--max", "1", "--force"])
        .success()
        .json();
    assert_eq!(
        (forced["taken"].clone(), forced["over_capacity"].clone()),
        (json!(3), json!(true))
    );
    let human = env
        .capctl("session set-capacity --session s1 --max 1 --force")
        .success();
    assert!(
        human.stdout.contains("nobody new is admitted until below"),
        "{}",
        human.stdout
    );
    assert_eq!(
        env.statuses("s1")
            .await
            .iter()
            .filter(|(_, s)| s == "CONFIRMED")
            .count(),
        3,
        "nobody removed"
    );

    env.rsvp("s1", "u-3").code(4);
    assert_eq!(env.cancel("s1", "u-0").success().json()["offers_sent"], 0);
    assert_eq!(env.cancel("s1", "u-1").success().json()["offers_sent"], 0);
    assert_eq!(env.counters("s1").await, (1, 1));
    // Below at last: the next seat freed goes to the queue.
    assert_eq!(env.cancel("s1", "u-2").success().json()["offers_sent"], 1);
    assert_eq!(env.status_of("s1", "u-3").await.as_deref(), Some("OFFERED"));
    assert_eq!(env.counters("s1").await, (1, 0));
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn promotion_skips_a_clashing_user_who_keeps_their_place(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &[]);
    env.session("e1", "s1", 9, 10, &["--max-participants", "1"]);
    env.session("e1", "s2", 9, 10, &[]);
    env.register_many("e1", "u", 3).await;
    env.rsvp("s1", "u-0").success();
    env.rsvp("s1", "u-1").code(4);
    env.rsvp("s1", "u-2").code(4);
    // u-1 meanwhile confirms a session at the same time.
    env.rsvp("s2", "u-1").success();

    assert_eq!(env.cancel("s1", "u-0").success().json()["offers_sent"], 1);
    assert_eq!(env.status_of("s1", "u-2").await.as_deref(), Some("OFFERED"));
    assert_eq!(
        env.status_of("s1", "u-1").await.as_deref(),
        Some("WAITLISTED")
    );
    assert_eq!(env.queue("s1").await, ["u-1"]);
    assert_eq!(env.counters("s1").await, (1, 1));

    // Once u-1 gives the clashing session up, the next freed seat is theirs.
    env.cancel("s2", "u-1").success();
    env.cancel("s1", "u-2").success();
    assert_eq!(env.status_of("s1", "u-1").await.as_deref(), Some("OFFERED"));
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn an_offer_holder_who_clashes_meanwhile_keeps_the_offer_until_they_allow_the_overlap(
    pool: PgPool,
) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &[]);
    env.session("e1", "s1", 9, 10, &["--max-participants", "1"]);
    env.session("e1", "s2", 9, 10, &[]);
    env.register_many("e1", "u", 2).await;
    let rsvp = |s: &str, u: &str, extra: &[&str]| env.rsvp(s, u).args(extra).run();
    rsvp("s1", "u-0", &[]).success();
    rsvp("s1", "u-1", &[]).code(4);
    env.capctl("session cancel --session s1 --user u-0")
        .success();
    // holding the offer, u-1 confirms a session at the same time: an offer is no clash
    rsvp("s2", "u-1", &[]).success();

    let before = env.snapshot().await;
    rsvp("s1", "u-1", &[]).refused(6, "the offer held for them expires at");
    assert_eq!(env.snapshot().await, before, "the offer is still held");
    let status = env.status_of("s1", "u-1").await.unwrap();
    assert_eq!(status, "OFFERED");

    let ok = rsvp("s1", "u-1", &["--allow-overlap"]).success().json();
    assert_eq!(
        (&ok["status"], &ok["waitlist_position"], &ok["repeat"]),
        (&"CONFIRMED".into(), &Value::Null, &false.into())
    );
    let list = env
        .capctl("session list --json --event e1")
        .success()
        .json();
    assert_eq!(
        (
            &list[0]["session_id"],
            &list[0]["confirmed"],
            &list[0]["offered"]
        ),
        (&"s1".into(), &1.into(), &0.into())
    );
    assert_eq!(env.attendance("s1").await, 1);
}
