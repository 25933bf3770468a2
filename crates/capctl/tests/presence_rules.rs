//! Presence rules one behaviour at a time: lease lengths kept with leases, what `reconcile
//! --check` calls drift, Redis at maxmemory, and the Lua scripts driven by plain Redis commands
//! as another service would.

mod common;

use serde_json::json;

use common::pick;
mod presence_support;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use capctl_core::backends::RedisConn;
use capctl_core::presence::{PresenceScript, Room};
use common::{BIN, TestEnv};
use presence_support::{assert_room, eventually, redis, room_state, write_behind};
use serde_json::Value;
use sqlx::PgPool;

/// The Redis server's clock, in ms.
async fn server_ms(conn: &mut RedisConn) -> i64 {
    let (s, us): (i64, i64) = redis::cmd("TIME").query_async(conn).await.unwrap();
    s * 1000 + us / 1000
}

/// (lease expiry score, stored lease length) of one member.
async fn lease(env: &TestEnv, room: &Room, member: &str) -> (Option<i64>, Option<i64>) {
    let mut conn = redis(env).await;
    let k = room.keys(&env.prefix);
    redis::pipe()
        .cmd("ZSCORE")
        .arg(&k.leases)
        .arg(member)
        .cmd("HGET")
        .arg(&k.ttl)
        .arg(member)
        .query_async(&mut conn)
        .await
        .unwrap()
}

/// Polls the server's clock until `member`'s lease in `room` has run out (never a fixed sleep).
async fn wait_until_lease_ran_out(env: &TestEnv, room: &Room, member: &str) {
    let until = lease(env, room, member).await.0.unwrap();
    let conn = redis(env).await;
    eventually(10, &format!("{member}'s lease runs out"), || {
        let mut conn = conn.clone();
        async move { server_ms(&mut conn).await > until }
    })
    .await;
}

/// Stream `e1` (five viewers) where v1 holds a live lease and v2's 200 ms lease has run out,
/// unreaped.
async fn v2_lease_ran_out(env: &TestEnv) -> Room {
    env.event("e1", &["--max-viewers", "5"]);
    let room = Room::stream("e1").unwrap();
    join(env, "v1", &[]).success();
    join(env, "v2", &["--ttl", "200ms"]).success();
    wait_until_lease_ran_out(env, &room, "v2").await;
    room
}

/// The members whose lease length `room` stores.
async fn lease_lengths(env: &TestEnv, room: &Room) -> Vec<String> {
    redis::cmd("HKEYS")
        .arg(room.keys(&env.prefix).ttl)
        .query_async(&mut redis(env).await)
        .await
        .unwrap()
}

/// Milliseconds from the server's now until the lease's expiry in a `--json` answer.
async fn remaining_ms(env: &TestEnv, answer: &Value) -> i64 {
    let expires =
        chrono::DateTime::parse_from_rfc3339(answer["lease_expires_at"].as_str().unwrap())
            .unwrap()
            .timestamp_millis();
    expires - server_ms(&mut redis(env).await).await
}

/// Asserts the lease in a `--json` answer has between `secs - 5` and `secs` seconds left.
async fn assert_lease_left(env: &TestEnv, answer: &Value, secs: i64) {
    let left = remaining_ms(env, answer).await;
    assert!(
        ((secs - 5) * 1000..=secs * 1000).contains(&left),
        "{left} ms left, not {secs} s"
    );
}

fn join(env: &TestEnv, viewer: &str, extra: &[&str]) -> common::Run {
    let mut args = vec![
        "stream", "join", "--json", "--event", "e1", "--viewer", viewer,
    ];
    args.extend_from_slice(extra);
    env.run(&args)
}

