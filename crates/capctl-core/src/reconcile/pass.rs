//! One reconcile pass over both stores; `check` runs the same code with every write skipped.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;
use std::time::Instant;

use serde::Serialize;
use sqlx::PgPool;

use crate::backends::Backends;
use crate::backends::redis::{RedisConn, run_batch, scan_match};
use crate::presence::{
    CounterState, Occupancy, PresenceScript, Room, RoomSettings, ScriptCall, SweepReply,
    all_settings_from_pg, run_all, session_settings_from_pg, sweep_call,
};
use crate::{Error, Result};

/// How much work one Redis call of a pass may do.
#[derive(Debug, Clone)]
pub struct ReconcileOptions {
    /// Change nothing, only report.
    pub check: bool,
    /// COUNT hint of each SCAN over the prefix's keys.
    pub scan_count: usize,
    /// Most expired leases one script call drops.
    pub prune_chunk: usize,
    /// Rooms per pipeline.
    pub room_batch: usize,
    /// Queue reminders for sessions starting within this long (not with `check`).
    pub reminders_within: Option<std::time::Duration>,
    /// Audit every session's seats, ended ones too (`--full`). A default pass checks the
    /// sessions not yet ended: ended ones cannot drift by capctl's rules, so the pass costs
    /// what the live sessions hold, not the history.
    pub full: bool,
}

impl Default for ReconcileOptions {
    fn default() -> Self {
        Self {
            check: false,
            scan_count: 5000,
            prune_chunk: 500,
            room_batch: 100,
            reminders_within: None,
            full: false,
        }
    }
}

/// Rooms per census script call (or per pipeline of plain reads, six each).
const CENSUS_BATCH: usize = 1000;

/// What one pass fixed (or, with `check`, found to fix).
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct ReconcileReport {
    pub check: bool,
    /// Expired leases dropped (with check: expired leases still stored; not drift by
    /// itself, since no script counts them as live).
    pub leases_expired: u64,
    /// Presence counters rewritten from their live leases (with check: to rewrite), whether
    /// they were only behind by unreaped expired leases or drifted.
    pub counters_fixed: u64,
    /// Of those, counters that expiry does not explain (see `presence::CounterState`): drift.
    pub counters_drifted: u64,
    /// Lease lengths kept for members that hold no lease (drift: scripts drop both at once).
    pub lease_ttls_fixed: u64,
    /// Queue places not refreshed in time, dropped (with check: found). Not drift: the
    /// scripts prune them as they go.
    pub queue_places_expired: u64,
    /// Queue places half-written (in the line without an expiry, or the other way round),
    /// dropped (with check: found). Drift: the scripts write both at once.
    pub queue_places_fixed: u64,
    /// Device entries whose lease is gone, dropped (with check: found). Not drift: device
    /// lists are pruned lazily.
    pub device_entries_pruned: u64,
    /// Viewers found holding more devices than their stream's cap (left alone: lowering the
    /// cap evicts nobody). Drift unless the cap was lowered.
    pub over_device_cap: u64,
    /// Leases that lapsed and are held for their owner (grace) when the pass looked.
    pub leases_in_grace: u64,
    /// Cached limits that disagreed with PostgreSQL, or were cached for a room that is gone.
    pub limits_fixed: u64,
    /// Limits that were not cached and now are (not drift: a missing cache is loaded on use).
    pub limits_cached: u64,
    /// `session_capacity` rows whose counters disagreed with the RSVPs.
    pub sessions_fixed: u64,
    /// Waitlist offers past their expiry.
    pub offers_expired: u64,
    /// Freed seats offered to the next in line (with check: offers a pass would send).
    pub offers_sent: u64,
    /// Reminder rows queued in the outbox (with `reminders_within`).
    pub reminders_queued: u64,
    /// No-show seats released in sessions past their grace (with check: to release).
    pub no_shows_released: u64,
    /// Virtual sessions whose `current_attendance` was written from their live leases (with
    /// check: that differ). Only sessions whose joins capctl enforces (keys in Redis).
    pub virtual_attendance_written: u64,
    /// Rooms with keys in Redis.
    pub rooms: u64,
    /// Live leases over all rooms.
    pub live: u64,
    pub duration_ms: u64,
    /// Something was off (drifted counters, stray lease lengths, limits, sessions, overdue
    /// offers). Expired leases not yet reaped, and counters behind because of them, are not.
    pub drift: bool,
    /// Live leases per room with keys in Redis, for metrics.
    #[serde(skip)]
    pub occupancy: Vec<Occupancy>,
    /// The pass reused the last pass's census (see [`CensusMemory`]) instead of walking Redis.
    #[serde(skip)]
    pub census_reused: bool,
}

