//! The seat ledger: RSVP, cancel, capacity changes and the waitlist, each one SQL function call.
//!
//! PostgreSQL is the truth. Every change to a session's seats is a call of a PL/pgSQL function
//! (migrations/…_one_home.sql, …_batched_rsvp.sql) in autocommit. RSVPs and cancels go through
//! the batched path ([`super::requests`]): appended in arrival order and settled, many under one
//! lock and one commit, by the same rules. This module turns the answers into typed results.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{FromRow, PgPool};

use crate::ids::{EventId, SessionId, UserId, text_enum, validate_capacity};
use crate::{AtCapacity, Error, Missing, Result};

text_enum! {
    /// Where an RSVP stands (`session_rsvps.status`).
    pub enum RsvpStatus {
        Confirmed = "CONFIRMED",
        Waitlisted = "WAITLISTED",
        /// A freed seat held for this user until the offer expires; RSVP again to accept.
        Offered = "OFFERED",
        Cancelled = "CANCELLED",
        /// An offer that ran out; the seat went to the next in line.
        Expired = "EXPIRED",
        /// A confirmed seat released because its holder had not checked in by the no-show
        /// grace; the seat went to the door. Arriving later is a walk-in.
        NoShow = "NO_SHOW",
    }
}

text_enum! {
    /// What `capctl_rsvp` did.
    enum RsvpResult {
        Confirmed = "CONFIRMED",
        Waitlisted = "WAITLISTED",
        Repeat = "REPEAT",
        Full = "FULL",
        NotFound = "NOT_FOUND",
        NotRegistered = "NOT_REGISTERED",
        Overlap = "OVERLAP",
        Ended = "ENDED",
        /// The session is virtual (where the direct call raises CP003).
        Virtual = "VIRTUAL",
    }
}

text_enum! {
    /// What `capctl_cancel` did.
    enum CancelResult {
        Cancelled = "CANCELLED",
        Repeat = "REPEAT",
        NoRsvp = "NO_RSVP",
        NotFound = "NOT_FOUND",
    }
}

text_enum! {
    /// What `capctl_set_capacity` did.
    enum CapacityResult {
        Ok = "OK",
        BelowTaken = "BELOW_TAKEN",
        NotFound = "NOT_FOUND",
    }
}

/// What an RSVP left: confirmed, or waitlisted at a place in the queue. `repeat` is true when
/// the user already held this RSVP and nothing changed.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RsvpOutcome {
    pub session_id: SessionId,
    pub user_id: UserId,
    pub status: RsvpStatus,
    /// 1-based place in the queue; `None` unless waitlisted.
    pub waitlist_position: Option<i32>,
    pub rsvp_id: String,
    pub event_id: EventId,
    pub repeat: bool,
    /// The session's capacity (`None` = unlimited) and the seats taken after this RSVP.
    pub capacity: Option<i32>,
    pub taken: Option<i32>,
    /// The request's place in arrival order (`capctl_seat_requests.seq`).
    #[serde(skip)]
    pub arrival: i64,
}

/// What a cancellation left.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Cancellation {
    pub session_id: SessionId,
    pub user_id: UserId,
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
    pub event_id: EventId,
    /// The session's capacity (`None` = unlimited) and the seats taken right after.
    pub capacity: Option<i32>,
    pub taken: i64,
    /// The request's place in arrival order (`capctl_seat_requests.seq`).
    #[serde(skip)]
    pub arrival: i64,
}

/// What a capacity change did.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CapacityChange {
    pub session_id: SessionId,
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
    pub user_id: UserId,
    pub rsvp_id: String,
    #[sqlx(try_from = "String")]
    pub status: RsvpStatus,
    /// When the user joined the queue.
    pub waitlisted_at: DateTime<Utc>,
    pub offer_expires_at: Option<DateTime<Utc>>,
}

