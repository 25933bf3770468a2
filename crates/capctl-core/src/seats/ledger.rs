//! The seat ledger: session RSVPs, waitlists, offers and personal schedules.
//!
//! PostgreSQL is the truth. Every change to a session's seats is one call of a PL/pgSQL
//! function (migrations/…_seat_ledger.sql) in autocommit: one round trip, with the session's
//! capacity row locked only while the server runs it. The rules live there; this module
//! validates input, calls them and turns their outcome into typed results and errors.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{FromRow, PgPool};

use crate::ids::{validate_capacity, validate_id};
use crate::{Error, Result};

/// Where an RSVP stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RsvpStatus {
    Confirmed,
    Waitlisted,
    /// A freed seat held for this user until the offer expires; RSVP again to accept.
    Offered,
    Cancelled,
    /// An offer that ran out; the seat went to the next in line.
    Expired,
}

impl RsvpStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Confirmed => "CONFIRMED",
            Self::Waitlisted => "WAITLISTED",
            Self::Offered => "OFFERED",
            Self::Cancelled => "CANCELLED",
            Self::Expired => "EXPIRED",
        }
    }
}

impl fmt::Display for RsvpStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for RsvpStatus {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s {
            "CONFIRMED" => Ok(Self::Confirmed),
            "WAITLISTED" => Ok(Self::Waitlisted),
            "OFFERED" => Ok(Self::Offered),
            "CANCELLED" => Ok(Self::Cancelled),
            "EXPIRED" => Ok(Self::Expired),
            other => Err(Error::Internal(anyhow::anyhow!(
                "unknown RSVP status {other:?} in the database"
            ))),
        }
    }
}

impl TryFrom<String> for RsvpStatus {
    type Error = Error;

    fn try_from(s: String) -> Result<Self> {
        s.parse()
    }
}

/// What an RSVP left: confirmed, or waitlisted at a place in the queue. `repeat` is true when
/// the user already held this RSVP and nothing changed.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RsvpOutcome {
    pub session_id: String,
    pub user_id: String,
    pub status: RsvpStatus,
    /// 1-based place in the queue; `None` unless waitlisted.
    pub waitlist_position: Option<i32>,
    pub rsvp_id: String,
    pub event_id: String,
    pub repeat: bool,
    /// The session's capacity (`None` = unlimited) and the seats taken after this RSVP.
    pub capacity: Option<i32>,
    pub taken: Option<i32>,
}

/// What a cancellation left.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Cancellation {
    pub session_id: String,
    pub user_id: String,
    /// Always `CANCELLED`.
    pub status: RsvpStatus,
    /// Always `None`: a cancelled RSVP has no place in the queue.
    pub waitlist_position: Option<i32>,
    pub rsvp_id: String,
    /// What the RSVP was before (`CANCELLED` on a repeat).
    pub previous_status: RsvpStatus,
    pub repeat: bool,
    /// Waitlisted users offered a seat because of this cancellation.
    pub offers_sent: i32,
}

/// What a capacity change did.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CapacityChange {
    pub session_id: String,
    /// `None` = unlimited.
    pub capacity: Option<i32>,
    pub previous_capacity: Option<i32>,
    /// Seats taken (confirmed + live offers) after the change.
    pub taken: i32,
    /// Waitlisted users offered a seat at once.
    pub offers_sent: i32,
    /// True when forced below what is taken: nobody new is admitted until below.
    pub over_capacity: bool,
}

/// One person in a session's queue: holding an offer (no position) or waiting (position 1..n).
#[derive(Debug, Clone, Serialize, FromRow, PartialEq)]
pub struct WaitlistEntry {
    pub position: Option<i64>,
    pub user_id: String,
    pub rsvp_id: String,
    #[sqlx(try_from = "String")]
    pub status: RsvpStatus,
    /// When the user joined the queue.
    pub waitlisted_at: DateTime<Utc>,
    pub offer_expires_at: Option<DateTime<Utc>>,
}

/// One session of a user's personal schedule.
#[derive(Debug, Clone, Serialize, FromRow, PartialEq)]
pub struct ScheduleEntry {
    pub session_id: String,
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
    pub overlaps: Vec<String>,
    pub rsvp_id: String,
    /// Last change of the RSVP: the calendar's DTSTAMP, so a re-export is byte-identical.
    pub updated_at: DateTime<Utc>,
}

