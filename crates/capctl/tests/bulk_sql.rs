//! Bulk writes by raw SQL: one INSERT, UPDATE or DELETE of tens of thousands of RSVPs over
//! several sessions keeps the counters exact and the outbox one row per transition, and the
//! guard refuses the whole statement when any session would go over capacity.

mod common;

use common::TestEnv;
use sqlx::PgPool;

/// (current_attendance, waitlist_length) per session, and whether they equal the rows.
async fn counters(env: &TestEnv, session: &str) -> (i32, i32) {
    let drift = env
        .count("SELECT count(*) FROM capctl_seat_drift() WHERE counters_off")
        .await;
    assert_eq!(drift, 0, "counters differ from the rows");
    env.counters(session).await
}

async fn outbox(env: &TestEnv, kind: &str) -> i64 {
    env.count(&format!(
        "SELECT count(*) FROM capctl_outbox WHERE kind = '{kind}'"
    ))
    .await
}

/// Inserts `n` RSVPs of `status` into `session` for users `b-<from>..`, in one statement.
fn insert(session: &str, status: &str, from: usize, n: usize) -> String {
    let seq = if status == "WAITLISTED" {
        "nextval('session_rsvps_waitlist_seq')"
    } else {
        "NULL::bigint"
    };
    format!(
        "SELECT 'srsvp_' || gen_random_uuid(), '{session}', 'b-' || g, 'e1', '{status}', {seq},
                CASE WHEN '{status}' = 'CONFIRMED' THEN now() END
           FROM generate_series({from}, {}) g",
        from + n - 1
    )
}

