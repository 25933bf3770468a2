//! The two backends, opened lazily: a command pays only for the connection it uses.

pub mod postgres;
pub mod redis;

use sqlx::PgPool;
use tokio::sync::OnceCell;

pub use self::redis::{RedisConn, connect_redis};
use crate::Result;
use crate::config::Settings;

/// How long [`Backends::close`] waits for the connections to say goodbye.
const CLOSE_WAIT: std::time::Duration = std::time::Duration::from_millis(200);

pub struct Backends {
    settings: Settings,
    pool_size: u32,
    pg: OnceCell<PgPool>,
    redis: OnceCell<RedisConn>,
    /// What the last reconcile pass's census found (see `reconcile::pass::CensusMemory`).
    census: std::sync::Mutex<Option<crate::reconcile::CensusMemory>>,
}

impl Backends {
    pub fn new(settings: Settings) -> Self {
        Self::with_pool_size(settings, 4)
    }

    /// `pool_size` bounds the PostgreSQL connections (benchmarks and the demo want more).
    pub fn with_pool_size(settings: Settings, pool_size: u32) -> Self {
        Self {
            settings,
            pool_size,
            pg: OnceCell::new(),
            redis: OnceCell::new(),
            census: Default::default(),
        }
    }

    /// Wraps an existing pool (tests use the pool `#[sqlx::test]` hands them).
    pub fn from_pool(settings: Settings, pool: PgPool) -> Self {
        Self {
            settings,
            pool_size: 4,
            pg: OnceCell::from(pool),
            redis: OnceCell::new(),
            census: Default::default(),
        }
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    pub async fn pg(&self) -> Result<&PgPool> {
        self.pg
            .get_or_try_init(|| crate::backends::postgres::connect(&self.settings, self.pool_size))
            .await
    }

    /// The Redis connection: a single node, or a Redis Cluster (detected; see [`connect_redis`]).
    pub async fn redis(&self) -> Result<&RedisConn> {
        self.redis
            .get_or_try_init(|| connect_redis(&self.settings))
            .await
    }

    /// Ends the PostgreSQL connections with the protocol's goodbye (Terminate) rather than
    /// dropping their sockets at exit, which the server records as abandoned sessions and logs
    /// as "connection reset by peer" once per command. Bounded: a connection still lent out
    /// (a task stopped mid-statement) is left to the exit.
    pub async fn close(&self) {
        if let Some(pool) = self.pg.get() {
            let _ = tokio::time::timeout(CLOSE_WAIT, pool.close()).await;
        }
    }

    /// What the last reconcile pass on these backends remembers of Redis.
    pub(crate) fn census_memory(
        &self,
    ) -> &std::sync::Mutex<Option<crate::reconcile::CensusMemory>> {
        &self.census
    }

    pub fn redis_prefix(&self) -> &str {
        &self.settings.redis_prefix
    }
}
