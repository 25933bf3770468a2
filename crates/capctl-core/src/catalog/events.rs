//! Events and event registrations (registering calls `capctl_register`, the one cap rule).

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{FromRow, PgPool};

use crate::ids::{
    EventId, UserId, text_enum, validate_capacity, validate_email, validate_name,
    validate_optional_text, validate_range,
};
use crate::{AtCapacity, Error, Missing, Result};

#[derive(Debug, Clone)]
pub struct NewEvent {
    pub id: Option<EventId>,
    pub name: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub max_attendees: Option<i64>,
    pub max_viewers: Option<i64>,
}

#[derive(Debug, Clone, Serialize, FromRow, PartialEq)]
pub struct Event {
    pub event_id: EventId,
    pub name: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub max_attendees: Option<i32>,
    pub max_viewers: Option<i32>,
    pub registered: i64,
    pub sessions: i64,
    pub booths: i64,
}

const EVENT_SELECT: &str = "
    SELECT e.id AS event_id, e.name, e.starts_at, e.ends_at, e.max_attendees,
           (e.virtual_settings ->> 'max_concurrent_viewers')::integer AS max_viewers,
           (SELECT count(*) FROM event_registrations r WHERE r.event_id = e.id AND r.status = 'REGISTERED') AS registered,
           (SELECT count(*) FROM sessions s WHERE s.event_id = e.id) AS sessions,
           (SELECT count(*) FROM expo_booths b WHERE b.event_id = e.id) AS booths
      FROM events e";

/// Maps a unique violation to a clear "already exists" error; everything else passes through.
pub(crate) fn duplicate_as_invalid(err: sqlx::Error, what: &str, id: &str) -> Error {
    match &err {
        sqlx::Error::Database(db) if db.code().as_deref() == Some("23505") => {
            Error::invalid(format!("{what} {id:?} already exists"))
        }
        _ => err.into(),
    }
}

pub async fn create_event(pool: &PgPool, new: NewEvent) -> Result<Event> {
    let id = new.id.unwrap_or_else(EventId::generate);
    let name = validate_name("event name", &new.name)?;
    validate_range(new.starts_at, new.ends_at)?;
    let max_attendees = new
        .max_attendees
        .map(|n| validate_capacity("max attendees", n))
        .transpose()?;
    let max_viewers = new
        .max_viewers
        .map(|n| validate_capacity("max viewers", n))
        .transpose()?;
    let settings = match max_viewers {
        Some(n) => serde_json::json!({ "max_concurrent_viewers": n }),
        None => serde_json::json!({}),
    };
    sqlx::query(
        "INSERT INTO events (id, name, starts_at, ends_at, max_attendees, virtual_settings)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&id)
    .bind(&name)
    .bind(new.starts_at)
    .bind(new.ends_at)
    .bind(max_attendees)
    .bind(settings)
    .execute(pool)
    .await
    .map_err(|e| duplicate_as_invalid(e, "event", &id))?;
    get_event(pool, &id).await
}

pub async fn list_events(pool: &PgPool) -> Result<Vec<Event>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{EVENT_SELECT} ORDER BY e.starts_at, e.id"
    )))
    .fetch_all(pool)
    .await?)
}

pub async fn get_event(pool: &PgPool, id: &EventId) -> Result<Event> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{EVENT_SELECT} WHERE e.id = $1"
    )))
    .bind(id)
    .fetch_optional(pool)
    .await?
    .ok_or_else(|| event_not_found(id))
}

/// Fails with NotFound unless the event exists.
pub async fn require_event(pool: &PgPool, id: &EventId) -> Result<()> {
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM events WHERE id = $1)")
        .bind(id)
        .fetch_one(pool)
        .await?;
    if exists {
        Ok(())
    } else {
        Err(event_not_found(id))
    }
}

text_enum! {
    /// Where a registration stands (`event_registrations.status`).
    pub enum RegistrationStatus {
        Registered = "REGISTERED",
        Cancelled = "CANCELLED",
    }
}

text_enum! {
    /// What `capctl_register` did.
    enum RegisterResult {
        Created = "CREATED",
        Repeat = "REPEAT",
        Full = "FULL",
        NotFound = "NOT_FOUND",
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Registration {
    pub event_id: EventId,
    pub user_id: UserId,
    pub name: Option<String>,
    pub email: Option<String>,
    pub status: RegistrationStatus,
    pub registered_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RegisterOutcome {
    #[serde(flatten)]
    pub registration: Registration,
    /// False when the user was already registered (an idempotent repeat).
    pub created: bool,
}

/// Registers a user for an event. Idempotent; respects `max_attendees` under any concurrency
/// by serializing registrations per event on the event row: one call of `capctl_register`, so
/// one round trip and the lock held only while the server runs it.
pub async fn register(
    pool: &PgPool,
    event_id: &EventId,
    user_id: &UserId,
    name: Option<&str>,
    email: Option<&str>,
) -> Result<RegisterOutcome> {
    let name = validate_optional_text("name", name)?;
    let email = validate_email(email)?;

    let row: RegisterRow = sqlx::query_as("SELECT * FROM capctl_register($1, $2, $3, $4)")
        .bind(event_id)
        .bind(user_id)
        .bind(name)
        .bind(email)
        .fetch_one(pool)
        .await?;
    let registration = |row: RegisterRow| -> Result<Registration> {
        Ok(Registration {
            event_id: row.event_id,
            user_id: row.user_id,
            name: row.name,
            email: row.email,
            status: row.status.unwrap_or_default().parse()?,
            registered_at: row.registered_at.unwrap_or_default(),
        })
    };
    let created = match row.outcome {
        RegisterResult::Created => true,
        RegisterResult::Repeat => false,
        RegisterResult::Full => {
            return Err(Error::Full(AtCapacity::Event {
                event: event_id.clone(),
                registered: row.registered.unwrap_or_default(),
                max: row.max_attendees.unwrap_or_default().into(),
            }));
        }
        RegisterResult::NotFound => return Err(event_not_found(event_id)),
    };
    Ok(RegisterOutcome {
        registration: registration(row)?,
        created,
    })
}

#[derive(FromRow)]
struct RegisterRow {
    #[sqlx(try_from = "String")]
    outcome: RegisterResult,
    event_id: EventId,
    user_id: UserId,
    name: Option<String>,
    email: Option<String>,
    status: Option<String>,
    registered_at: Option<DateTime<Utc>>,
    registered: Option<i64>,
    max_attendees: Option<i32>,
}

pub(crate) fn event_not_found(event_id: &EventId) -> Error {
    Error::NotFound(Missing::Event(event_id.clone()))
}

/// Sets or clears `virtual_settings.max_concurrent_viewers`, keeping the other settings.
/// Takes any executor, so a caller may hold the event's row lock while it updates a cache.
pub async fn set_max_viewers(
    db: impl sqlx::PgExecutor<'_>,
    event_id: &EventId,
    max: Option<i64>,
) -> Result<()> {
    let max = max
        .map(|n| validate_capacity("max viewers", n))
        .transpose()?;
    let updated = sqlx::query(
        "UPDATE events
            SET virtual_settings = CASE WHEN $2::integer IS NULL
                    THEN COALESCE(virtual_settings, '{}'::jsonb) - 'max_concurrent_viewers'
                    ELSE COALESCE(virtual_settings, '{}'::jsonb) || jsonb_build_object('max_concurrent_viewers', $2::integer) END
          WHERE id = $1",
    )
    .bind(event_id)
    .bind(max)
    .execute(db)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(event_not_found(event_id));
    }
    Ok(())
}