impl ReconcileReport {
    fn has_drift(&self) -> bool {
        // A seat free while an eligible user waits is a ghost seat: drift, as CLI.md's
        // "anything is off" means.
        self.counters_drifted
            + self.lease_ttls_fixed
            + self.queue_places_fixed
            + self.limits_fixed
            + self.sessions_fixed
            + self.offers_expired
            + self.offers_sent
            + self.no_shows_released
            > 0
    }

    /// One line saying what was off, for the `--check` error.
    pub fn summary(&self) -> String {
        format!(
            "drift found: {} presence counters, {} stray lease lengths, {} half-written queue places, {} cached limits, {} session counters, {} overdue offers, {} free seats to offer, {} no-shows to release",
            self.counters_drifted,
            self.lease_ttls_fixed,
            self.queue_places_fixed,
            self.limits_fixed,
            self.sessions_fixed,
            self.offers_expired,
            self.offers_sent,
            self.no_shows_released
        )
    }

    /// Adds what the sweep calls of one room found; `first` is the call made before the pass
    /// changed anything in the room, so it alone says how the counter stood.
    fn record_sweep(&mut self, first: bool, reply: &SweepReply) {
        self.leases_expired += reply.dropped;
        self.lease_ttls_fixed += reply.orphan_ttls;
        self.queue_places_expired += reply.dead_places;
        self.queue_places_fixed += reply.stray_places;
        self.device_entries_pruned += reply.stale_devices;
        if first {
            self.over_device_cap += reply.over_device_cap;
            self.leases_in_grace += reply.in_grace;
            match reply.counter_state() {
                CounterState::Exact => {}
                CounterState::Behind => self.counters_fixed += 1,
                CounterState::Drift => {
                    self.counters_fixed += 1;
                    self.counters_drifted += 1;
                }
            }
        }
    }

    fn record_room(
        &mut self,
        room: &Room,
        look: (u64, u64, u64),
        truth: &BTreeMap<Room, RoomSettings>,
    ) {
        let (live, in_grace, queued) = look;
        self.live += live;
        self.occupancy.push(Occupancy {
            room: room.clone(),
            live,
            limit: truth.get(room).and_then(|s| s.limit),
            in_grace,
            queued,
        });
    }
}

/// One reconcile pass.
pub async fn reconcile_pass(b: &Backends, opts: &ReconcileOptions) -> Result<ReconcileReport> {
    let started = Instant::now();
    let pool = b.pg().await?;
    let mut conn = b.redis().await?.clone();
    let mut report = ReconcileReport {
        check: opts.check,
        ..Default::default()
    };
    // The seat ledger and the presence sets are independent: repair both at once, so a pass
    // takes as long as the slower of the two rather than their sum.
    let sessions = async {
        if !opts.check {
            crate::seats::requests::settle_stale(pool).await?;
        }
        let row: (i32, i32, i32) = sqlx::query_as(
            "SELECT sessions_fixed, offers_expired, offers_sent
               FROM capctl_reconcile_sessions($1, $2)",
        )
        .bind(opts.check)
        .bind(opts.full)
        .fetch_one(pool)
        .await?;
        if !opts.check {
            // Followers killed with -9 leave their doorbell registration: seat transactions
            // would go on notifying nobody.
            sqlx::query("SELECT capctl_outbox_prune_listeners()")
                .execute(pool)
                .await?;
        }
        Ok::<_, Error>(row)
    };
    let presence = reconcile_presence(
        &mut conn,
        pool,
        b.redis_prefix(),
        opts,
        b.census_memory(),
        &mut report,
    );
    let (presence, sessions) = tokio::join!(presence, sessions);
    presence?;
    let (sessions_fixed, offers_expired, offers_sent) = sessions?;
    report.sessions_fixed = sessions_fixed.max(0) as u64;
    report.offers_expired = offers_expired.max(0) as u64;
    report.offers_sent = offers_sent.max(0) as u64;
    // After the seats pass (no offers are made after a start, so the order is only tidiness).
    report.no_shows_released = crate::seats::door::release_due_no_shows(pool, opts.check)
        .await?
        .1;
    let virtual_live: Vec<(crate::ids::SessionId, u64)> = report
        .occupancy
        .iter()
        .filter_map(|o| match &o.room {
            Room::Session(id) => Some((id.clone(), o.live)),
            _ => None,
        })
        .collect();
    report.virtual_attendance_written =
        crate::seats::virtual_sessions::write_attendance(pool, &virtual_live, opts.check).await?;
    if let (Some(within), false) = (opts.reminders_within, opts.check) {
        report.reminders_queued = crate::outbox::queue_reminders(pool, within, None)
            .await?
            .queued as u64;
    }

    report.drift = report.has_drift();
    report.duration_ms = started.elapsed().as_millis() as u64;
    Ok(report)
}

