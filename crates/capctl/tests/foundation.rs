//! Foundation: migrate, events, registrations, sessions, booths, global options, exit codes.

mod common;

use std::time::{Duration, Instant};

use common::TestEnv;
use sqlx::PgPool;

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn migrate_is_idempotent_and_reports(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    let report = env.run(&["migrate", "--json"]).success().json();
    assert_eq!(report["applied"].as_array().unwrap().len(), 0);
    assert_eq!(
        report["already_applied"],
        capctl_core::MIGRATOR.iter().count()
    );
    assert_eq!(report["database_created"], false);
    let human = env.run(&["migrate"]).success();
    assert!(human.stdout.contains("up to date"), "{}", human.stdout);
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn migrate_creates_missing_database(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    let name = format!("capctl_mig_{}", uuid::Uuid::new_v4().simple());
    let mut url = url::Url::parse(&env.database_url).unwrap();
    url.set_path(&format!("/{name}"));
    let url = url.to_string();

    // Without --create-database a missing database is a clear exit 7 that names the fix.
    env.run(&["--database-url", &url, "migrate"])
        .code(7)
        .error_mentions("--create-database");

    let report = env
        .run(&[
            "--database-url",
            &url,
            "migrate",
            "--create-database",
            "--json",
        ])
        .success()
        .json();
    assert_eq!(report["database_created"], true);
    assert_eq!(
        report["applied"].as_array().unwrap().len(),
        capctl_core::MIGRATOR.iter().count()
    );
    let again = env
        .run(&[
            "--database-url",
            &url,
            "migrate",
            "--create-database",
            "--json",
        ])
        .success()
        .json();
    assert_eq!(again["database_created"], false);
    assert_eq!(again["applied"].as_array().unwrap().len(), 0);
    // The new database has the schema.
    env.run(&["--database-url", &url, "event", "list", "--json"])
        .success();

    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE \"{name}\" WITH (FORCE)"
    )))
    .execute(&env.pool)
    .await
    .unwrap();
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn event_create_list_show(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    let created = env
        .run(&[
            "event",
            "create",
            "--json",
            "--id",
            "evt_a",
            "--name",
            "  Rust Conf  ",
            "--starts-at",
            "2030-06-01T08:00:00+02:00",
            "--ends-at",
            "2030-06-02T18:00:00Z",
            "--max-attendees",
            "100",
            "--max-viewers",
            "20",
        ])
        .success()
        .json();
    assert_eq!(created["event_id"], "evt_a");
    assert_eq!(created["name"], "Rust Conf");
    assert_eq!(created["starts_at"], "2030-06-01T06:00:00Z");
    assert_eq!(created["max_attendees"], 100);
    assert_eq!(created["max_viewers"], 20);

    let generated = env
        .run(&[
            "event",
            "create",
            "--json",
            "--name",
            "Second",
            "--starts-at",
            "2030-07-01T08:00:00Z",
            "--ends-at",
            "2030-07-01T18:00:00Z",
        ])
        .success()
        .json();
    let gen_id = generated["event_id"].as_str().unwrap();
    assert!(gen_id.starts_with("evt_") && gen_id.len() > 10, "{gen_id}");
    assert!(generated["max_attendees"].is_null());

    let list = env.run(&["event", "list", "--json"]).success().json();
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["evt_a", gen_id]);

    let shown = env
        .run(&["event", "show", "evt_a", "--json"])
        .success()
        .json();
    assert_eq!(shown, created);
    let table = env.run(&["event", "show", "evt_a"]).success().stdout;
    assert!(
        table.contains("Rust Conf") && table.contains("evt_a"),
        "{table}"
    );

    let (attendees, viewers): (Option<i32>, serde_json::Value) =
        sqlx::query_as("SELECT max_attendees, virtual_settings FROM events WHERE id = 'evt_a'")
            .fetch_one(&env.pool)
            .await
            .unwrap();
    assert_eq!(attendees, Some(100));
    assert_eq!(viewers, serde_json::json!({"max_concurrent_viewers": 20}));
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn names_with_quotes_and_shell_characters_are_stored_verbatim(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    let hostile = "O'Brien's \"talk\"; DROP TABLE events; -- $(rm -rf /) `id`";
    let ev = env
        .run(&[
            "event",
            "create",
            "--json",
            "--id",
            "evt_q",
            "--name",
            hostile,
            "--starts-at",
            "2030-06-01T08:00:00Z",
            "--ends-at",
            "2030-06-01T18:00:00Z",
        ])
        .success()
        .json();
    assert_eq!(ev["name"], hostile);
    let stored: String = sqlx::query_scalar("SELECT name FROM events WHERE id = 'evt_q'")
        .fetch_one(&env.pool)
        .await
        .unwrap();
    assert_eq!(stored, hostile);
    assert_eq!(env.count("SELECT count(*) FROM events").await, 1);
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn register_is_idempotent_and_respects_max_attendees(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("evt_r", &["--max-attendees", "2"]);
    let first = env
        .run(&[
            "event",
            "register",
            "--json",
            "--event",
            "evt_r",
            "--user",
            "u1",
            "--name",
            "Ada",
            "--email",
            "ada@example.com",
        ])
        .success()
        .json();
    assert_eq!(first["created"], true);
    assert_eq!(first["status"], "REGISTERED");
    let repeat = env
        .run(&[
            "event", "register", "--json", "--event", "evt_r", "--user", "u1",
        ])
        .success()
        .json();
    assert_eq!(repeat["created"], false);
    assert_eq!(repeat["name"], "Ada");
    env.run(&["event", "register", "--event", "evt_r", "--user", "u2"])
        .success();
    let before = env.snapshot().await;
    env.run(&["event", "register", "--event", "evt_r", "--user", "u3"])
        .code(3)
        .error_mentions("full");
    assert_eq!(env.snapshot().await, before);
    // A registered user repeating at the cap is still an idempotent success.
    env.run(&["event", "register", "--event", "evt_r", "--user", "u2"])
        .success();
    assert_eq!(
        env.count("SELECT count(*) FROM event_registrations WHERE event_id = 'evt_r'")
            .await,
        2
    );
    env.run(&["event", "register", "--event", "nope", "--user", "u1"])
        .code(5)
        .error_mentions("not found");
    env.run(&[
        "event",
        "register",
        "--event",
        "evt_r",
        "--user",
        "u9",
        "--email",
        "not-an-email",
    ])
    .code(2)
    .error_mentions("email");
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn concurrent_registrations_never_overshoot(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("evt_c", &["--max-attendees", "25"]);
    let backends = std::sync::Arc::new(capctl_core::backends::Backends::with_pool_size(
        env.settings(),
        20,
    ));
    let mut tasks = Vec::new();
    for i in 0..200 {
        let b = backends.clone();
        tasks.push(tokio::spawn(async move {
            let pool = b.pg().await.unwrap();
            capctl_core::catalog::events::register(
                pool,
                &"evt_c".parse().unwrap(),
                &format!("t{i}").parse().unwrap(),
                None,
                None,
            )
            .await
        }));
    }
    let mut ok = 0;
    let mut full = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(o) => {
                assert!(o.created);
                ok += 1;
            }
            Err(capctl_core::Error::Full(_)) => full += 1,
            Err(e) => panic!("unexpected error {e}"),
        }
    }
    assert_eq!((ok, full), (25, 175));
    assert_eq!(
        env.count("SELECT count(*) FROM event_registrations WHERE event_id = 'evt_c'")
            .await,
        25
    );

    // And from separate processes.
    env.event("evt_p", &["--max-attendees", "10"]);
    let children: Vec<_> = (0..40)
        .map(|i| {
            env.spawn(&[
                "event",
                "register",
                "--event",
                "evt_p",
                "--user",
                &format!("p{i}"),
            ])
        })
        .collect();
    let mut codes = Vec::new();
    for c in children {
        codes.push(c.wait_with_output().await.unwrap().status.code().unwrap());
    }
    assert_eq!(codes.iter().filter(|&&c| c == 0).count(), 10, "{codes:?}");
    assert_eq!(codes.iter().filter(|&&c| c == 3).count(), 30, "{codes:?}");
    assert_eq!(
        env.count("SELECT count(*) FROM event_registrations WHERE event_id = 'evt_p'")
            .await,
        10
    );
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn session_create_and_list_show_real_zeros(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("evt_s", &[]);
    let s = env
        .run(&[
            "session",
            "create",
            "--json",
            "--event",
            "evt_s",
            "--id",
            "ses_1",
            "--title",
            "Keynote",
            "--starts-at",
            "2030-06-01T09:00:00Z",
            "--ends-at",
            "2030-06-01T10:00:00Z",
            "--max-participants",
            "50",
            "--room",
            "Hall A",
            "--offer-ttl",
            "10m",
        ])
        .success()
        .json();
    assert_eq!(s["session_id"], "ses_1");
    assert_eq!(s["offer_ttl_seconds"], 600);
    env.run(&[
        "session",
        "create",
        "--event",
        "evt_s",
        "--id",
        "ses_0",
        "--title",
        "Open space",
        "--starts-at",
        "2030-06-01T08:00:00Z",
        "--ends-at",
        "2030-06-01T09:00:00Z",
        "--no-waitlist",
    ])
    .success();

    let list = env
        .run(&["session", "list", "--event", "evt_s", "--json"])
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
    for field in [
        "session_id",
        "title",
        "starts_at",
        "ends_at",
        "capacity",
        "confirmed",
        "offered",
        "waitlisted",
        "available",
        "is_full",
    ] {
        assert!(keynote.get(field).is_some(), "missing {field}");
    }
    let (cap, attendance): (Option<i32>, i32) =
        sqlx::query_as("SELECT maximum_capacity, current_attendance FROM session_capacity WHERE session_id = 'ses_1'")
            .fetch_one(&env.pool)
            .await
            .unwrap();
    assert_eq!((cap, attendance), (Some(50), 0));
    let table = env
        .run(&["session", "list", "--event", "evt_s"])
        .success()
        .stdout;
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
        .run(&[
            "booth",
            "create",
            "--json",
            "--event",
            "evt_b",
            "--id",
            "booth_1",
            "--name",
            "Acme",
            "--tier",
            "gold",
            "--max-visitors",
            "8",
        ])
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
#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn bad_input_is_refused_cleanly(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("evt_x", &[]);
    env.session("evt_x", "ses_x", 9, 10, &[]);
    let long_id = "a".repeat(129);
    let long_name = "n".repeat(201);
    let ev = |extra: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = [
            "event",
            "create",
            "--name",
            "E",
            "--starts-at",
            "2030-01-01T09:00:00Z",
            "--ends-at",
            "2030-01-01T10:00:00Z",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };
    let cases: Vec<(Vec<String>, i32, &str)> = vec![
        (
            vec![
                "event".into(),
                "create".into(),
                "--name".into(),
                "E".into(),
                "--starts-at".into(),
                "2030-13-01T09:00:00Z".into(),
                "--ends-at".into(),
                "2030-01-01T10:00:00Z".into(),
            ],
            2,
            "RFC 3339",
        ),
        (
            vec![
                "event".into(),
                "create".into(),
                "--name".into(),
                "E".into(),
                "--starts-at".into(),
                "tomorrow".into(),
                "--ends-at".into(),
                "2030-01-01T10:00:00Z".into(),
            ],
            2,
            "RFC 3339",
        ),
        (
            vec![
                "event".into(),
                "create".into(),
                "--name".into(),
                "E".into(),
                "--starts-at".into(),
                "2030-01-01T10:00:00Z".into(),
                "--ends-at".into(),
                "2030-01-01T09:00:00Z".into(),
            ],
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
        (
            vec![
                "event".into(),
                "create".into(),
                "--name".into(),
                "   ".into(),
                "--starts-at".into(),
                "2030-01-01T09:00:00Z".into(),
                "--ends-at".into(),
                "2030-01-01T10:00:00Z".into(),
            ],
            2,
            "must not be empty",
        ),
        (
            vec![
                "event".into(),
                "create".into(),
                "--name".into(),
                long_name.clone(),
                "--starts-at".into(),
                "2030-01-01T09:00:00Z".into(),
                "--ends-at".into(),
                "2030-01-01T10:00:00Z".into(),
            ],
            2,
            "at most 200",
        ),
        (
            vec![
                "event".into(),
                "create".into(),
                "--name".into(),
                "bell\u{7}".into(),
                "--starts-at".into(),
                "2030-01-01T09:00:00Z".into(),
                "--ends-at".into(),
                "2030-01-01T10:00:00Z".into(),
            ],
            2,
            "control character",
        ),
        (
            vec!["event".into(), "show".into(), "evt_missing".into()],
            5,
            "not found",
        ),
        (
            vec![
                "session".into(),
                "list".into(),
                "--event".into(),
                "evt_missing".into(),
            ],
            5,
            "not found",
        ),
        (
            vec![
                "session".into(),
                "create".into(),
                "--event".into(),
                "evt_missing".into(),
                "--title".into(),
                "T".into(),
                "--starts-at".into(),
                "2030-01-01T09:00:00Z".into(),
                "--ends-at".into(),
                "2030-01-01T10:00:00Z".into(),
            ],
            5,
            "not found",
        ),
        (
            vec![
                "session".into(),
                "create".into(),
                "--event".into(),
                "evt_x".into(),
                "--id".into(),
                "ses_x".into(),
                "--title".into(),
                "T".into(),
                "--starts-at".into(),
                "2030-01-01T09:00:00Z".into(),
                "--ends-at".into(),
                "2030-01-01T10:00:00Z".into(),
            ],
            2,
            "already exists",
        ),
        (
            vec![
                "session".into(),
                "create".into(),
                "--event".into(),
                "evt_x".into(),
                "--title".into(),
                "T".into(),
                "--starts-at".into(),
                "2030-01-01T09:00:00Z".into(),
                "--ends-at".into(),
                "2030-01-01T10:00:00Z".into(),
                "--max-participants".into(),
                "-1".into(),
            ],
            2,
            "negative",
        ),
        (
            vec![
                "session".into(),
                "create".into(),
                "--event".into(),
                "evt_x".into(),
                "--title".into(),
                "T".into(),
                "--starts-at".into(),
                "2030-01-01T09:00:00Z".into(),
                "--ends-at".into(),
                "2030-01-01T10:00:00Z".into(),
                "--offer-ttl".into(),
                "0s".into(),
            ],
            2,
            "more than zero",
        ),
        (
            vec![
                "session".into(),
                "create".into(),
                "--event".into(),
                "evt_x".into(),
                "--title".into(),
                "T".into(),
                "--starts-at".into(),
                "2030-01-01T09:00:00Z".into(),
                "--ends-at".into(),
                "2030-01-01T10:00:00Z".into(),
                "--offer-ttl".into(),
                "soon".into(),
            ],
            2,
            "duration",
        ),
        (
            vec![
                "booth".into(),
                "create".into(),
                "--event".into(),
                "evt_missing".into(),
                "--name".into(),
                "B".into(),
            ],
            5,
            "not found",
        ),
        (
            vec![
                "booth".into(),
                "create".into(),
                "--event".into(),
                "evt_x".into(),
                "--name".into(),
                "B".into(),
                "--max-visitors".into(),
                "-3".into(),
            ],
            2,
            "negative",
        ),
        (
            vec![
                "--redis-prefix".into(),
                "bad prefix".into(),
                "event".into(),
                "list".into(),
            ],
            2,
            "--redis-prefix",
        ),
        (
            vec![
                "--database-url".into(),
                "not a url".into(),
                "event".into(),
                "list".into(),
            ],
            2,
            "--database-url",
        ),
    ];
    let before = env.snapshot().await;
    for (args, code, needle) in cases {
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = env.run(&argv);
        assert_eq!(run.code, code, "{argv:?}: {}", run.stderr);
        run.error_mentions(needle);
        assert_eq!(env.snapshot().await, before, "{argv:?} wrote something");
    }
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn unreachable_database_fails_fast_without_leaking_the_password(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    for url in [
        "postgres://capctl:hunter2@127.0.0.1:1/capctl",
        "postgres://capctl:hunter2@127.0.0.1/capctl_does_not_exist",
    ] {
        let started = Instant::now();
        let run = env.run(&["--database-url", url, "event", "list"]);
        assert!(
            started.elapsed() < Duration::from_secs(8),
            "took {:?}",
            started.elapsed()
        );
        let run = run.code(7).error_mentions("PostgreSQL");
        assert!(!run.stderr.contains("hunter2"), "{}", run.stderr);
    }
}

#[test]
fn help_and_version_need_no_backend() {
    for args in [
        &["--help"][..],
        &["--version"],
        &["session", "rsvp", "--help"],
        &["export-rsvps", "--help"],
    ] {
        let out = assert_cmd::Command::new(common::BIN)
            .args(args)
            .env("DATABASE_URL", "postgres://nobody@127.0.0.1:1/x")
            .env("REDIS_URL", "redis://127.0.0.1:1")
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}");
        assert!(!out.stdout.is_empty());
    }
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn env_vars_and_flags_configure_connections(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("evt_env", &[]);
    // The flag wins over the environment.
    let run = env.run(&[
        "--database-url",
        "postgres://nobody@127.0.0.1:1/x",
        "event",
        "list",
    ]);
    run.code(7);
    // A .env file in the working directory is read when the variable is not set.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".env"),
        format!("DATABASE_URL={}\n", env.database_url),
    )
    .unwrap();
    let out = assert_cmd::Command::new(common::BIN)
        .current_dir(dir.path())
        .env_remove("DATABASE_URL")
        .args(["event", "list", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list[0]["event_id"], "evt_env");
}
