//! The outbox's doorbell: seat transactions notify channel capctl_outbox only while a follower
//! is registered; followers register on start, unregister on a clean stop, and the registration
//! of a follower killed with -9 is pruned by reconcile.

mod outbox_support;

use std::time::Duration;

use outbox_support::{Capctl, eventually, rsvp, world};
use sqlx::PgPool;
use sqlx::postgres::PgListener;

async fn listeners(pool: &PgPool) -> Vec<i32> {
    sqlx::query_scalar("SELECT pid FROM capctl_outbox_listeners ORDER BY pid")
        .fetch_all(pool)
        .await
        .unwrap()
}

/// The next notification's channel (notifications arrive in commit order).
async fn next_channel(listener: &mut PgListener) -> String {
    let n = tokio::time::timeout(Duration::from_secs(30), listener.recv())
        .await
        .expect("a notification within 30 s")
        .unwrap();
    n.channel().to_string()
}

async fn mark(pool: &PgPool) {
    sqlx::query("NOTIFY capctl_test_marker")
        .execute(pool)
        .await
        .unwrap();
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn seat_changes_ring_only_while_a_follower_is_registered(pool: PgPool) {
    let (sessions, _) = world(&pool, "bell", 1, Some(10), 3, Duration::from_secs(86_400)).await;
    let mut listener = PgListener::connect_with(&pool).await.unwrap();
    listener
        .listen_all(["capctl_outbox", "capctl_test_marker"])
        .await
        .unwrap();

    // Nobody registered: the RSVP commits without a notification, so the marker sent after it
    // is the first thing the listener hears.
    rsvp(&pool, &sessions[0], "u0", false).await.unwrap();
    mark(&pool).await;
    assert_eq!(next_channel(&mut listener).await, "capctl_test_marker");

    // Registered on the listening connection: the next seat change rings before the marker.
    sqlx::query("SELECT capctl_outbox_listen()")
        .execute(&mut listener)
        .await
        .unwrap();
    let pid: i32 = sqlx::query_scalar("SELECT pg_backend_pid()")
        .fetch_one(&mut listener)
        .await
        .unwrap();
    assert_eq!(listeners(&pool).await, vec![pid]);
    rsvp(&pool, &sessions[0], "u1", false).await.unwrap();
    mark(&pool).await;
    assert_eq!(next_channel(&mut listener).await, "capctl_outbox");
    assert_eq!(next_channel(&mut listener).await, "capctl_test_marker");

    // A capacity change rings too, and unregistering silences the channel again.
    sqlx::query("UPDATE session_capacity SET maximum_capacity = 20 WHERE session_id = $1")
        .bind(&sessions[0])
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(next_channel(&mut listener).await, "capctl_outbox");
    sqlx::query("SELECT capctl_outbox_unlisten()")
        .execute(&mut listener)
        .await
        .unwrap();
    assert!(listeners(&pool).await.is_empty());
    rsvp(&pool, &sessions[0], "u2", false).await.unwrap();
    mark(&pool).await;
    assert_eq!(next_channel(&mut listener).await, "capctl_test_marker");
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM capctl_outbox")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        rows, 4,
        "three confirmations and a capacity change, rung or not"
    );
}

/// A follower stopped by SIGTERM unregisters; one killed with -9 leaves its registration, which
/// the next reconcile pass prunes (and `reconcile --check` leaves alone).
#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn followers_register_unregister_and_dead_ones_are_pruned(pool: PgPool) {
    let cli = Capctl::new(&pool).await;
    world(&pool, "reg", 1, Some(10), 1, Duration::from_secs(86_400)).await;
    let one_registered = |pool: PgPool| async move { listeners(&pool).await.len() == 1 };

    let mut child = cli
        .command(&["outbox", "list", "--follow"])
        .spawn()
        .unwrap();
    eventually("the follower registers", Duration::from_secs(30), || {
        one_registered(pool.clone())
    })
    .await;
    outbox_support::stop(&mut child).await;
    assert!(
        listeners(&pool).await.is_empty(),
        "a clean stop unregisters"
    );

    let mut child = cli
        .command(&["outbox", "list", "--follow"])
        .spawn()
        .unwrap();
    eventually("the follower registers", Duration::from_secs(30), || {
        one_registered(pool.clone())
    })
    .await;
    let pid = listeners(&pool).await[0];
    child.start_kill().unwrap();
    child.wait().await.unwrap();
    eventually(
        "the dead follower's backend ends",
        Duration::from_secs(30),
        || {
            let pool = pool.clone();
            async move {
                sqlx::query_scalar::<_, i64>("SELECT count(*) FROM pg_stat_activity WHERE pid = $1")
                    .bind(pid)
                    .fetch_one(&pool)
                    .await
                    .unwrap()
                    == 0
            }
        },
    )
    .await;
    assert_eq!(listeners(&pool).await, vec![pid], "left behind by kill -9");
    cli.run(&["reconcile", "--check", "--json"]).await;
    assert_eq!(listeners(&pool).await, vec![pid], "--check changes nothing");
    cli.run(&["reconcile", "--json"]).await.code(0);
    assert!(listeners(&pool).await.is_empty(), "pruned by the pass");
}

/// The registration race: a seat transaction that looked for listeners before a follower
/// registered does not ring, so the follower waits for every transaction open at its
/// registration (capctl_outbox_settled) before its first read.
#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn the_horizon_settles_only_when_older_transactions_end(pool: PgPool) {
    let (sessions, _) = world(&pool, "hz", 1, Some(10), 1, Duration::from_secs(86_400)).await;
    let mut open = pool.begin().await.unwrap();
    sqlx::query("SELECT * FROM capctl_rsvp($1, 'u0')")
        .bind(&sessions[0])
        .execute(&mut *open)
        .await
        .unwrap();
    let horizon: String = sqlx::query_scalar("SELECT capctl_outbox_horizon()::text")
        .fetch_one(&pool)
        .await
        .unwrap();
    let settled = |pool: PgPool, horizon: String| async move {
        sqlx::query_scalar::<_, bool>("SELECT capctl_outbox_settled($1::xid8)")
            .bind(horizon)
            .fetch_one(&pool)
            .await
            .unwrap()
    };
    assert!(!settled(pool.clone(), horizon.clone()).await);
    open.commit().await.unwrap();
    // Other tests' transactions on the same server count too, so "soon", not "at once".
    eventually("the horizon settles", Duration::from_secs(30), || {
        settled(pool.clone(), horizon.clone())
    })
    .await;
}
