//! Reminders: one `reminder` row per confirmed RSVP of a session starting soon, exactly once.

use std::time::Duration;

use serde::Serialize;
use sqlx::PgPool;

use crate::catalog::events::require_event;
use crate::ids::EventId;
use crate::{Error, Result};

#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct ReminderReport {
    /// Reminder rows written by this run.
    pub queued: i64,
    /// Sessions that got at least one of them.
    pub sessions: i64,
}

/// Queues reminders for sessions starting within `within` from now (of `event` only, when
/// given). Safe to run any number of times and at once: the table's unique index on reminders
/// makes each (session, user) get one.
pub async fn queue_reminders(
    pool: &PgPool,
    within: Duration,
    event: Option<&EventId>,
) -> Result<ReminderReport> {
    if let Some(event) = event {
        require_event(pool, event).await?;
    }
    let within = sqlx::postgres::types::PgInterval::try_from(within)
        .map_err(|_| Error::invalid("the reminder window is too long"))?;
    let (queued, sessions): (i32, i32) =
        sqlx::query_as("SELECT queued, sessions FROM capctl_queue_reminders($1, $2)")
            .bind(within)
            .bind(event.map(EventId::as_str))
            .fetch_one(pool)
            .await?;
    Ok(ReminderReport {
        queued: queued.into(),
        sessions: sessions.into(),
    })
}
