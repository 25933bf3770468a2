//! The batched path of RSVPs and cancels: append a request, get it settled in arrival order.
//!
//! A caller appends its request (`capctl_rsvp_enter` / `capctl_cancel_enter`); whoever holds
//! the session's settle lock settles every pending request of the session in one transaction,
//! by the same rules as the direct calls, and commits once. A caller that did not settle waits
//! for the leader's commit (`capctl_seat_request_await`) and reads its answer. The protocol and
//! its guarantees are described in migrations/20261201000001_batched_rsvp.sql (the lock order
//! and the uncontended fast path in migrations/20261201000003_settle_lock_order.sql).
//!
//! Within one process, callers of the same session take turns (a [`Lane`]): whoever's turn it
//! is hands over every request this process's callers made meanwhile in one call
//! (`capctl_seat_requests_settle`, migrations/20261201000004_settle_together.sql), so a server
//! with many callers appends and settles them with one round trip and one commit (when nothing
//! else of the session is pending, decided as they are appended and written once, already
//! settled: migrations/20261201000005_settle_own_batch.sql); a request made alone goes the way
//! above. While requests keep coming, the turn goes on from one call to the next on the same
//! connection.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use chrono::{DateTime, Utc};
use sqlx::pool::PoolConnection;
use sqlx::{FromRow, PgPool, Postgres};
use tokio::sync::oneshot;

use crate::error::{SQLSTATE_IN_PERSON_ONLY, SQLSTATE_OUTSIDE_EVENT, SQLSTATE_OVERSELL, Wait};
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
    answer(together(pool, request, session, user).await?)
}

/// An answer recorded as an error becomes the error the direct call raises.
fn answer(row: Settled) -> Result<Settled> {
    if let (Some("ERROR"), Some(code)) = (row.outcome.as_deref(), row.error_code.as_deref()) {
        return Err(settled_error(
            code,
            row.error_message.clone().unwrap_or_default(),
        ));
    }
    Ok(row)
}

/// The most requests handed over in one call (a bigger crowd waits for the next turn).
const MOST_TOGETHER: usize = 512;

/// A session's requests in this process: those waiting for a turn, and the turn itself (held
/// from taking the waiting requests until every one of them is answered).
#[derive(Default)]
struct Lane {
    waiting: std::sync::Mutex<Vec<Waiting>>,
    turn: Arc<tokio::sync::Mutex<()>>,
}

impl Lane {
    /// The requests waiting for a turn, oldest first, up to [`MOST_TOGETHER`].
    fn take_waiting(&self) -> Vec<Waiting> {
        let mut waiting = self.waiting.lock().expect("lane");
        let n = waiting.len().min(MOST_TOGETHER);
        waiting.drain(..n).collect()
    }
}

struct Waiting {
    request: Request,
    user: UserId,
    reply: oneshot::Sender<Result<Settled>>,
}

/// Lanes by database (socket or host and port, name) and session: requests to one database's
/// session go together whichever pool made them.
type LaneKey = (String, u16, String, SessionId);

fn lanes() -> &'static std::sync::Mutex<HashMap<LaneKey, Arc<Lane>>> {
    static LANES: OnceLock<std::sync::Mutex<HashMap<LaneKey, Arc<Lane>>>> = OnceLock::new();
    LANES.get_or_init(Default::default)
}

