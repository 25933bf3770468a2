//! The two backends, opened lazily: a command pays only for the connection it uses.

pub mod postgres;

use redis::aio::ConnectionManager;
use sqlx::PgPool;
use tokio::sync::OnceCell;

use crate::config::{Settings, redact};
use crate::error::Wait;
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
///
/// The manager retries a failed connection with backoff, which is right after a drop but made a
/// refused first connection take about 0.55 s. So the first connection is one direct attempt:
/// a refusal (or a bad password) fails at once, and the manager takes over only once the
/// server has answered.
pub async fn connect_redis(settings: &Settings) -> Result<ConnectionManager> {
    let client = redis::Client::open(settings.redis_url.as_str())
        .map_err(|_| crate::error::Backend::Redis.bad_url(&settings.redis_url))?;
    let where_ = redact(&settings.redis_url);
    let timed_out = || Error::Timeout {
        wait: Wait::RedisConnect,
        limit: Some(settings.connect_timeout),
        detail: format!("Redis at {where_} did not answer"),
    };
    let unreachable = |e: redis::RedisError| {
        Error::Unavailable(format!(
            "cannot reach Redis at {where_}: {}",
            redact(&e.to_string())
        ))
    };
    let direct = redis::AsyncConnectionConfig::new()
        .set_connection_timeout(Some(settings.connect_timeout))
        .set_response_timeout(Some(settings.redis_timeout));
    match tokio::time::timeout(
        settings.connect_timeout,
        client.get_multiplexed_async_connection_with_config(&direct),
    )
    .await
    {
        Ok(Ok(probe)) => drop(probe),
        Ok(Err(e)) if e.is_timeout() => return Err(timed_out()),
        Ok(Err(e)) => return Err(unreachable(e)),
        Err(_) => return Err(timed_out()),
    }
    let config = redis::aio::ConnectionManagerConfig::new()
        .set_connection_timeout(Some(settings.connect_timeout))
        .set_response_timeout(Some(settings.redis_timeout))
        .set_number_of_retries(2);
    match tokio::time::timeout(
        settings.connect_timeout,
        client.get_connection_manager_with_config(config),
    )
    .await
    {
        Ok(Ok(conn)) => Ok(conn),
        Ok(Err(e)) if e.is_timeout() => Err(timed_out()),
        Ok(Err(e)) => Err(unreachable(e)),
        Err(_) => Err(timed_out()),
    }
}