#[derive(FromRow)]
struct RsvpRow {
    outcome: String,
    rsvp_id: Option<String>,
    status: Option<String>,
    waitlist_position: Option<i32>,
    offer_expires_at: Option<DateTime<Utc>>,
    overlaps: Vec<String>,
    capacity: Option<i32>,
    taken: Option<i32>,
    event_id: Option<String>,
}

/// RSVPs `user_id` to a session: confirmed when a seat is free (or the user holds an offer),
/// waitlisted when full and the waitlist is on. A waitlisted result is `Ok`: callers decide how
/// to report it. Refusals: [`Error::Full`], [`Error::NotFound`], [`Error::Precondition`] (not
/// registered, overlap, session over).
pub async fn rsvp(
    pool: &PgPool,
    session_id: &str,
    user_id: &str,
    allow_overlap: bool,
) -> Result<RsvpOutcome> {
    validate_id("session id", session_id)?;
    validate_id("user id", user_id)?;
    let row: RsvpRow = sqlx::query_as("SELECT * FROM capctl_rsvp($1, $2, $3)")
        .bind(session_id)
        .bind(user_id)
        .bind(allow_overlap)
        .fetch_one(pool)
        .await?;
    let event = row.event_id.clone().unwrap_or_default();
    let outcome = |repeat: bool| -> Result<RsvpOutcome> {
        Ok(RsvpOutcome {
            session_id: session_id.to_string(),
            user_id: user_id.to_string(),
            status: row.status.clone().unwrap_or_default().parse()?,
            waitlist_position: row.waitlist_position,
            rsvp_id: row.rsvp_id.clone().unwrap_or_default(),
            event_id: event.clone(),
            repeat,
            capacity: row.capacity,
            taken: row.taken,
        })
    };
    match row.outcome.as_str() {
        "CONFIRMED" | "WAITLISTED" => outcome(false),
        "REPEAT" => outcome(true),
        "FULL" => Err(Error::full(format!(
            "session {session_id:?} is full ({} of {} seats taken) and has no waitlist",
            row.taken.unwrap_or_default(),
            row.capacity.unwrap_or_default()
        ))),
        "NOT_FOUND" => Err(session_not_found(session_id)),
        "NOT_REGISTERED" => Err(Error::NotRegistered {
            user: user_id.parse()?,
            event: event.parse()?,
            session: session_id.parse()?,
        }),
        "OVERLAP" => Err(Error::Overlap {
            session: session_id.parse()?,
            user: user_id.parse()?,
            with: row
                .overlaps
                .iter()
                .map(|s| s.parse())
                .collect::<Result<_>>()?,
            offer_expires_at: if row.status.as_deref() == Some("OFFERED") {
                row.offer_expires_at
            } else {
                None
            },
        }),
        "ENDED" => Err(Error::SessionEnded(session_id.parse()?)),
        other => Err(Error::Internal(anyhow::anyhow!(
            "capctl_rsvp returned an unknown outcome {other:?}"
        ))),
    }
}

#[derive(FromRow)]
struct CancelRow {
    outcome: String,
    rsvp_id: Option<String>,
    previous_status: Option<String>,
    offers_sent: i32,
}

/// Cancels a user's RSVP (confirmed, waitlisted or offered). A freed seat is offered to the
/// next in line at once. A second cancel is an idempotent repeat; no RSVP at all is NotFound.
pub async fn cancel(pool: &PgPool, session_id: &str, user_id: &str) -> Result<Cancellation> {
    validate_id("session id", session_id)?;
    validate_id("user id", user_id)?;
    let row: CancelRow = sqlx::query_as("SELECT * FROM capctl_cancel($1, $2)")
        .bind(session_id)
        .bind(user_id)
        .fetch_one(pool)
        .await?;
    let repeat = match row.outcome.as_str() {
        "CANCELLED" => false,
        "REPEAT" => true,
        "NOT_FOUND" => return Err(session_not_found(session_id)),
        "NO_RSVP" => {
            return Err(Error::not_found(format!(
                "user {user_id:?} has no RSVP for session {session_id:?} to cancel"
            )));
        }
        other => {
            return Err(Error::Internal(anyhow::anyhow!(
                "capctl_cancel returned an unknown outcome {other:?}"
            )));
        }
    };
    Ok(Cancellation {
        session_id: session_id.to_string(),
        user_id: user_id.to_string(),
        status: RsvpStatus::Cancelled,
        waitlist_position: None,
        rsvp_id: row.rsvp_id.unwrap_or_default(),
        previous_status: row.previous_status.unwrap_or_default().parse()?,
        repeat,
        offers_sent: row.offers_sent,
    })
}

