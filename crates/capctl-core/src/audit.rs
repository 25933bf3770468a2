//! Every invariant check in one place, read-only: the seat ledger (capacity, counters, one row
//! per person, a gapless FIFO waitlist, no free seat while someone eligible waits), presence
//! (live leases within the limit, counters equal to the live leases) and exports (a CSV holds
//! one record per exported row). Benchmarks, the demo and the tests all ask these functions;
//! where a rule lives in SQL (waitlist positions, schedule clashes, the export's row count) the
//! check calls it instead of restating it.

use std::fmt;
use std::path::Path;

use serde::Serialize;
use sqlx::PgPool;

use crate::Result;
use crate::backends::Backends;
use crate::catalog::booths;
use crate::ids::EventId;
use crate::io::export::{self, ExportFilter};
use crate::presence::{CounterState, Room, SweepReply, all_limits_from_pg, run_all, sweep_call};

/// What an audit looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every event.
    All,
    /// One event: its sessions, its stream and its booths.
    Event(EventId),
}

impl Scope {
    fn event(&self) -> Option<&str> {
        match self {
            Self::All => None,
            Self::Event(id) => Some(id.as_str()),
        }
    }
}

/// Which invariant a [`Violation`] breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// More seats taken (confirmed + offered) than the capacity. Legitimate only right after a
    /// capacity was forced below the seats taken; a caller that forced one filters this out.
    OverCapacity,
    /// `session_capacity` counters differ from the RSVP rows.
    SeatCounterDrift,
    /// More people inside an in-person session's room than its capacity. Legitimate only
    /// after a capacity was forced below the people inside.
    OccupancyOverCapacity,
    /// More than one RSVP row for one person in one session.
    DuplicateRsvp,
    /// Waitlist positions are not exactly 1, 2, … n.
    WaitlistGap,
    /// People waiting in a session that has no waitlist.
    WaitlistDisabled,
    /// A seat is free while someone who could take it waits (the session not yet started).
    SeatFreeWhileWaiting,
    /// An RSVP row whose columns contradict its status (half-written).
    InconsistentRsvp,
    /// More live leases than the room's limit. Legitimate only after the limit was lowered
    /// below the people inside (nobody is evicted); a caller that lowered one filters this out.
    OverLimit,
    /// A presence counter that expiry does not explain ([`CounterState::Drift`]): an unreaped
    /// expired lease, and the lag it causes, is not drift.
    PresenceCounterDrift,
    /// A viewer holds leases on more devices than the stream's cap. Legitimate only after the
    /// cap was lowered (nobody is evicted by that).
    DeviceCap,
    /// A queue place written half (in the line without an expiry, or the other way round).
    QueueStray,
    /// An exported CSV does not hold exactly one record per exported row.
    ExportRecords,
}

/// One broken invariant: what it concerns, which rule, and a sentence with the figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// `session "s1"`, `the stream of event "e1"`, `booth "b1"`, `export of event "e1"`.
    pub subject: String,
    pub rule: Rule,
    pub detail: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.subject, self.detail)
    }
}

impl Violation {
    fn new(subject: impl Into<String>, rule: Rule, detail: impl Into<String>) -> Self {
        Self {
            subject: subject.into(),
            rule,
            detail: detail.into(),
        }
    }
}

/// Seats of one session as the RSVP rows say, next to the counters other services read.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SeatCounts {
    pub session_id: String,
    pub capacity: Option<i32>,
    pub waitlist_enabled: bool,
    /// The session has not started: offers can still be made.
    pub upcoming: bool,
    pub current_attendance: i32,
    pub waitlist_length: i32,
    pub confirmed: i64,
    pub offered: i64,
    pub waitlisted: i64,
    /// People inside by the rows (checked in, not out, holding their seat), and the counter.
    pub inside: i64,
    pub current_occupancy: i32,
    pub rows: i64,
    pub distinct_users: i64,
    /// Waitlisted rows whose place by the rule of `capctl_waitlist_position` is not their rank.
    pub misplaced: i64,
    pub inconsistent_rows: i64,
}

impl SeatCounts {
    /// Confirmed plus offered: the seats the rows hold.
    pub fn taken(&self) -> i64 {
        self.confirmed + self.offered
    }

    fn free_seat(&self) -> bool {
        self.capacity
            .is_none_or(|cap| self.taken() < i64::from(cap))
    }
}

