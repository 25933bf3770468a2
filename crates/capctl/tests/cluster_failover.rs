//! A primary of the test's own Redis Cluster killed in the middle of a viewer storm: its replica
//! takes over, commands in flight fail with exit 7 (or succeed on retry), no stream is ever
//! above its limit, and one reconcile pass makes every count exact.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use capctl_core::Error;
use capctl_core::audit::{room_states, room_violations};
use capctl_core::presence::{LeaseStatus, Presence, Room};
use capctl_core::reconcile::{ReconcileOptions, reconcile_pass};
use common::TestEnv;
use common::cluster::{LocalCluster, cli};
use common::redis::{assert_room, eventually, run_all_runs};
use sqlx::PgPool;

/// Leases outlast the test, so counts change only by joins (and by what a failover loses).
const LEASE: Duration = Duration::from_secs(3600);
const LIMIT: u64 = 40;
const STREAMS: usize = 6;

/// Tallies of the storm: admitted, refused at the limit, failed with Redis unreachable or
/// timed out (exit 7).
#[derive(Default)]
struct Tally {
    admitted: AtomicU64,
    full: AtomicU64,
    unavailable: AtomicU64,
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn killing_a_primary_mid_storm_never_lets_a_stream_exceed_its_limit(pool: PgPool) {
    let mut cluster = tokio::task::spawn_blocking(LocalCluster::start)
        .await
        .unwrap();
    let mut env = TestEnv::new(pool).await;
    env.redis_url = cluster.url();
    let rooms: Vec<Room> = (0..STREAMS)
        .map(|i| {
            env.event(&format!("ev{i}"), &["--max-viewers", &LIMIT.to_string()]);
            Room::stream(&format!("ev{i}")).unwrap()
        })
        .collect();
    let victim = cluster.primary_of(&rooms[0].keys(&env.prefix).leases);
    let b = Arc::new(env.backends());

    // The storm: tasks in this process join new viewers round the streams until told to stop.
    let stop = Arc::new(AtomicBool::new(false));
    let tally = Arc::new(Tally::default());
    let next = Arc::new(AtomicU64::new(0));
    let workers: Vec<_> = (0..8)
        .map(|_| {
            let (b, rooms, stop, tally, next) = (
                b.clone(),
                rooms.clone(),
                stop.clone(),
                tally.clone(),
                next.clone(),
            );
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let room = &rooms[(i % STREAMS as u64) as usize];
                    match Presence::new(&b).join(room, &format!("t{i}"), LEASE).await {
                        Ok(a) if a.status == LeaseStatus::Admitted => {
                            assert!(a.count <= LIMIT, "{room}: count {} after a join", a.count);
                            tally.admitted.fetch_add(1, Ordering::Relaxed)
                        }
                        Ok(a) => {
                            assert_eq!(a.status, LeaseStatus::Full);
                            tally.full.fetch_add(1, Ordering::Relaxed)
                        }
                        Err(Error::Unavailable(_) | Error::Timeout { .. }) => {
                            tally.unavailable.fetch_add(1, Ordering::Relaxed)
                        }
                        Err(e) => panic!("a join failed otherwise than unreachable: {e:?}"),
                    };
                }
            })
        })
        .collect();
    let t = tally.clone();
    eventually(60, "the storm to admit its first viewers", || {
        let t = t.clone();
        async move { t.admitted.load(Ordering::Relaxed) >= 60 }
    })
    .await;

    // Mid-storm: the primary of ev0's stream dies (SIGKILL); capctl processes keep joining.
    cluster.kill(victim);
    let mut codes = Vec::new();
    for wave in 0..3 {
        let argv = (0..STREAMS)
            .map(|e| {
                format!("stream join --json --ttl 1h --event ev{e} --viewer w{wave}-{e}")
                    .split_whitespace()
                    .map(String::from)
                    .collect()
            })
            .collect();
        for run in run_all_runs(&env, argv).await {
            assert!(
                [0, 3, 7].contains(&run.code),
                "exit code {} during the failover (so far {codes:?}): {}",
                run.code,
                run.stderr
            );
            codes.push(run.code);
        }
    }

    // The replica takes over; the storm goes on until joins succeed on every stream again.
    let c = &cluster;
    eventually(
        90,
        "the replica to take over",
        || async move { c.is_settled() },
    )
    .await;
    let settled = cluster.primaries();
    assert_eq!(settled.len(), 3);
    assert!(!settled.contains(&victim));
    let before = tally.admitted.load(Ordering::Relaxed) + tally.full.load(Ordering::Relaxed);
    let t = tally.clone();
    eventually(60, "joins to be answered again after the failover", || {
        let t = t.clone();
        async move {
            t.admitted.load(Ordering::Relaxed) + t.full.load(Ordering::Relaxed) >= before + 200
        }
    })
    .await;
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        w.await.unwrap();
    }

    // After the cluster settled: nobody above a limit, before and after one reconcile pass.
    let states = room_states(&b, &rooms).await.unwrap();
    assert!(room_violations(&states).is_empty(), "{states:?}");
    reconcile_pass(&b, &ReconcileOptions::default())
        .await
        .unwrap();
    env.capctl("reconcile --check").success();
    let states = room_states(&b, &rooms).await.unwrap();
    for s in &states {
        assert!(s.live <= LIMIT, "{}: {} live", s.room, s.live);
        assert_eq!(s.counter.unwrap_or(0), s.live, "{}: counter exact", s.room);
    }

    // The promoted replica's script cache emptied: the scripts reload there. Every stream then
    // fills to exactly its limit, never beyond.
    let promoted = cluster.primary_of(&rooms[0].keys(&env.prefix).leases);
    assert!(cli(promoted, &["script", "flush"]).is_some());
    let p = Presence::new(&b);
    for (room, s) in rooms.iter().zip(&states) {
        let joins = (0..LIMIT + 5).map(|k| {
            let p = &p;
            async move {
                p.join(room, &format!("late{k}"), LEASE)
                    .await
                    .unwrap()
                    .status
            }
        });
        let admitted = futures::future::join_all(joins)
            .await
            .into_iter()
            .filter(|s| *s == LeaseStatus::Admitted)
            .count() as u64;
        assert_eq!(admitted, LIMIT - s.live, "{room}");
        assert_room(&env, room, LIMIT as i64, &LIMIT.to_string()).await;
    }
    assert!(tally.unavailable.load(Ordering::Relaxed) + tally.admitted.load(Ordering::Relaxed) > 0);
}