fn heartbeat(env: &TestEnv, viewer: &str, extra: &[&str]) -> common::Run {
    let mut args = vec![
        "stream",
        "heartbeat",
        "--json",
        "--event",
        "e1",
        "--viewer",
        viewer,
    ];
    args.extend_from_slice(extra);
    env.run(&args)
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn heartbeat_without_ttl_keeps_the_leases_own_length(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &["--max-viewers", "5"]);
    let room = Room::stream("e1").unwrap();
    join(&env, "v1", &["--ttl", "20s"]).success();

    let beat = heartbeat(&env, "v1", &[]).success().json();
    assert_eq!(beat["status"], "EXTENDED");
    assert_lease_left(&env, &beat, 20).await;
    assert_eq!(lease(&env, &room, "v1").await.1, Some(20_000));
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn heartbeat_with_ttl_changes_the_leases_length(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &["--max-viewers", "5"]);
    let room = Room::stream("e1").unwrap();
    join(&env, "v1", &["--ttl", "20s"]).success();

    heartbeat(&env, "v1", &["--ttl", "90s"]).success();
    assert_eq!(lease(&env, &room, "v1").await.1, Some(90_000));
    // later heartbeats without --ttl keep the new length
    let beat = heartbeat(&env, "v1", &[]).success().json();
    assert_lease_left(&env, &beat, 90).await;
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn join_without_ttl_grants_the_default_60s(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &["--max-viewers", "5"]);
    let joined = join(&env, "v1", &[]).success().json();
    assert_lease_left(&env, &joined, 60).await;
    assert_eq!(
        lease(&env, &Room::stream("e1").unwrap(), "v1").await.1,
        Some(60_000)
    );
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn booth_heartbeat_without_ttl_keeps_the_leases_own_length(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &[]);
    env.capctl("booth create --event e1 --id b1 --name B")
        .success();
    let booth = ["--booth", "b1", "--user", "u1", "--json"];
    env.run(&[&["booth", "enter"][..], &booth, &["--ttl", "30s"]].concat())
        .success();
    let beat = env
        .run(&[&["booth", "heartbeat"][..], &booth].concat())
        .success()
        .json();
    assert_lease_left(&env, &beat, 30).await;
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn leave_drops_the_lease_length_with_the_lease(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &["--max-viewers", "5"]);
    let room = Room::stream("e1").unwrap();
    join(&env, "v1", &["--ttl", "20s"]).success();
    join(&env, "v2", &[]).success();
    env.capctl("stream leave --event e1 --viewer v1").success();
    assert_eq!(lease(&env, &room, "v1").await, (None, None));
    assert_eq!(lease(&env, &room, "v2").await.1, Some(60_000));
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn an_expired_lease_reaped_by_a_join_takes_its_length_along(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &["--max-viewers", "5"]);
    let room = Room::stream("e1").unwrap();
    join(&env, "v1", &["--ttl", "200ms"]).success();
    wait_until_lease_ran_out(&env, &room, "v1").await;
    join(&env, "v2", &[]).success();
    assert_eq!(lease_lengths(&env, &room).await, ["v2"]);
    assert_room(&env, &room, 1, "5").await;
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn reconcile_check_does_not_call_an_unreaped_expired_lease_drift(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    let room = v2_lease_ran_out(&env).await;
    // the counter still counts v2: behind, not drift
    let check = env.capctl("reconcile --check --json").success().json();
    assert_eq!(
        pick(
            &check,
            "leases_expired counters_fixed counters_drifted drift"
        ),
        json!({"leases_expired": 1, "counters_fixed": 1, "counters_drifted": 0, "drift": false}),
        "{check}"
    );
    assert_room(&env, &room, 2, "5").await;
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn reconcile_check_calls_a_counter_beyond_what_expiry_explains_drift(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    let room = v2_lease_ran_out(&env).await;
    // one live lease, one expired: a counter of 3 is more than expiry explains
    write_behind(&env, redis::cmd("INCR").arg(room.keys(&env.prefix).count)).await;
    let check = env.capctl("reconcile --check --json").code(8);
    assert_eq!(check.stderr.lines().count(), 1, "{}", check.stderr);
    assert_eq!(check.json()["counters_drifted"], 1);
    assert_eq!(room_state(&env, &room).await.0, Some(3), "--check wrote");

    env.capctl("reconcile").success();
    assert_room(&env, &room, 1, "5").await;
    env.capctl("reconcile --check").success();
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn reconcile_drops_lease_lengths_of_members_without_a_lease(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &["--max-viewers", "5"]);
    let room = Room::stream("e1").unwrap();
    let k = room.keys(&env.prefix);
    join(&env, "v1", &[]).success();
    write_behind(&env, redis::cmd("HSET").arg(&k.ttl).arg("ghost").arg(5000)).await;

    let check = env.capctl("reconcile --check --json").code(8).json();
    assert_eq!(check["lease_ttls_fixed"], 1, "{check}");
    let fixed = env.capctl("reconcile --json").success().json();
    assert_eq!(fixed["lease_ttls_fixed"], 1, "{fixed}");
    assert_eq!(lease_lengths(&env, &room).await, ["v1"]);
    env.capctl("reconcile --check").success();
}

/// A redis-server child of this test at `maxmemory` with noeviction; killed by its PID.
struct TinyRedis {
    child: std::process::Child,
    port: u16,
}

impl TinyRedis {
    fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no", "--daemonize", "no"])
            .args(["--maxmemory", "4mb", "--maxmemory-policy", "noeviction"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server");
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "private redis did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        Self { child, port }
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }
}

impl Drop for TinyRedis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn redis_at_maxmemory_admits_nothing_and_says_so(pool: PgPool) {
    let tiny = TinyRedis::start();
    let mut env = TestEnv::new(pool).await;
    env.redis_url = tiny.url();
    env.event("e1", &["--max-viewers", "100"]);
    env.event("e2", &["--max-viewers", "100"]); // its limit is never cached
    for v in ["v1", "v2"] {
        join(&env, v, &[]).success();
    }
    let mut conn = redis(&env).await;
    let filler = "x".repeat(4096);
    for i in 0.. {
        let set: redis::RedisResult<()> = redis::cmd("SET")
            .arg(format!("filler:{i}"))
            .arg(&filler)
            .query_async(&mut conn)
            .await;
        match set {
            Ok(()) => assert!(i < 10_000, "maxmemory never reached"),
            Err(e) => {
                assert_eq!(e.code(), Some("OOM"), "{e}");
                break;
            }
        }
    }

    for (event, viewer) in [("e1", "v3"), ("e1", "v4"), ("e2", "v1")] {
        let run = env.run(&["stream", "join", "--event", event, "--viewer", viewer]);
        let run = run.code(7);
        assert_eq!(
            run.stderr.trim_end(),
            "capctl: error: Redis is out of memory (maxmemory): nothing admitted",
        );
        assert!(run.stdout.is_empty(), "{}", run.stdout);
    }
    // a lease still live is extended or refused, never half-written
    let beat = env.capctl("stream heartbeat --event e1 --viewer v1").run();
    assert!(matches!(beat.code, 0 | 7), "{beat:?}");

    // every room's counter equals its live leases, and each lease has its length
    let now = server_ms(&mut conn).await;
    for event in ["e1", "e2"] {
        let k = Room::stream(event).unwrap().keys(&env.prefix);
        let (count, live, lengths): (Option<i64>, i64, i64) = redis::pipe()
            .cmd("GET")
            .arg(&k.count)
            .cmd("ZCOUNT")
            .arg(&k.leases)
            .arg(format!("({now}"))
            .arg("+inf")
            .cmd("HLEN")
            .arg(&k.ttl)
            .query_async(&mut conn)
            .await
            .unwrap();
        assert_eq!(count.unwrap_or(0), live, "{event}");
        assert_eq!(lengths, live, "{event}");
    }
    let members: Vec<String> = redis::cmd("ZRANGE")
        .arg(Room::stream("e1").unwrap().keys(&env.prefix).leases)
        .arg(0)
        .arg(-1)
        .query_async(&mut conn)
        .await
        .unwrap();
    assert_eq!(members, ["v1", "v2"]);
    drop(tiny);
}

/// `EVALSHA` of the join script with the documented keys and arguments, as another service
/// would call it: {status, count, limit, expiry ms} (then queue position and evicted member,
/// unused by a plain join).
async fn evalsha_join(
    conn: &mut RedisConn,
    sha: &str,
    room: &Room,
    prefix: &str,
    viewer: &str,
) -> (String, i64, i64, i64) {
    let k = room.keys(prefix);
    let (status, count, limit, expires, _, _): (String, i64, i64, i64, i64, String) =
        redis::cmd("EVALSHA")
            .arg(sha)
            .arg(7)
            .arg(&k.as_array()[..])
            .arg(viewer)
            .arg(60_000)
            .arg(64)
            .query_async(conn)
            .await
            .unwrap();
    (status, count, limit, expires)
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn plain_redis_commands_join_with_the_same_enforcement(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &["--max-viewers", "2"]);
    let room = Room::stream("e1").unwrap();
    let k = room.keys(&env.prefix);
    let printed = Command::new(BIN)
        .args(["stream", "script", "join"])
        .output()
        .unwrap();
    assert!(printed.status.success());
    let mut conn = redis(&env).await;
    let sha: String = redis::cmd("SCRIPT")
        .arg("LOAD")
        .arg(String::from_utf8(printed.stdout).unwrap())
        .query_async(&mut conn)
        .await
        .unwrap();
    assert_eq!(sha, PresenceScript::Join.sha(), "the script capctl runs");

    // no limit cached: the caller loads it from PostgreSQL and SETs it NX, then calls again
    let first = evalsha_join(&mut conn, &sha, &room, &env.prefix, "v1").await;
    assert_eq!(first.0, "NEED_LIMIT");
    let limit: Option<i64> = sqlx::query_scalar(
        "SELECT (virtual_settings ->> 'max_concurrent_viewers')::bigint FROM events WHERE id = $1",
    )
    .bind("e1")
    .fetch_one(&env.pool)
    .await
    .unwrap();
    write_behind(
        &env,
        redis::cmd("SET")
            .arg(&k.limit)
            .arg(limit.map_or("unlimited".to_string(), |l| l.to_string()))
            .arg("NX"),
    )
    .await;
    let mut seen = Vec::new();
    for v in ["v1", "v2", "v3"] {
        let (status, count, limit, _) = evalsha_join(&mut conn, &sha, &room, &env.prefix, v).await;
        seen.push((status, count, limit));
    }
    assert_eq!(
        seen,
        [
            ("ADMITTED".to_string(), 1, 2),
            ("ADMITTED".to_string(), 2, 2),
            ("FULL".to_string(), 2, 2)
        ]
    );
    assert_room(&env, &room, 2, "2").await;

    // capctl sees the same room: full at 2
    let refused = join(&env, "v4", &[]).code(3).json();
    assert_eq!(
        pick(&refused, "count admitted"),
        json!({"count": 2, "admitted": false})
    );
}