const COLUMNS: &str = "INSERT INTO session_rsvps (id, session_id, user_id, event_id, status, waitlist_seq, confirmed_at) ";

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn bulk_statements_keep_counters_and_outbox_exact_and_refuse_oversells_whole(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &[]);
    env.session("e1", "big", 9, 10, &["--max-participants", "30000"]);
    env.session("e1", "mid", 10, 11, &["--max-participants", "12000"]);
    env.session("e1", "small", 11, 12, &["--max-participants", "100"]);
    env.session("e1", "virt", 12, 13, &["--format", "virtual"]);
    env.register_many("e1", "b", 30000).await;

    // 30,000 + 10,000 confirmed and 5,000 waitlisted, three sessions, one statement.
    env.exec(&format!(
        "{COLUMNS} {} UNION ALL {} UNION ALL {}",
        insert("big", "CONFIRMED", 0, 30000),
        insert("mid", "CONFIRMED", 0, 10000),
        insert("mid", "WAITLISTED", 10000, 5000)
    ))
    .await;
    assert_eq!(counters(&env, "big").await, (30000, 0));
    assert_eq!(counters(&env, "mid").await, (10000, 5000));
    assert_eq!(outbox(&env, "confirmed").await, 40000);
    assert_eq!(outbox(&env, "waitlisted").await, 5000);
    // Each waitlisted row was told its own place, 1..5000.
    assert_eq!(
        env.count(
            "SELECT count(DISTINCT (payload->>'waitlist_position')::int) FROM capctl_outbox
              WHERE kind = 'waitlisted' AND (payload->>'waitlist_position')::int BETWEEN 1 AND 5000"
        )
        .await,
        5000
    );

    // One session over capacity refuses the whole statement: nothing of it is written.
    let before = env.snapshot().await;
    let outbox_rows = env.count("SELECT count(*) FROM capctl_outbox").await;
    let err = env
        .refused_sql(
            &format!(
                "{COLUMNS} {} UNION ALL {}",
                insert("small", "CONFIRMED", 0, 50),
                insert("small", "CONFIRMED", 20000, 51)
            ),
            "CP001",
        )
        .await;
    assert!(err.to_string().contains("small"), "{err}");
    env.refused_sql(
        &format!(
            "{COLUMNS} {} UNION ALL {}",
            insert("small", "CONFIRMED", 0, 10),
            insert("mid", "CONFIRMED", 15000, 2001)
        ),
        "CP001",
    )
    .await;
    // A virtual session takes no RSVP rows, even among others.
    env.refused_sql(
        &format!(
            "{COLUMNS} {} UNION ALL {}",
            insert("small", "CONFIRMED", 0, 10),
            insert("virt", "CONFIRMED", 0, 10)
        ),
        "CP003",
    )
    .await;
    assert_eq!(env.snapshot().await, before);
    assert_eq!(
        env.count("SELECT count(*) FROM capctl_outbox").await,
        outbox_rows
    );

    // Bulk UPDATE: 12,000 cancelled in big, the whole waitlist of mid promoted but 3,000
    // (2,000 fit, then the guard would refuse: so promote exactly what fits).
    env.exec(
        "UPDATE session_rsvps SET status = 'CANCELLED', cancelled_at = now()
          WHERE session_id = 'big' AND user_id IN (SELECT 'b-' || g FROM generate_series(0, 11999) g)",
    )
    .await;
    assert_eq!(counters(&env, "big").await, (18000, 0));
    assert_eq!(outbox(&env, "cancelled").await, 12000);
    env.refused_sql(
        "UPDATE session_rsvps SET status = 'CONFIRMED', waitlist_seq = NULL, confirmed_at = now()
          WHERE session_id = 'mid' AND status = 'WAITLISTED'",
        "CP001",
    )
    .await;
    assert_eq!(counters(&env, "mid").await, (10000, 5000));
    env.exec(
        "UPDATE session_rsvps SET status = 'CONFIRMED', waitlist_seq = NULL, confirmed_at = now()
          WHERE session_id = 'mid' AND status = 'WAITLISTED'
            AND user_id IN (SELECT 'b-' || g FROM generate_series(10000, 11999) g)",
    )
    .await;
    assert_eq!(counters(&env, "mid").await, (12000, 3000));
    assert_eq!(outbox(&env, "confirmed").await, 42000);
    // Updates over two sessions at once, and one that changes no status.
    env.exec(
        "UPDATE session_rsvps SET status = CASE WHEN session_id = 'big' THEN 'CONFIRMED' ELSE 'CANCELLED' END,
                cancelled_at = CASE WHEN session_id = 'big' THEN NULL ELSE now() END,
                waitlist_seq = NULL, confirmed_at = now()
          WHERE (session_id = 'big' AND status = 'CANCELLED' AND user_id IN (SELECT 'b-' || g FROM generate_series(0, 999) g))
             OR (session_id = 'mid' AND status = 'WAITLISTED')",
    )
    .await;
    assert_eq!(counters(&env, "big").await, (19000, 0));
    assert_eq!(counters(&env, "mid").await, (12000, 0));
    env.exec("UPDATE session_rsvps SET updated_at = now() WHERE session_id = 'big'")
        .await;
    assert_eq!(outbox(&env, "confirmed").await, 43000);
    assert_eq!(outbox(&env, "cancelled").await, 15000);
    // An RSVP cannot move to another session, in bulk either.
    env.refused_sql(
        "UPDATE session_rsvps SET session_id = 'small' WHERE session_id = 'mid' AND user_id = 'b-1'",
        "23514",
    )
    .await;

    // Bulk DELETE: the counters follow.
    env.exec("DELETE FROM session_rsvps WHERE session_id IN ('big', 'mid')")
        .await;
    assert_eq!(counters(&env, "big").await, (0, 0));
    assert_eq!(counters(&env, "mid").await, (0, 0));
    // And the seat ledger still works on the sessions written in bulk.
    env.rsvp("small", "b-0").success();
    assert_eq!(counters(&env, "small").await, (1, 0));
    env.capctl("reconcile --check").success();
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn checked_in_rows_written_in_bulk_count_inside_and_ring_the_door(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &[]);
    env.session("e1", "room", 9, 10, &["--max-participants", "3000"]);
    env.register_many("e1", "b", 2000).await;
    env.exec(&format!(
        "{COLUMNS} {}",
        insert("room", "CONFIRMED", 0, 2000)
    ))
    .await;
    env.exec(
        "UPDATE session_rsvps SET checked_in_at = now() WHERE session_id = 'room'
            AND user_id IN (SELECT 'b-' || g FROM generate_series(0, 1499) g)",
    )
    .await;
    assert_eq!(
        env.count(
            "SELECT current_occupancy::bigint FROM session_capacity WHERE session_id = 'room'"
        )
        .await,
        1500
    );
    assert_eq!(outbox(&env, "checked_in").await, 1500);
    env.exec("UPDATE session_rsvps SET checked_out_at = now() WHERE session_id = 'room' AND checked_in_at IS NOT NULL AND user_id < 'b-5'")
        .await;
    let inside = env
        .count("SELECT count(*) FROM session_rsvps WHERE session_id = 'room' AND checked_in_at IS NOT NULL AND checked_out_at IS NULL")
        .await;
    assert_eq!(
        env.count(
            "SELECT current_occupancy::bigint FROM session_capacity WHERE session_id = 'room'"
        )
        .await,
        inside
    );
    // Occupancy above capacity is refused whole, like seats.
    env.exec("UPDATE session_capacity SET maximum_capacity = 100 WHERE session_id = 'room'")
        .await;
    let before = env.snapshot().await;
    env.refused_sql(
        "UPDATE session_rsvps SET checked_out_at = NULL WHERE session_id = 'room' AND checked_in_at IS NOT NULL",
        "CP001",
    )
    .await;
    assert_eq!(env.snapshot().await, before);
    env.capctl("reconcile --check").success();
}