/// Truth and counters for every session in scope, in session order.
pub async fn seat_counts(pool: &PgPool, scope: &Scope) -> Result<Vec<SeatCounts>> {
    Ok(sqlx::query_as(
        "SELECT se.id AS session_id,
                capctl_effective_capacity(sc.maximum_capacity, se.max_participants) AS capacity,
                se.waitlist_enabled, se.starts_at > now() AS upcoming,
                sc.current_attendance, sc.waitlist_length,
                count(r.id) FILTER (WHERE r.status = 'CONFIRMED') AS confirmed,
                count(r.id) FILTER (WHERE r.status = 'OFFERED') AS offered,
                count(r.id) FILTER (WHERE r.status = 'WAITLISTED') AS waitlisted,
                count(r.id) FILTER (WHERE capctl_inside(r.status, r.checked_in_at, r.checked_out_at)) AS inside,
                sc.current_occupancy,
                count(r.id) AS rows,
                count(DISTINCT r.user_id) AS distinct_users,
                count(r.id) FILTER (WHERE r.status = 'WAITLISTED'
                     AND (r.waitlist_seq IS NULL OR r.place <> r.rank)
                ) AS misplaced,
                count(r.id) FILTER (WHERE NOT (
                     (r.status = 'CONFIRMED' AND r.confirmed_at IS NOT NULL AND r.cancelled_at IS NULL
                        AND r.waitlist_seq IS NULL)
                  OR (r.status = 'WAITLISTED' AND r.waitlist_seq IS NOT NULL AND r.cancelled_at IS NULL)
                  OR (r.status = 'OFFERED' AND r.offer_expires_at IS NOT NULL AND r.waitlist_seq IS NULL)
                  OR (r.status = 'CANCELLED' AND r.cancelled_at IS NOT NULL AND r.waitlist_seq IS NULL)
                  OR (r.status = 'EXPIRED' AND r.waitlist_seq IS NULL)
                  OR (r.status = 'NO_SHOW' AND r.no_show_at IS NOT NULL AND r.waitlist_seq IS NULL
                        AND r.checked_in_at IS NULL))) AS inconsistent_rows
           FROM sessions se
           JOIN session_capacity sc ON sc.session_id = se.id
           -- A waitlisted row's place by the ledger's rule (capctl_waitlist_position: the waitlisted
           -- rows of its session with a sequence up to its own, peers included) next to its rank
           -- in the queue, both from one sort: calling the function per row counted the queue
           -- again for each of its people (a 20k waitlist took 35 s).
           LEFT JOIN (SELECT x.*,
                             row_number() OVER w AS rank,
                             count(*) OVER w AS place
                        FROM session_rsvps x
                       WHERE $1::text IS NULL OR x.event_id = $1
                      WINDOW w AS (PARTITION BY x.session_id, x.status = 'WAITLISTED'
                                   ORDER BY x.waitlist_seq)) r ON r.session_id = se.id
          -- A virtual session's counter is people connected, not seats: not audited here.
          WHERE ($1::text IS NULL OR se.event_id = $1) AND se.format = 'IN_PERSON'
          GROUP BY se.id, sc.session_id
          ORDER BY se.starts_at, se.id",
    )
    .bind(scope.event())
    .fetch_all(pool)
    .await?)
}

