//! Redis helpers for the presence and reconcile tests. Everything stays under the test's own
//! prefix: the shared server is never flushed as a whole.

use std::collections::BTreeMap;

use capctl_core::backends::RedisConn;
use capctl_core::presence::Room;

use super::{Run, TestEnv, finish};

/// capctl's own connection to the test's Redis (a single node, or a cluster's nodes).
pub async fn redis(env: &TestEnv) -> RedisConn {
    capctl_core::backends::connect_redis(&env.settings())
        .await
        .unwrap()
}

/// "Redis flushed": every key under this test's prefix deleted, and the script cache emptied
/// (the latter is server-wide, which the other tests must survive too: they reload on NOSCRIPT).
pub async fn flush_prefix(env: &TestEnv) {
    delete_prefix(env).await;
    let mut conn = redis(env).await;
    // On a cluster the client sends it to every node.
    let _: () = redis::cmd("SCRIPT")
        .arg("FLUSH")
        .query_async(&mut conn)
        .await
        .unwrap();
}

/// Deletes every key under this test's prefix (SCAN + DEL).
pub async fn delete_prefix(env: &TestEnv) {
    delete_keys(env, &env.prefix).await;
}

/// Deletes every key under `prefix` (SCAN + DEL).
pub async fn delete_keys(env: &TestEnv, prefix: &str) {
    let mut conn = redis(env).await;
    let keys = keys_under(&mut conn, &format!("{prefix}:*")).await;
    for chunk in keys.chunks(500) {
        let _: () = redis::cmd("DEL")
            .arg(chunk)
            .query_async(&mut conn)
            .await
            .unwrap();
    }
}

/// Every key matching `pattern`, through the reconciler's own SCAN walker (never KEYS).
pub async fn keys_under(conn: &mut RedisConn, pattern: &str) -> Vec<String> {
    capctl_core::reconcile::scan_keys(conn, pattern, 1000)
        .await
        .unwrap()
}

/// Runs one Redis command as a writer behind capctl's back would (`SET`, `INCR`, `HSET`…).
pub async fn write_behind(env: &TestEnv, cmd: &redis::Cmd) {
    let _: redis::Value = cmd.query_async(&mut redis(env).await).await.unwrap();
}

/// (counter key as a number, ZCARD of the lease set, cached limit).
pub async fn room_state(env: &TestEnv, room: &Room) -> (Option<i64>, i64, Option<String>) {
    let mut conn = redis(env).await;
    let k = room.keys(&env.prefix);
    let (count, card, limit): (Option<i64>, i64, Option<String>) = redis::pipe()
        .cmd("GET")
        .arg(&k.count)
        .cmd("ZCARD")
        .arg(&k.leases)
        .cmd("GET")
        .arg(&k.limit)
        .query_async(&mut conn)
        .await
        .unwrap();
    (count, card, limit)
}

/// Asserts a room's whole state: `live` leases, a counter saying the same, `limit` cached.
pub async fn assert_room(env: &TestEnv, room: &Room, live: i64, limit: &str) {
    assert_eq!(
        room_state(env, room).await,
        (Some(live), live, Some(limit.to_string())),
        "{room:?}: (counter, leases, cached limit)"
    );
}

/// Every key under `prefix`, with its type, value and whether it expires, to compare before
/// and after.
pub async fn redis_state(env: &TestEnv, prefix: &str) -> BTreeMap<String, String> {
    let mut conn = redis(env).await;
    let mut state = BTreeMap::new();
    for key in keys_under(&mut conn, &format!("{prefix}:*")).await {
        let kind: String = redis::cmd("TYPE")
            .arg(&key)
            .query_async(&mut conn)
            .await
            .unwrap();
        let value = match kind.as_str() {
            "string" => redis::cmd("GET")
                .arg(&key)
                .query_async::<String>(&mut conn)
                .await
                .unwrap(),
            "zset" => format!(
                "{:?}",
                redis::cmd("ZRANGE")
                    .arg(&key)
                    .arg(0)
                    .arg(-1)
                    .arg("WITHSCORES")
                    .query_async::<Vec<String>>(&mut conn)
                    .await
                    .unwrap()
            ),
            "hash" => format!(
                "{:?}",
                redis::cmd("HGETALL")
                    .arg(&key)
                    .query_async::<BTreeMap<String, String>>(&mut conn)
                    .await
                    .unwrap()
            ),
            other => panic!("unexpected {other} key {key}"),
        };
        let ttl: i64 = redis::cmd("PTTL")
            .arg(&key)
            .query_async(&mut conn)
            .await
            .unwrap();
        state.insert(key, format!("{kind} {value} ttl={}", ttl.signum()));
    }
    state
}

pub use super::eventually;

/// Runs the argument lines as capctl processes at once; returns each one's whole run.
pub async fn run_all_runs(env: &TestEnv, argv: Vec<Vec<String>>) -> Vec<Run> {
    let children: Vec<_> = argv
        .iter()
        .map(|a| env.capctl("").args(a).spawn())
        .collect();
    let mut out = Vec::new();
    for child in children {
        out.push(finish(child).await);
    }
    out
}

/// Runs `n` capctl processes at once; returns (exit code, stdout) of each.
pub async fn run_all(env: &TestEnv, argv: Vec<Vec<String>>) -> Vec<(i32, String)> {
    run_all_runs(env, argv)
        .await
        .into_iter()
        .map(|Run { code, stdout, .. }| (code, stdout))
        .collect()
}

/// Runs `command(0) … command(n-1)` (each a whitespace-separated argument line) as `n` capctl
/// processes at once; returns (exit code, stdout) of each.
pub async fn run_numbered(
    env: &TestEnv,
    n: usize,
    command: impl Fn(usize) -> String,
) -> Vec<(i32, String)> {
    let argv = (0..n)
        .map(|i| command(i).split_whitespace().map(String::from).collect())
        .collect();
    run_all(env, argv).await
}

/// How many of `runs` exited with `code`.
pub fn exits(runs: &[(i32, String)], code: i32) -> usize {
    runs.iter().filter(|(c, _)| *c == code).count()
}

/// A redis-server child of this test, no persistence, on a free port. Killed when dropped.
pub struct PrivateRedis {
    child: std::process::Child,
    pub port: u16,
}

impl PrivateRedis {
    pub fn start_on(port: u16) -> Self {
        let child = std::process::Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no", "--daemonize", "no"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("redis-server");
        super::wait_until("private redis", std::time::Duration::from_secs(10), || {
            std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
        Self { child, port }
    }

    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for PrivateRedis {
    fn drop(&mut self) {
        self.kill();
    }
}
