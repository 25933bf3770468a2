//! Access policies (issue 14) when things go wrong: Redis flushed or restarted with a queue
//! present (the queue may be lost, the limit never is), reconcile finding and fixing queue and
//! device drift, and bad policy input refused before anything is written.

mod common;

use capctl_core::presence::Room;
use common::redis::{PrivateRedis, flush_prefix, redis, write_behind};
use common::{TestEnv, free_port};
use sqlx::PgPool;

fn join(env: &TestEnv, viewer: &str, extra: &[&str]) -> common::Run {
    let mut args = vec![
        "stream", "join", "--json", "--event", "e1", "--viewer", viewer,
    ];
    args.extend_from_slice(extra);
    env.run(&args)
}

/// Everyone tries again (the queued with --queue): how many are inside and queued after.
fn everyone_again(env: &TestEnv, people: &[String]) -> (usize, usize) {
    let (mut inside, mut queued) = (0, 0);
    for p in people {
        match join(env, p, &["--queue"]).code {
            0 => inside += 1,
            4 => queued += 1,
            other => panic!("{p}: exit {other}"),
        }
    }
    (inside, queued)
}

fn live(env: &TestEnv) -> u64 {
    env.capctl("stream viewers --json --event e1")
        .success()
        .json()[0]["viewers"]
        .as_u64()
        .unwrap()
}

