//! `--dry-run` on every command that writes in bulk or destructively: the same JSON as the real
//! run plus `"dry_run": true`, and both stores exactly as they were (every row of every table
//! in PostgreSQL, every key under the test's prefix in Redis, compared before and after).

mod common;

use common::TestEnv;
use common::redis::redis_state;
use serde_json::Value;
use sqlx::PgPool;
use std::collections::BTreeMap;

/// Every row of every table in the test's database (migrations' bookkeeping included).
async fn pg_dump(env: &TestEnv) -> BTreeMap<String, Vec<String>> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT quote_ident(table_name) FROM information_schema.tables
          WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1",
    )
    .fetch_all(&env.pool)
    .await
    .unwrap();
    let mut dump = BTreeMap::new();
    for table in tables {
        let rows: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT to_jsonb(t)::text FROM {table} t ORDER BY 1"
        )))
        .fetch_all(&env.pool)
        .await
        .unwrap();
        dump.insert(table, rows);
    }
    dump
}

/// Both stores, to compare before and after.
async fn stores(env: &TestEnv) -> (BTreeMap<String, Vec<String>>, BTreeMap<String, String>) {
    (pg_dump(env).await, redis_state(env, &env.prefix).await)
}

/// Runs `line --dry-run --json` and then `line --json`: the dry run leaves both stores as they
/// were and answers what the real run then answers, plus `"dry_run": true`.
async fn dry_then_real(env: &TestEnv, line: &str) -> Value {
    let before = stores(env).await;
    let dry = env
        .capctl(format!("{line} --dry-run --json"))
        .success()
        .json();
    assert_eq!(
        stores(env).await,
        before,
        "{line} --dry-run changed a store"
    );
    assert_eq!(dry["dry_run"], true, "{dry}");
    // The human form says so too, and changes nothing either.
    let human = env.capctl(format!("{line} --dry-run")).success();
    assert!(
        human.stdout().contains("dry run: nothing was changed"),
        "{}",
        human.stdout()
    );
    assert_eq!(stores(env).await, before);

    let real = env.capctl(format!("{line} --json")).success().json();
    assert!(real.get("dry_run").is_none(), "{real}");
    let mut expected = dry.clone();
    expected.as_object_mut().unwrap().remove("dry_run");
    assert_eq!(without_volatile(real.clone()), without_volatile(expected));
    assert_ne!(stores(env).await, before, "{line} changed nothing");
    real
}

