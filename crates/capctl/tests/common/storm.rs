//! Storms of concurrent writers in one test process: a pool wide enough for them, and tasks
//! released all at once by a barrier.

use std::future::Future;
use std::sync::Arc;

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
