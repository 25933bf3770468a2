//! Where presence lives: every Redis key under the configured prefix with one hash tag per room,
//! lease scores from the Redis server's clock, and the viewer limit stored in the event's
//! `virtual_settings` beside the platform's own settings.

mod common;

use capctl_core::presence::Room;
use common::TestEnv;
use common::redis::{delete_keys, redis, redis_state};
use serde_json::Value;
use sqlx::PgPool;

/// The hash tag Redis Cluster hashes: what is between the first `{` and the next `}`.
fn hash_tag(key: &str) -> &str {
    let open = key.find('{').expect("a hash tag");
    let close = open + key[open..].find('}').expect("a closed hash tag");
    &key[open + 1..close]
}

/// e1 (five viewers) with booth b1 (two visitors), and the prefix `--redis-prefix` will name:
/// the flag wins over CAPCTL_REDIS_PREFIX (which the harness sets to env.prefix).
fn flagged_prefix(env: &TestEnv) -> String {
    env.event("e1", &["--max-viewers", "5"]);
    env.booth("e1", "b1", Some(2));
    format!("{}-flag", env.prefix)
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn redis_keys_start_with_the_prefix_and_share_a_hash_tag_per_room(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    let flagged = flagged_prefix(&env);
    env.capctl(format!(
        "stream join --json --event e1 --viewer v1 --ttl 90s --redis-prefix {flagged}"
    ))
    .success();
    env.capctl(format!(
        "--redis-prefix {flagged} booth enter --booth b1 --user u1"
    ))
    .success();
    env.capctl(format!(
        "booth heartbeat --booth b1 --user u1 --redis-prefix {flagged}"
    ))
    .success();

    let keys: Vec<String> = redis_state(&env, &flagged).await.into_keys().collect();
    let mut expected: Vec<String> = ["stream:e1", "booth:b1"]
        .iter()
        .flat_map(|tag| {
            ["leases", "count", "limit", "ttl"].map(|k| format!("{flagged}:{{{tag}}}:{k}"))
        })
        .collect();
    expected.sort();
    assert_eq!(keys, expected);
    for room in [Room::stream("e1").unwrap(), Room::booth("b1").unwrap()] {
        let k = room.keys(&flagged);
        let tags = k.as_array().map(hash_tag);
        assert_eq!(tags, [format!("{}:{}", room.kind(), room.id()).as_str(); 7]);
    }
    assert!(
        redis_state(&env, &env.prefix).await.is_empty(),
        "nothing written under the environment's prefix"
    );
    delete_keys(&env, &flagged).await;
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn a_lease_is_scored_by_the_redis_servers_clock(pool: PgPool) {
    // expiry = TIME + ttl, and the answer reports that same instant
    let env = TestEnv::new(pool).await;
    let flagged = flagged_prefix(&env);
    let mut conn = redis(&env).await;
    let now_ms = |t: (i64, i64)| t.0 * 1000 + t.1 / 1000;
    let before: (i64, i64) = redis::cmd("TIME").query_async(&mut conn).await.unwrap();
    let joined = env
        .capctl(format!(
            "stream join --json --event e1 --viewer v1 --ttl 90s --redis-prefix {flagged}"
        ))
        .success()
        .json_doc();
    let after: (i64, i64) = redis::cmd("TIME").query_async(&mut conn).await.unwrap();
    let score: f64 = redis::cmd("ZSCORE")
        .arg(Room::stream("e1").unwrap().keys(&flagged).leases)
        .arg("v1")
        .query_async(&mut conn)
        .await
        .unwrap();
    let score = score as i64;
    assert!(
        (now_ms(before) + 90_000..=now_ms(after) + 90_000).contains(&score),
        "{score} not within server TIME + 90 s"
    );
    let reported =
        chrono::DateTime::parse_from_rfc3339(joined["lease_expires_at"].as_str().unwrap())
            .unwrap()
            .timestamp_millis();
    assert_eq!(reported, score);
    delete_keys(&env, &flagged).await;
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn a_reconcile_under_one_prefix_leaves_another_prefixs_keys_alone(pool: PgPool) {
    // even wrong ones
    let env = TestEnv::new(pool).await;
    let flagged = flagged_prefix(&env);
    env.capctl(format!(
        "stream join --event e1 --viewer v1 --redis-prefix {flagged}"
    ))
    .success();
    let mut conn = redis(&env).await;
    let other = Room::stream("e1").unwrap().keys(&env.prefix);
    let _: () = redis::cmd("SET")
        .arg(&other.count)
        .arg(42)
        .query_async(&mut conn)
        .await
        .unwrap();
    let fixed = env
        .capctl(format!("reconcile --json --redis-prefix {flagged}"))
        .success()
        .json_doc();
    assert_eq!(fixed["counters_fixed"], 0);
    let untouched: Option<i64> = redis::cmd("GET")
        .arg(&other.count)
        .query_async(&mut conn)
        .await
        .unwrap();
    assert_eq!(untouched, Some(42));
    assert_eq!(
        env.capctl("reconcile --check --json").code(8).json()["counters_fixed"],
        1,
        "the environment's prefix is reconciled on its own"
    );
    delete_keys(&env, &flagged).await;
    delete_keys(&env, &env.prefix).await;
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn the_viewer_limit_lives_in_virtual_settings_beside_other_settings(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &[]);
    let settings = |v: &'static str| {
        let pool = env.pool.clone();
        async move {
            sqlx::query("UPDATE events SET virtual_settings = $1::jsonb WHERE id = 'e1'")
                .bind(v)
                .execute(&pool)
                .await
                .unwrap();
        }
    };
    let stored = || {
        let pool = env.pool.clone();
        async move {
            sqlx::query_scalar::<_, Value>("SELECT virtual_settings FROM events WHERE id = 'e1'")
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    // the platform's own settings, and a JSON null limit: unlimited
    settings(r#"{"theme": "dark", "max_concurrent_viewers": null}"#).await;
    let join = |v: &str| {
        env.capctl(format!("stream join --json --event e1 --viewer {v}"))
            .run()
    };
    assert_eq!(join("v1").success().json()["limit"], Value::Null);

    let set = env
        .capctl("stream set-limit --json --event e1 --max 1")
        .success()
        .json();
    assert_eq!((&set["limit"], &set["count"]), (&1.into(), &1.into()));
    assert_eq!(
        stored().await,
        serde_json::json!({"theme": "dark", "max_concurrent_viewers": 1})
    );
    join("v2").code(3);

    env.capctl("stream set-limit --event e1 --unlimited")
        .success();
    assert_eq!(stored().await, serde_json::json!({"theme": "dark"}));
    assert_eq!(join("v2").success().json()["count"], 2);
}
