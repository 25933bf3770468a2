//! The outbox's doorbell: a follower LISTENs and registers the listening backend, so seat
//! transactions notify only while someone listens (migrations/20261130000006_outbox_doorbell.sql).
//! A ring only says "read now": followers also read on a fallback timer, so a lost ring delays a
//! row, never loses it.

use std::time::{Duration, Instant};

use sqlx::PgPool;
use sqlx::postgres::PgListener;

use super::CHANNEL;
use crate::Result;

/// Followers read again this often even without a ring (one missed while reconnecting).
pub const FALLBACK_WAKE: Duration = Duration::from_secs(5);
/// Longest wait, after registering, for the transactions that ran before the registration was
/// visible (they may have skipped the ring); past it the fallback timer covers the rest.
const SETTLE_WAIT: Duration = Duration::from_secs(2);
const SETTLE_POLL: Duration = Duration::from_millis(5);

pub struct Doorbell {
    listener: PgListener,
    /// The connection was lost: notifications may have been missed and the registration is gone
    /// with the old backend.
    lost: bool,
}

impl Doorbell {
    /// Listens, registers, and returns once every seat transaction that could have missed the
    /// registration has ended, so a read right after sees their rows.
    pub async fn open(pool: &PgPool) -> Result<Self> {
        let mut listener = PgListener::connect_with(pool).await?;
        listener.listen(CHANNEL).await?;
        let mut bell = Self {
            listener,
            lost: false,
        };
        bell.register(pool).await?;
        Ok(bell)
    }

    async fn register(&mut self, pool: &PgPool) -> Result<()> {
        // On the listening connection itself: the row names the backend that must stay alive.
        sqlx::query("SELECT capctl_outbox_listen()")
            .execute(&mut self.listener)
            .await?;
        let horizon: String = sqlx::query_scalar("SELECT capctl_outbox_horizon()::text")
            .fetch_one(pool)
            .await?;
        let deadline = Instant::now() + SETTLE_WAIT;
        loop {
            let settled: bool = sqlx::query_scalar("SELECT capctl_outbox_settled($1::xid8)")
                .bind(&horizon)
                .fetch_one(pool)
                .await?;
            if settled {
                return Ok(());
            }
            if Instant::now() >= deadline {
                tracing::debug!(
                    "outbox doorbell: a transaction older than the registration is still open"
                );
                return Ok(());
            }
            tokio::time::sleep(SETTLE_POLL).await;
        }
    }

    /// Returns on a ring, after `max`, or at once when the connection was lost (after registering
    /// again), so the caller reads what may have committed unannounced.
    pub async fn wait(&mut self, pool: &PgPool, max: Duration) {
        if self.lost {
            match self.register(pool).await {
                Ok(()) => self.lost = false,
                Err(e) => {
                    tracing::warn!("outbox listener: cannot register again: {e}");
                    tokio::time::sleep(Duration::from_millis(200).min(max)).await;
                }
            }
            return;
        }
        match tokio::time::timeout(max, self.listener.try_recv()).await {
            Err(_) => {}
            // Rings that queued up meanwhile mean the same: one read covers them all.
            Ok(Ok(Some(_))) => while self.listener.next_buffered().is_some() {},
            // Reconnected (and listening again); the registration went with the old backend.
            Ok(Ok(None)) => self.lost = true,
            Ok(Err(e)) => {
                // The listener reconnects on the next call; a short pause stops a spin.
                tracing::warn!("outbox listener: {e}");
                self.lost = true;
                tokio::time::sleep(Duration::from_millis(200).min(max)).await;
            }
        }
    }

    /// Unregisters, so seat transactions stop notifying once the last follower has gone. A
    /// follower that dies instead leaves its row to be pruned (capctl_outbox_prune_listeners).
    pub async fn close(mut self) {
        if let Err(e) = sqlx::query("SELECT capctl_outbox_unlisten()")
            .execute(&mut self.listener)
            .await
        {
            tracing::debug!("outbox doorbell: unregister failed: {e}");
        }
    }
}
