//! Presence on a Redis Cluster of the test's own (three primaries, three replicas): the central
//! presence scenarios, over rooms spread on every primary, through the library and the binary.

mod common;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use capctl_core::presence::{LeaseStatus, Presence, Room};
use capctl_core::reconcile::{ReconcileOptions, reconcile_pass};
use common::cluster::{LocalCluster, cli, on_cluster};
use common::redis::{assert_room, eventually, exits, redis, room_state, run_all};
use common::{TestEnv, numbered};
use sqlx::PgPool;

const MINUTE: Duration = Duration::from_secs(60);

/// Creates events `ev0 … ev(n-1)` with a viewer limit; asserts their streams live on every
/// primary (the names are fixed, so are their slots).
fn spread_events(env: &TestEnv, cluster: &LocalCluster, n: usize, limit: u32) -> Vec<Room> {
    let mut primaries = BTreeSet::new();
    let rooms: Vec<Room> = (0..n)
        .map(|i| {
            let id = env.event(&format!("ev{i}"), &["--max-viewers", &limit.to_string()]);
            let room = Room::stream(&id).unwrap();
            primaries.insert(cluster.primary_of(&room.keys(&env.prefix).leases));
            room
        })
        .collect();
    assert_eq!(primaries.len(), 3, "the streams live on every primary");
    rooms
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn joins_over_many_events_admit_exactly_the_limit_on_every_primary(pool: PgPool) {
    let (env, cluster) = on_cluster(pool).await;
    let rooms = spread_events(&env, &cluster, 8, 5);
    let b = Arc::new(env.backends());

    // 5 + 4 concurrent tasks per stream in this process, all streams at once
    let tasks: Vec<_> = rooms
        .iter()
        .flat_map(|room| {
            numbered("task", 9).into_iter().map(|m| {
                let (b, room) = (b.clone(), room.clone());
                tokio::spawn(async move {
                    let status = Presence::new(&b)
                        .join(&room, &m, MINUTE)
                        .await
                        .unwrap()
                        .status;
                    (room, status)
                })
            })
        })
        .collect();
    let mut admitted = std::collections::BTreeMap::<Room, usize>::new();
    for t in tasks {
        let (room, status) = t.await.unwrap();
        assert!(matches!(status, LeaseStatus::Admitted | LeaseStatus::Full));
        *admitted.entry(room).or_default() += usize::from(status == LeaseStatus::Admitted);
    }
    for room in &rooms {
        assert_eq!(admitted[room], 5, "{room}");
        assert_room(&env, room, 5, "5").await;
    }

    // and 2 + 3 separate processes per stream, on three streams (one per primary)
    let mut argv = Vec::new();
    for i in 0..3 {
        for v in 0..5 {
            argv.push(
                format!("stream join --json --event ev{i} --viewer proc-{v}")
                    .split_whitespace()
                    .map(String::from)
                    .collect(),
            );
        }
    }
    let runs = run_all(&env, argv).await;
    assert_eq!(exits(&runs, 3), 15, "all full already: {runs:?}");
    for (_, stdout) in &runs {
        let v: serde_json::Value = serde_json::from_str(stdout).unwrap();
        assert_eq!(
            (v["admitted"].clone(), v["count"].clone()),
            (false.into(), 5.into())
        );
    }
    // viewers shows every stream with its count, from whichever primary holds it
    let listed = env.capctl("stream viewers --json").success().json();
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), 8);
    assert!(
        listed.iter().all(|r| r["viewers"] == 5 && r["limit"] == 5),
        "{listed:?}"
    );
    env.capctl("reconcile --check").success();
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn join_processes_admit_exactly_the_limit_through_any_one_node(pool: PgPool) {
    let (mut env, cluster) = on_cluster(pool).await;
    let rooms = spread_events(&env, &cluster, 6, 3);
    // one node's URL only: capctl finds out it is a cluster node
    env.redis_url = format!("redis://127.0.0.1:{}", cluster.ports[5]);
    let argv = (0..6)
        .flat_map(|e| {
            (0..5).map(move |v| {
                format!("stream join --json --event ev{e} --viewer p{v}")
                    .split_whitespace()
                    .map(String::from)
                    .collect()
            })
        })
        .collect();
    let runs = run_all(&env, argv).await;
    assert_eq!((exits(&runs, 0), exits(&runs, 3)), (18, 12), "{runs:?}");
    for room in &rooms {
        assert_room(&env, room, 3, "3").await;
    }
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn a_dead_seed_does_not_stop_a_command(pool: PgPool) {
    let (mut env, cluster) = on_cluster(pool).await;
    spread_events(&env, &cluster, 6, 2);
    let dead = common::free_port();
    env.redis_url = format!("redis://127.0.0.1:{dead},{}", cluster.url());
    env.capctl("stream join --event ev2 --viewer a").success();
    // every seed dead: unreachable, exit 7
    env.redis_url = format!(
        "redis://127.0.0.1:{dead},redis://127.0.0.1:{}",
        common::free_port()
    );
    let run = env.capctl("stream join --event ev2 --viewer b").code(7);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn rejoin_and_double_leave_are_idempotent(pool: PgPool) {
    let (env, cluster) = on_cluster(pool).await;
    let rooms = spread_events(&env, &cluster, 6, 3);
    for (i, room) in rooms.iter().enumerate() {
        let stream = |verb: &str, v: &str| {
            env.capctl(format!("stream {verb} --json --event ev{i} --viewer {v}"))
                .run()
        };
        assert_eq!(
            stream("join", "alice").success().json()["status"],
            "ADMITTED"
        );
        let again = stream("join", "alice").success().json();
        assert_eq!(
            (again["status"].clone(), again["count"].clone()),
            ("REFRESHED".into(), 1.into())
        );
        stream("join", "bob").success();
        assert_eq!(stream("leave", "alice").success().json()["status"], "LEFT");
        let repeat = stream("leave", "alice").success().json();
        assert_eq!(
            (repeat["status"].clone(), repeat["count"].clone()),
            ("ABSENT".into(), 1.into())
        );
        assert_room(&env, room, 1, "3").await;
    }
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn leases_of_a_disconnect_storm_expire_and_one_pass_makes_counts_exact(pool: PgPool) {
    let (env, cluster) = on_cluster(pool).await;
    let rooms = spread_events(&env, &cluster, 6, 9);
    let b = env.backends();
    let p = Presence::new(&b);
    for room in &rooms {
        for v in numbered("stay", 6) {
            assert!(p.join(room, &v, MINUTE).await.unwrap().admitted);
        }
        for v in numbered("gone", 3) {
            assert!(
                p.join(room, &v, Duration::from_secs(1))
                    .await
                    .unwrap()
                    .admitted
            );
        }
        assert_eq!(
            p.join(room, "early", MINUTE).await.unwrap().status,
            LeaseStatus::Full
        );
    }
    let (pr, rr) = (&p, &rooms);
    eventually(20, "the vanished viewers' leases expire", || async move {
        pr.live_counts(rr).await.unwrap().iter().all(|&n| n == 6)
    })
    .await;
    let report = reconcile_pass(&b, &ReconcileOptions::default())
        .await
        .unwrap();
    assert_eq!(
        (report.leases_expired, report.counters_fixed),
        (18, 6),
        "{report:?}"
    );
    assert_eq!(report.rooms, 6);
    for room in &rooms {
        assert_room(&env, room, 6, "9").await;
        // newcomers fill up to the limit and never beyond
        let admitted = futures_join(&b, room, numbered("new", 5)).await;
        assert_eq!(admitted, 3, "{room}");
        assert_room(&env, room, 9, "9").await;
    }
}

/// Joins `members` at once; how many were admitted.
async fn futures_join(
    b: &capctl_core::backends::Backends,
    room: &Room,
    members: Vec<String>,
) -> usize {
    let p = Presence::new(b);
    let joins = members.iter().map(|m| p.join(room, m, MINUTE));
    let mut admitted = 0;
    for a in futures::future::join_all(joins).await {
        admitted += usize::from(a.unwrap().status == LeaseStatus::Admitted);
    }
    admitted
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn a_flush_of_every_node_never_means_unlimited(pool: PgPool) {
    let (env, cluster) = on_cluster(pool).await;
    let rooms = spread_events(&env, &cluster, 6, 2);
    let b = env.backends();
    let p = Presence::new(&b);
    for room in &rooms {
        for v in numbered("v", 2) {
            assert!(p.join(room, &v, MINUTE).await.unwrap().admitted);
        }
    }
    // every node loses its keys and its scripts
    for port in cluster.primaries() {
        assert!(cli(port, &["flushall"]).is_some());
    }
    for port in cluster.live_ports() {
        assert!(cli(port, &["script", "flush"]).is_some());
    }
    let hb = p.heartbeat(&rooms[0], "v0", MINUTE).await.unwrap();
    assert!(hb.lost && !hb.admitted);
    assert_eq!(hb.limit, Some(2), "limit reloaded from PostgreSQL");
    // processes reload the scripts on each primary and the limits from PostgreSQL
    let argv = (0..6)
        .flat_map(|e| {
            (0..4).map(move |v| {
                format!("stream join --event ev{e} --viewer n{v}")
                    .split_whitespace()
                    .map(String::from)
                    .collect()
            })
        })
        .collect();
    let runs = run_all(&env, argv).await;
    assert_eq!((exits(&runs, 0), exits(&runs, 3)), (12, 12), "{runs:?}");
    for room in &rooms {
        assert_room(&env, room, 2, "2").await;
    }
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn naive_counter_drift_is_found_by_check_and_fixed(pool: PgPool) {
    let (env, cluster) = on_cluster(pool).await;
    let rooms = spread_events(&env, &cluster, 6, 5);
    let b = env.backends();
    let p = Presence::new(&b);
    for room in &rooms {
        assert!(p.join(room, "v0", MINUTE).await.unwrap().admitted);
    }
    // a naive writer on every primary: counters bumped without a lease
    let mut conn = redis(&env).await;
    for room in &rooms {
        let _: i64 = redis::cmd("INCRBY")
            .arg(room.keys(&env.prefix).count)
            .arg(3)
            .query_async(&mut conn)
            .await
            .unwrap();
    }
    let found = env.capctl("reconcile --check --json").code(8).json();
    assert_eq!(found["counters_drifted"], 6, "{found}");
    assert_eq!(
        room_state(&env, &rooms[0]).await.0,
        Some(4),
        "--check changed nothing"
    );
    let fixed = env.capctl("reconcile --json").success().json();
    assert_eq!(fixed["counters_fixed"], 6, "{fixed}");
    env.capctl("reconcile --check").success();
    for room in &rooms {
        assert_room(&env, room, 1, "5").await;
    }
}
