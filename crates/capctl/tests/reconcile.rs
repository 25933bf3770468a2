//! Reconcile: drift in presence counters, cached limits, session counters and offers is found
//! by `--check` (exit 8, nothing changed) and fixed by a pass; `--watch` runs as a daemon.

mod common;

use std::io::{Read, Write};
use std::time::Duration;

use capctl_core::presence::{Presence, Room};
use capctl_core::reconcile::{ReconcileOptions, reconcile_pass};
use common::redis::{assert_room, keys_under, redis, room_state, write_behind};
use common::{TestEnv, free_port, next_line, stop_with};
use sqlx::PgPool;
use tokio::io::AsyncBufReadExt;

const MINUTE: Duration = Duration::from_secs(60);

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn naive_counter_writer_is_found_and_fixed(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("ev1", &["--max-viewers", "10"]);
    let room = Room::stream("ev1").unwrap();
    for v in ["a", "b"] {
        env.capctl(format!("stream join --event ev1 --viewer {v}"))
            .success();
    }
    env.capctl("reconcile --check").success();

    // someone INCRs the counter behind capctl's back
    write_behind(&env, redis::cmd("INCR").arg(room.keys(&env.prefix).count)).await;
    let check = env.capctl("reconcile --check --json").code(8);
    assert_eq!(check.json()["counters_fixed"], 1);
    assert!(check.stderr.contains("drift"), "{}", check.stderr);
    assert_eq!(
        room_state(&env, &room).await.0,
        Some(3),
        "--check changed nothing"
    );

    let fixed = env.capctl("reconcile --json").success().json();
    assert_eq!(fixed["counters_fixed"], 1);
    for field in [
        "leases_expired",
        "sessions_fixed",
        "offers_expired",
        "offers_sent",
    ] {
        assert_eq!(fixed[field], 0, "{field}: {fixed}");
    }
    assert_room(&env, &room, 2, "10").await;
    env.capctl("reconcile --check").success();

    // a cached limit that disagrees with PostgreSQL is drift too, fixed the same way
    write_behind(
        &env,
        redis::cmd("SET")
            .arg(room.keys(&env.prefix).limit)
            .arg("unlimited"),
    )
    .await;
    assert_eq!(
        env.capctl("reconcile --check --json").code(8).json()["limits_fixed"],
        1
    );
    env.capctl("reconcile").success();
    assert_eq!(room_state(&env, &room).await.2.as_deref(), Some("10"));
    env.capctl("reconcile --check").success();
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn corrupted_session_attendance_is_found_and_fixed(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("ev1", &[]);
    env.session("ev1", "s1", 9, 10, &["--max-participants", "10"]);
    env.register_many("ev1", "u", 2).await;
    for u in ["u-0", "u-1"] {
        sqlx::query("SELECT * FROM capctl_rsvp('s1', $1)")
            .bind(u)
            .execute(&env.pool)
            .await
            .unwrap();
    }
    env.capctl("reconcile --check").success();

    sqlx::query("UPDATE session_capacity SET current_attendance = 7 WHERE session_id = 's1'")
        .execute(&env.pool)
        .await
        .unwrap();
    let before = env.snapshot().await;
    assert_eq!(
        env.capctl("reconcile --check --json").code(8).json()["sessions_fixed"],
        1
    );
    assert_eq!(env.snapshot().await, before, "--check wrote nothing");

    assert_eq!(
        env.capctl("reconcile --json").success().json()["sessions_fixed"],
        1
    );
    assert_eq!(env.attendance("s1").await, 2);
    env.capctl("reconcile --check").success();
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn overdue_offer_is_expired_and_passed_on(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("ev1", &[]);
    env.session("ev1", "s1", 9, 10, &["--max-participants", "1"]);
    env.register_many("ev1", "u", 3).await;
    for u in ["u-0", "u-1", "u-2"] {
        sqlx::query("SELECT * FROM capctl_rsvp('s1', $1)")
            .bind(u)
            .execute(&env.pool)
            .await
            .unwrap();
    }
    // u-0 cancels: the seat is offered to u-1; then the offer runs out unanswered
    sqlx::query("SELECT * FROM capctl_cancel('s1', 'u-0')")
        .execute(&env.pool)
        .await
        .unwrap();
    assert_eq!(env.status_of("s1", "u-1").await.unwrap(), "OFFERED");
    sqlx::query("UPDATE session_rsvps SET offer_expires_at = now() - interval '1 minute' WHERE user_id = 'u-1'")
        .execute(&env.pool)
        .await
        .unwrap();

    let before = env.snapshot().await;
    assert_eq!(
        env.capctl("reconcile --check --json").code(8).json()["offers_expired"],
        1
    );
    assert_eq!(env.snapshot().await, before, "--check wrote nothing");

    let fixed = env.capctl("reconcile --json").success().json();
    assert_eq!(
        (
            fixed["offers_expired"].clone(),
            fixed["offers_sent"].clone()
        ),
        (1.into(), 1.into())
    );
    assert_eq!(env.status_of("s1", "u-1").await.unwrap(), "EXPIRED");
    assert_eq!(
        env.status_of("s1", "u-2").await.unwrap(),
        "OFFERED",
        "the seat went to the next in line"
    );
    assert_eq!(env.attendance("s1").await, 1);
    env.capctl("reconcile --check").success();
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn expired_lease_storm_is_reaped_in_bounded_batches(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    let mut conn = redis(&env).await;
    // 100k leases that expired long ago, over 1000 rooms, with counters that still count them
    let rooms: Vec<Room> = (0..1000)
        .map(|i| {
            if i % 2 == 0 {
                Room::stream(&format!("gone-{i}")).unwrap()
            } else {
                Room::booth(&format!("gone-{i}")).unwrap()
            }
        })
        .collect();
    for chunk in rooms.chunks(100) {
        let mut pipe = redis::pipe();
        for room in chunk {
            let k = room.keys(&env.prefix);
            let members: Vec<(i64, String)> =
                (0..100).map(|j| (1_000 + j, format!("m{j}"))).collect();
            pipe.zadd_multiple(&k.leases, &members).ignore();
            pipe.set(&k.count, 100).ignore();
        }
        let _: () = pipe.query_async(&mut conn).await.unwrap();
    }
    // one live room among them, with expired leases too
    env.event("ev1", &["--max-viewers", "50"]);
    let live = Room::stream("ev1").unwrap();
    let b = env.backends();
    for i in 0..5 {
        Presence::new(&b)
            .join(&live, &format!("v{i}"), MINUTE)
            .await
            .unwrap();
    }
    let k = live.keys(&env.prefix);
    let old: Vec<(i64, String)> = (0..1500).map(|j| (2_000 + j, format!("old{j}"))).collect();
    write_behind(&env, redis::cmd("ZADD").arg(&k.leases).arg(&old)).await;

    let opts = ReconcileOptions {
        prune_chunk: 40, // each script call drops at most 40 leases
        ..ReconcileOptions::default()
    };
    let check = reconcile_pass(
        &b,
        &ReconcileOptions {
            check: true,
            ..opts.clone()
        },
    )
    .await
    .unwrap();
    assert_eq!(check.leases_expired, 101_500);
    // counters behind only by expired leases nobody reaped yet are not drift (issue 10, 7c)
    assert!(!check.drift, "{check:?}");

    let report = reconcile_pass(&b, &opts).await.unwrap();
    assert_eq!(report.leases_expired, 101_500, "{report:?}");
    assert_eq!(report.counters_fixed, 1000);
    assert_eq!(report.live, 5);
    let leases = keys_under(&mut conn, &format!("{}:*:leases", env.prefix)).await;
    assert_eq!(
        leases,
        vec![k.leases.clone()],
        "every expired lease set is gone"
    );
    let mut pipe = redis::pipe();
    for room in &rooms {
        pipe.get(room.keys(&env.prefix).count);
    }
    let counters: Vec<Option<i64>> = pipe.query_async(&mut conn).await.unwrap();
    assert!(
        counters.iter().all(|c| *c == Some(0)),
        "every counter rewritten to 0"
    );
    // limits of rooms that do not exist in PostgreSQL are never cached
    assert!(
        keys_under(&mut conn, &format!("{}:{{*gone-*}}:limit", env.prefix))
            .await
            .is_empty()
    );
    assert_room(&env, &live, 5, "50").await;
    env.capctl("reconcile --check").success();
    common::redis::delete_prefix(&env).await; // 1000 rooms' counters: don't leave them behind
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn unreachable_redis_is_exit_7(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.assert_unreachable_redis_fails_fast("reconcile --check");
}

fn scrape(port: u16) -> String {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(b"GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut body = String::new();
    s.read_to_string(&mut body).unwrap();
    body
}

async fn watch_stops_cleanly_on(signal: &str, pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("ev1", &["--max-viewers", "4"]);
    env.capctl("stream join --event ev1 --viewer v1").success();
    let port = free_port();
    let addr = format!("127.0.0.1:{port}");
    let mut child = env
        .capctl(format!(
            "reconcile --watch --json --interval 100ms --metrics-addr {addr}"
        ))
        .spawn();
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    for _ in 0..2 {
        let line = next_line(&mut lines, "a JSON line per pass").await;
        let pass: serde_json::Value = serde_json::from_str(&line).unwrap();
        for field in [
            "leases_expired",
            "counters_fixed",
            "sessions_fixed",
            "offers_expired",
            "offers_sent",
        ] {
            assert!(pass[field].is_u64(), "{field} in {line}");
        }
    }

    let body = tokio::task::spawn_blocking(move || scrape(port))
        .await
        .unwrap();
    assert!(body.starts_with("HTTP/1.1 200 OK"), "{body}");
    assert!(body.contains("capctl_reconcile_passes_total "), "{body}");
    assert!(
        body.contains("capctl_reconcile_fixes_total{kind=\"counters_fixed\"} 0"),
        "{body}"
    );
    assert!(
        body.contains("capctl_reconcile_last_pass_duration_seconds "),
        "{body}"
    );
    assert!(
        body.contains("capctl_presence_live{kind=\"stream\",room=\"ev1\"} 1"),
        "{body}"
    );
    assert!(
        body.contains("capctl_presence_limit{kind=\"stream\",room=\"ev1\"} 4"),
        "{body}"
    );

    stop_with(&mut child, signal).await;
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn watch_stops_cleanly_on_sigterm_and_serves_metrics(pool: PgPool) {
    watch_stops_cleanly_on("-TERM", pool).await;
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn watch_stops_cleanly_on_sigint(pool: PgPool) {
    watch_stops_cleanly_on("-INT", pool).await;
}

/// An idle pass on one node reuses the last census while the server has written nothing and no
/// lease has fallen due; a write by hand, a lease expiring, a restart or a flush makes the next
/// pass walk again, and the drift is found. A private server: the shared one is written by
/// every other test all the time.
#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn an_idle_pass_reuses_the_census_until_redis_is_written(pool: PgPool) {
    let mut server = common::redis::PrivateRedis::start_on(free_port());
    let env = TestEnv {
        redis_url: format!("redis://127.0.0.1:{}", server.port),
        ..TestEnv::new(pool).await
    };
    env.event("ev1", &["--max-viewers", "10"]);
    env.event("ev2", &["--max-viewers", "10"]);
    let (one, two) = (Room::stream("ev1").unwrap(), Room::stream("ev2").unwrap());
    let b = env.backends();
    for (room, v) in [(&one, "a"), (&one, "b"), (&two, "c")] {
        Presence::new(&b).join(room, v, MINUTE).await.unwrap();
    }
    // A lease that falls due in 2 s, in a room of its own.
    Presence::new(&b)
        .join(&two, "short", Duration::from_secs(2))
        .await
        .unwrap();
    let opts = ReconcileOptions::default();
    let first = reconcile_pass(&b, &opts).await.unwrap();
    assert!(!first.census_reused && !first.drift, "{first:?}");
    assert_eq!((first.rooms, first.live), (2, 4));

    let idle = reconcile_pass(&b, &opts).await.unwrap();
    assert!(idle.census_reused, "nothing written: {idle:?}");
    assert_eq!((idle.rooms, idle.live, idle.drift), (2, 4, false));

    // Someone INCRs a counter behind capctl's back: found, fixed, and the pass after walks.
    write_behind(&env, redis::cmd("INCR").arg(one.keys(&env.prefix).count)).await;
    let check = reconcile_pass(
        &b,
        &ReconcileOptions {
            check: true,
            ..opts.clone()
        },
    )
    .await
    .unwrap();
    assert!(
        !check.census_reused && check.counters_drifted == 1,
        "{check:?}"
    );
    let fixed = reconcile_pass(&b, &opts).await.unwrap();
    assert!(
        !fixed.census_reused && fixed.counters_drifted == 1,
        "{fixed:?}"
    );
    assert_room(&env, &one, 2, "10").await;
    let walked = reconcile_pass(&b, &opts).await.unwrap();
    assert!(!walked.census_reused, "the fix wrote: {walked:?}");
    assert!(reconcile_pass(&b, &opts).await.unwrap().census_reused);

    // The short lease falls due with no write at all: the pass walks and reaps it.
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let due = reconcile_pass(&b, &opts).await.unwrap();
    assert!(!due.census_reused, "{due:?}");
    assert_eq!((due.leases_expired, due.live), (1, 3), "{due:?}");
    reconcile_pass(&b, &opts).await.unwrap();
    assert!(reconcile_pass(&b, &opts).await.unwrap().census_reused);

    // A restart (no persistence: everything gone) is a new run: the pass walks an empty server
    // and caches the limits again.
    let port = server.port;
    server.kill();
    let _server = common::redis::PrivateRedis::start_on(port);
    let restarted = loop {
        // The connection manager reconnects on the first command after the restart.
        if let Ok(report) = reconcile_pass(&b, &opts).await {
            break report;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(!restarted.census_reused, "{restarted:?}");
    assert_eq!(
        (restarted.live, restarted.limits_cached),
        (0, 2),
        "{restarted:?}"
    );
    assert_eq!(room_state(&env, &one).await, (None, 0, Some("10".into())));
}
