//! Sessions of an event and the organizer's view of their seats (read from `capctl_session_seats`).

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{FromRow, PgPool};

use crate::catalog::events::{duplicate_as_invalid, event_not_found};
use crate::error::SQLSTATE_OUTSIDE_EVENT;
use crate::ids::{
    EventId, MAX_OFFER_TTL, SessionId, validate_capacity, validate_name, validate_optional_text,
    validate_range, validate_within_event,
};
use crate::seats::virtual_sessions::SessionFormat;
use crate::{Error, Missing, Result};

pub const DEFAULT_OFFER_TTL: Duration = Duration::from_secs(30 * 60);

/// Longest no-show grace (the `sessions_no_show_grace_check` constraint says the same).
pub const MAX_NO_SHOW_GRACE: Duration = Duration::from_secs(24 * 3600);

#[derive(Debug, Clone)]
pub struct NewSession {
    pub event_id: EventId,
    pub id: Option<SessionId>,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub max_participants: Option<i64>,
    pub room: Option<String>,
    pub waitlist_enabled: bool,
    pub offer_ttl: Duration,
    /// In-person (seats) or virtual (people connected, through the presence limiter).
    pub format: SessionFormat,
    /// From `starts_at` + this, confirmed RSVPs not checked in are released. `None` = off.
    pub no_show_grace: Option<Duration>,
}

/// One row of the organizer dashboard: counts derived from the RSVP rows themselves.
#[derive(Debug, Clone, Serialize, FromRow, PartialEq)]
pub struct SessionSeats {
    pub session_id: SessionId,
    pub event_id: EventId,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub room: Option<String>,
    pub capacity: Option<i32>,
    pub confirmed: i64,
    pub offered: i64,
    pub waitlisted: i64,
    pub available: Option<i64>,
    pub is_full: bool,
    pub waitlist_enabled: bool,
    pub offer_ttl_seconds: i64,
    /// `IN_PERSON` or `VIRTUAL` (the platform's terms).
    #[sqlx(try_from = "String")]
    pub format: SessionFormat,
    /// `None` = no-shows are not released automatically.
    pub no_show_grace_seconds: Option<i64>,
    /// Confirmed RSVPs that checked in (inside now or left).
    pub checked_in: i64,
    /// People inside the room now (occupancy).
    pub inside: i64,
    /// Seats released because their holders had not checked in by the grace.
    pub no_shows: i64,
}

/// The capacity and "taken" rules come from the view, their one home in SQL.
const SEATS_SELECT: &str = "
    SELECT s.id AS session_id, s.event_id, s.title, s.starts_at, s.ends_at, s.room,
           v.capacity, v.confirmed, v.offered, v.waitlisted,
           -- GREATEST skips NULLs: unlimited must stay NULL, not become 0.
           CASE WHEN v.capacity IS NOT NULL THEN GREATEST(v.capacity - v.taken, 0)::bigint END AS available,
           COALESCE(v.capacity <= v.taken, false) AS is_full,
           s.waitlist_enabled,
           extract(epoch FROM s.offer_ttl)::bigint AS offer_ttl_seconds,
           s.format, extract(epoch FROM s.no_show_grace)::bigint AS no_show_grace_seconds,
           v.checked_in, v.inside, v.no_shows
      FROM sessions s
      JOIN capctl_session_seats v ON v.session_id = s.id";

pub async fn create_session(pool: &PgPool, new: NewSession) -> Result<SessionSeats> {
    let id = new.id.unwrap_or_else(SessionId::generate);
    let title = validate_name("session title", &new.title)?;
    let room = validate_optional_text("room", new.room.as_deref())?;
    validate_range(new.starts_at, new.ends_at)?;
    let max = new
        .max_participants
        .map(|n| validate_capacity("max participants", n))
        .transpose()?;
    if let Some(grace) = new.no_show_grace
        && grace > MAX_NO_SHOW_GRACE
    {
        return Err(Error::invalid(format!(
            "no-show grace must be at most {}h",
            MAX_NO_SHOW_GRACE.as_secs() / 3600
        )));
    }
    if new.offer_ttl.is_zero() || new.offer_ttl > MAX_OFFER_TTL {
        return Err(Error::invalid(format!(
            "offer TTL must be between 1s and {} days",
            MAX_OFFER_TTL.as_secs() / 86_400
        )));
    }
    let inserted = sqlx::query(
        "INSERT INTO sessions (id, event_id, title, starts_at, ends_at, room, max_participants,
                               waitlist_enabled, offer_ttl, format, no_show_grace)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, make_interval(secs => $9), $10,
                 make_interval(secs => $11))",
    )
    .bind(&id)
    .bind(&new.event_id)
    .bind(&title)
    .bind(new.starts_at)
    .bind(new.ends_at)
    .bind(room)
    .bind(max)
    .bind(new.waitlist_enabled)
    .bind(new.offer_ttl.as_secs_f64())
    .bind(new.format.as_str())
    .bind(new.no_show_grace.map(|g| g.as_secs_f64()))
    .execute(pool)
    .await;
    match inserted {
        Ok(_) => get_session(pool, &id).await,
        Err(sqlx::Error::Database(db)) if db.code().as_deref() == Some("23503") => {
            Err(event_not_found(&new.event_id))
        }
        // The database holds the rule, whoever writes; here the message names the field.
        Err(sqlx::Error::Database(db)) if db.code().as_deref() == Some(SQLSTATE_OUTSIDE_EVENT) => {
            let span: (DateTime<Utc>, DateTime<Utc>) =
                sqlx::query_as("SELECT starts_at, ends_at FROM events WHERE id = $1")
                    .bind(&new.event_id)
                    .fetch_one(pool)
                    .await?;
            validate_within_event((new.starts_at, new.ends_at), &new.event_id, span)?;
            Err(Error::invalid(db.message()))
        }
        Err(e) => Err(duplicate_as_invalid(e, "session", &id)),
    }
}

pub async fn list_sessions(pool: &PgPool, event_id: &EventId) -> Result<Vec<SessionSeats>> {
    crate::catalog::events::require_event(pool, event_id).await?;
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SEATS_SELECT} WHERE s.event_id = $1 ORDER BY s.starts_at, s.id"
    )))
    .bind(event_id)
    .fetch_all(pool)
    .await?)
}

pub async fn get_session(pool: &PgPool, session_id: &SessionId) -> Result<SessionSeats> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SEATS_SELECT} WHERE s.id = $1"
    )))
    .bind(session_id)
    .fetch_optional(pool)
    .await?
    .ok_or_else(|| Error::NotFound(Missing::Session(session_id.clone())))
}
