//! Reconcile's cost follows what can still change: a default pass (and `--check`) audits the
//! seats of sessions not yet ended, so a direct write to a live session's counters is found
//! and fixed while drift left in an ended session is not touched; `--full` audits every session.

mod common;

use chrono::{Duration, Utc};
use common::{TestEnv, rfc3339};
use sqlx::PgPool;

/// Event `ev` (three days ago until tomorrow) with three sessions of 10 seats holding two
/// confirmed RSVPs each: `ended` (two days ago), `now` (in progress) and `later` (tomorrow).
async fn three_sessions(env: &TestEnv) {
    let now = Utc::now();
    env.capctl("event create --json --name Ongoing --id ev")
        .args(["--starts-at", &rfc3339(now - Duration::days(3))])
        .args(["--ends-at", &rfc3339(now + Duration::days(1))])
        .success();
    let seats = ["--max-participants", "10"];
    env.session_at(
        "ev",
        "ended",
        -Duration::days(2),
        -Duration::days(2) + Duration::hours(1),
        &seats,
    );
    env.session_at("ev", "now", -Duration::hours(1), Duration::hours(1), &seats);
    env.session_at(
        "ev",
        "later",
        Duration::hours(20),
        Duration::hours(21),
        &seats,
    );
    let users = env.register_many("ev", "u", 2).await;
    // Rows written as another service would (the triggers keep the counters).
    sqlx::query(
        "INSERT INTO session_rsvps (id, session_id, user_id, event_id, status, confirmed_at, allow_overlap)
         SELECT 'srsvp_' || gen_random_uuid(), s, u, 'ev', 'CONFIRMED', now(), true
           FROM unnest(ARRAY['ended', 'now', 'later']) s, unnest($1::text[]) u",
    )
    .bind(&users)
    .execute(&env.pool)
    .await
    .unwrap();
    env.capctl("reconcile --check --full").success();
}

/// Writes `current_attendance` of each session directly, behind capctl's back.
async fn write_attendance(env: &TestEnv, sessions: &[&str], value: i32) {
    sqlx::query("UPDATE session_capacity SET current_attendance = $2 WHERE session_id = ANY($1)")
        .bind(sessions)
        .bind(value)
        .execute(&env.pool)
        .await
        .unwrap();
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn a_direct_write_to_a_live_session_is_found_by_check_and_fixed_by_a_pass(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    three_sessions(&env).await;
    for session in ["now", "later"] {
        write_attendance(&env, &[session], 7).await;
        let before = env.snapshot().await;
        let check = env.capctl("reconcile --check --json").code(8);
        assert_eq!(check.json()["sessions_fixed"], 1, "{session}");
        assert!(
            check.stderr.contains("1 session counters"),
            "{}",
            check.stderr
        );
        assert_eq!(env.snapshot().await, before, "--check wrote nothing");

        let fixed = env.capctl("reconcile --json").success().json();
        assert_eq!(fixed["sessions_fixed"], 1, "{session}: {fixed}");
        assert_eq!(env.attendance(session).await, 2, "{session}");
        env.capctl("reconcile --check").success();
    }
    env.capctl("reconcile --check --full").success();
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn drift_in_an_ended_session_is_left_by_a_pass_and_found_by_full(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    three_sessions(&env).await;
    write_attendance(&env, &["ended", "now"], 7).await;

    // The default pass and check see the live session only.
    let check = env.capctl("reconcile --check --json").code(8);
    assert_eq!(check.json()["sessions_fixed"], 1);
    let fixed = env.capctl("reconcile --json").success().json();
    assert_eq!(fixed["sessions_fixed"], 1, "{fixed}");
    assert_eq!(env.attendance("now").await, 2);
    assert_eq!(
        env.attendance("ended").await,
        7,
        "the default pass left history alone"
    );
    env.capctl("reconcile --check").success();

    // --full audits every session: the ended one's drift is found, then fixed.
    let before = env.snapshot().await;
    let check = env.capctl("reconcile --check --full --json").code(8);
    assert_eq!(check.json()["sessions_fixed"], 1);
    assert_eq!(env.snapshot().await, before, "--check --full wrote nothing");
    let fixed = env.capctl("reconcile --full --json").success().json();
    assert_eq!(fixed["sessions_fixed"], 1, "{fixed}");
    assert_eq!(env.attendance("ended").await, 2);
    env.capctl("reconcile --check --full").success();

    // The SQL API keeps its meaning: capctl_reconcile_sessions(p_check) audits everything.
    write_attendance(&env, &["ended"], 5).await;
    let (found,): (i32,) =
        sqlx::query_as("SELECT sessions_fixed FROM capctl_reconcile_sessions(true)")
            .fetch_one(&env.pool)
            .await
            .unwrap();
    assert_eq!(found, 1);
    let (live_only,): (i32,) =
        sqlx::query_as("SELECT sessions_fixed FROM capctl_reconcile_sessions(true, false)")
            .fetch_one(&env.pool)
            .await
            .unwrap();
    assert_eq!(live_only, 0);
}