/// Every seat invariant in scope that does not hold. Sessions without a counter row are
/// reported too (the counter row is created with the session).
pub async fn seat_violations(pool: &PgPool, scope: &Scope) -> Result<Vec<Violation>> {
    let mut v = Vec::new();
    let counts = seat_counts(pool, scope).await?;
    let mut free_with_queue = Vec::new();
    for s in &counts {
        let subject = format!("session {}", s.session_id);
        let taken = s.taken();
        if let Some(cap) = s.capacity
            && taken > i64::from(cap)
        {
            v.push(Violation::new(
                &subject,
                Rule::OverCapacity,
                format!("{taken} seats taken, capacity {cap}"),
            ));
        }
        if let Some(cap) = s.capacity
            && s.inside > i64::from(cap)
        {
            v.push(Violation::new(
                &subject,
                Rule::OccupancyOverCapacity,
                format!("{} people inside, capacity {cap}", s.inside),
            ));
        }
        if i64::from(s.current_occupancy) != s.inside {
            v.push(Violation::new(
                &subject,
                Rule::SeatCounterDrift,
                format!(
                    "occupancy counter says {} inside, the rows say {}",
                    s.current_occupancy, s.inside
                ),
            ));
        }
        if i64::from(s.current_attendance) != taken || i64::from(s.waitlist_length) != s.waitlisted
        {
            v.push(Violation::new(
                &subject,
                Rule::SeatCounterDrift,
                format!(
                    "counters say {} taken and {} waiting, the rows say {taken} and {}",
                    s.current_attendance, s.waitlist_length, s.waitlisted
                ),
            ));
        }
        if s.distinct_users != s.rows {
            v.push(Violation::new(
                &subject,
                Rule::DuplicateRsvp,
                format!("{} RSVP rows for {} users", s.rows, s.distinct_users),
            ));
        }
        if s.misplaced > 0 {
            v.push(Violation::new(
                &subject,
                Rule::WaitlistGap,
                format!(
                    "{} of {} waitlisted people are not at their place in a gapless queue",
                    s.misplaced, s.waitlisted
                ),
            ));
        }
        if !s.waitlist_enabled && s.waitlisted > 0 {
            v.push(Violation::new(
                &subject,
                Rule::WaitlistDisabled,
                format!(
                    "{} people wait although the session has no waitlist",
                    s.waitlisted
                ),
            ));
        }
        if s.inconsistent_rows > 0 {
            v.push(Violation::new(
                &subject,
                Rule::InconsistentRsvp,
                format!(
                    "{} RSVP rows whose columns contradict their status",
                    s.inconsistent_rows
                ),
            ));
        }
        if s.upcoming && s.waitlisted > 0 && s.free_seat() {
            free_with_queue.push(s.session_id.clone());
        }
    }
    // Only people the ledger would offer a seat to count: no clash with their confirmed
    // schedule (the ledger's own `capctl_clashes`), or an RSVP that allows overlaps.
    if !free_with_queue.is_empty() {
        let eligible: Vec<(String, i64)> = sqlx::query_as(
            "SELECT r.session_id, count(*)
               FROM session_rsvps r JOIN sessions se ON se.id = r.session_id
              WHERE r.session_id = ANY($1) AND r.status = 'WAITLISTED'
                AND (r.allow_overlap
                     OR cardinality(capctl_clashes(r.user_id, r.session_id, se.starts_at, se.ends_at)) = 0)
              GROUP BY r.session_id ORDER BY r.session_id",
        )
        .bind(&free_with_queue)
        .fetch_all(pool)
        .await?;
        for (session, waiting) in eligible {
            let s = counts
                .iter()
                .find(|s| s.session_id == session)
                .expect("asked for sessions of this audit");
            v.push(Violation::new(
                format!("session {session}"),
                Rule::SeatFreeWhileWaiting,
                format!(
                    "{waiting} people who could take a seat wait while {} of {} seats are taken",
                    s.taken(),
                    s.capacity
                        .map_or_else(|| "unlimited".into(), |c| c.to_string())
                ),
            ));
        }
    }
    let orphans: Vec<String> = sqlx::query_scalar(
        "SELECT se.id FROM sessions se
          WHERE ($1::text IS NULL OR se.event_id = $1)
            AND NOT EXISTS (SELECT 1 FROM session_capacity sc WHERE sc.session_id = se.id)
          ORDER BY se.id",
    )
    .bind(scope.event())
    .fetch_all(pool)
    .await?;
    v.extend(orphans.into_iter().map(|id| {
        Violation::new(
            format!("session {id}"),
            Rule::SeatCounterDrift,
            "no counter row",
        )
    }));
    Ok(v)
}

/// One room as Redis holds it, read by the sweep script in look-only mode: one atomic look,
/// as of the Redis server's clock, that changes nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomState {
    pub room: Room,
    /// The limit in PostgreSQL (the truth); `None` = unlimited.
    pub limit: Option<u64>,
    /// Leases not yet expired.
    pub live: u64,
    /// Expired leases nobody has reaped yet.
    pub expired: u64,
    /// The O(1) counter other services read (`None`: no counter key, or not a number).
    pub counter: Option<u64>,
    /// The counter judged against the leases by the presence rule ([`CounterState::judge`]).
    pub counter_state: CounterState,
    /// Of `live`, leases held for their owner during the grace period.
    pub in_grace: u64,
    /// Live places in the room's queue.
    pub queued: u64,
    /// Viewers holding leases on more devices than the stream's cap.
    pub over_device_cap: u64,
    /// Queue places half-written (in the line without an expiry, or the other way round).
    pub stray_places: u64,
}

/// Snapshots of `rooms` under the backends' Redis prefix, with their limits from PostgreSQL.
pub async fn room_states(b: &Backends, rooms: &[Room]) -> Result<Vec<RoomState>> {
    // One query for every limit; a room PostgreSQL does not know has none.
    let mut known = all_limits_from_pg(b.pg().await?).await?;
    known.extend(
        crate::presence::session_settings_from_pg(b.pg().await?, rooms)
            .await?
            .into_iter()
            .map(|(room, s)| (room, s.limit)),
    );
    let mut conn = b.redis().await?.clone();
    let mut out = Vec::with_capacity(rooms.len());
    for batch in rooms.chunks(500) {
        let calls: Vec<_> = batch
            .iter()
            .map(|room| sweep_call(b.redis_prefix(), room, 0, true))
            .collect();
        let replies: Vec<SweepReply> = run_all(&mut conn, &calls).await?;
        for (room, reply) in batch.iter().zip(replies) {
            out.push(RoomState {
                room: room.clone(),
                limit: known.get(room).copied().flatten(),
                live: reply.live,
                expired: reply.expired,
                counter: reply.counter.as_deref().and_then(|c| c.parse().ok()),
                counter_state: reply.counter_state(),
                in_grace: reply.in_grace,
                queued: reply.queued,
                over_device_cap: reply.over_device_cap,
                stray_places: reply.stray_places,
            });
        }
    }
    Ok(out)
}

