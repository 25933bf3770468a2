//! The door of an in-person session: check-in, check-out and no-shows, each one SQL function
//! call (migrations/…_attendance.sql holds the rules and the occupancy guard).
//!
//! Occupancy (checked in, not checked out) never exceeds the capacity: every call locks the
//! session's capacity row as RSVPs do, and a trigger refuses any write that would raise it
//! above, whoever writes.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{FromRow, PgPool};

use super::ledger::{RsvpStatus, session_not_found};
use crate::ids::{EventId, SessionId, UserId, text_enum};
use crate::{AtCapacity, Error, Missing, Result};

text_enum! {
    /// What `capctl_check_in` did.
    pub enum CheckInResult {
        /// A confirmed seat (or an unexpired offer, accepted now) honoured at the door.
        CheckedIn = "CHECKED_IN",
        /// Back in after a check-out; the seat was kept.
        Reentered = "REENTERED",
        /// Already inside: nothing changed.
        Repeat = "REPEAT",
        /// No seat held: a free seat was taken at the door.
        WalkIn = "WALK_IN",
        Full = "FULL",
        NotFound = "NOT_FOUND",
        Ended = "ENDED",
        NotRegistered = "NOT_REGISTERED",
        Virtual = "VIRTUAL",
    }
}

text_enum! {
    /// What `capctl_check_out` did.
    enum CheckOutResult {
        CheckedOut = "CHECKED_OUT",
        Repeat = "REPEAT",
        NotInside = "NOT_INSIDE",
        NotFound = "NOT_FOUND",
        Virtual = "VIRTUAL",
    }
}

text_enum! {
    /// What `capctl_release_no_shows` did.
    enum ReleaseResult {
        Ok = "OK",
        NotDue = "NOT_DUE",
        NotStarted = "NOT_STARTED",
        Ended = "ENDED",
        NotFound = "NOT_FOUND",
        Virtual = "VIRTUAL",
    }
}

/// A person let in at the door.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CheckIn {
    pub session_id: SessionId,
    pub user_id: UserId,
    /// Always `CONFIRMED`: whoever is inside holds a seat.
    pub status: RsvpStatus,
    /// Always true (a refusal is an error).
    pub checked_in: bool,
    /// Already inside: nothing changed.
    pub repeat: bool,
    /// How they came in: `CHECKED_IN`, `REENTERED`, `REPEAT` or `WALK_IN`.
    pub outcome: CheckInResult,
    /// The seat was taken at the door (walk-in, waitlisted or released person).
    pub walk_in: bool,
    pub rsvp_id: String,
    pub event_id: EventId,
    /// People inside after this call.
    pub inside: i32,
    /// `None` = unlimited.
    pub capacity: Option<i32>,
    /// Seats taken after this call.
    pub taken: i32,
    /// First entry (kept across re-entries).
    pub checked_in_at: DateTime<Utc>,
}

/// A person leaving the room (seat kept for re-entry).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CheckOut {
    pub session_id: SessionId,
    pub user_id: UserId,
    pub checked_in: bool,
    /// Already out: nothing changed.
    pub repeat: bool,
    pub rsvp_id: String,
    pub event_id: EventId,
    /// People inside after this call.
    pub inside: i32,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub checked_out_at: Option<DateTime<Utc>>,
}

/// No-show seats released in one session.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct NoShowRelease {
    pub session_id: SessionId,
    /// Confirmed RSVPs not checked in that became `NO_SHOW` now (0 on a repeat).
    pub released: i32,
}

#[derive(FromRow)]
struct CheckInRow {
    #[sqlx(try_from = "String")]
    outcome: CheckInResult,
    rsvp_id: Option<String>,
    waitlist_position: Option<i32>,
    inside: Option<i32>,
    capacity: Option<i32>,
    taken: Option<i32>,
    event_id: Option<EventId>,
    checked_in_at: Option<DateTime<Utc>>,
}

fn in_person_only(session_id: &SessionId) -> Error {
    Error::precondition(format!(
        "session {session_id:?} is virtual: check-in, RSVPs and no-shows are for in-person sessions; its attendees join it live"
    ))
}

fn missing_column(what: &str) -> Error {
    Error::Internal(anyhow::anyhow!("capctl_check_in returned no {what}"))
}