/// The presence half of a pass: cached limits, expired leases, counters. On a Redis Cluster
/// every step runs per primary: SCAN walks each one, and each pipeline holds one primary's
/// rooms (at most `room_batch` script calls, or `CENSUS_BATCH` rooms of plain reads).
async fn reconcile_presence(
    conn: &mut RedisConn,
    pool: &PgPool,
    prefix: &str,
    opts: &ReconcileOptions,
    memory: &Mutex<Option<CensusMemory>>,
    report: &mut ReconcileReport,
) -> Result<()> {
    let started = Instant::now();
    // PostgreSQL's limits are read while Redis is walked. A cached limit is only ever written
    // from limits read after the cache was (so a swap lands only if no set-limit came between):
    // when the census finds any cached limit that differs from this early read, the limits are
    // read again below; an idle pass finds none and writes nothing.
    let walk = async {
        // On one node: the server's write mark, before anything is read, and the last census
        // when nothing was written since and no lease has fallen due.
        let mark = match conn.is_cluster() {
            true => None,
            false => write_mark(conn).await?,
        };
        let last = memory.lock().expect("census memory").take();
        if let (Some((now_mark, now_ms)), Some(last)) = (&mark, last)
            && last.still_true(prefix, now_mark, *now_ms)
        {
            tracing::debug!(
                rooms = last.rooms.len(),
                "reconcile: Redis unwritten since the last census, reused"
            );
            return Ok::<_, Error>((last.rooms, last.looks, Some(now_mark.clone()), true));
        }
        let found = scan_rooms(conn, prefix, opts.scan_count).await?;
        let scanned = started.elapsed();
        let looks = census(conn, prefix, &found).await?;
        tracing::debug!(
            rooms = found.len(),
            scan_ms = scanned.as_millis() as u64,
            census_ms = (started.elapsed() - scanned).as_millis() as u64,
            "reconcile: Redis walked"
        );
        Ok((found, looks, mark.map(|(m, _)| m), false))
    };
    let (walked, early) = tokio::join!(walk, all_settings_from_pg(pool));
    let (found, looks, mark, reused) = walked?;
    report.census_reused = reused;
    let redis_list: Vec<Room> = found.iter().map(|(room, _)| room.clone()).collect();
    let mut truth = early?;
    report.rooms = redis_list.len() as u64;
    let cached: BTreeMap<Room, Option<String>> = redis_list
        .iter()
        .zip(&looks)
        .map(|(room, look)| (room.clone(), look.limit.clone()))
        .collect();
    let sessions = session_settings_from_pg(pool, &redis_list).await?;
    truth.extend(sessions.clone());
    if limits_differ(&cached, &truth) {
        truth = all_settings_from_pg(pool).await?;
        truth.extend(sessions);
    }
    let wrote_limits = fix_limits(conn, prefix, opts, &cached, &truth, report).await?;
    let mut dirty = Vec::new();
    for (room, look) in redis_list.iter().zip(&looks) {
        match look.clean {
            Some(live) => report.record_room(room, (live, 0, 0), &truth),
            None => dirty.push(room.clone()),
        }
    }
    let dirty_rooms = dirty.len();
    sweep_rooms(conn, prefix, opts, &dirty, &truth, report).await?;
    // Kept for the next pass only when this one wrote nothing to Redis: every room clean (no
    // sweep) and no cached limit swapped.
    if let (Some(mark), true) = (mark, dirty.is_empty() && !wrote_limits) {
        *memory.lock().expect("census memory") =
            Some(CensusMemory::new(prefix, mark, found, looks));
    }
    tracing::debug!(
        dirty_rooms,
        ms = started.elapsed().as_millis() as u64,
        "reconcile: presence done"
    );
    Ok(())
}

