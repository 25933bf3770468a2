//! A user's personal schedule for an event: the sessions they hold, are offered or wait for.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{FromRow, PgPool};

use crate::ids::{EventId, SessionId, UserId};
use crate::seats::RsvpStatus;
use crate::{Error, Missing, Result};

/// One session of a user's personal schedule.
#[derive(Debug, Clone, Serialize, FromRow, PartialEq)]
pub struct ScheduleEntry {
    pub session_id: SessionId,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub room: Option<String>,
    #[sqlx(try_from = "String")]
    pub status: RsvpStatus,
    pub waitlist_position: Option<i32>,
    pub offer_expires_at: Option<DateTime<Utc>>,
    /// Ids of the user's other listed sessions that overlap this one in time.
    #[sqlx(skip)]
    pub overlaps: Vec<SessionId>,
    pub rsvp_id: String,
    /// Last change of the RSVP: the calendar's DTSTAMP, so a re-export is byte-identical.
    pub updated_at: DateTime<Utc>,
    /// At the door: first entry, and last exit (`None` while inside).
    pub checked_in_at: Option<DateTime<Utc>>,
    pub checked_out_at: Option<DateTime<Utc>>,
}

/// A user's personal schedule for an event: every session they hold (confirmed), are offered
/// or wait for, sorted by start, each with the ids of the others it overlaps. An unknown event
/// is NotFound; a user with no RSVPs gets an empty schedule.
pub async fn schedule(
    pool: &PgPool,
    event_id: &EventId,
    user_id: &UserId,
) -> Result<Vec<ScheduleEntry>> {
    require_event_for_schedule(pool, event_id).await?;
    let mut entries: Vec<ScheduleEntry> = sqlx::query_as(
        "SELECT r.session_id, s.title, s.starts_at, s.ends_at, s.room, r.status,
                capctl_waitlist_position(r.session_id, r.waitlist_seq) AS waitlist_position,
                r.offer_expires_at, r.id AS rsvp_id, r.updated_at, r.checked_in_at, r.checked_out_at
           FROM session_rsvps r
           JOIN sessions s ON s.id = r.session_id
          WHERE r.event_id = $1 AND r.user_id = $2
            AND (r.status IN ('CONFIRMED', 'WAITLISTED')
                 OR (r.status = 'OFFERED' AND r.offer_expires_at > now()))
          ORDER BY s.starts_at, s.ends_at, s.id",
    )
    .bind(event_id)
    .bind(user_id)
    .fetch_all(pool)
    .await?;
    let spans: Vec<(SessionId, DateTime<Utc>, DateTime<Utc>)> = entries
        .iter()
        .map(|e| (e.session_id.clone(), e.starts_at, e.ends_at))
        .collect();
    for e in &mut entries {
        e.overlaps = spans
            .iter()
            .filter(|(id, s, t)| *id != e.session_id && *s < e.ends_at && *t > e.starts_at)
            .map(|(id, _, _)| id.clone())
            .collect();
    }
    Ok(entries)
}

/// NotFound for an unknown event, pointing at the right event when the id is a session's.
async fn require_event_for_schedule(pool: &PgPool, event_id: &EventId) -> Result<()> {
    let (event_exists, session_event): (bool, Option<EventId>) = sqlx::query_as(
        "SELECT EXISTS (SELECT 1 FROM events WHERE id = $1),
                (SELECT event_id FROM sessions WHERE id = $1)",
    )
    .bind(event_id)
    .fetch_one(pool)
    .await?;
    match (event_exists, session_event) {
        (true, _) => Ok(()),
        (false, Some(owner)) => Err(Error::NotFound(Missing::EventIsSession {
            id: event_id.clone(),
            owner,
        })),
        (false, None) => Err(Error::NotFound(Missing::Event(event_id.clone()))),
    }
}
