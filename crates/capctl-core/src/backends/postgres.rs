//! PostgreSQL: the pool every command shares, the embedded migrations, database creation.

use std::str::FromStr;

use sqlx::migrate::{MigrateDatabase, Migrator};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{ConnectOptions, Postgres};

use crate::config::{Settings, redact};
use crate::error::Wait;
use crate::{Error, Result};

/// The one set of migrations, used by `capctl migrate` and by every `#[sqlx::test]`.
pub static MIGRATOR: Migrator = sqlx::migrate!("../../migrations");

/// The connection options, with the configured statement and lock waits set on every
/// connection (so raw SQL through the pool is bounded the same way).
pub fn connect_options(settings: &Settings) -> Result<PgConnectOptions> {
    let statement_ms = format!("{}ms", settings.statement_timeout.as_millis());
    let lock_ms = format!("{}ms", settings.lock_timeout.as_millis());
    let opts = PgConnectOptions::from_str(&settings.database_url)
        .map_err(|_| crate::error::Backend::Postgres.bad_url(&settings.database_url))?
        .application_name("capctl")
        .options([
            ("statement_timeout", statement_ms.as_str()),
            ("lock_timeout", lock_ms.as_str()),
        ])
        .log_statements(tracing::log::LevelFilter::Trace);
    Ok(opts)
}

/// How long a pooled connection may sit idle before it is pinged when handed out again.
const PING_AFTER_IDLE: std::time::Duration = std::time::Duration::from_secs(1);

/// Opens a pool and proves the server answers, failing within the connect timeout when it does not.
pub async fn connect(settings: &Settings, max_connections: u32) -> Result<PgPool> {
    let opts = connect_options(settings)?;
    let connect_timeout = settings.connect_timeout;
    let pool = PgPoolOptions::new()
        .max_connections(max_connections.max(1))
        .acquire_timeout(connect_timeout)
        // A connection handed out again within moments of its last statement is not pinged
        // first (the ping was a round trip before every statement of a rush); one idle longer,
        // which may have outlived a server restart, is.
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for < PING_AFTER_IDLE {
                    return Ok(true);
                }
                Ok(sqlx::Connection::ping(conn).await.is_ok())
            })
        })
        .connect_lazy_with(opts.clone());
    let probe_opts = opts;
    // The pool retries refused connections until its deadline, which hides the reason. If the
    // first connection is slow, a single direct attempt tells why, so a dead server fails fast
    // with a clear message; a blackholed one still fails at the deadline.
    let first = pool.acquire();
    tokio::pin!(first);
    let probe_delay = std::time::Duration::from_millis(300).min(connect_timeout / 2);
    let probe_after = tokio::time::sleep(probe_delay);
    tokio::pin!(probe_after);
    let deadline = tokio::time::sleep(connect_timeout);
    tokio::pin!(deadline);
    let mut probed = false;
    loop {
        tokio::select! {
            res = &mut first => match res {
                // Back in the pool before the command asks for it: dropped, it would come back
                // a moment later (after a ping) and the command would open a second connection.
                Ok(mut conn) => { conn.return_to_pool().await; break; }
                Err(e) => return Err(unavailable(settings, e)),
            },
            () = &mut probe_after, if !probed => {
                probed = true;
                let remaining = connect_timeout.saturating_sub(probe_delay);
                if let Ok(Err(e)) = tokio::time::timeout(remaining, probe_opts.connect()).await {
                    return Err(unavailable(settings, e));
                }
            }
            () = &mut deadline => return Err(connect_timed_out(settings)),
        }
    }
    Ok(pool)
}

/// Any failure to open the first connection means the server cannot be used: exit 7, with the
/// server's own reason (refused, unknown role, missing database) and never a password.
fn unavailable(settings: &Settings, err: sqlx::Error) -> Error {
    let reason = match &err {
        sqlx::Error::Database(db) if db.code().as_deref() == Some("3D000") => {
            format!(
                "{} (create it with `capctl migrate --create-database`)",
                db.message()
            )
        }
        sqlx::Error::Database(db) => db.message().to_string(),
        sqlx::Error::PoolTimedOut => return connect_timed_out(settings),
        other => redact(&other.to_string()),
    };
    Error::Unavailable(format!(
        "cannot reach PostgreSQL at {}: {reason}",
        describe(&settings.database_url)
    ))
}

fn connect_timed_out(settings: &Settings) -> Error {
    Error::Timeout {
        wait: Wait::PostgresConnect,
        limit: Some(settings.connect_timeout),
        detail: format!(
            "PostgreSQL at {} did not answer",
            describe(&settings.database_url)
        ),
    }
}

/// `host:port/db` of a URL, without credentials, for messages.
pub fn describe(url: &str) -> String {
    match url::Url::parse(url) {
        // A mangled URL may put its password in the path: redact that too.
        Ok(u) => redact(&format!(
            "{}:{}{}",
            u.host_str().unwrap_or("localhost"),
            u.port().unwrap_or(5432),
            u.path()
        )),
        Err(_) => "(unparsable URL)".into(),
    }
}

/// What `migrate` did.
#[derive(Debug, serde::Serialize)]
pub struct MigrateReport {
    pub database_created: bool,
    pub applied: Vec<String>,
    pub already_applied: usize,
}

/// Applies pending migrations; with `create_database`, creates the database first when missing.
pub async fn migrate(settings: &Settings, create_database: bool) -> Result<MigrateReport> {
    migrate_with(settings, create_database, false).await
}

/// [`migrate`], or with `dry_run` what it would do: the same checks and connection, the
/// migrations it would apply listed, nothing created or applied.
pub async fn migrate_with(
    settings: &Settings,
    create_database: bool,
    dry_run: bool,
) -> Result<MigrateReport> {
    connect_options(settings)?;
    let mut database_created = false;
    if create_database {
        let url = settings.database_url.as_str();
        let exists = tokio::time::timeout(settings.connect_timeout, Postgres::database_exists(url))
            .await
            .map_err(|_| connect_timed_out(settings))?
            .map_err(|e| unavailable(settings, e))?;
        if !exists && dry_run {
            // A database that does not exist yet holds none of the migrations.
            return Ok(MigrateReport {
                database_created: true,
                applied: MIGRATOR
                    .iter()
                    .map(|m| format!("{}/{}", m.version, m.description))
                    .collect(),
                already_applied: 0,
            });
        }
        if !exists {
            Postgres::create_database(url)
                .await
                .map_err(|e| unavailable(settings, e))?;
            database_created = true;
        }
    }
    let pool = connect(settings, 2).await?;
    let before: Vec<i64> = applied_versions(&pool).await?;
    if !dry_run {
        MIGRATOR
            .run(&pool)
            .await
            .map_err(|e| anyhow::Error::new(e).context("applying migrations"))?;
    }
    let applied = MIGRATOR
        .iter()
        .filter(|m| !before.contains(&m.version))
        .map(|m| format!("{}/{}", m.version, m.description))
        .collect();
    pool.close().await;
    Ok(MigrateReport {
        database_created,
        applied,
        already_applied: before.len(),
    })
}

/// Versions of the migrations applied successfully, in order (none when the table is missing).
pub async fn applied_versions(pool: &PgPool) -> Result<Vec<i64>> {
    let exists: bool = sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations') IS NOT NULL")
        .fetch_one(pool)
        .await?;
    if !exists {
        return Ok(Vec::new());
    }
    Ok(
        sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success ORDER BY version")
            .fetch_all(pool)
            .await?,
    )
}