/// Whether any room's cached limit differs from PostgreSQL's (missing on either side too).
fn limits_differ(
    cached: &BTreeMap<Room, Option<String>>,
    truth: &BTreeMap<Room, RoomSettings>,
) -> bool {
    let want = |room: &Room| truth.get(room).map(RoomSettings::cache_value);
    cached.iter().any(|(room, have)| *have != want(room))
        || truth.keys().any(|room| !cached.contains_key(room))
}

/// Every room with at least one key under the prefix, found by SCAN (never KEYS), on every
/// primary of a cluster, and whether SCAN saw a queue or device list of it. The pattern names
/// only the prefix and the opening of the hash tag: Redis matches it against every key of the
/// keyspace, and a pattern ending in one `*` costs less there than one with two.
async fn scan_rooms(conn: &RedisConn, prefix: &str, count: usize) -> Result<Vec<(Room, bool)>> {
    const SUFFIXES: [&str; 7] = [
        "leases", "count", "limit", "ttl", "queue", "places", "devices",
    ];
    let keys = scan_keys(conn, &format!("{prefix}:{{*"), count).await?;
    // A room has several keys: parse (and check) its id once.
    let mut index: std::collections::HashMap<&str, Option<usize>> =
        std::collections::HashMap::new();
    let mut rooms: Vec<(Room, bool)> = Vec::new();
    for key in &keys {
        let Some((tag, suffix)) = key
            .strip_prefix(prefix)
            .and_then(|rest| rest.strip_prefix(":{"))
            .and_then(|rest| rest.split_once("}:"))
            .filter(|(_, suffix)| SUFFIXES.contains(suffix))
        else {
            continue;
        };
        let i = *index.entry(tag).or_insert_with(|| {
            Room::from_key(prefix, key).map(|room| {
                rooms.push((room, false));
                rooms.len() - 1
            })
        });
        if let Some(i) = i {
            rooms[i].1 |= matches!(suffix, "queue" | "places" | "devices");
        }
    }
    rooms.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    Ok(rooms)
}

/// Every key matching `pattern`, read with SCAN in batches of about `count` keys, so no single
/// call blocks Redis for long (KEYS would). On a cluster, every primary is walked.
pub async fn scan_keys(conn: &RedisConn, pattern: &str, count: usize) -> Result<Vec<String>> {
    Ok(scan_match(conn, pattern, count).await?)
}

/// Makes every cached limit equal PostgreSQL's: wrong ones rewritten, ones for rooms that no
/// longer exist dropped, missing ones filled (so the first join after a flush needs no query).
/// Answers whether it wrote to Redis.
async fn fix_limits(
    conn: &mut RedisConn,
    prefix: &str,
    opts: &ReconcileOptions,
    cached: &BTreeMap<Room, Option<String>>,
    truth: &BTreeMap<Room, RoomSettings>,
    report: &mut ReconcileReport,
) -> Result<bool> {
    let rooms: BTreeSet<&Room> = cached.keys().chain(truth.keys()).collect();
    let mut swaps: Vec<ScriptCall> = Vec::new();
    for room in rooms {
        let have = cached.get(room).cloned().flatten();
        let want = truth.get(room).map(RoomSettings::cache_value);
        match (&have, &want) {
            (None, None) => {}
            (None, Some(_)) => report.limits_cached += 1,
            (Some(h), Some(w)) if h == w => continue,
            (Some(_), _) => report.limits_fixed += 1,
        }
        if have.is_some() || want.is_some() {
            swaps.push(ScriptCall::new(
                PresenceScript::LimitSwap,
                &room.keys(prefix),
                vec![have.unwrap_or_default(), want.unwrap_or_default()],
            ));
        }
    }
    if opts.check {
        return Ok(false);
    }
    for batch in swaps.chunks(opts.room_batch.max(1)) {
        run_all::<i64>(conn, batch).await?;
    }
    Ok(!swaps.is_empty())
}

