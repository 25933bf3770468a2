//! The outbox: one row per seat change, written by database triggers in the same transaction as
//! the change (migrations/20261130000002_outbox.sql). This module reads it (list, follow),
//! delivers it to a webhook, and queues reminders.

mod deliver;
mod doorbell;
mod follow;
mod metrics;
mod reminders;
mod sign;

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgPool;

use crate::{Error, Result};

pub use deliver::{DeliverOptions, DeliverReport, deliver, deliver_watch};
pub use follow::follow;
pub use metrics::DeliverMetrics;
pub use reminders::{ReminderReport, queue_reminders};
pub use sign::{SIGNATURE_HEADER, signature};

/// The channel seat transactions notify after writing rows, while a follower listens (one
/// notification per transaction; see `doorbell`).
pub const CHANNEL: &str = "capctl_outbox";

/// Every kind a row may have, in the order of the table's CHECK.
pub const KINDS: [&str; 7] = [
    "confirmed",
    "waitlisted",
    "offer_made",
    "offer_expired",
    "cancelled",
    "capacity_changed",
    "reminder",
];

/// One outbox row as `outbox list` shows it and `outbox deliver` sends it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, PartialEq)]
pub struct OutboxRow {
    pub id: i64,
    pub kind: String,
    pub event_id: String,
    pub session_id: String,
    pub user_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub payload: serde_json::Value,
    pub delivered_at: Option<DateTime<Utc>>,
    /// pending, delivered or failed.
    pub state: String,
    pub attempts: i32,
    pub last_error: Option<String>,
}

/// Which rows to list; every part optional.
#[derive(Debug, Clone, Default)]
pub struct OutboxFilter {
    pub event_id: Option<String>,
    pub session_id: Option<String>,
    pub kinds: Vec<String>,
    /// Only rows with a larger id.
    pub after: Option<i64>,
    pub limit: Option<i64>,
}

impl OutboxFilter {
    /// Refuses kinds the table cannot hold, naming the first.
    pub fn validate(&self) -> Result<()> {
        if let Some(bad) = self.kinds.iter().find(|k| !KINDS.contains(&k.as_str())) {
            return Err(Error::invalid(format!(
                "unknown outbox kind {bad:?}; kinds are {}",
                KINDS.join(", ")
            )));
        }
        if matches!(self.limit, Some(n) if n < 1) {
            return Err(Error::invalid("the limit must be at least 1"));
        }
        Ok(())
    }
}

/// Rows matching `filter`, in id order.
pub async fn list(pool: &PgPool, filter: &OutboxFilter) -> Result<Vec<OutboxRow>> {
    filter.validate()?;
    list_excluding(pool, filter, filter.after.unwrap_or(0), &[]).await
}

/// Rows after `floor` other than `seen`, in id order (the follower's query).
async fn list_excluding(
    pool: &PgPool,
    filter: &OutboxFilter,
    floor: i64,
    seen: &[i64],
) -> Result<Vec<OutboxRow>> {
    let rows = sqlx::query_as::<_, OutboxRow>(
        "SELECT id, kind, event_id, session_id, user_id, created_at, payload,
                delivered_at, state, attempts, last_error
           FROM capctl_outbox
          WHERE id > $1 AND NOT (id = ANY($2))
            AND ($3::text IS NULL OR event_id = $3)
            AND ($4::text IS NULL OR session_id = $4)
            AND (cardinality($5::text[]) = 0 OR kind = ANY($5))
          ORDER BY id
          LIMIT $6",
    )
    .bind(floor)
    .bind(seen)
    .bind(&filter.event_id)
    .bind(&filter.session_id)
    .bind(&filter.kinds)
    .bind(filter.limit)
    .fetch_all(pool)
    .await?;
    Ok(rows)
}

/// Undelivered rows per session (pending or failed), for the dashboard.
pub async fn undelivered_by_session(
    pool: &PgPool,
    session_ids: &[String],
) -> Result<std::collections::HashMap<String, (i64, i64)>> {
    let rows: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT session_id,
                count(*) FILTER (WHERE state = 'pending'),
                count(*) FILTER (WHERE state = 'failed')
           FROM capctl_outbox
          WHERE session_id = ANY($1) AND state <> 'delivered'
          GROUP BY session_id",
    )
    .bind(session_ids)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|(s, p, f)| (s, (p, f))).collect())
}

/// The largest id now (0 when empty): a caller marks a point to list what came after it.
pub async fn last_id(pool: &PgPool) -> Result<i64> {
    let id: Option<i64> = sqlx::query_scalar("SELECT max(id) FROM capctl_outbox")
        .fetch_one(pool)
        .await?;
    Ok(id.unwrap_or(0))
}
