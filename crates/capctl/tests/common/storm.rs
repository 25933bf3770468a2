//! Storms of concurrent writers in one test process: a hot session to storm, a pool wide enough
//! for them, and tasks released all at once by a barrier.

use std::future::Future;
use std::sync::Arc;

use capctl_core::seats::{self, RsvpOutcome};
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;

use super::TestEnv;

/// A pool of `n` connections to the test's database (the harness's own pool is small).
pub async fn wide_pool(env: &TestEnv, n: u32) -> PgPool {
    PgPoolOptions::new()
        .max_connections(n)
        .acquire_timeout(std::time::Duration::from_secs(60))
        .connect(&env.database_url)
        .await
        .unwrap()
}

/// Runs `call` for every item, each in its own task, all released at once by a barrier, and
/// returns their results in the items' order.
pub async fn at_once<I, T, F, Fut>(items: impl IntoIterator<Item = I>, call: F) -> Vec<T>
where
    I: Send + 'static,
    T: Send + 'static,
    F: Fn(I) -> Fut,
    Fut: Future<Output = T> + Send + 'static,
{
    let futures: Vec<Fut> = items.into_iter().map(call).collect();
    let start = Arc::new(tokio::sync::Barrier::new(futures.len()));
    let tasks: Vec<_> = futures
        .into_iter()
        .map(|f| {
            let start = start.clone();
            tokio::spawn(async move {
                start.wait().await;
                f.await
            })
        })
        .collect();
    let mut results = Vec::with_capacity(tasks.len());
    for t in tasks {
        results.push(t.await.unwrap());
    }
    results
}

/// Event `e1` with session `hot` of `capacity` seats (and `extra` session flags), and `users`
/// registered users (`u-0`, `u-1`, ...).
pub async fn hot_session(
    env: &TestEnv,
    capacity: usize,
    users: usize,
    extra: &[&str],
) -> Vec<String> {
    env.event("e1", &[]);
    let capacity = capacity.to_string();
    let mut flags = vec!["--max-participants", capacity.as_str()];
    flags.extend_from_slice(extra);
    env.session("e1", "hot", 9, 10, &flags);
    env.register_many("e1", "u", users).await
}

/// Every user RSVPs to session `hot` at once (one task each, through the library), each answer
/// paired with its user, in the users' order.
pub async fn rush(
    pool: &PgPool,
    users: &[String],
) -> Vec<(String, capctl_core::Result<RsvpOutcome>)> {
    rush_on(pool, "hot", users).await
}

/// Every user RSVPs to `session` at once (one task each, through the library), each answer
/// paired with its user, in the users' order.
pub async fn rush_on(
    pool: &PgPool,
    session: &str,
    users: &[String],
) -> Vec<(String, capctl_core::Result<RsvpOutcome>)> {
    let session: capctl_core::ids::SessionId = session.parse().unwrap();
    at_once(users.to_vec(), |user| {
        let (pool, session) = (pool.clone(), session.clone());
        async move {
            let r = seats::rsvp(&pool, &session, &user.parse().unwrap(), false).await;
            (user, r)
        }
    })
    .await
}