/// What the census found in one room: its cached limit, and its live leases when it is clean
/// (nothing expired, no queue or device lists, no stray lease length, the counter exact). None
/// when the sweep script must look (a lease in grace counts as expired here, so its room is
/// swept too).
#[derive(Debug, Clone)]
pub(crate) struct Look {
    limit: Option<String>,
    clean: Option<u64>,
    /// The room's first lease expiry (ms, server clock), if it holds a lease.
    first_expiry: Option<u64>,
}

/// What the census reads of each room with per-room commands: stored leases, expired leases
/// as of the server's clock (the census reads whether the first lease has expired: 0 or 1),
/// lease lengths.
type RoomReads = (u64, u64, u64);

/// Judges one room from what the census read (and whether SCAN saw queue or device keys).
fn look(
    lists: bool,
    limit: Option<String>,
    counter: Option<String>,
    (stored, expired, lengths): RoomReads,
) -> Look {
    let live = stored.saturating_sub(expired);
    let clean = !lists
        && expired == 0
        && lengths <= stored
        && CounterState::judge(counter.as_deref(), live, expired) == CounterState::Exact;
    Look {
        limit,
        clean: clean.then_some(live),
        first_expiry: None,
    }
}

/// The first lease of a room (`ZRANGE leases 0 0 WITHSCORES`): its expiry, and whether it has
/// expired at `now_ms` (the census's expired count, 0 or 1: a room with any expired lease is
/// swept, and the sweep counts them).
fn first_lease(first: &[(String, f64)], now_ms: u64) -> (Option<u64>, u64) {
    let expiry = first.first().map(|(_, score)| *score as u64);
    (expiry, u64::from(expiry.is_some_and(|e| e <= now_ms)))
}

/// A Redis server's writes as `INFO` tells them: its run, the changes since its last save, the
/// time of that save, and the keys it deleted by itself (expired, evicted). Equal marks mean the
/// server changed no key between them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WriteMark {
    run_id: String,
    changes: String,
    last_save: String,
    expired_keys: String,
    evicted_keys: String,
}

/// The server's write mark and its clock (ms), in one round trip; None when the server does not
/// tell them (`INFO` renamed or trimmed, as on some managed services): every pass walks then.
async fn write_mark(conn: &mut RedisConn) -> Result<Option<(WriteMark, u64)>> {
    let replies: redis::RedisResult<(String, (u64, u64))> = redis::pipe()
        .cmd("INFO")
        .arg("server")
        .arg("persistence")
        .arg("stats")
        .cmd("TIME")
        .query_async(conn)
        .await;
    let (info, (secs, micros)) = match replies {
        Ok(replies) => replies,
        Err(e) if e.is_io_error() || e.is_timeout() || e.is_connection_dropped() => {
            return Err(e.into());
        }
        Err(e) => {
            tracing::debug!("reconcile: no write mark from INFO ({e}): the pass walks");
            return Ok(None);
        }
    };
    let field = |name: &str| {
        info.lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(':'))
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    let mark = WriteMark {
        run_id: field("run_id"),
        changes: field("rdb_changes_since_last_save"),
        last_save: field("rdb_last_save_time"),
        expired_keys: field("expired_keys"),
        evicted_keys: field("evicted_keys"),
    };
    let fields = [
        &mark.run_id,
        &mark.changes,
        &mark.last_save,
        &mark.expired_keys,
        &mark.evicted_keys,
    ];
    if fields.iter().any(|f| f.is_empty()) {
        return Ok(None);
    }
    Ok(Some((mark, secs * 1000 + micros / 1000)))
}

/// What a pass's census found on one Redis node, kept with the command's backends for the next
/// pass. Reused when the server has written nothing since this census began (same run, the same
/// count of changes since its last save, no save since: [`WriteMark`]) and no lease has reached
/// its expiry: then nothing the census reads can differ, and an idle pass costs one round trip
/// instead of a walk over every key. Any write (a join, a heartbeat, a hand-made `INCR`, a
/// flush, another program's writes on the server), a key the server expired or evicted, a
/// restart or a lease falling due makes the next pass walk again. Kept only from a pass that found every room clean and wrote nothing to
/// Redis (its own writes would change the mark anyway). Never on a cluster.
#[derive(Debug)]
pub struct CensusMemory {
    prefix: String,
    mark: WriteMark,
    rooms: Vec<(Room, bool)>,
    looks: Vec<Look>,
    /// The first lease expiry over every room.
    due_ms: Option<u64>,
}

