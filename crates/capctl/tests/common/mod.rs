//! Test harness: every test gets a fresh database (`#[sqlx::test(migrator = "capctl_core::MIGRATOR")]`)
//! and its own Redis key prefix, and drives the real `capctl` binary through the fluent
//! [`TestEnv::capctl`] builder.
//!
//! - [`cli`]: the builder (`env.capctl("session rsvp --session s1 --user u1").code(4).json()`)
//! - [`fixtures`]: events, sessions, booths, registrations and the seat commands, through the binary
//! - [`db`]: what PostgreSQL holds (RSVP statuses, queue, counters, a snapshot of every row)
//! - [`redis`]: what Redis holds under the test's prefix, and polling with a deadline
//! - [`storm`]: a wide pool and tasks released all at once, for storms of concurrent writers
#![allow(dead_code, unused_imports)]

pub mod cli;
pub mod cluster;
pub mod db;
pub mod fixtures;
pub mod redis;
pub mod storm;

use capctl_core::backends::Backends;
use capctl_core::config::Settings;
use sqlx::PgPool;

pub use cli::{
    BIN, Capctl, Run, SESSION_LIST_FIELDS, finish, has_fields, next_line, pick, stop_with,
};
pub use db::rfc3339;

pub struct TestEnv {
    pub pool: PgPool,
    pub database_url: String,
    pub redis_url: String,
    pub prefix: String,
}

impl TestEnv {
    /// Builds the environment around the pool `#[sqlx::test]` created for this test.
    pub async fn new(pool: PgPool) -> Self {
        let db: String = sqlx::query_scalar("SELECT current_database()")
            .fetch_one(&pool)
            .await
            .unwrap();
        let base =
            std::env::var("DATABASE_URL").expect("DATABASE_URL must point at the test server");
        let mut url = url::Url::parse(&base).expect("DATABASE_URL is a URL");
        url.set_path(&format!("/{db}"));
        Self {
            pool,
            database_url: url.to_string(),
            redis_url: std::env::var("REDIS_URL")
                .unwrap_or_else(|_| "redis://127.0.0.1:6379".into()),
            prefix: format!("capctl-test:{}", uuid::Uuid::new_v4().simple()),
        }
    }

    pub fn settings(&self) -> Settings {
        Settings {
            database_url: self.database_url.clone(),
            redis_url: self.redis_url.clone(),
            redis_prefix: self.prefix.clone(),
            ..Settings::default()
        }
    }

    /// Library access to the same backends the binary uses.
    pub fn backends(&self) -> Backends {
        Backends::from_pool(self.settings(), self.pool.clone())
    }

    /// A command for the real binary, pointed at this test's database and Redis prefix.
    pub fn command(&self) -> assert_cmd::Command {
        let mut cmd = assert_cmd::Command::from_std(self.std_command());
        cmd.timeout(std::time::Duration::from_secs(120));
        cmd
    }
}

/// Polls `check` every 50 ms until it holds or `secs` pass (the wait for readiness: never a
/// fixed sleep).
pub async fn eventually<F, Fut>(secs: u64, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    while !check().await {
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for: {what}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// The blocking form of [`eventually`], for tests without a runtime.
pub fn wait_until(what: &str, within: std::time::Duration, mut ready: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + within;
    while !ready() {
        assert!(
            std::time::Instant::now() < deadline,
            "{what} not ready within {within:?}"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// `prefix-0 … prefix-(n-1)`: the ids of `n` users, viewers or tasks.
pub fn numbered(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}-{i}")).collect()
}

/// Files in `dir`, names only, sorted.
pub fn file_names(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
