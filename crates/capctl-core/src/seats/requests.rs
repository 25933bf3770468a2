//! The batched path of RSVPs and cancels: append a request, get it settled in arrival order.
//!
//! A caller appends its request (`capctl_rsvp_enter` / `capctl_cancel_enter`); whoever holds
//! the session's settle lock settles every pending request of the session in one transaction,
//! by the same rules as the direct calls, and commits once. A caller that did not settle waits
//! for the leader's commit (`capctl_seat_request_await`) and reads its answer. The protocol and
//! its guarantees are described in migrations/20261201000001_batched_rsvp.sql (the lock order
//! and the uncontended fast path in migrations/20261201000003_settle_lock_order.sql).

use chrono::{DateTime, Utc};
use sqlx::{FromRow, PgPool};

use crate::error::{SQLSTATE_IN_PERSON_ONLY, SQLSTATE_OUTSIDE_EVENT, SQLSTATE_OVERSELL};
use crate::ids::{EventId, SessionId, UserId};
use crate::{AtCapacity, Error, Result};

/// What a caller asks of a session's seats.
#[derive(Debug, Clone, Copy)]
pub enum Request {
    Rsvp { allow_overlap: bool },
    Cancel,
}

/// A settled request (a row of `capctl_seat_requests`): the answer of `capctl_rsvp` or
/// `capctl_cancel`, and the request's place in arrival order.
#[derive(Debug, Clone, FromRow)]
pub struct Settled {
    /// Arrival order (per session): the sequence taken when the request was appended.
    pub seq: i64,
    settled_at: Option<DateTime<Utc>>,
    pub outcome: Option<String>,
    pub rsvp_id: Option<String>,
    pub status: Option<String>,
    pub waitlist_position: Option<i32>,
    pub offer_expires_at: Option<DateTime<Utc>>,
    pub overlaps: Option<Vec<String>>,
    pub capacity: Option<i32>,
    pub taken: Option<i32>,
    pub event_id: Option<EventId>,
    pub previous_status: Option<String>,
    pub offers_sent: Option<i32>,
    error_code: Option<String>,
    error_message: Option<String>,
}

/// SQLSTATEs of waits that ran out (lock_timeout, statement_timeout): retrying would wait again.
const GAVE_UP: [&str; 2] = ["55P03", "57014"];

/// SQLSTATEs of a transaction PostgreSQL aborted to break a cycle of waits (deadlock_detected,
/// serialization_failure): nothing of it happened, and the same call again is the cure.
const TRANSIENT: [&str; 2] = ["40P01", "40001"];

/// How often a call aborted by [`TRANSIENT`] is made again before its error is reported.
const TRANSIENT_TRIES: u32 = 5;

/// Appends the request and returns its answer once a settlement has committed it. An answer
/// that is an error (settled in safe mode) comes back as the error the direct call raises.
pub async fn settle(
    pool: &PgPool,
    request: Request,
    session: &SessionId,
    user: &UserId,
) -> Result<Settled> {
    let enter = |safe: bool| match request {
        Request::Rsvp { allow_overlap } => {
            sqlx::query_as::<_, Settled>("SELECT * FROM capctl_rsvp_enter($1, $2, $3, $4)")
                .bind(session)
                .bind(user)
                .bind(allow_overlap)
                .bind(safe)
                .fetch_one(pool)
        }
        Request::Cancel => {
            sqlx::query_as::<_, Settled>("SELECT * FROM capctl_cancel_enter($1, $2, $3)")
                .bind(session)
                .bind(user)
                .bind(safe)
                .fetch_one(pool)
        }
    };
    let mut row = match again_if_transient(|| enter(false)).await {
        Ok(row) => row,
        // A settlement that raised rolled back the append too: again, each request of the batch
        // in its own subtransaction, so one bad request cannot fail the others.
        Err(e) if worth_a_safe_retry(&e) => again_if_transient(|| enter(true)).await?,
        Err(e) => return Err(e.into()),
    };
    let mut lead = false;
    while row.settled_at.is_none() {
        let seq = row.seq;
        let next = match again_if_transient(|| wait(pool, seq, lead, false)).await {
            Ok(next) => next,
            Err(e) if worth_a_safe_retry(&e) => {
                again_if_transient(|| wait(pool, seq, true, true)).await?
            }
            Err(e) => return Err(e.into()),
        };
        row = next.ok_or_else(|| {
            Error::Unavailable(
                "PostgreSQL restarted before the request was settled: nothing was changed for it"
                    .into(),
            )
        })?;
        // Still pending: it arrived after that leader looked. Next time lead (block for the lock).
        lead = true;
    }
    if let (Some("ERROR"), Some(code)) = (row.outcome.as_deref(), row.error_code.as_deref()) {
        return Err(settled_error(
            code,
            row.error_message.clone().unwrap_or_default(),
        ));
    }
    Ok(row)
}

async fn wait(pool: &PgPool, seq: i64, lead: bool, safe: bool) -> sqlx::Result<Option<Settled>> {
    sqlx::query_as("SELECT * FROM capctl_seat_request_await($1, $2, $3)")
        .bind(seq)
        .bind(lead)
        .bind(safe)
        .fetch_optional(pool)
        .await
}

/// Makes a call again while PostgreSQL aborts it with a [`TRANSIENT`] SQLSTATE (each call is
/// one statement in its own transaction: an aborted one left nothing behind).
async fn again_if_transient<T, F, Fut>(mut call: F) -> sqlx::Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = sqlx::Result<T>>,
{
    let mut tries = 1;
    loop {
        match call().await {
            Err(e) if tries < TRANSIENT_TRIES && sqlstate_in(&e, &TRANSIENT) => tries += 1,
            other => return other,
        }
    }
}

fn sqlstate_in(e: &sqlx::Error, codes: &[&str]) -> bool {
    match e {
        sqlx::Error::Database(db) => db.code().is_some_and(|c| codes.contains(&c.as_ref())),
        _ => false,
    }
}

/// Any error PostgreSQL raised, except a wait that ran out or a transient abort that kept
/// coming back: the settlement may have failed on one bad request of its batch.
fn worth_a_safe_retry(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(_))
        && !sqlstate_in(e, &GAVE_UP)
        && !sqlstate_in(e, &TRANSIENT)
}

/// The error a direct call would have raised with this SQLSTATE (see `From<sqlx::Error>`).
fn settled_error(code: &str, message: String) -> Error {
    match code {
        SQLSTATE_OVERSELL => Error::Full(AtCapacity::Guard(message)),
        SQLSTATE_OUTSIDE_EVENT => Error::InvalidInput(message),
        SQLSTATE_IN_PERSON_ONLY => Error::Precondition(message),
        _ => Error::Internal(anyhow::anyhow!(
            "settling the request failed: {message} (SQLSTATE {code})"
        )),
    }
}

/// For reconcile: settles requests left pending for a few seconds (their caller died and nobody
/// came after to settle them), one session per transaction, and forgets answers an hour old.
/// Returns how many requests it settled.
pub async fn settle_stale(pool: &PgPool) -> Result<u64> {
    let mut total = 0;
    // Bounded: each call settles one session's pending requests or finds none.
    for _ in 0..1000 {
        let n: i32 = sqlx::query_scalar("SELECT capctl_settle_stale_requests()")
            .fetch_one(pool)
            .await?;
        if n == 0 {
            break;
        }
        total += n as u64;
    }
    Ok(total)
}
