//! Redis helpers for the presence and reconcile tests. Everything stays under the test's own
//! prefix: the shared server is never flushed as a whole.
#![allow(dead_code)]

use std::time::{Duration, Instant};

use capctl_core::presence::Room;
use redis::aio::ConnectionManager;

use crate::common::TestEnv;

pub async fn redis(env: &TestEnv) -> ConnectionManager {
    let client = redis::Client::open(env.redis_url.as_str()).unwrap();
    client.get_connection_manager().await.unwrap()
}

/// "Redis flushed": every key under this test's prefix deleted, and the script cache emptied
/// (the latter is server-wide, which the other tests must survive too: they reload on NOSCRIPT).
pub async fn flush_prefix(env: &TestEnv) {
    delete_prefix(env).await;
    let mut conn = redis(env).await;
    let _: () = redis::cmd("SCRIPT")
        .arg("FLUSH")
        .query_async(&mut conn)
        .await
        .unwrap();
}

/// Deletes every key under this test's prefix (SCAN + DEL).
pub async fn delete_prefix(env: &TestEnv) {
    let mut conn = redis(env).await;
    let keys = keys_under(&mut conn, &format!("{}:*", env.prefix)).await;
    for chunk in keys.chunks(500) {
        let _: () = redis::cmd("DEL")
            .arg(chunk)
            .query_async(&mut conn)
            .await
            .unwrap();
    }
}

pub async fn keys_under(conn: &mut ConnectionManager, pattern: &str) -> Vec<String> {
    let mut cursor: u64 = 0;
    let mut all = Vec::new();
    loop {
        let (next, keys): (u64, Vec<String>) = redis::cmd("SCAN")
            .arg(cursor)
            .arg("MATCH")
            .arg(pattern)
            .arg("COUNT")
            .arg(1000)
            .query_async(conn)
            .await
            .unwrap();
        all.extend(keys);
        if next == 0 {
            return all;
        }
        cursor = next;
    }
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

/// Polls `check` every 50 ms until it holds or `secs` pass.
pub async fn eventually<F, Fut>(secs: u64, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !check().await {
        assert!(Instant::now() < deadline, "timed out waiting for: {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Runs `n` capctl processes at once; returns (exit code, stdout) of each.
pub async fn run_all(env: &TestEnv, argv: Vec<Vec<String>>) -> Vec<(i32, String)> {
    let children: Vec<_> = argv
        .iter()
        .map(|a| env.spawn(&a.iter().map(String::as_str).collect::<Vec<_>>()))
        .collect();
    let mut out = Vec::new();
    for child in children {
        let o = child.wait_with_output().await.unwrap();
        out.push((
            o.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&o.stdout).into_owned(),
        ));
    }
    out
}