struct RsvpRow {
    outcome: RsvpResult,
    rsvp_id: Option<String>,
    status: Option<String>,
    waitlist_position: Option<i32>,
    offer_expires_at: Option<DateTime<Utc>>,
    overlaps: Vec<String>,
    capacity: Option<i32>,
    taken: Option<i32>,
    event_id: Option<EventId>,
}

/// RSVPs a user to a session: confirmed when a seat is free (or the user holds an offer),
/// waitlisted when full and the waitlist is on. A waitlisted result is `Ok`: callers decide how
/// to report it. Refusals: [`Error::Full`], [`Error::NotFound`], [`Error::NotRegistered`],
/// [`Error::Overlap`], [`Error::SessionEnded`].
pub async fn rsvp(
    pool: &PgPool,
    session_id: &SessionId,
    user_id: &UserId,
    allow_overlap: bool,
) -> Result<RsvpOutcome> {
    let req = super::requests::settle(
        pool,
        super::requests::Request::Rsvp { allow_overlap },
        session_id,
        user_id,
    )
    .await?;
    let row = RsvpRow {
        outcome: req.outcome.clone().unwrap_or_default().parse()?,
        rsvp_id: req.rsvp_id,
        status: req.status,
        waitlist_position: req.waitlist_position,
        offer_expires_at: req.offer_expires_at,
        overlaps: req.overlaps.unwrap_or_default(),
        capacity: req.capacity,
        taken: req.taken,
        event_id: req.event_id,
    };
    let status = || -> Result<RsvpStatus> { row.status.clone().unwrap_or_default().parse() };
    let event = || {
        row.event_id
            .clone()
            .ok_or_else(|| Error::Internal(anyhow::anyhow!("capctl_rsvp returned no event id")))
    };
    let outcome = |repeat: bool| -> Result<RsvpOutcome> {
        Ok(RsvpOutcome {
            session_id: session_id.clone(),
            user_id: user_id.clone(),
            status: status()?,
            waitlist_position: row.waitlist_position,
            rsvp_id: row.rsvp_id.clone().unwrap_or_default(),
            event_id: event()?,
            repeat,
            capacity: row.capacity,
            taken: row.taken,
            arrival: req.seq,
        })
    };
    match row.outcome {
        RsvpResult::Confirmed | RsvpResult::Waitlisted => outcome(false),
        RsvpResult::Repeat => outcome(true),
        RsvpResult::Full => Err(Error::Full(AtCapacity::Session {
            session: session_id.clone(),
            taken: row.taken.unwrap_or_default().into(),
            capacity: row.capacity.unwrap_or_default().into(),
        })),
        RsvpResult::NotFound => Err(session_not_found(session_id)),
        RsvpResult::NotRegistered => Err(Error::NotRegistered {
            user: user_id.clone(),
            event: event()?,
            session: session_id.clone(),
        }),
        RsvpResult::Overlap => Err(Error::Overlap {
            session: session_id.clone(),
            user: user_id.clone(),
            with: row
                .overlaps
                .iter()
                .map(|s| s.parse())
                .collect::<Result<_>>()?,
            offer_expires_at: if status().ok() == Some(RsvpStatus::Offered) {
                row.offer_expires_at
            } else {
                None
            },
        }),
        RsvpResult::Ended => Err(Error::SessionEnded(session_id.clone())),
        RsvpResult::Virtual => Err(Error::precondition(format!(
            "session '{session_id}' is virtual: RSVPs, waitlists and check-in are for in-person sessions; attendees join it instead"
        ))),
    }
}