/// Queues the request in its session's lane and waits for its answer: given by whoever's turn
/// came first, or taken in its own turn with every request waiting then.
async fn together(
    pool: &PgPool,
    request: Request,
    session: &SessionId,
    user: &UserId,
) -> Result<Settled> {
    let options = pool.connect_options();
    let key: LaneKey = (
        match options.get_socket() {
            Some(socket) => socket.display().to_string(),
            None => options.get_host().to_owned(),
        },
        options.get_port(),
        options.get_database().unwrap_or_default().to_owned(),
        session.clone(),
    );
    let lane = lanes()
        .lock()
        .expect("lanes")
        .entry(key.clone())
        .or_default()
        .clone();
    let (reply, mut answered) = oneshot::channel();
    lane.waiting.lock().expect("lane").push(Waiting {
        request,
        user: user.clone(),
        reply,
    });
    let result = tokio::select! {
        biased;
        result = &mut answered => result,
        turn = lane.turn.clone().lock_owned() => match answered.try_recv() {
            Ok(result) => Ok(result),
            Err(_) => {
                // Callers answered by the last turn are making their next requests: let them
                // queue before the waiting ones are taken.
                tokio::task::yield_now().await;
                let batch = lane.take_waiting();
                // Spawned: the turn ends when every request taken is answered, even if this
                // caller stops waiting for its own.
                // Weak: the lane is forgotten when its last caller is done (see below).
                let (pool, session) = (pool.clone(), session.clone());
                let lane = Arc::downgrade(&lane);
                tokio::spawn(async move {
                    turns(&pool, &session, &lane, batch).await;
                    drop(turn);
                });
                answered.await
            }
        },
    };
    {
        // Forget the lane when nobody else holds it (clones are made under this lock; a failed
        // turn may hold one a moment longer, which only keeps the lane for the next caller).
        let mut lanes = lanes().lock().expect("lanes");
        if Arc::strong_count(&lane) == 2 {
            lanes.remove(&key);
        }
    }
    result.unwrap_or_else(|_| {
        Err(Error::Internal(anyhow::anyhow!(
            "the settlement of this request stopped before answering it"
        )))
    })
}

/// A turn: settles the requests taken, then those queued meanwhile (the callers it answered
/// make their next requests while it yields), call after call on the connection it keeps, until
/// none wait. A connection given back to the pool is pinged by it first: between the calls of a
/// rush that was a round trip, and each call went to another server process (+24% RSVPs/s at 8
/// tasks with one kept). When PostgreSQL is out of reach, the requests queued meanwhile get its
/// error at once (nothing was written for them) instead of each waiting for it in turn.
async fn turns(
    pool: &PgPool,
    session: &SessionId,
    lane: &std::sync::Weak<Lane>,
    mut batch: Vec<Waiting>,
) {
    let mut conn = None;
    loop {
        let down = settle_turn(pool, session, batch, &mut conn).await;
        if let Some(down) = down {
            if let Some(lane) = lane.upgrade() {
                let queued: Vec<Waiting> = lane.waiting.lock().expect("lane").drain(..).collect();
                drop(lane);
                for waiting in queued {
                    let _ = waiting.reply.send(Err(copy_of(&down)));
                }
            }
            return;
        }
        tokio::task::yield_now().await;
        batch = match lane.upgrade() {
            Some(lane) => lane.take_waiting(),
            None => return,
        };
        if batch.is_empty() {
            return;
        }
    }
}

/// Settles the requests taken in one turn and answers each: alone, the way of a single request;
/// together, in one call on `conn` (acquired when it holds none, kept for the next turn). When
/// that call fails as a whole, each is made again on its own, unless PostgreSQL is out of reach:
/// then each gets that error, which is returned too.
async fn settle_turn(
    pool: &PgPool,
    session: &SessionId,
    batch: Vec<Waiting>,
    conn: &mut Option<PoolConnection<Postgres>>,
) -> Option<Error> {
    if let [one] = batch.as_slice() {
        // Its several calls go through the pool, which may have no connection to spare.
        conn.take();
        let result = enter_and_wait(pool, one.request, session, &one.user).await;
        let down = result.as_ref().err().and_then(backend_down);
        let one = batch.into_iter().next().expect("one");
        let _ = one.reply.send(result);
        return down;
    }
    let kinds: Vec<&str> = batch.iter().map(|w| w.request.kind()).collect();
    let users: Vec<&str> = batch.iter().map(|w| w.user.as_str()).collect();
    let overlaps: Vec<bool> = batch.iter().map(|w| w.request.allow_overlap()).collect();
    let rows = settle_together(pool, conn, session, &kinds, &users, &overlaps).await;
    let all_settled = rows
        .as_ref()
        .is_ok_and(|rows| rows.iter().all(|row| row.settled_at.is_some()));
    if !all_settled {
        // A failed call's connection may be broken; waits and retries go through the pool.
        conn.take();
    }
    match rows {
        // Every request is settled by the call; should one not be, it is waited for as any.
        Ok(rows) if rows.len() == batch.len() => {
            for (waiting, row) in batch.into_iter().zip(rows) {
                let result = settled(pool, row).await;
                let _ = waiting.reply.send(result);
            }
        }
        Ok(rows) => {
            let message = format!(
                "settling {} requests together answered {} of them",
                batch.len(),
                rows.len()
            );
            for waiting in batch {
                let _ = waiting
                    .reply
                    .send(Err(Error::Internal(anyhow::anyhow!(message.clone()))));
            }
        }
        Err(e) => {
            let e = Error::from(e);
            if let Some(down) = backend_down(&e) {
                for waiting in batch {
                    let _ = waiting.reply.send(Err(copy_of(&down)));
                }
                return Some(down);
            }
            // A call that failed committed nothing (one transaction): each request on its own
            // gets its answer.
            futures::future::join_all(batch.into_iter().map(|w| async move {
                let result = enter_and_wait(pool, w.request, session, &w.user).await;
                let _ = w.reply.send(result);
            }))
            .await;
        }
    }
    None
}

