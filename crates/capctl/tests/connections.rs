//! Setting up and connecting: `migrate` (idempotent, creating the database on request), how
//! connections are configured (flags over env vars over `.env`), an unreachable database
//! failing fast without leaking its password, and help and version needing no backend.

mod common;

use std::time::{Duration, Instant};

use common::TestEnv;
use sqlx::PgPool;

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn migrate_is_idempotent_and_reports(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    let report = env.capctl("migrate --json").success().json();
    assert_eq!(report["applied"].as_array().unwrap().len(), 0);
    assert_eq!(
        report["already_applied"],
        capctl_core::MIGRATOR.iter().count()
    );
    assert_eq!(report["database_created"], false);
    let human = env.capctl("migrate").success();
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
    env.capctl(format!("--database-url {url} migrate"))
        .refused(7, "--create-database");

    let report = env
        .capctl(format!(
            "--database-url {url} migrate --create-database --json"
        ))
        .success()
        .json();
    assert_eq!(report["database_created"], true);
    assert_eq!(
        report["applied"].as_array().unwrap().len(),
        capctl_core::MIGRATOR.iter().count()
    );
    let again = env
        .capctl(format!(
            "--database-url {url} migrate --create-database --json"
        ))
        .success()
        .json();
    assert_eq!(again["database_created"], false);
    assert_eq!(again["applied"].as_array().unwrap().len(), 0);
    // The new database has the schema.
    env.capctl(format!("--database-url {url} event list --json"))
        .success();

    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE \"{name}\" WITH (FORCE)"
    )))
    .execute(&env.pool)
    .await
    .unwrap();
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn unreachable_database_fails_fast_without_leaking_the_password(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    for url in [
        "postgres://capctl:hunter2@127.0.0.1:1/capctl",
        "postgres://capctl:hunter2@127.0.0.1/capctl_does_not_exist",
    ] {
        let started = Instant::now();
        let run = env.capctl(format!("--database-url {url} event list")).run();
        assert!(
            started.elapsed() < Duration::from_secs(8),
            "took {:?}",
            started.elapsed()
        );
        let run = run.refused(7, "PostgreSQL");
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
    let run = env
        .capctl("--database-url postgres://nobody@127.0.0.1:1/x event list")
        .run();
    run.code(7);
    // A .env file in the working directory is read when the variable is not set.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".env"),
        format!("DATABASE_URL={}\n", env.database_url),
    )
    .unwrap();
    let list = env
        .capctl("event list --json")
        .env_remove("DATABASE_URL")
        .current_dir(dir.path())
        .success()
        .json();
    assert_eq!(list[0]["event_id"], "evt_env");
}

/// Every command ends its PostgreSQL sessions with the protocol's goodbye: the server counts
/// none of them as abandoned (and logs no "connection reset by peer"), whether the command
/// succeeded or was refused.
#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn commands_end_their_postgres_sessions_cleanly(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("ev1", &[]);
    env.session("ev1", "s1", 9, 10, &["--max-participants", "1"]);
    env.register_many("ev1", "u", 2).await;
    env.capctl("session rsvp --session s1 --user u-0").success();
    env.capctl("session rsvp --session s1 --user u-1").code(4);
    env.capctl("session rsvp --session s1 --user nobody")
        .refused(6, "not registered");
    env.capctl("session list --event ev1 --json").success();
    let commands = 6;

    let stats = || async {
        sqlx::query_as::<_, (i64, i64)>(
            "SELECT d.sessions - (SELECT count(*) FROM pg_stat_activity a
                                   WHERE a.datid = d.datid AND a.application_name = 'capctl'),
                    d.sessions_abandoned
               FROM pg_stat_database d WHERE d.datname = current_database()",
        )
        .fetch_one(&env.pool)
        .await
        .unwrap()
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    let (mut ended, mut abandoned) = stats().await;
    while ended - abandoned < commands && abandoned == 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
        (ended, abandoned) = stats().await;
    }
    assert_eq!(abandoned, 0, "sessions abandoned by capctl commands");
    assert!(
        ended >= commands,
        "{ended} sessions ended, at least {commands} expected"
    );
}
