//! Reconcile on a Redis Cluster of the test's own: every primary walked, every expired lease
//! reaped, every counter exact.

mod common;

use std::time::Duration;

use capctl_core::audit::room_states;
use capctl_core::presence::{Presence, Room};
use capctl_core::reconcile::{ReconcileOptions, reconcile_pass};
use common::TestEnv;
use common::cluster::{LocalCluster, cli};
use common::redis::{eventually, keys_under, redis};
use sqlx::PgPool;

const ROOMS: usize = 1000;
const LEASES: usize = 100_000;
/// Long enough that no lease expires while the others are granted (a join reaps expired
/// leases of its room on the way), short enough to wait for.
const TTL: Duration = Duration::from_secs(40);

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn a_pass_reaps_100k_expired_leases_over_1000_rooms_on_three_primaries(pool: PgPool) {
    let cluster = tokio::task::spawn_blocking(LocalCluster::start)
        .await
        .unwrap();
    let mut env = TestEnv::new(pool).await;
    env.redis_url = cluster.url();
    // 1000 streams (limit 200 each) in one statement
    sqlx::query(
        "INSERT INTO events (id, name, starts_at, ends_at, virtual_settings)
         SELECT 'ev' || g, 'e', now(), now() + interval '1 day',
                jsonb_build_object('max_concurrent_viewers', 200)
           FROM generate_series(0, $1 - 1) g",
    )
    .bind(ROOMS as i32)
    .execute(&env.pool)
    .await
    .unwrap();
    let rooms: Vec<Room> = (0..ROOMS)
        .map(|i| Room::stream(&format!("ev{i}")).unwrap())
        .collect();
    let b = env.backends();
    let p = Presence::new(&b);
    let requests: Vec<(Room, String)> = (0..LEASES)
        .map(|i| (rooms[i % ROOMS].clone(), format!("v{i}")))
        .collect();
    for batch in requests.chunks(5000) {
        let answers = p.join_many(batch, TTL).await.unwrap();
        assert!(answers.iter().all(|a| a.admitted));
    }
    // the leases are spread over every primary
    for port in cluster.primaries() {
        let keys: i64 = cli(port, &["dbsize"]).unwrap().trim().parse().unwrap();
        assert!(keys > 500, "primary {port} holds {keys} keys");
    }

    // nothing reaped them: a look-only pass finds them all expired once their time is up
    let check = ReconcileOptions {
        check: true,
        ..ReconcileOptions::default()
    };
    let (bb, cc) = (&b, &check);
    let stored: u64 = room_states(&b, &rooms)
        .await
        .unwrap()
        .iter()
        .map(|s| s.live + s.expired)
        .sum();
    assert_eq!(stored, LEASES as u64, "no lease expired while joining");
    eventually(120, "every lease to expire", || async move {
        reconcile_pass(bb, cc).await.unwrap().leases_expired == LEASES as u64
    })
    .await;
    let report = reconcile_pass(&b, &ReconcileOptions::default())
        .await
        .unwrap();
    assert_eq!(report.leases_expired, LEASES as u64, "{report:?}");
    assert_eq!(report.rooms, ROOMS as u64);
    assert_eq!(report.counters_fixed, ROOMS as u64);

    for s in room_states(&b, &rooms).await.unwrap() {
        assert_eq!(
            (s.live, s.expired, s.counter.unwrap_or(0)),
            (0, 0, 0),
            "{}",
            s.room
        );
    }
    let mut conn = redis(&env).await;
    let lease_keys = keys_under(&mut conn, &format!("{}:*:leases", env.prefix)).await;
    assert!(
        lease_keys.is_empty(),
        "{} lease sets left",
        lease_keys.len()
    );
    env.capctl("reconcile --check").success();
}
