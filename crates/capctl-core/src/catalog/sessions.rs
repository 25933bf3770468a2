//! Sessions of an event and the organizer's view of their seats.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{FromRow, PgPool};

use crate::catalog::events::{duplicate_as_invalid, require_event};
use crate::ids::{
    new_id, validate_capacity, validate_id, validate_name, validate_optional_text, validate_range,
};
use crate::{Error, Result};

pub const DEFAULT_OFFER_TTL: Duration = Duration::from_secs(30 * 60);

#[derive(Debug, Clone)]
pub struct NewSession {
    pub event_id: String,
    pub id: Option<String>,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub max_participants: Option<i64>,
    pub room: Option<String>,
    pub waitlist_enabled: bool,
    pub offer_ttl: Duration,
}

/// One row of the organizer dashboard: counts derived from the RSVP rows themselves.
#[derive(Debug, Clone, Serialize, FromRow, PartialEq)]
pub struct SessionSeats {
    pub session_id: String,
    pub event_id: String,
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
}

const SEATS_SELECT: &str = "
    SELECT s.id AS session_id, s.event_id, s.title, s.starts_at, s.ends_at, s.room,
           COALESCE(sc.maximum_capacity, s.max_participants) AS capacity,
           COALESCE(c.confirmed, 0) AS confirmed,
           COALESCE(c.offered, 0) AS offered,
           COALESCE(c.waitlisted, 0) AS waitlisted,
           -- GREATEST skips NULLs: unlimited must stay NULL, not become 0.
           CASE WHEN COALESCE(sc.maximum_capacity, s.max_participants) IS NOT NULL THEN
               GREATEST(COALESCE(sc.maximum_capacity, s.max_participants)
                        - COALESCE(c.confirmed, 0) - COALESCE(c.offered, 0), 0)::bigint
           END AS available,
           COALESCE(COALESCE(sc.maximum_capacity, s.max_participants)
                    <= COALESCE(c.confirmed, 0) + COALESCE(c.offered, 0), false) AS is_full,
           s.waitlist_enabled,
           extract(epoch FROM s.offer_ttl)::bigint AS offer_ttl_seconds
      FROM sessions s
      LEFT JOIN session_capacity sc ON sc.session_id = s.id
      LEFT JOIN LATERAL (
            SELECT count(*) FILTER (WHERE r.status = 'CONFIRMED') AS confirmed,
                   count(*) FILTER (WHERE r.status = 'OFFERED' AND r.offer_expires_at > now()) AS offered,
                   count(*) FILTER (WHERE r.status = 'WAITLISTED') AS waitlisted
              FROM session_rsvps r WHERE r.session_id = s.id) c ON true";

pub async fn create_session(pool: &PgPool, new: NewSession) -> Result<SessionSeats> {
    validate_id("event id", &new.event_id)?;
    let id = match new.id {
        Some(id) => {
            validate_id("session id", &id)?;
            id
        }
        None => new_id("ses"),
    };
    let title = validate_name("session title", &new.title)?;
    let room = validate_optional_text("room", new.room.as_deref())?;
    validate_range(new.starts_at, new.ends_at)?;
    let max = new
        .max_participants
        .map(|n| validate_capacity("--max-participants", n))
        .transpose()?;
    if new.offer_ttl.is_zero() || new.offer_ttl > Duration::from_secs(30 * 24 * 3600) {
        return Err(Error::invalid("--offer-ttl must be between 1s and 30 days"));
    }
    require_event(pool, &new.event_id).await?;
    sqlx::query(
        "INSERT INTO sessions (id, event_id, title, starts_at, ends_at, room, max_participants,
                               waitlist_enabled, offer_ttl)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, make_interval(secs => $9))",
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
    .execute(pool)
    .await
    .map_err(|e| match &e {
        sqlx::Error::Database(db) if db.code().as_deref() == Some("23503") => {
            Error::not_found(format!("event {:?} not found", new.event_id))
        }
        _ => duplicate_as_invalid(e, "session", &id),
    })?;
    get_session(pool, &id).await
}

pub async fn list_sessions(pool: &PgPool, event_id: &str) -> Result<Vec<SessionSeats>> {
    require_event(pool, event_id).await?;
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SEATS_SELECT} WHERE s.event_id = $1 ORDER BY s.starts_at, s.id"
    )))
    .bind(event_id)
    .fetch_all(pool)
    .await?)
}

pub async fn get_session(pool: &PgPool, session_id: &str) -> Result<SessionSeats> {
    validate_id("session id", session_id)?;
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SEATS_SELECT} WHERE s.id = $1"
    )))
    .bind(session_id)
    .fetch_optional(pool)
    .await?
    .ok_or_else(|| Error::not_found(format!("session {session_id:?} not found")))
}
