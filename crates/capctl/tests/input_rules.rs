//! Inputs refused because they are almost always mistakes or lies (issue 10, point 6), and the
//! README promises about `session cancel --json` and repeated RSVPs (point 7). Each refusal:
//! exit 2, one line naming the field and the reason, nothing written.

mod common;

use common::TestEnv;
use sqlx::PgPool;

fn event_create<'a>(id: &'a str, name: &'a str, starts: &'a str, ends: &'a str) -> Vec<&'a str> {
    vec![
        "event",
        "create",
        "--id",
        id,
        "--name",
        name,
        "--starts-at",
        starts,
        "--ends-at",
        ends,
    ]
}

fn session_create<'a>(id: &'a str, starts: &'a str, ends: &'a str) -> Vec<&'a str> {
    vec![
        "session",
        "create",
        "--event",
        "e1",
        "--id",
        id,
        "--title",
        "Talk",
        "--starts-at",
        starts,
        "--ends-at",
        ends,
    ]
}

/// Runs a command that must be refused with exit 2 and a one-line error naming `field` and
/// `reason`, and checks nothing was written.
async fn refused(env: &TestEnv, args: &[&str], field: &str, reason: &str) {
    let before = env.snapshot().await;
    let run = env.run(args).code(2);
    assert_eq!(run.stderr.trim_end().lines().count(), 1, "{run:?}");
    run.error_mentions(field).error_mentions(reason);
    assert_eq!(env.snapshot().await, before, "{args:?} wrote something");
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn a_leap_second_is_refused(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    let args = event_create("e1", "E", "2030-06-30T23:59:60Z", "2030-07-01T10:00:00Z");
    refused(&env, &args, "--starts-at", "leap second").await;
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn year_0000_is_refused(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    let args = event_create("e1", "E", "0000-01-01T00:00:00Z", "2030-07-01T10:00:00Z");
    refused(&env, &args, "--starts-at", "outside 1970-9999").await;
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn a_year_before_1970_is_refused(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    let args = event_create("e1", "E", "2030-01-01T00:00:00Z", "1969-12-31T23:59:59Z");
    refused(&env, &args, "--ends-at", "outside 1970-9999").await;
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn a_session_starting_before_its_event_is_refused(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &[]);
    let args = session_create("s1", "2030-06-01T07:00:00Z", "2030-06-01T09:00:00Z");
    refused(&env, &args, "starts-at", "within its event").await;
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn a_session_ending_after_its_event_is_refused(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &[]);
    let args = session_create("s1", "2030-06-03T17:00:00Z", "2030-06-03T19:00:00Z");
    refused(&env, &args, "ends-at", "within its event").await;
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn moving_an_event_away_from_its_sessions_is_refused_by_the_database(pool: PgPool) {
    let env = TestEnv::new(pool.clone()).await;
    env.event("e1", &[]);
    env.session("e1", "s1", 9, 10, &[]);
    let before = env.snapshot().await;

    let err = env
        .refused_sql(
            "UPDATE events SET starts_at = '2030-06-01T09:30:00Z' WHERE id = 'e1'",
            "CP002",
        )
        .await;
    let message = err.as_database_error().unwrap().message();
    assert!(message.contains("must lie within event"), "{err}");

    assert_eq!(env.snapshot().await, before);
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn moving_a_session_out_of_its_event_is_refused_by_the_database(pool: PgPool) {
    let env = TestEnv::new(pool.clone()).await;
    env.event("e1", &[]);
    env.session("e1", "s1", 9, 10, &[]);
    let before = env.snapshot().await;

    env.refused_sql(
        "UPDATE sessions SET starts_at = starts_at + interval '3 days', ends_at = ends_at + interval '3 days'
          WHERE id = 's1'",
        "CP002",
    )
    .await;

    assert_eq!(env.snapshot().await, before);
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn an_event_and_its_sessions_move_together_in_one_transaction(pool: PgPool) {
    let env = TestEnv::new(pool.clone()).await;
    env.event("e1", &[]);
    env.session("e1", "s1", 9, 10, &[]);

    let mut tx = pool.begin().await.unwrap();
    for sql in [
        "SET CONSTRAINTS capctl_sessions_within_event, capctl_events_contain_sessions DEFERRED",
        "UPDATE events SET starts_at = starts_at + interval '7 days', ends_at = ends_at + interval '7 days'",
        "UPDATE sessions SET starts_at = starts_at + interval '7 days', ends_at = ends_at + interval '7 days'",
    ] {
        sqlx::query(sql).execute(&mut *tx).await.unwrap();
    }
    tx.commit().await.unwrap();

    let starts: String = sqlx::query_scalar(
        "SELECT to_char(starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24') FROM sessions",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(starts, "2030-06-08 09");
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn a_bidi_override_in_a_name_is_refused(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    let name = "Invoice \u{202E}fdp.exe";
    let args = event_create("e1", name, "2030-06-01T08:00:00Z", "2030-06-03T18:00:00Z");
    refused(
        &env,
        &args,
        "event name",
        "bidirectional control character U+202E",
    )
    .await;
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn a_bidi_isolate_in_a_room_is_refused(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &[]);
    let mut args = session_create("s1", "2030-06-01T09:00:00Z", "2030-06-01T10:00:00Z");
    args.extend(["--room", "Hall \u{2066}A\u{2069}"]);
    refused(&env, &args, "room", "U+2066").await;
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn a_bidi_override_in_an_imported_name_is_refused_with_its_line(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &[]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("people.csv");
    std::fs::write(
        &file,
        "user_id,name,email\nu1,Ann,\nu2,Bob \u{202E}nimda,\n",
    )
    .unwrap();
    let path = file.display().to_string();
    let args = ["event", "import-registrations", "--event", "e1", &path];
    refused(&env, &args, "line 3: name", "U+202E").await;
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn the_database_refuses_bidi_controls_from_raw_sql(pool: PgPool) {
    let env = TestEnv::new(pool.clone()).await;
    env.event("e1", &[]);
    let before = env.snapshot().await;

    let err = sqlx::query(
        "INSERT INTO event_registrations (event_id, user_id, name) VALUES ('e1', 'u1', $1)",
    )
    .bind("Bob \u{202E}nimda")
    .execute(&pool)
    .await
    .unwrap_err();
    assert_eq!(
        err.as_database_error().and_then(|d| d.code()).as_deref(),
        Some("23514")
    );

    assert_eq!(env.snapshot().await, before);
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn a_right_to_left_mark_is_allowed(pool: PgPool) {
    let env = TestEnv::new(pool.clone()).await;
    let name = "\u{5E9}\u{5DC}\u{5D5}\u{5DD} 2030\u{200F}";
    env.run(&event_create(
        "e1",
        name,
        "2030-06-01T08:00:00Z",
        "2030-06-03T18:00:00Z",
    ))
    .success();

    let stored: String = sqlx::query_scalar("SELECT name FROM events WHERE id = 'e1'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(stored, name);
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn cancel_json_carries_event_capacity_and_taken(pool: PgPool) {
    let env = TestEnv::new(pool.clone()).await;
    env.event("e1", &[]);
    env.session("e1", "s1", 9, 10, &["--max-participants", "2"]);
    env.register_many("e1", "u", 2).await;
    for user in ["u-0", "u-1"] {
        env.run(&["session", "rsvp", "--session", "s1", "--user", user])
            .success();
    }

    let out = env
        .capctl("session cancel --json --session s1 --user u-0")
        .success()
        .json();
    assert_eq!(out["event_id"], "e1");
    assert_eq!(out["capacity"], 2);
    assert_eq!(out["taken"], 1);
    assert_eq!(out["status"], "CANCELLED");

    let taken: i32 = sqlx::query_scalar(
        "SELECT current_attendance FROM session_capacity WHERE session_id = 's1'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(taken, 1);
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn a_repeat_rsvp_while_waitlisted_exits_4_as_a_repeat(pool: PgPool) {
    let env = TestEnv::new(pool.clone()).await;
    env.one_seat(2).await;
    env.capctl("session rsvp --session s1 --user u-0").success();
    env.capctl("session rsvp --session s1 --user u-1").code(4);
    let before = env.snapshot().await;

    let again = env
        .capctl("session rsvp --json --session s1 --user u-1")
        .code(4)
        .json();
    assert_eq!(again["repeat"], true);
    assert_eq!(again["status"], "WAITLISTED");
    assert_eq!(again["waitlist_position"], 1);

    assert_eq!(env.snapshot().await, before);
}
