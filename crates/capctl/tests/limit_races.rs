//! A room's limit is written to PostgreSQL (the truth) and cached in Redis. However many
//! `set-limit`s race, once they are done the cache says what PostgreSQL says, so joins enforce
//! the limit that was set last.

mod common;

use capctl_core::presence::{Presence, Room, limit_value};
use common::TestEnv;
use common::redis::room_state;
use sqlx::PgPool;

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn racing_limit_changes_leave_the_cache_equal_to_postgres(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &[]);
    env.capctl("booth create --event e1 --id b1 --name B")
        .success();
    let b = env.backends();
    for room in [Room::stream("e1").unwrap(), Room::booth("b1").unwrap()] {
        for round in 0..25_i64 {
            let presence = Presence::new(&b);
            let changes = (0..6_i64).map(|i| {
                let limit = (i != 5).then_some(round * 10 + i);
                let (p, r) = (&presence, &room);
                async move { p.set_limit(r, limit).await.unwrap() }
            });
            futures::future::join_all(changes).await;
            let truth = capctl_core::presence::limit_from_pg(&env.pool, &room)
                .await
                .unwrap();
            let cached = room_state(&env, &room).await.2;
            assert_eq!(
                cached.as_deref(),
                Some(limit_value(truth).as_str()),
                "round {round}: the cache of {room} disagrees with PostgreSQL"
            );
        }
    }
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn racing_set_limit_processes_leave_the_cache_equal_to_postgres(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &[]);
    let room = Room::stream("e1").unwrap();
    for round in 0..15 {
        let limits: Vec<String> = (0..8).map(|i| (round * 10 + i).to_string()).collect();
        let children: Vec<_> = limits
            .iter()
            .map(|l| {
                env.capctl(format!("stream set-limit --event e1 --max {l}"))
                    .spawn()
            })
            .collect();
        for child in children {
            assert!(child.wait_with_output().await.unwrap().status.success());
        }
        let truth = capctl_core::presence::limit_from_pg(&env.pool, &room)
            .await
            .unwrap();
        assert_eq!(
            room_state(&env, &room).await.2.as_deref(),
            Some(limit_value(truth).as_str()),
            "round {round}: the cache disagrees with PostgreSQL"
        );
    }
}