#[derive(FromRow)]
struct CapacityRow {
    outcome: String,
    capacity: Option<i32>,
    taken: Option<i32>,
    offers_sent: i32,
    previous_capacity: Option<i32>,
}

/// Sets a session's capacity (`None` = unlimited). Raising it offers seats to the waitlist at
/// once; lowering it below the seats taken is refused unless `force`, and then nobody is
/// removed and nobody new admitted until attendance falls below.
pub async fn set_capacity(
    pool: &PgPool,
    session_id: &str,
    capacity: Option<i64>,
    force: bool,
) -> Result<CapacityChange> {
    validate_id("session id", session_id)?;
    let capacity = capacity
        .map(|n| validate_capacity("capacity", n))
        .transpose()?;
    let row: CapacityRow = sqlx::query_as("SELECT * FROM capctl_set_capacity($1, $2, $3)")
        .bind(session_id)
        .bind(capacity)
        .bind(force)
        .fetch_one(pool)
        .await?;
    let taken = row.taken.unwrap_or_default();
    match row.outcome.as_str() {
        "OK" => Ok(CapacityChange {
            session_id: session_id.to_string(),
            capacity: row.capacity,
            previous_capacity: row.previous_capacity,
            taken,
            offers_sent: row.offers_sent,
            over_capacity: row.capacity.is_some_and(|c| taken > c),
        }),
        "BELOW_TAKEN" => Err(Error::BelowTaken {
            session: session_id.parse()?,
            taken: taken.into(),
            max: row.capacity.unwrap_or_default().into(),
        }),
        "NOT_FOUND" => Err(session_not_found(session_id)),
        other => Err(Error::Internal(anyhow::anyhow!(
            "capctl_set_capacity returned an unknown outcome {other:?}"
        ))),
    }
}

/// A session's queue: live offers first (no position), then the waitlist in FIFO order with
/// positions 1..n. Overdue offers are left out: they hold nothing.
pub async fn waitlist(pool: &PgPool, session_id: &str) -> Result<Vec<WaitlistEntry>> {
    validate_id("session id", session_id)?;
    require_session(pool, session_id).await?;
    Ok(sqlx::query_as(
        "SELECT CASE WHEN r.status = 'WAITLISTED'
                     THEN row_number() OVER (PARTITION BY r.status ORDER BY r.waitlist_seq) END AS position,
                r.user_id, r.id AS rsvp_id, r.status, r.rsvp_at AS waitlisted_at, r.offer_expires_at
           FROM session_rsvps r
          WHERE r.session_id = $1
            AND (r.status = 'WAITLISTED' OR (r.status = 'OFFERED' AND r.offer_expires_at > now()))
          ORDER BY r.status = 'WAITLISTED', r.waitlist_seq, r.offered_at, r.user_id",
    )
    .bind(session_id)
    .fetch_all(pool)
    .await?)
}