/// A flush of the test's keys (every node's, on a cluster), with the script cache.
async fn a_flush_loses_the_queue_but_never_admits_beyond_the_limit(env: TestEnv) {
    env.event("e1", &["--max-viewers", "3", "--max-devices", "2"]);
    let people = common::numbered("p", 8);
    assert_eq!(everyone_again(&env, &people), (3, 5));
    flush_prefix(&env).await;
    // The queue is gone, so is everyone's lease: the limit (reloaded from PostgreSQL) holds.
    assert_eq!(everyone_again(&env, &people), (3, 5));
    assert_eq!(live(&env), 3);
    let room = Room::stream("e1").unwrap();
    let cached: String = redis::cmd("GET")
        .arg(room.keys(&env.prefix).limit)
        .query_async(&mut redis(&env).await)
        .await
        .unwrap();
    assert_eq!(
        cached, "3;2;refuse;0",
        "the policies come back with the limit"
    );
    env.capctl("reconcile --check").success();
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn a_restart_loses_the_queue_but_never_admits_beyond_the_limit(pool: PgPool) {
    let people = common::numbered("p", 8);
    // Restart of a private server (SIGKILL, no persistence) with a queue present.
    let mut server = PrivateRedis::start_on(free_port());
    let env = TestEnv {
        redis_url: format!("redis://127.0.0.1:{}", server.port),
        ..TestEnv::new(pool).await
    };
    env.event("e1", &["--max-viewers", "3", "--max-devices", "2"]);
    assert_eq!(everyone_again(&env, &people), (3, 5));
    let port = server.port;
    server.kill();
    join(&env, "p-0", &["--queue"]).code(7);
    let _server = PrivateRedis::start_on(port);
    assert_eq!(everyone_again(&env, &people), (3, 5));
    assert_eq!(live(&env), 3);
    env.capctl("reconcile --check").success();
}

async fn reconcile_prunes_dead_places_and_fixes_half_written_ones(env: TestEnv) {
    env.event("e1", &["--max-viewers", "1", "--max-devices", "2"]);
    let room = Room::stream("e1").unwrap();
    let keys = room.keys(&env.prefix);
    join(&env, "a", &[]).success();
    join(&env, "b", &["--queue", "--ttl", "200ms"]).code(4);
    // A dead place is not drift: reconcile prunes it.
    common::eventually(20, "b's place runs out", || async {
        let (s, _): (i64, i64) = redis::cmd("TIME")
            .query_async(&mut redis(&env).await)
            .await
            .unwrap();
        let until: f64 = redis::cmd("ZSCORE")
            .arg(&keys.places)
            .arg("b")
            .query_async(&mut redis(&env).await)
            .await
            .unwrap();
        s * 1000 > until as i64 + 1000
    })
    .await;
    env.capctl("reconcile --check").success();
    let pass = env.capctl("reconcile --json").success().json();
    assert_eq!(pass["queue_places_expired"], 1);
    // A place in the line without an expiry is drift: --check exits 8, a pass fixes it.
    write_behind(
        &env,
        redis::cmd("ZADD").arg(&keys.queue).arg(1).arg("ghost"),
    )
    .await;
    let check = env.capctl("reconcile --check").code(8);
    assert!(check.stderr.contains("queue"), "{}", check.stderr);
    let pass = env.capctl("reconcile --json").success().json();
    assert_eq!(pass["queue_places_fixed"], 1);
    env.capctl("reconcile --check").success();
    let (card_q, card_p): (i64, i64) = redis::pipe()
        .cmd("ZCARD")
        .arg(&keys.queue)
        .cmd("ZCARD")
        .arg(&keys.places)
        .query_async(&mut redis(&env).await)
        .await
        .unwrap();
    assert_eq!((card_q, card_p), (0, 0));
    // A device entry whose lease is gone is pruned (not drift).
    write_behind(
        &env,
        redis::cmd("HSET").arg(&keys.devices).arg("z").arg("z d9"),
    )
    .await;
    env.capctl("reconcile --check").success();
    let pass = env.capctl("reconcile --json").success().json();
    assert_eq!(pass["device_entries_pruned"], 2);
    let left: Vec<String> = redis::cmd("HKEYS")
        .arg(&keys.devices)
        .query_async(&mut redis(&env).await)
        .await
        .unwrap();
    assert_eq!(left, ["a"], "a's own device list stays");
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn bad_policy_input_is_refused_and_nothing_is_written(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &["--max-viewers", "4"]);
    let settings = || async {
        sqlx::query_scalar::<_, serde_json::Value>(
            "SELECT virtual_settings FROM events WHERE id = 'e1'",
        )
        .fetch_one(&env.pool)
        .await
        .unwrap()
    };
    let before = settings().await;
    for (line, says) in [
        (
            "stream set-limit --event e1 --device-policy bogus",
            "refuse, evict-oldest",
        ),
        (
            "stream set-limit --event e1 --max-devices 5000",
            "max devices",
        ),
        ("stream set-limit --event e1 --max-devices -1", "-1"),
        ("stream set-limit --event e1 --grace 48h", "grace"),
        ("stream set-limit --event e1", "required"),
        (
            "stream set-limit --event e1 --max 3 --unlimited",
            "cannot be used",
        ),
    ] {
        env.capctl(line).refused(2, says);
    }
    assert_eq!(settings().await, before);
    env.capctl("stream set-limit --event nope --grace 1s")
        .code(5);
    env.run(&[
        "stream", "join", "--event", "e1", "--viewer", "v", "--device", "bad id",
    ])
    .code(2);
    // A good change keeps the other settings.
    env.capctl("stream set-limit --event e1 --max-devices 2 --grace 5s")
        .success();
    assert_eq!(
        settings().await,
        serde_json::json!({"max_concurrent_viewers": 4, "max_devices": 2, "grace_ms": 5000})
    );
    env.capctl("stream set-limit --event e1 --max-devices 0")
        .success();
    assert_eq!(
        settings().await,
        serde_json::json!({"max_concurrent_viewers": 4, "grace_ms": 5000})
    );
}

/// On a cluster, the restart is a failover: the primary holding the room dies with a queue
/// present, its replica takes over, and whatever of the queue the replica had, the limit holds.
#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn a_failover_with_a_queue_never_admits_beyond_the_limit(pool: PgPool) {
    let (env, mut cluster) = common::cluster::on_cluster(pool).await;
    env.event("e1", &["--max-viewers", "3", "--max-devices", "2"]);
    let people = common::numbered("p", 8);
    assert_eq!(everyone_again(&env, &people), (3, 5));
    let room = Room::stream("e1").unwrap();
    let victim = cluster.primary_of(&room.keys(&env.prefix).queue);
    cluster.kill(victim);
    let cluster = tokio::task::spawn_blocking(move || {
        cluster.wait_settled(std::time::Duration::from_secs(90));
        cluster
    })
    .await
    .unwrap();
    assert_ne!(
        cluster.primary_of(&room.keys(&env.prefix).queue),
        victim,
        "the replica took over"
    );
    assert_eq!(everyone_again(&env, &people), (3, 5));
    assert_eq!(live(&env), 3);
    env.capctl("reconcile --check").success();
}

common::cluster::on_single_node_and_cluster!(
    a_flush_loses_the_queue_but_never_admits_beyond_the_limit,
    reconcile_prunes_dead_places_and_fixes_half_written_ones,
);