/// Lets a user in at the door (open until the session ends). A confirmed seat or an unexpired
/// offer is honoured; anyone else gets a seat only if one is free now. Refusals:
/// [`Error::Full`] (no free seat), [`Error::NotFound`], [`Error::NotRegistered`],
/// [`Error::SessionEnded`], [`Error::Precondition`] (a virtual session).
pub async fn check_in(pool: &PgPool, session_id: &SessionId, user_id: &UserId) -> Result<CheckIn> {
    let row: CheckInRow = sqlx::query_as("SELECT * FROM capctl_check_in($1, $2)")
        .bind(session_id)
        .bind(user_id)
        .fetch_one(pool)
        .await?;
    let event = || {
        row.event_id
            .clone()
            .ok_or_else(|| missing_column("event id"))
    };
    match row.outcome {
        CheckInResult::CheckedIn
        | CheckInResult::Reentered
        | CheckInResult::Repeat
        | CheckInResult::WalkIn => Ok(CheckIn {
            session_id: session_id.clone(),
            user_id: user_id.clone(),
            status: RsvpStatus::Confirmed,
            checked_in: true,
            repeat: row.outcome == CheckInResult::Repeat,
            outcome: row.outcome,
            walk_in: row.outcome == CheckInResult::WalkIn,
            rsvp_id: row.rsvp_id.clone().unwrap_or_default(),
            event_id: event()?,
            inside: row.inside.unwrap_or_default(),
            capacity: row.capacity,
            taken: row.taken.unwrap_or_default(),
            checked_in_at: row.checked_in_at.ok_or_else(|| missing_column("time"))?,
        }),
        CheckInResult::Full => Err(Error::Full(AtCapacity::Door {
            session: session_id.clone(),
            user: user_id.clone(),
            taken: row.taken.unwrap_or_default().into(),
            inside: row.inside.unwrap_or_default().into(),
            capacity: row.capacity.unwrap_or_default().into(),
            waitlist_position: row.waitlist_position,
        })),
        CheckInResult::NotFound => Err(session_not_found(session_id)),
        CheckInResult::Ended => Err(Error::SessionEnded(session_id.clone())),
        CheckInResult::NotRegistered => Err(Error::NotRegistered {
            user: user_id.clone(),
            event: event()?,
            session: session_id.clone(),
        }),
        CheckInResult::Virtual => Err(in_person_only(session_id)),
    }
}

#[derive(FromRow)]
struct CheckOutRow {
    #[sqlx(try_from = "String")]
    outcome: CheckOutResult,
    rsvp_id: Option<String>,
    inside: Option<i32>,
    checked_in_at: Option<DateTime<Utc>>,
    checked_out_at: Option<DateTime<Utc>>,
    event_id: Option<EventId>,
}

/// A user leaves the room; the seat is kept for re-entry. A second check-out changes nothing;
/// someone who never checked in is NotFound.
pub async fn check_out(
    pool: &PgPool,
    session_id: &SessionId,
    user_id: &UserId,
) -> Result<CheckOut> {
    let row: CheckOutRow = sqlx::query_as("SELECT * FROM capctl_check_out($1, $2)")
        .bind(session_id)
        .bind(user_id)
        .fetch_one(pool)
        .await?;
    let repeat = match row.outcome {
        CheckOutResult::CheckedOut => false,
        CheckOutResult::Repeat => true,
        CheckOutResult::NotFound => return Err(session_not_found(session_id)),
        CheckOutResult::Virtual => return Err(in_person_only(session_id)),
        CheckOutResult::NotInside => {
            return Err(Error::NotFound(Missing::CheckIn {
                session: session_id.clone(),
                user: user_id.clone(),
            }));
        }
    };
    Ok(CheckOut {
        session_id: session_id.clone(),
        user_id: user_id.clone(),
        checked_in: false,
        repeat,
        rsvp_id: row.rsvp_id.unwrap_or_default(),
        event_id: row.event_id.ok_or_else(|| missing_column("event id"))?,
        inside: row.inside.unwrap_or_default(),
        checked_in_at: row.checked_in_at,
        checked_out_at: row.checked_out_at,
    })
}

/// Releases a session's no-shows now (from its start; the organizer decides, whatever the
/// grace): confirmed RSVPs not checked in become `NO_SHOW` and their seats are free for the
/// door. Exactly once: a repeat, or a reconcile pass racing it, releases nothing more.
pub async fn release_no_shows(pool: &PgPool, session_id: &SessionId) -> Result<NoShowRelease> {
    let (outcome, released): (String, i32) =
        sqlx::query_as("SELECT outcome, released FROM capctl_release_no_shows($1, true)")
            .bind(session_id)
            .fetch_one(pool)
            .await?;
    match outcome.parse::<ReleaseResult>()? {
        ReleaseResult::Ok | ReleaseResult::NotDue => Ok(NoShowRelease {
            session_id: session_id.clone(),
            released,
        }),
        ReleaseResult::NotStarted => Err(Error::precondition(format!(
            "session {session_id:?} has not started: no-shows are released from its start"
        ))),
        ReleaseResult::Ended => Err(Error::SessionEnded(session_id.clone())),
        ReleaseResult::NotFound => Err(session_not_found(session_id)),
        ReleaseResult::Virtual => Err(in_person_only(session_id)),
    }
}

/// The no-shows of every session past its grace, released (with `check`: counted, nothing
/// changed). Returns (sessions, seats released). Run by each reconcile pass.
pub async fn release_due_no_shows(pool: &PgPool, check: bool) -> Result<(u64, u64)> {
    let (sessions, released): (i32, i32) =
        sqlx::query_as("SELECT sessions, released FROM capctl_release_due_no_shows($1)")
            .bind(check)
            .fetch_one(pool)
            .await?;
    Ok((sessions.max(0) as u64, released.max(0) as u64))
}