/// Cancels a user's RSVP (confirmed, waitlisted or offered). A freed seat is offered to the
/// next in line at once. A second cancel is an idempotent repeat; no RSVP at all is NotFound.
pub async fn cancel(
    pool: &PgPool,
    session_id: &SessionId,
    user_id: &UserId,
) -> Result<Cancellation> {
    let row = super::requests::settle(pool, super::requests::Request::Cancel, session_id, user_id)
        .await?;
    let repeat = match row.outcome.clone().unwrap_or_default().parse()? {
        CancelResult::Cancelled => false,
        CancelResult::Repeat => true,
        CancelResult::NotFound => return Err(session_not_found(session_id)),
        CancelResult::NoRsvp => {
            return Err(Error::NotFound(Missing::Rsvp {
                session: session_id.clone(),
                user: user_id.clone(),
            }));
        }
    };
    // capctl_cancel's result columns are a published contract, so the seats are read after it
    // (the one definition of taken: capctl_session_seats).
    let (event_id, capacity, taken): (EventId, Option<i32>, i64) = sqlx::query_as(
        "SELECT event_id, capacity, taken FROM capctl_session_seats WHERE session_id = $1",
    )
    .bind(session_id)
    .fetch_optional(pool)
    .await?
    .ok_or_else(|| session_not_found(session_id))?;
    Ok(Cancellation {
        session_id: session_id.clone(),
        user_id: user_id.clone(),
        status: RsvpStatus::Cancelled,
        waitlist_position: None,
        rsvp_id: row.rsvp_id.unwrap_or_default(),
        previous_status: row.previous_status.unwrap_or_default().parse()?,
        repeat,
        offers_sent: row.offers_sent.unwrap_or_default(),
        event_id,
        capacity,
        taken,
        arrival: row.seq,
    })
}

#[derive(FromRow)]
struct CapacityRow {
    #[sqlx(try_from = "String")]
    outcome: CapacityResult,
    capacity: Option<i32>,
    taken: Option<i32>,
    offers_sent: i32,
    previous_capacity: Option<i32>,
}

/// Sets a session's capacity (`None` = unlimited). Raising it offers seats to the waitlist at
/// once; lowering it below the seats taken is refused unless `force`, and then nobody is
/// removed and nobody new admitted until attendance falls below.
pub async fn set_capacity(
    pool: impl sqlx::PgExecutor<'_>,
    session_id: &SessionId,
    capacity: Option<i64>,
    force: bool,
) -> Result<CapacityChange> {
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
    match row.outcome {
        CapacityResult::Ok => Ok(CapacityChange {
            session_id: session_id.clone(),
            capacity: row.capacity,
            previous_capacity: row.previous_capacity,
            taken,
            offers_sent: row.offers_sent,
            over_capacity: row.capacity.is_some_and(|c| taken > c),
        }),
        CapacityResult::BelowTaken => Err(Error::BelowTaken {
            session: session_id.clone(),
            taken: taken.into(),
            max: row.capacity.unwrap_or_default().into(),
        }),
        CapacityResult::NotFound => Err(session_not_found(session_id)),
    }
}

/// What [`set_capacity`] would do, changing nothing: the same call in a transaction that is
/// rolled back (the same checks, the same answer, the offers it would send counted).
pub async fn preview_capacity(
    pool: &PgPool,
    session_id: &SessionId,
    capacity: Option<i64>,
    force: bool,
) -> Result<CapacityChange> {
    let mut tx = pool.begin().await?;
    let change = set_capacity(&mut *tx, session_id, capacity, force).await;
    tx.rollback().await?;
    change
}

/// A session's queue: live offers first (no position), then the waitlist in FIFO order with
/// positions 1..n. Overdue offers are left out: they hold nothing.
pub async fn waitlist(pool: &PgPool, session_id: &SessionId) -> Result<Vec<WaitlistEntry>> {
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

async fn require_session(pool: &PgPool, session_id: &SessionId) -> Result<()> {
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

pub(crate) fn session_not_found(session_id: &SessionId) -> Error {
    Error::NotFound(Missing::Session(session_id.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_round_trips() {
        for s in [
            RsvpStatus::Confirmed,
            RsvpStatus::Waitlisted,
            RsvpStatus::Offered,
            RsvpStatus::Cancelled,
            RsvpStatus::Expired,
            RsvpStatus::NoShow,
        ] {
            assert_eq!(s.as_str().parse::<RsvpStatus>().unwrap(), s);
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
    }
}