/// One call of `capctl_seat_requests_settle` on `conn` (acquired when it holds none): made again
/// while PostgreSQL aborts it with a [`TRANSIENT`] SQLSTATE, and in safe mode (each request in
/// its own subtransaction) when it raised on one bad request of the batch.
async fn settle_together(
    pool: &PgPool,
    conn: &mut Option<PoolConnection<Postgres>>,
    session: &SessionId,
    kinds: &[&str],
    users: &[&str],
    overlaps: &[bool],
) -> sqlx::Result<Vec<Settled>> {
    let (mut safe, mut tries) = (false, 1);
    loop {
        let c = match conn {
            Some(c) => c,
            None => conn.insert(pool.acquire().await?),
        };
        let rows = sqlx::query_as::<_, Settled>(
            "SELECT * FROM capctl_seat_requests_settle($1, $2, $3, $4, $5)",
        )
        .bind(session)
        .bind(kinds)
        .bind(users)
        .bind(overlaps)
        .bind(safe)
        .fetch_all(&mut **c)
        .await;
        match rows {
            Err(e) if tries < TRANSIENT_TRIES && sqlstate_in(&e, &TRANSIENT) => tries += 1,
            Err(e) if !safe && worth_a_safe_retry(&e) => (safe, tries) = (true, 1),
            other => return other,
        }
    }
}

/// The error when it says PostgreSQL is out of reach (unavailable, or no connection within the
/// connect timeout: exit 7), as one to hand to every request waiting for it.
fn backend_down(err: &Error) -> Option<Error> {
    match err {
        Error::Unavailable(_)
        | Error::Timeout {
            wait: Wait::PostgresConnect,
            ..
        } => Some(copy_of(err)),
        _ => None,
    }
}

/// A copy of an error [`backend_down`] returned (those variants hold only data).
fn copy_of(err: &Error) -> Error {
    match err {
        Error::Timeout {
            wait,
            limit,
            detail,
        } => Error::Timeout {
            wait: *wait,
            limit: *limit,
            detail: detail.clone(),
        },
        Error::Unavailable(message) => Error::Unavailable(message.clone()),
        other => Error::Unavailable(other.to_string()),
    }
}

impl Request {
    fn kind(self) -> &'static str {
        match self {
            Request::Rsvp { .. } => "RSVP",
            Request::Cancel => "CANCEL",
        }
    }

    fn allow_overlap(self) -> bool {
        matches!(
            self,
            Request::Rsvp {
                allow_overlap: true
            }
        )
    }
}

/// One request on its own: appended, settled by this caller or by another leader, and its row
/// read back once settled.
async fn enter_and_wait(
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
    let row = match again_if_transient(|| enter(false)).await {
        Ok(row) => row,
        // A settlement that raised rolled back the append too: again, each request of the batch
        // in its own subtransaction, so one bad request cannot fail the others.
        Err(e) if worth_a_safe_retry(&e) => again_if_transient(|| enter(true)).await?,
        Err(e) => return Err(e.into()),
    };
    settled(pool, row).await
}

/// The request's row once a settlement has committed it: waits for the leader, or leads.
async fn settled(pool: &PgPool, mut row: Settled) -> Result<Settled> {
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
