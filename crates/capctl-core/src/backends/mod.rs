//! The two backends, opened lazily: a command pays only for the connection it uses.

pub mod postgres;

use redis::aio::ConnectionManager;
use sqlx::PgPool;
use tokio::sync::OnceCell;

use crate::config::{CONNECT_TIMEOUT, Settings, redact};
use crate::{Error, Result};

pub struct Backends {
    settings: Settings,
    pool_size: u32,
    pg: OnceCell<PgPool>,
    redis: OnceCell<ConnectionManager>,
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
        }
    }

    /// Wraps an existing pool (tests use the pool `#[sqlx::test]` hands them).
    pub fn from_pool(settings: Settings, pool: PgPool) -> Self {
        Self {
            settings,
            pool_size: 4,
            pg: OnceCell::from(pool),
            redis: OnceCell::new(),
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

    pub async fn redis(&self) -> Result<&ConnectionManager> {
        self.redis
            .get_or_try_init(|| connect_redis(&self.settings))
            .await
    }

    pub fn redis_prefix(&self) -> &str {
        &self.settings.redis_prefix
    }
}

/// A multiplexed, self-reconnecting Redis connection: concurrent callers share it and their
/// commands are pipelined on the wire.
pub async fn connect_redis(settings: &Settings) -> Result<ConnectionManager> {
    let client = redis::Client::open(settings.redis_url.as_str()).map_err(|e| {
        Error::invalid(format!(
            "--redis-url is not a Redis URL: {}",
            redact(&e.to_string())
        ))
    })?;
    let config = redis::aio::ConnectionManagerConfig::new()
        .set_connection_timeout(Some(CONNECT_TIMEOUT))
        .set_response_timeout(Some(CONNECT_TIMEOUT))
        .set_number_of_retries(2);
    let where_ = redact(&settings.redis_url);
    match tokio::time::timeout(
        CONNECT_TIMEOUT,
        client.get_connection_manager_with_config(config),
    )
    .await
    {
        Ok(Ok(conn)) => Ok(conn),
        Ok(Err(e)) => Err(Error::Unavailable(format!(
            "cannot reach Redis at {where_}: {}",
            redact(&e.to_string())
        ))),
        Err(_) => Err(Error::Unavailable(format!(
            "Redis at {where_} did not answer within {}s",
            CONNECT_TIMEOUT.as_secs()
        ))),
    }
}
