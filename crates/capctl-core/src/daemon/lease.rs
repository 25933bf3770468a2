//! The active/standby lease: a session-level PostgreSQL advisory lock held on a connection of
//! its own. Whoever holds the lock is active; the others stand by and try again every interval.
//! The server releases the lock when the holder's connection ends, so a holder killed with
//! `kill -9` frees it as soon as PostgreSQL sees the socket close, and a standby takes over at
//! its next try. Advisory locks are per database: daemons pointed at different databases never
//! contend.

use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::{ConnectOptions, Connection};

use crate::Result;
use crate::config::Settings;

pub struct Lease {
    /// The lock's name; its key is `hashtextextended(name, 0)`, like the seat rules' user locks.
    name: String,
    options: PgConnectOptions,
    wait: Duration,
    conn: Option<PgConnection>,
    held: bool,
}

impl Lease {
    /// A lease named after the daemon (e.g. `capctl.lease:reconcile`); nothing is connected yet.
    pub fn new(settings: &Settings, name: impl Into<String>) -> Result<Self> {
        Ok(Self {
            name: name.into(),
            options: crate::backends::postgres::connect_options(settings)?
                .application_name("capctl lease"),
            wait: settings.connect_timeout,
            conn: None,
            held: false,
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// True when this daemon holds the lease now: it keeps a lease it holds while its
    /// connection answers, and otherwise tries to take it (once, without waiting for it).
    /// A database that does not answer means not holding it.
    pub async fn hold(&mut self) -> bool {
        if self.held {
            if let Some(conn) = self.conn.as_mut()
                && matches!(
                    tokio::time::timeout(self.wait, conn.ping()).await,
                    Ok(Ok(()))
                )
            {
                return true;
            }
            // The connection died, and the lock with it: another daemon may hold it now.
            tracing::warn!("lost the lease {} (its connection ended)", self.name);
            self.held = false;
            self.conn = None;
        }
        self.held = self.try_take().await;
        self.held
    }

    async fn try_take(&mut self) -> bool {
        if self.conn.is_none() {
            match tokio::time::timeout(self.wait, self.options.connect()).await {
                Ok(Ok(conn)) => self.conn = Some(conn),
                Ok(Err(e)) => {
                    tracing::debug!("lease {}: cannot connect: {e}", self.name);
                    return false;
                }
                Err(_) => return false,
            }
        }
        let conn = self.conn.as_mut().expect("connected above");
        let taken =
            sqlx::query_scalar::<_, bool>("SELECT pg_try_advisory_lock(hashtextextended($1, 0))")
                .bind(&self.name)
                .fetch_one(&mut *conn);
        match tokio::time::timeout(self.wait, taken).await {
            Ok(Ok(taken)) => taken,
            _ => {
                self.conn = None;
                false
            }
        }
    }

    /// Gives the lease up at once (a clean stop), so a standby need not wait for the socket.
    pub async fn release(&mut self) {
        if let Some(conn) = self.conn.take() {
            let _ = tokio::time::timeout(self.wait, conn.close()).await;
        }
        self.held = false;
    }
}