impl CensusMemory {
    fn new(prefix: &str, mark: WriteMark, rooms: Vec<(Room, bool)>, looks: Vec<Look>) -> Self {
        let due_ms = looks.iter().filter_map(|l| l.first_expiry).min();
        Self {
            prefix: prefix.to_string(),
            mark,
            rooms,
            looks,
            due_ms,
        }
    }

    fn still_true(&self, prefix: &str, mark: &WriteMark, now_ms: u64) -> bool {
        self.prefix == prefix && self.mark == *mark && self.due_ms.is_none_or(|due| now_ms < due)
    }
}

/// Reads every room in big pipelines, all in flight at once (one per primary on a cluster),
/// `CENSUS_BATCH` rooms each: the leases (`ZCARD`, `ZCOUNT -inf now`) and lease lengths
/// (`HLEN`) of each room, and on one node the cached limits and counters of the whole batch in
/// one `MGET` (on a cluster, a `GET` each: keys of many slots cannot share a command). Whether
/// a room has queue or device lists comes from the keys SCAN listed, so it costs nothing more.
/// Clean rooms need nothing more; the others need the sweep script (which judges them again,
/// with the same rule, as it finds them). An idle pass over 10k rooms thus costs three cheap
/// commands per room instead of a script call each (380 ms) or six commands each (see
/// BENCHMARKS.md, `capctl bench reconcile`). A lease expiring, a join or a queue landing after
/// SCAN or the census is seen by the next pass; joins keep the counter themselves. On a cluster
/// the clock is one node's: a skew between nodes only moves a lease that expires within it to
/// the next pass (the scripts use their own node's clock).
async fn census(conn: &mut RedisConn, prefix: &str, rooms: &[(Room, bool)]) -> Result<Vec<Look>> {
    if rooms.is_empty() {
        return Ok(Vec::new());
    }
    let (secs, micros): (u64, u64) = redis::cmd("TIME").query_async(conn).await?;
    let now_ms = secs * 1000 + micros / 1000;
    let keys: Vec<(crate::presence::RoomKeys, bool)> = rooms
        .iter()
        .map(|(r, lists)| (r.keys(prefix), *lists))
        .collect();
    let per_room = |pipe: &mut redis::Pipeline, k: &crate::presence::RoomKeys| {
        pipe.cmd("ZCARD").arg(&k.leases);
        pipe.cmd("ZRANGE")
            .arg(&k.leases)
            .arg(0)
            .arg(0)
            .arg("WITHSCORES");
        pipe.cmd("HLEN").arg(&k.ttl);
    };
    if conn.is_cluster() {
        type Reply = (Option<String>, Option<String>, u64, Vec<(String, f64)>, u64);
        let replies = futures::future::try_join_all(keys.chunks(CENSUS_BATCH).map(|batch| {
            let conn = conn.clone();
            async move {
                run_batch::<_, Reply, _, _>(
                    &conn,
                    batch,
                    5,
                    |(k, _)| k.leases.as_str(),
                    |pipe, (k, _)| {
                        pipe.cmd("GET").arg(&k.limit);
                        pipe.cmd("GET").arg(&k.count);
                        per_room(pipe, k);
                    },
                    &[],
                )
                .await
            }
        }))
        .await?;
        return Ok(replies
            .into_iter()
            .flatten()
            .zip(&keys)
            .map(|((limit, counter, stored, first, lengths), (_, lists))| {
                let (first_expiry, expired) = first_lease(&first, now_ms);
                Look {
                    first_expiry,
                    ..look(*lists, limit, counter, (stored, expired, lengths))
                }
            })
            .collect());
    }
    let batches = futures::future::try_join_all(keys.chunks(CENSUS_BATCH).map(|batch| {
        let mut conn = conn.clone();
        async move {
            let mut pipe = redis::pipe();
            let mget = pipe.cmd("MGET");
            for (k, _) in batch {
                mget.arg(&k.limit).arg(&k.count);
            }
            for (k, _) in batch {
                per_room(&mut pipe, k);
            }
            let mut replies: Vec<redis::Value> = pipe.query_async(&mut conn).await?;
            let reads = replies.split_off(1.min(replies.len()));
            let values: Vec<Option<String>> = match replies.pop() {
                Some(v) => redis::from_redis_value(v).map_err(redis::RedisError::from)?,
                None => Vec::new(),
            };
            if values.len() != batch.len() * 2 || reads.len() != batch.len() * 3 {
                return Err(Error::Internal(anyhow::anyhow!(
                    "unexpected census reply from Redis"
                )));
            }
            let mut reads = reads.into_iter();
            let mut next = || reads.next().expect("three reads per room");
            batch
                .iter()
                .zip(values.chunks_exact(2))
                .map(|((_, lists), v)| {
                    let stored: u64 = redis::from_redis_value(next())?;
                    let first: Vec<(String, f64)> = redis::from_redis_value(next())?;
                    let lengths: u64 = redis::from_redis_value(next())?;
                    let (first_expiry, expired) = first_lease(&first, now_ms);
                    Ok(Look {
                        first_expiry,
                        ..look(
                            *lists,
                            v[0].clone(),
                            v[1].clone(),
                            (stored, expired, lengths),
                        )
                    })
                })
                .collect::<std::result::Result<Vec<_>, redis::ParsingError>>()
                .map_err(|e| Error::from(redis::RedisError::from(e)))
        }
    }))
    .await?;
    Ok(batches.into_iter().flatten().collect())
}

