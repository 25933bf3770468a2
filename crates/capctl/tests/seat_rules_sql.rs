//! The seat rules as another service sees them: PL/pgSQL functions called with plain SQL on a
//! pooled connection, enforcing exactly what the binary enforces. Each test checks the outcome
//! AND the rows left in PostgreSQL.

mod common;

use capctl_core::ids::{MAX_CAPACITY, MAX_OFFER_TTL};
use common::TestEnv;
use sqlx::{PgPool, Row};

/// `SELECT * FROM capctl_rsvp(...)` as a Python or TypeScript service would send it.
async fn sql_rsvp(pool: &PgPool, session: &str, user: &str) -> sqlx::postgres::PgRow {
    sqlx::query("SELECT * FROM capctl_rsvp($1, $2)")
        .bind(session)
        .bind(user)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// session_capacity's (current_attendance, waitlist_length).
async fn counters(pool: &PgPool, session: &str) -> (i32, i32) {
    sqlx::query_as(
        "SELECT current_attendance, waitlist_length FROM session_capacity WHERE session_id = $1",
    )
    .bind(session)
    .fetch_one(pool)
    .await
    .unwrap()
}

/// u-0 takes the one seat of `s1` and cancels; u-1, who waited, holds the offer, overdue by
/// `overdue` (a PostgreSQL interval), all through the SQL functions.
async fn overdue_offer(env: &TestEnv, overdue: &str) {
    env.one_seat(2).await;
    sql_rsvp(&env.pool, "s1", "u-0").await;
    sql_rsvp(&env.pool, "s1", "u-1").await;
    env.cancel_in_sql("s1", "u-0").await;
    env.exec(&format!(
        "UPDATE session_rsvps SET offer_expires_at = now() - interval '{overdue}' WHERE user_id = 'u-1'"
    ))
    .await;
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn sql_rsvp_to_a_full_session_is_waitlisted_as_through_the_binary(pool: PgPool) {
    let env = TestEnv::new(pool.clone()).await;
    env.one_seat(3).await;

    let first = sql_rsvp(&pool, "s1", "u-0").await;
    assert_eq!(first.get::<String, _>("outcome"), "CONFIRMED");
    let second = sql_rsvp(&pool, "s1", "u-1").await;
    assert_eq!(second.get::<String, _>("outcome"), "WAITLISTED");
    assert_eq!(second.get::<Option<i32>, _>("waitlist_position"), Some(1));
    assert_eq!(second.get::<Option<i32>, _>("taken"), Some(1));
    // The binary, after SQL callers, sees the same queue: next in line at place 2.
    let third = env
        .capctl("session rsvp --json --session s1 --user u-2")
        .code(4)
        .json();
    assert_eq!(third["waitlist_position"], 2);

    assert_eq!(
        env.status_line("s1").await,
        "u-0 CONFIRMED, u-1 WAITLISTED, u-2 WAITLISTED"
    );
    assert_eq!(counters(&pool, "s1").await, (1, 2));
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn sql_rsvp_of_an_unregistered_user_is_not_registered_and_writes_nothing(pool: PgPool) {
    let env = TestEnv::new(pool.clone()).await;
    env.event("e1", &[]);
    env.session("e1", "s1", 9, 10, &[]);
    let before = env.snapshot().await;

    let row = sql_rsvp(&pool, "s1", "stranger").await;
    assert_eq!(row.get::<String, _>("outcome"), "NOT_REGISTERED");
    assert_eq!(
        row.get::<Option<String>, _>("event_id").as_deref(),
        Some("e1")
    );
    assert_eq!(row.get::<Option<String>, _>("rsvp_id"), None);

    assert_eq!(env.snapshot().await, before);
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn raw_insert_beyond_capacity_is_refused_by_the_guard(pool: PgPool) {
    let env = TestEnv::new(pool.clone()).await;
    env.one_seat(2).await;
    sql_rsvp(&pool, "s1", "u-0").await;
    let before = env.snapshot().await;

    env.refused_sql(
        "INSERT INTO session_rsvps (id, session_id, user_id, event_id, status)
         VALUES ('srsvp_' || gen_random_uuid(), 's1', 'u-1', 'e1', 'CONFIRMED')",
        "CP001",
    )
    .await;

    assert_eq!(env.snapshot().await, before);
    assert_eq!(counters(&pool, "s1").await, (1, 0));
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn register_many_over_the_cap_writes_nothing(pool: PgPool) {
    let env = TestEnv::new(pool.clone()).await;
    env.event("e1", &["--max-attendees", "2"]);
    let before = env.snapshot().await;

    let row = sqlx::query(
        "SELECT * FROM capctl_register_many('e1', ARRAY['a', 'b', 'c'], ARRAY[NULL, NULL, NULL]::text[],
                                            ARRAY[NULL, NULL, NULL]::text[])",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(row.get::<String, _>("outcome"), "FULL");
    assert_eq!(row.get::<i32, _>("new_registrations"), 3);
    assert_eq!(row.get::<Option<i32>, _>("max_attendees"), Some(2));

    assert_eq!(env.snapshot().await, before);
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn register_and_register_many_share_the_cap(pool: PgPool) {
    let env = TestEnv::new(pool.clone()).await;
    env.event("e1", &["--max-attendees", "2"]);
    // The repeated user counts once; the first spelling wins.
    let row = sqlx::query(
        "SELECT * FROM capctl_register_many('e1', ARRAY['a', 'a'], ARRAY['First', 'Second'],
                                            ARRAY[NULL, NULL]::text[])",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(row.get::<String, _>("outcome"), "OK");
    assert_eq!(row.get::<i32, _>("new_registrations"), 1);
    env.capctl("event register --event e1 --user b").success();
    env.capctl("event register --event e1 --user c")
        .refused(3, "is full");

    let rows: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT user_id, name FROM event_registrations WHERE event_id = 'e1' ORDER BY user_id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        rows,
        vec![
            ("a".to_string(), Some("First".to_string())),
            ("b".to_string(), None)
        ]
    );
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn reconcile_check_counts_what_the_fix_then_applies(pool: PgPool) {
    let env = TestEnv::new(pool.clone()).await;
    // An offer run out, and a counter written behind the rules' back.
    overdue_offer(&env, "1 minute").await;
    env.exec("UPDATE session_capacity SET waitlist_length = 5 WHERE session_id = 's1'")
        .await;

    let pass = |check: bool| {
        let pool = pool.clone();
        async move {
            sqlx::query_as::<_, (i32, i32, i32)>("SELECT * FROM capctl_reconcile_sessions($1)")
                .bind(check)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let checked = pass(true).await;
    assert_eq!(checked, (1, 1, 0));
    assert_eq!(pass(false).await, checked);
    assert_eq!(pass(true).await, (0, 0, 0));

    assert_eq!(env.status_line("s1").await, "u-0 CANCELLED, u-1 EXPIRED");
    assert_eq!(counters(&pool, "s1").await, (0, 0));
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn overdue_offers_are_not_taken_seats(pool: PgPool) {
    let env = TestEnv::new(pool.clone()).await;
    overdue_offer(&env, "1 second").await;

    let seats: (i64, i64, i64) = sqlx::query_as(
        "SELECT taken, held, overdue_offers FROM capctl_session_seats WHERE session_id = 's1'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(seats, (0, 1, 1));
    let dashboard = env
        .capctl("session list --json --event e1")
        .success()
        .json();
    assert_eq!(dashboard[0]["available"], 1);

    let expired: i32 = sqlx::query_scalar("SELECT capctl_expire_offers('s1')")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(expired, 1);
    assert_eq!(counters(&pool, "s1").await, (0, 0));
}

/// The limits are named in Rust (messages come from there) and held again by the database's
/// CHECKs: the two must agree, at the limit and one past it.
#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn database_limits_agree_with_rust(pool: PgPool) {
    let env = TestEnv::new(pool.clone()).await;
    env.event("e1", &[]);
    env.session("e1", "s1", 9, 10, &[]);
    env.capctl("booth create --event e1 --id b1 --name Booth")
        .success();
    let before = env.snapshot().await;
    let accepts = |sql: &'static str, value: i64| {
        let pool = pool.clone();
        async move {
            let mut tx = pool.begin().await.unwrap();
            let ok = sqlx::query(sql).bind(value).execute(&mut *tx).await.is_ok();
            tx.rollback().await.unwrap();
            ok
        }
    };
    for sql in [
        "UPDATE sessions SET max_participants = $1::bigint::integer WHERE id = 's1'",
        "UPDATE session_capacity SET maximum_capacity = $1::bigint::integer WHERE session_id = 's1'",
        "UPDATE events SET max_attendees = $1::bigint::integer WHERE id = 'e1'",
        "UPDATE expo_booths SET max_visitors = $1::bigint::integer WHERE id = 'b1'",
    ] {
        assert!(accepts(sql, MAX_CAPACITY).await, "{sql} at the limit");
        assert!(!accepts(sql, MAX_CAPACITY + 1).await, "{sql} past it");
    }
    let ttl = "UPDATE sessions SET offer_ttl = make_interval(secs => $1::bigint) WHERE id = 's1'";
    let max_ttl = MAX_OFFER_TTL.as_secs() as i64;
    assert!(accepts(ttl, max_ttl).await);
    assert!(!accepts(ttl, max_ttl + 1).await);
    assert_eq!(env.snapshot().await, before);
}