/// Fields that differ between two runs by nature (time taken).
fn without_volatile(mut v: Value) -> Value {
    if let Some(o) = v.as_object_mut() {
        o.remove("duration_ms");
    }
    v
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn import_registrations_dry_run_changes_nothing(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &[]);
    env.register_many("e1", "old", 2).await;
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("regs.csv");
    std::fs::write(
        &csv,
        "user_id,name,email\nold-0,Old,\nnew-1,New One,n1@example.com\nnew-2,,\nnew-2,,\n",
    )
    .unwrap();
    let real = dry_then_real(
        &env,
        &format!("event import-registrations --event e1 {}", csv.display()),
    )
    .await;
    assert_eq!(real["imported"], 2);
    assert_eq!(real["already_registered"], 1);
    // A dry run refuses what the real run refuses (exit 3 for a file over the event's cap).
    env.capctl("event create --name Small --id e2 --starts-at 2030-06-01T08:00:00Z --ends-at 2030-06-03T18:00:00Z --max-attendees 1")
        .success();
    let before = stores(&env).await;
    env.capctl(format!(
        "event import-registrations --event e2 {} --dry-run",
        csv.display()
    ))
    .code(3);
    assert_eq!(stores(&env).await, before);
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn session_set_capacity_dry_run_changes_nothing(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &[]);
    env.session("e1", "s1", 9, 10, &["--max-participants", "1"]);
    env.register_many("e1", "u", 4).await;
    for u in ["u-0", "u-1", "u-2", "u-3"] {
        env.rsvp("s1", u).run();
    }
    let real = dry_then_real(&env, "session set-capacity --session s1 --max 3").await;
    assert_eq!(real["offers_sent"], 2, "{real}");
    // Below what is taken: refused the same way, forced the same way.
    let before = stores(&env).await;
    env.capctl("session set-capacity --session s1 --max 1 --dry-run --json")
        .code(6);
    assert_eq!(stores(&env).await, before);
    dry_then_real(&env, "session set-capacity --session s1 --max 1 --force").await;
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn booth_and_stream_limit_dry_runs_change_nothing(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &["--max-viewers", "2"]);
    env.booth("e1", "b1", Some(2));
    // The limits are cached in Redis by a join and an entry.
    env.capctl("stream join --event e1 --viewer v1").success();
    env.capctl("booth enter --booth b1 --user v1").success();
    let stream = dry_then_real(&env, "stream set-limit --event e1 --max 5").await;
    assert_eq!(stream["limit"], 5);
    assert_eq!(stream["count"], 1);
    let booth = dry_then_real(&env, "booth set-capacity --booth b1 --unlimited").await;
    assert_eq!(booth["limit"], Value::Null);
    // Unknown rooms are refused by a dry run too.
    let before = stores(&env).await;
    env.capctl("stream set-limit --event nope --max 1 --dry-run")
        .code(5);
    env.capctl("booth set-capacity --booth nope --max 1 --dry-run")
        .code(5);
    assert_eq!(stores(&env).await, before);
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn reconcile_dry_run_reports_the_fixes_and_changes_nothing(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &["--max-viewers", "5"]);
    env.session("e1", "s1", 9, 10, &[]);
    env.register_many("e1", "u", 1).await;
    env.rsvp("s1", "u-0").success();
    env.capctl("stream join --event e1 --viewer v1").success();
    env.capctl("reconcile").success();
    // Drift in both stores: a wrong attendance counter, a presence counter one too high.
    sqlx::query("UPDATE session_capacity SET current_attendance = 7 WHERE session_id = 's1'")
        .execute(&env.pool)
        .await
        .unwrap();
    let keys = capctl_core::presence::Room::stream("e1")
        .unwrap()
        .keys(&env.prefix);
    let mut conn = common::redis::redis(&env).await;
    let _: () = redis::cmd("INCR")
        .arg(&keys.count)
        .query_async(&mut conn)
        .await
        .unwrap();

    let before = stores(&env).await;
    let dry = env.capctl("reconcile --dry-run --json").success().json();
    assert_eq!(
        stores(&env).await,
        before,
        "reconcile --dry-run changed a store"
    );
    assert_eq!(dry["dry_run"], true);
    assert_eq!(dry["sessions_fixed"], 1, "{dry}");
    assert_eq!(dry["counters_fixed"], 1, "{dry}");
    let real = env.capctl("reconcile --json").success().json();
    assert_eq!(real["sessions_fixed"], 1);
    assert_eq!(real["counters_fixed"], 1);
    assert_ne!(stores(&env).await, before);
    env.capctl("reconcile --dry-run --watch").code(2);
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn migrate_dry_run_creates_and_applies_nothing(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    let before = stores(&env).await;
    let dry = env.capctl("migrate --dry-run --json").success().json();
    assert_eq!(dry["dry_run"], true);
    assert_eq!(dry["applied"], serde_json::json!([]));
    assert_eq!(dry["already_applied"], capctl_core::MIGRATOR.iter().count());
    assert_eq!(stores(&env).await, before);

    // A database that does not exist: reported as to be created with every migration, and
    // still missing afterwards.
    let name = format!("capctl_dry_{}", uuid::Uuid::new_v4().simple());
    let mut url = url::Url::parse(&env.database_url).unwrap();
    url.set_path(&format!("/{name}"));
    let dry = env
        .capctl("migrate --create-database --dry-run --json")
        .env("DATABASE_URL", url.as_str())
        .success()
        .json();
    assert_eq!(dry["database_created"], true);
    assert_eq!(
        dry["applied"].as_array().unwrap().len(),
        capctl_core::MIGRATOR.iter().count()
    );
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(&name)
            .fetch_one(&env.pool)
            .await
            .unwrap();
    assert!(!exists, "migrate --dry-run created the database");
}