/// Drops expired leases in the rooms the census found not clean, at most `prune_chunk` per
/// script call, looping over the rooms that still have some; each call rewrites the room's
/// counter from its live leases. With `check` the same calls run in look-only mode.
async fn sweep_rooms(
    conn: &mut RedisConn,
    prefix: &str,
    opts: &ReconcileOptions,
    dirty: &[Room],
    truth: &BTreeMap<Room, RoomSettings>,
    report: &mut ReconcileReport,
) -> Result<()> {
    for batch in dirty.chunks(opts.room_batch.max(1)) {
        let mut pending: Vec<&Room> = batch.iter().collect();
        let mut first = true;
        while !pending.is_empty() {
            let calls: Vec<ScriptCall> = pending
                .iter()
                .map(|room| sweep_call(prefix, room, opts.prune_chunk.max(1), opts.check))
                .collect();
            let replies: Vec<SweepReply> = run_all(conn, &calls).await?;
            let mut again = Vec::new();
            for (room, reply) in pending.into_iter().zip(replies) {
                report.record_sweep(first, &reply);
                if reply.more {
                    again.push(room);
                } else {
                    report.record_room(room, (reply.live, reply.in_grace, reply.queued), truth);
                }
            }
            pending = again;
            first = false;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::look;

    fn clean(lists: bool, counter: Option<&str>, reads: (u64, u64, u64)) -> Option<u64> {
        look(lists, None, counter.map(str::to_string), reads).clean
    }

    #[test]
    fn the_census_calls_a_room_clean_only_when_the_sweep_would_find_nothing() {
        // (stored leases, expired leases, lease lengths)
        assert_eq!(clean(false, Some("3"), (3, 0, 3)), Some(3));
        assert_eq!(clean(false, None, (0, 0, 0)), Some(0), "an empty room");
        assert_eq!(clean(false, Some("0"), (0, 0, 0)), Some(0));
        assert_eq!(
            clean(true, Some("3"), (3, 0, 3)),
            None,
            "a queue or device list"
        );
        assert_eq!(clean(false, Some("3"), (3, 1, 3)), None, "an expired lease");
        assert_eq!(
            clean(false, Some("2"), (3, 1, 3)),
            None,
            "expired, counter exact"
        );
        assert_eq!(
            clean(false, Some("3"), (3, 0, 4)),
            None,
            "a stray lease length"
        );
        assert_eq!(
            clean(false, Some("4"), (3, 0, 3)),
            None,
            "a counter INCRed by hand"
        );
        assert_eq!(
            clean(false, Some("1"), (0, 0, 0)),
            None,
            "INCRed in an empty room"
        );
        assert_eq!(clean(false, None, (2, 0, 2)), None, "a missing counter");
        assert_eq!(clean(false, Some("x"), (0, 0, 0)), None, "not a number");
    }
}
