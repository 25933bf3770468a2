//! The catalog's other rooms: sessions (created with real zero counters, listed with their
//! capacity) and booths; and bad catalog input refused with one line and nothing written.

mod common;

use common::{Capctl, SESSION_LIST_FIELDS, TestEnv, has_fields};
use sqlx::PgPool;

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn session_create_and_list_show_real_zeros(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("evt_s", &[]);
    let s = env
        .capctl(
            "session create --json --event evt_s --id ses_1 --title Keynote \
             --starts-at 2030-06-01T09:00:00Z --ends-at 2030-06-01T10:00:00Z \
             --max-participants 50 --room",
        )
        .arg("Hall A")
        .args(["--offer-ttl", "10m"])
        .success()
        .json();
    assert_eq!(s["session_id"], "ses_1");
    assert_eq!(s["offer_ttl_seconds"], 600);
    env.capctl(
        "session create --event evt_s --id ses_0 --no-waitlist \
         --starts-at 2030-06-01T08:00:00Z --ends-at 2030-06-01T09:00:00Z --title",
    )
    .arg("Open space")
    .success();

    let list = env
        .capctl("session list --event evt_s --json")
        .success()
        .json();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    // Sorted by start: the unlimited one first.
    assert_eq!(list[0]["session_id"], "ses_0");
    assert!(list[0]["capacity"].is_null() && list[0]["available"].is_null());
    assert_eq!(list[0]["is_full"], false);
    assert_eq!(list[0]["waitlist_enabled"], false);
    let keynote = &list[1];
    for (field, want) in [
        ("capacity", 50),
        ("confirmed", 0),
        ("offered", 0),
        ("waitlisted", 0),
        ("available", 50),
    ] {
        assert_eq!(keynote[field], want, "{field}");
    }
    has_fields(keynote, SESSION_LIST_FIELDS);
    let (cap, attendance): (Option<i32>, i32) =
        sqlx::query_as("SELECT maximum_capacity, current_attendance FROM session_capacity WHERE session_id = 'ses_1'")
            .fetch_one(&env.pool)
            .await
            .unwrap();
    assert_eq!((cap, attendance), (Some(50), 0));
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn session_list_renders_a_table_with_unlimited_sessions(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("evt_s", &[]);
    env.capctl("session create --event evt_s --id ses_1 --title Keynote --max-participants 50")
        .args([
            "--starts-at",
            "2030-06-01T09:00:00Z",
            "--ends-at",
            "2030-06-01T10:00:00Z",
        ])
        .success();
    env.capctl("session create --event evt_s --id ses_0 --title Open")
        .args([
            "--starts-at",
            "2030-06-01T08:00:00Z",
            "--ends-at",
            "2030-06-01T09:00:00Z",
        ])
        .success();
    let table = env.capctl("session list --event evt_s").success().stdout;
    assert!(
        table.contains("Keynote") && table.contains("unlimited"),
        "{table}"
    );
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn booth_create(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("evt_b", &[]);
    let b = env
        .capctl(
            "booth create --json --event evt_b --id booth_1 --name Acme \
             --tier gold --max-visitors 8",
        )
        .success()
        .json();
    assert_eq!(
        b,
        serde_json::json!({"booth_id": "booth_1", "event_id": "evt_b", "name": "Acme", "tier": "gold", "max_visitors": 8})
    );
    let row: (String, Option<i32>) =
        sqlx::query_as("SELECT name, max_visitors FROM expo_booths WHERE id = 'booth_1'")
            .fetch_one(&env.pool)
            .await
            .unwrap();
    assert_eq!(row, ("Acme".to_string(), Some(8)));
}

/// Every refused input: one-line error naming the problem, its exit code, nothing written.
/// Runs each refused command: its code, one error line naming the problem, nothing written.
async fn refused_cleanly(env: &TestEnv, cases: Vec<(Capctl<'_>, i32, &str)>) {
    let before = env.snapshot().await;
    for (cmd, code, needle) in cases {
        let shown = format!("{cmd:?}");
        let run = cmd.run();
        assert_eq!(run.code, code, "{shown}: {}", run.stderr);
        run.error_mentions(needle);
        assert_eq!(env.snapshot().await, before, "{shown} wrote something");
    }
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn bad_input_is_refused_cleanly(pool: PgPool) {
    // event create
    let env = TestEnv::new(pool).await;
    env.event("evt_x", &[]);
    let long_id = "a".repeat(129);
    let create = |starts: &str, ends: &str| {
        env.capctl("event create --name E")
            .args(["--starts-at", starts, "--ends-at", ends])
    };
    let ev = |extra: &[&str]| create("2030-01-01T09:00:00Z", "2030-01-01T10:00:00Z").args(extra);
    let named = |name: &str| {
        env.capctl("event create --name").arg(name).args([
            "--starts-at",
            "2030-01-01T09:00:00Z",
            "--ends-at",
            "2030-01-01T10:00:00Z",
        ])
    };
    let cases = vec![
        (
            create("2030-13-01T09:00:00Z", "2030-01-01T10:00:00Z"),
            2,
            "RFC 3339",
        ),
        (create("tomorrow", "2030-01-01T10:00:00Z"), 2, "RFC 3339"),
        (
            create("2030-01-01T10:00:00Z", "2030-01-01T09:00:00Z"),
            2,
            "must be after",
        ),
        (ev(&["--max-attendees", "-1"]), 2, "negative"),
        (ev(&["--max-attendees", "99999999999"]), 2, "absurd"),
        (ev(&["--max-viewers", "-5"]), 2, "negative"),
        (ev(&["--id", "evt_x"]), 2, "already exists"),
        (ev(&["--id", ""]), 2, "empty"),
        (ev(&["--id", &long_id]), 2, "at most 128"),
        (
            ev(&["--id", "evt'; DROP TABLE events;--"]),
            2,
            "allowed are",
        ),
        (ev(&["--id", "$(touch /tmp/pwned)"]), 2, "allowed are"),
        (named("   "), 2, "must not be empty"),
        (named(&"n".repeat(201)), 2, "at most 200"),
        (named("bell\u{7}"), 2, "control character"),
        (env.capctl("event show evt_missing"), 5, "not found"),
    ];
    refused_cleanly(&env, cases).await;
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn bad_session_booth_and_connection_input_is_refused_cleanly(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("evt_x", &[]);
    env.session("evt_x", "ses_x", 9, 10, &[]);
    let session = |event: &str, extra: &[&str]| {
        env.capctl("session create --title T")
            .args(["--event", event])
            .args([
                "--starts-at",
                "2030-01-01T09:00:00Z",
                "--ends-at",
                "2030-01-01T10:00:00Z",
            ])
            .args(extra)
    };
    let cases = vec![
        (
            env.capctl("session list --event evt_missing"),
            5,
            "not found",
        ),
        (session("evt_missing", &[]), 5, "not found"),
        (session("evt_x", &["--id", "ses_x"]), 2, "already exists"),
        (
            session("evt_x", &["--max-participants", "-1"]),
            2,
            "negative",
        ),
        (
            session("evt_x", &["--offer-ttl", "0s"]),
            2,
            "more than zero",
        ),
        (session("evt_x", &["--offer-ttl", "soon"]), 2, "duration"),
        (
            env.capctl("booth create --event evt_missing --name B"),
            5,
            "not found",
        ),
        (
            env.capctl("booth create --event evt_x --name B --max-visitors -3"),
            2,
            "negative",
        ),
        (
            env.capctl("--redis-prefix")
                .arg("bad prefix")
                .args(["event", "list"]),
            2,
            "--redis-prefix",
        ),
        (
            env.capctl("--database-url")
                .arg("not a url")
                .args(["event", "list"]),
            2,
            "--database-url",
        ),
    ];
    refused_cleanly(&env, cases).await;
}
