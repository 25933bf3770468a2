//! `capctl doctor`: one line per check, exit 0 only when all pass; a backend down is exit 7,
//! a cached limit that differs from PostgreSQL or a schema behind the binary is exit 8; and
//! doctor itself writes nothing to either store.

mod common;

use common::TestEnv;
use common::redis::{redis, redis_state};
use sqlx::PgPool;

const CHECKS: [&str; 6] = ["postgres", "redis", "schema", "scripts", "clock", "limits"];

fn failed(report: &serde_json::Value) -> Vec<String> {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["ok"] != true)
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect()
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn doctor_passes_on_a_healthy_deployment_and_writes_nothing(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &["--max-viewers", "3"]);
    env.capctl("stream join --event e1 --viewer v1").success();
    let pg_before = env.snapshot().await;
    let redis_before = redis_state(&env, &env.prefix).await;

    let human = env.capctl("doctor").success();
    let lines: Vec<&str> = human.stdout().lines().collect();
    assert_eq!(lines.len(), CHECKS.len(), "{}", human.stdout());
    for (line, name) in lines.iter().zip(CHECKS) {
        assert!(line.starts_with("ok") && line.contains(name), "{line}");
    }
    let report = env.capctl("doctor --json").success().json();
    assert_eq!(report["ok"], true);
    let names: Vec<&str> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, CHECKS);
    assert!(report["checks"][0]["rtt_ms"].as_f64().is_some());
    assert!(report["checks"][1]["rtt_ms"].as_f64().is_some());
    assert_eq!(env.snapshot().await, pg_before);
    assert_eq!(redis_state(&env, &env.prefix).await, redis_before);
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn a_cached_limit_off_or_a_schema_behind_is_exit_8(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &["--max-viewers", "3"]);
    env.capctl("stream join --event e1 --viewer v1").success();
    let keys = capctl_core::presence::Room::stream("e1")
        .unwrap()
        .keys(&env.prefix);
    let mut conn = redis(&env).await;
    let _: () = redis::cmd("SET")
        .arg(&keys.limit)
        .arg("9")
        .query_async(&mut conn)
        .await
        .unwrap();
    let run = env.capctl("doctor --json").code(8);
    assert_eq!(failed(&run.json()), ["limits"]);
    assert!(run.stderr().contains("limits"), "{}", run.stderr());
    let human = env.capctl("doctor").code(8);
    assert!(
        human
            .stdout()
            .lines()
            .any(|l| l.starts_with("FAIL") && l.contains("limits")),
        "{}",
        human.stdout()
    );
    // doctor only reports: the wrong value is still there.
    let cached: String = redis::cmd("GET")
        .arg(&keys.limit)
        .query_async(&mut conn)
        .await
        .unwrap();
    assert_eq!(cached, "9");
    env.capctl("reconcile").success();
    env.capctl("doctor").success();

    // The binary's last migration missing from the database.
    sqlx::query(
        "DELETE FROM _sqlx_migrations WHERE version = (SELECT max(version) FROM _sqlx_migrations)",
    )
    .execute(&env.pool)
    .await
    .unwrap();
    let run = env.capctl("doctor --json").code(8);
    assert_eq!(failed(&run.json()), ["schema"]);
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn an_unreachable_backend_is_exit_7(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    let run = env
        .capctl("--redis-url redis://127.0.0.1:1 doctor --json")
        .code(7);
    assert_eq!(failed(&run.json()), ["redis", "scripts", "clock", "limits"]);
    assert_eq!(run.stderr().lines().count(), 1, "{}", run.stderr());
    let port = common::free_port();
    let run = env
        .capctl(format!(
            "--database-url postgres://capctl@127.0.0.1:{port}/x doctor --json"
        ))
        .code(7);
    assert_eq!(
        failed(&run.json()),
        ["postgres", "schema", "clock", "limits"]
    );
}