/// The rooms in scope: every event's stream, booth and virtual session, or one event's.
pub async fn rooms(pool: &PgPool, scope: &Scope) -> Result<Vec<Room>> {
    let virtual_sessions: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM sessions WHERE format = 'VIRTUAL' AND ($1::text IS NULL OR event_id = $1)
          ORDER BY id",
    )
    .bind(scope.event())
    .fetch_all(pool)
    .await?;
    let mut rooms = rooms_without_sessions(pool, scope).await?;
    for id in virtual_sessions {
        rooms.push(Room::session(&id)?);
    }
    Ok(rooms)
}

async fn rooms_without_sessions(pool: &PgPool, scope: &Scope) -> Result<Vec<Room>> {
    Ok(match scope {
        Scope::All => all_limits_from_pg(pool).await?.into_keys().collect(),
        Scope::Event(id) => {
            let mut rooms = vec![Room::Stream(id.clone())];
            for booth in booths::list_booths(pool, id).await? {
                rooms.push(Room::booth(&booth.booth_id)?);
            }
            rooms
        }
    })
}

/// The presence invariants of the given rooms that do not hold.
pub fn room_violations(states: &[RoomState]) -> Vec<Violation> {
    let mut v = Vec::new();
    for s in states {
        if let Some(limit) = s.limit
            && s.live > limit
        {
            v.push(Violation::new(
                s.room.to_string(),
                Rule::OverLimit,
                format!("{} live leases, limit {limit}", s.live),
            ));
        }
        if s.over_device_cap > 0 {
            v.push(Violation::new(
                s.room.to_string(),
                Rule::DeviceCap,
                format!("{} viewers above the device cap", s.over_device_cap),
            ));
        }
        if s.stray_places > 0 {
            v.push(Violation::new(
                s.room.to_string(),
                Rule::QueueStray,
                format!("{} half-written queue places", s.stray_places),
            ));
        }
        if s.counter_state == CounterState::Drift {
            v.push(Violation::new(
                s.room.to_string(),
                Rule::PresenceCounterDrift,
                format!(
                    "counter {} but {} live leases and {} expired ones not yet reaped",
                    s.counter
                        .map_or_else(|| "missing".to_string(), |c| c.to_string()),
                    s.live,
                    s.expired
                ),
            ));
        }
    }
    v
}

/// Every presence invariant in scope that does not hold.
pub async fn presence_violations(b: &Backends, scope: &Scope) -> Result<Vec<Violation>> {
    let rooms = rooms(b.pg().await?, scope).await?;
    Ok(room_violations(&room_states(b, &rooms).await?))
}

/// Seats and presence together.
pub async fn violations(b: &Backends, scope: &Scope) -> Result<Vec<Violation>> {
    let mut v = seat_violations(b.pg().await?, scope).await?;
    v.extend(presence_violations(b, scope).await?);
    Ok(v)
}

/// An exported CSV against the database: one record per row the filter selects (as
/// `export::count_rows` counts them), and a file that parses as CSV.
pub async fn export_violations(
    pool: &PgPool,
    filter: &ExportFilter,
    csv: &Path,
) -> Result<Vec<Violation>> {
    let subject = format!("export of event {}", filter.event_id);
    let rows = export::count_rows(pool, filter).await?;
    Ok(match count_csv_records(csv) {
        Err(e) => vec![Violation::new(
            subject,
            Rule::ExportRecords,
            format!("the CSV cannot be read back: {e}"),
        )],
        Ok(records) if records != rows => vec![Violation::new(
            subject,
            Rule::ExportRecords,
            format!("the CSV holds {records} records, {rows} RSVPs exist"),
        )],
        Ok(_) => Vec::new(),
    })
}

/// Data records of a CSV file (the header excluded).
pub fn count_csv_records(path: &Path) -> anyhow::Result<u64> {
    let mut reader = csv::Reader::from_path(path)?;
    let mut n = 0;
    let mut record = csv::ByteRecord::new();
    while reader.read_byte_record(&mut record)? {
        n += 1;
    }
    Ok(n)
}