/// A user's personal schedule for an event: every session they hold (confirmed), are offered
/// or wait for, sorted by start, each with the ids of the others it overlaps. An unknown event
/// is NotFound; a user with no RSVPs gets an empty schedule.
pub async fn schedule(pool: &PgPool, event_id: &str, user_id: &str) -> Result<Vec<ScheduleEntry>> {
    validate_id("event id", event_id)?;
    validate_id("user id", user_id)?;
    require_event_for_schedule(pool, event_id).await?;
    let mut entries: Vec<ScheduleEntry> = sqlx::query_as(
        "SELECT r.session_id, s.title, s.starts_at, s.ends_at, s.room, r.status,
                capctl_waitlist_position(r.session_id, r.waitlist_seq) AS waitlist_position,
                r.offer_expires_at, r.id AS rsvp_id, r.updated_at
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
    let spans: Vec<(String, DateTime<Utc>, DateTime<Utc>)> = entries
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

/// Renders a schedule as an RFC 5545 calendar: one VEVENT per session, UID `<rsvp id>@capctl`
/// (stable across exports, cancellations and re-RSVPs), times in UTC, confirmed sessions
/// CONFIRMED and waitlisted or offered ones TENTATIVE.
pub fn schedule_ics(event_id: &str, user_id: &str, entries: &[ScheduleEntry]) -> String {
    use icalendar::{Calendar, Component, EventLike, EventStatus};

    let mut cal = Calendar::empty();
    cal.append_property(("VERSION", "2.0"))
        .append_property(("PRODID", "-//capctl//personal schedule//EN"))
        .append_property(("CALSCALE", "GREGORIAN"))
        .append_property(("METHOD", "PUBLISH"))
        .name(&format!("{event_id}: schedule of {user_id}"));
    for e in entries {
        let (status, note) = match e.status {
            RsvpStatus::Confirmed => (EventStatus::Confirmed, "Seat confirmed.".to_string()),
            RsvpStatus::Offered => (
                EventStatus::Tentative,
                format!(
                    "A seat is held for you until {}: RSVP again to accept it.",
                    e.offer_expires_at
                        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
                        .unwrap_or_default()
                ),
            ),
            _ => (
                EventStatus::Tentative,
                match e.waitlist_position {
                    Some(p) => format!("Waitlisted at position {p}."),
                    None => "Waitlisted.".to_string(),
                },
            ),
        };
        let mut ev = icalendar::Event::new();
        ev.uid(&format!("{}@capctl", e.rsvp_id))
            .timestamp(e.updated_at)
            .starts(e.starts_at)
            .ends(e.ends_at)
            .summary(&e.title)
            .description(&format!(
                "Session {} of event {event_id}. {note}",
                e.session_id
            ))
            .status(status);
        if let Some(room) = &e.room {
            ev.location(room);
        }
        cal.push(ev.done());
    }
    cal.done().to_string()
}

async fn require_session(pool: &PgPool, session_id: &str) -> Result<()> {
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM sessions WHERE id = $1)")
        .bind(session_id)
        .fetch_one(pool)
        .await?;
    if exists {
        Ok(())
    } else {
        Err(session_not_found(session_id))
    }
}

/// NotFound for an unknown event, pointing at the right event when the id is a session's.
async fn require_event_for_schedule(pool: &PgPool, event_id: &str) -> Result<()> {
    let (event_exists, session_event): (bool, Option<String>) = sqlx::query_as(
        "SELECT EXISTS (SELECT 1 FROM events WHERE id = $1),
                (SELECT event_id FROM sessions WHERE id = $1)",
    )
    .bind(event_id)
    .fetch_one(pool)
    .await?;
    match (event_exists, session_event) {
        (true, _) => Ok(()),
        (false, Some(owner)) => Err(Error::not_found(format!(
            "event {event_id:?} not found: that is a session of event {owner:?}; use --event {owner}"
        ))),
        (false, None) => Err(Error::not_found(format!("event {event_id:?} not found"))),
    }
}

fn session_not_found(session_id: &str) -> Error {
    Error::not_found(format!("session {session_id:?} not found"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn entry(id: &str, status: RsvpStatus, start: u32, end: u32) -> ScheduleEntry {
        ScheduleEntry {
            session_id: id.into(),
            title: format!("Talk {id}"),
            starts_at: Utc.with_ymd_and_hms(2030, 6, 1, start, 0, 0).unwrap(),
            ends_at: Utc.with_ymd_and_hms(2030, 6, 1, end, 0, 0).unwrap(),
            room: Some("Room A".into()),
            status,
            waitlist_position: (status == RsvpStatus::Waitlisted).then_some(2),
            offer_expires_at: None,
            overlaps: vec![],
            rsvp_id: format!("srsvp_{id}"),
            updated_at: Utc.with_ymd_and_hms(2030, 5, 1, 0, 0, 0).unwrap(),
        }
    }

    #[test]
    fn ics_has_one_stable_event_per_session() {
        let entries = [
            entry("s1", RsvpStatus::Confirmed, 9, 10),
            entry("s2", RsvpStatus::Waitlisted, 11, 12),
        ];
        let a = schedule_ics("e1", "u1", &entries);
        assert_eq!(a, schedule_ics("e1", "u1", &entries), "deterministic");
        assert!(a.starts_with("BEGIN:VCALENDAR\r\n"));
        assert_eq!(a.matches("BEGIN:VEVENT").count(), 2);
        assert!(a.contains("UID:srsvp_s1@capctl"));
        assert!(a.contains("DTSTART:20300601T090000Z"));
        assert!(a.contains("STATUS:CONFIRMED"));
        assert!(a.contains("STATUS:TENTATIVE"));
        assert!(a.contains("LOCATION:Room A"));
        assert_eq!(a.matches("PRODID").count(), 1);
    }

    #[test]
    fn status_round_trips() {
        for s in [
            RsvpStatus::Confirmed,
            RsvpStatus::Waitlisted,
            RsvpStatus::Offered,
            RsvpStatus::Cancelled,
            RsvpStatus::Expired,
        ] {
            assert_eq!(s.as_str().parse::<RsvpStatus>().unwrap(), s);
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
    }
}
