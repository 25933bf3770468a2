//! Virtual sessions: joins enforced by the presence limiter (leases under the session's own
//! hash tag, limit = the session's capacity), never by RSVP rules.
//!
//! For a virtual session `session_capacity.current_attendance` means people connected now.
//! The platform's own joinVirtualSession/leaveVirtualSession keep it; when capctl enforces
//! the joins (the session has keys in Redis), reconcile writes it from the live leases.

use std::time::Duration;

use serde::Serialize;
use sqlx::{PgConnection, PgPool};

use super::ledger::session_not_found;
use crate::backends::Backends;
use crate::ids::{EventId, SessionId, UserId, text_enum};
use crate::presence::{Admission, LimitChange, Presence, Room};
use crate::{Error, Result};

text_enum! {
    /// A session's format, in the platform's terms (`sessions.format`).
    pub enum SessionFormat {
        /// Seats: RSVPs, waitlist, offers, check-in and no-shows.
        InPerson = "IN_PERSON",
        /// People connected now, through the presence limiter.
        Virtual = "VIRTUAL",
    }
}

impl SessionFormat {
    /// `in-person` or `virtual`, as the command line spells it.
    pub fn parse_flag(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().replace('_', "-").as_str() {
            "in-person" => Ok(Self::InPerson),
            "virtual" => Ok(Self::Virtual),
            _ => Err(Error::invalid(format!(
                "session format {:?} must be in-person or virtual",
                crate::ids::shorten(s)
            ))),
        }
    }
}

/// What a presence call on a virtual session did.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SessionPresence {
    pub session_id: SessionId,
    pub user_id: UserId,
    pub event_id: EventId,
    #[serde(flatten)]
    pub admission: Admission,
}

/// Join, heartbeat or leave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PresenceOp {
    Join(Duration),
    Heartbeat(Option<Duration>),
    Leave,
}

/// A session's format; NotFound for an unknown session.
pub async fn format(pool: &PgPool, session_id: &SessionId) -> Result<SessionFormat> {
    let f: Option<String> = sqlx::query_scalar("SELECT format FROM sessions WHERE id = $1")
        .bind(session_id)
        .fetch_optional(pool)
        .await?;
    f.ok_or_else(|| session_not_found(session_id))?.parse()
}

/// A user joins, renews or leaves a virtual session. The session must exist (NotFound), be
/// virtual and the user registered for its event (Precondition/NotRegistered); a join after
/// the end is refused. A refusal at the limit comes back as an [`Admission`] with status FULL,
/// as for streams and booths.
pub async fn presence(
    b: &Backends,
    session_id: &SessionId,
    user_id: &UserId,
    op: PresenceOp,
) -> Result<SessionPresence> {
    let pool = b.pg().await?;
    let row: Option<(String, EventId, bool, bool)> = sqlx::query_as(
        "SELECT se.format, se.event_id, now() >= se.ends_at,
                EXISTS (SELECT 1 FROM event_registrations g
                         WHERE g.event_id = se.event_id AND g.user_id = $2 AND g.status = 'REGISTERED')
           FROM sessions se WHERE se.id = $1",
    )
    .bind(session_id)
    .bind(user_id)
    .fetch_optional(pool)
    .await?;
    let (format, event_id, ended, registered) = row.ok_or_else(|| session_not_found(session_id))?;
    if format.parse::<SessionFormat>()? != SessionFormat::Virtual {
        return Err(Error::precondition(format!(
            "session {session_id:?} is in-person: attendees RSVP and check in at the door; only virtual sessions are joined"
        )));
    }
    if !registered {
        return Err(Error::NotRegistered {
            user: user_id.clone(),
            event: event_id,
            session: session_id.clone(),
        });
    }
    let room = Room::Session(session_id.clone());
    let limiter = Presence::new(b);
    let admission = match op {
        PresenceOp::Join(_) if ended => return Err(Error::SessionEnded(session_id.clone())),
        PresenceOp::Join(ttl) => limiter.join(&room, user_id, ttl).await?,
        PresenceOp::Heartbeat(ttl) => limiter.heartbeat(&room, user_id, ttl).await?,
        PresenceOp::Leave => limiter.leave(&room, user_id).await?,
    };
    Ok(SessionPresence {
        session_id: session_id.clone(),
        user_id: user_id.clone(),
        event_id,
        admission,
    })
}

/// Sets a virtual session's capacity: PostgreSQL (the one capacity rule) and the limiter's
/// cached limit together. Lowering it below the people connected evicts nobody.
pub async fn set_capacity(
    b: &Backends,
    session_id: &SessionId,
    capacity: Option<i64>,
) -> Result<LimitChange> {
    Presence::new(b)
        .set_limit(&Room::Session(session_id.clone()), capacity)
        .await
}

/// The capacity write of [`set_capacity`], inside the limiter's transaction.
pub(crate) async fn set_capacity_in(
    conn: &mut PgConnection,
    session_id: &SessionId,
    capacity: Option<i64>,
) -> Result<()> {
    let outcome: String =
        sqlx::query_scalar("SELECT outcome FROM capctl_set_capacity($1, $2, true)")
            .bind(session_id)
            .bind(capacity.map(|n| n as i32))
            .fetch_one(conn)
            .await?;
    if outcome == "NOT_FOUND" {
        return Err(session_not_found(session_id));
    }
    Ok(())
}

/// Writes virtual sessions' `current_attendance` from live lease counts (reconcile). Returns
/// the rows changed (with `check`: that would change).
pub async fn write_attendance(
    pool: &PgPool,
    live: &[(SessionId, u64)],
    check: bool,
) -> Result<u64> {
    if live.is_empty() {
        return Ok(0);
    }
    let ids: Vec<&str> = live.iter().map(|(s, _)| s.as_str()).collect();
    let counts: Vec<i32> = live
        .iter()
        .map(|(_, n)| i32::try_from(*n).unwrap_or(i32::MAX))
        .collect();
    let n: i32 = sqlx::query_scalar("SELECT capctl_write_virtual_attendance($1, $2, $3)")
        .bind(&ids)
        .bind(&counts)
        .bind(check)
        .fetch_one(pool)
        .await?;
    Ok(n.max(0) as u64)
}
