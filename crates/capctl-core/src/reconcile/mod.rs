//! Reconcile: repairs what drifted. One pass prunes expired leases in bounded batches, rewrites
//! presence counters from the lease sets, refreshes cached limits from PostgreSQL, and lets the
//! seat ledger (`capctl_reconcile_sessions`) fix session counters and pass overdue offers on.
//! With `check` nothing changes and the report says what a real pass would fix.

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use redis::aio::ConnectionManager;
use serde::Serialize;
use sqlx::PgPool;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::backends::Backends;
use crate::presence::{
    Occupancy, Room, all_limits_from_pg, limit_swap_script, limit_value, query_script_pipeline,
    sweep_script,
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
}

impl Default for ReconcileOptions {
    fn default() -> Self {
        Self {
            check: false,
            scan_count: 5000,
            prune_chunk: 500,
            room_batch: 100,
        }
    }
}

/// What one pass fixed (or, with `check`, found to fix).
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct ReconcileReport {
    pub check: bool,
    /// Expired leases dropped (with check: expired leases still stored; not drift by
    /// itself, since no script counts them as live).
    pub leases_expired: u64,
    /// Presence counters that disagreed with their live leases.
    pub counters_fixed: u64,
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
    /// Rooms with keys in Redis.
    pub rooms: u64,
    /// Live leases over all rooms.
    pub live: u64,
    pub duration_ms: u64,
    /// Something was off (counters, limits, sessions, overdue offers).
    pub drift: bool,
    /// Live leases per room with keys in Redis, for metrics.
    #[serde(skip)]
    pub occupancy: Vec<Occupancy>,
}

impl ReconcileReport {
    fn has_drift(&self) -> bool {
        // A seat free while an eligible user waits is a ghost seat: drift, as CLI.md's
        // "anything is off" means.
        self.counters_fixed
            + self.limits_fixed
            + self.sessions_fixed
            + self.offers_expired
            + self.offers_sent
            > 0
    }

    /// One line saying what was off, for the `--check` error.
    pub fn summary(&self) -> String {
        format!(
            "drift found: {} presence counters, {} cached limits, {} session counters, {} overdue offers, {} free seats to offer",
            self.counters_fixed,
            self.limits_fixed,
            self.sessions_fixed,
            self.offers_expired,
            self.offers_sent
        )
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
        let row: (i32, i32, i32) = sqlx::query_as(
            "SELECT sessions_fixed, offers_expired, offers_sent FROM capctl_reconcile_sessions($1)",
        )
        .bind(opts.check)
        .fetch_one(pool)
        .await?;
        Ok::<_, Error>(row)
    };
    let presence = reconcile_presence(&mut conn, pool, b.redis_prefix(), opts, &mut report);
    let (presence, sessions) = tokio::join!(presence, sessions);
    presence?;
    let (sessions_fixed, offers_expired, offers_sent) = sessions?;
    report.sessions_fixed = sessions_fixed.max(0) as u64;
    report.offers_expired = offers_expired.max(0) as u64;
    report.offers_sent = offers_sent.max(0) as u64;

    report.drift = report.has_drift();
    report.duration_ms = started.elapsed().as_millis() as u64;
    Ok(report)
}

/// The presence half of a pass: cached limits, expired leases, counters.
async fn reconcile_presence(
    conn: &mut ConnectionManager,
    pool: &PgPool,
    prefix: &str,
    opts: &ReconcileOptions,
    report: &mut ReconcileReport,
) -> Result<()> {
    let redis_rooms = scan_rooms(conn, prefix, opts.scan_count).await?;
    report.rooms = redis_rooms.len() as u64;
    // Read the cache before PostgreSQL: a swap then only lands if no set-limit came between.
    let redis_list: Vec<Room> = redis_rooms.into_iter().collect();
    // Plain GETs are cheap: big pipelines, all in flight at once on the multiplexed connection.
    let values = futures::future::try_join_all(redis_list.chunks(CENSUS_BATCH).map(|batch| {
        let mut pipe = redis::pipe();
        for room in batch {
            pipe.cmd("GET").arg(room.keys(prefix).limit);
        }
        let mut conn = conn.clone();
        async move { pipe.query_async::<Vec<Option<String>>>(&mut conn).await }
    }))
    .await?;
    let cached: BTreeMap<Room, Option<String>> = redis_list
        .iter()
        .cloned()
        .zip(values.into_iter().flatten())
        .collect();

    let truth = all_limits_from_pg(pool).await?;
    fix_limits(conn, prefix, opts, &cached, &truth, report).await?;
    sweep_rooms(conn, prefix, opts, &redis_list, &truth, report).await
}

/// Every room with at least one key under the prefix, found by SCAN (never KEYS).
async fn scan_rooms(
    conn: &mut ConnectionManager,
    prefix: &str,
    count: usize,
) -> Result<BTreeSet<Room>> {
    let keys = scan_keys(conn, &Room::scan_pattern(prefix), count).await?;
    Ok(keys
        .iter()
        .filter_map(|k| Room::from_key(prefix, k))
        .collect())
}

/// Every key matching `pattern`, read with SCAN in batches of about `count` keys, so no single
/// call blocks Redis for long (KEYS would).
pub async fn scan_keys(
    conn: &mut ConnectionManager,
    pattern: &str,
    count: usize,
) -> Result<Vec<String>> {
    let mut found = Vec::new();
    let mut cursor: u64 = 0;
    loop {
        let (next, keys): (u64, Vec<String>) = redis::cmd("SCAN")
            .arg(cursor)
            .arg("MATCH")
            .arg(pattern)
            .arg("COUNT")
            .arg(count.max(1))
            .query_async(conn)
            .await?;
        found.extend(keys);
        if next == 0 {
            return Ok(found);
        }
        cursor = next;
    }
}

/// Makes every cached limit equal PostgreSQL's: wrong ones rewritten, ones for rooms that no
/// longer exist dropped, missing ones filled (so the first join after a flush needs no query).
async fn fix_limits(
    conn: &mut ConnectionManager,
    prefix: &str,
    opts: &ReconcileOptions,
    cached: &BTreeMap<Room, Option<String>>,
    truth: &BTreeMap<Room, Option<u64>>,
    report: &mut ReconcileReport,
) -> Result<()> {
    let rooms: BTreeSet<&Room> = cached.keys().chain(truth.keys()).collect();
    let mut swaps: Vec<(String, String, String)> = Vec::new();
    for room in rooms {
        let have = cached.get(room).cloned().flatten();
        let want = truth.get(room).map(|l| limit_value(*l));
        match (&have, &want) {
            (None, None) => {}
            (None, Some(_)) => report.limits_cached += 1,
            (Some(h), Some(w)) if h == w => continue,
            (Some(_), _) => report.limits_fixed += 1,
        }
        if have.is_some() || want.is_some() {
            swaps.push((
                room.keys(prefix).limit,
                have.unwrap_or_default(),
                want.unwrap_or_default(),
            ));
        }
    }
    if opts.check {
        return Ok(());
    }
    for batch in swaps.chunks(opts.room_batch.max(1)) {
        let mut pipe = redis::pipe();
        for (key, expected, new) in batch {
            pipe.invoke_script(limit_swap_script().key(key).arg(expected).arg(new))
                .ignore();
        }
        query_script_pipeline::<()>(conn, &pipe).await?;
    }
    Ok(())
}

/// Rooms per pipeline of the census: three plain O(log n) reads each.
const CENSUS_BATCH: usize = 1000;

/// Reads every room with plain commands (expired leases as of the server's clock, leases,
/// counter) and records the clean ones (nothing expired, counter right); returns the others,
/// which need the sweep script. An idle pass over 10k rooms thus costs a few pipelines instead
/// of 10k script calls (found with `capctl bench reconcile`: 380 ms before, see BENCHMARKS.md).
/// A lease expiring or a join landing after the census is seen by the next pass; joins keep
/// the counter themselves.
async fn census(
    conn: &mut ConnectionManager,
    prefix: &str,
    rooms: &[Room],
    truth: &BTreeMap<Room, Option<u64>>,
    report: &mut ReconcileReport,
) -> Result<Vec<Room>> {
    let (secs, micros): (u64, u64) = redis::cmd("TIME").query_async(conn).await?;
    let now_ms = secs * 1000 + micros / 1000;
    let replies = futures::future::try_join_all(rooms.chunks(CENSUS_BATCH).map(|batch| {
        let mut pipe = redis::pipe();
        for room in batch {
            let keys = room.keys(prefix);
            pipe.cmd("ZCOUNT").arg(&keys.leases).arg("-inf").arg(now_ms);
            pipe.cmd("ZCARD").arg(&keys.leases);
            pipe.cmd("GET").arg(&keys.count);
        }
        let mut conn = conn.clone();
        async move {
            pipe.query_async::<Vec<(u64, u64, Option<String>)>>(&mut conn)
                .await
        }
    }))
    .await?;
    let mut dirty = Vec::new();
    {
        for (room, (expired, stored, counter)) in rooms.iter().zip(replies.into_iter().flatten()) {
            let live = stored.saturating_sub(expired);
            let counter_ok = match counter {
                None => live == 0,
                Some(c) => c.parse::<u64>().ok() == Some(live),
            };
            if expired > 0 || !counter_ok {
                dirty.push(room.clone());
                continue;
            }
            report.live += live;
            report.occupancy.push(Occupancy {
                room: room.clone(),
                live,
                limit: truth.get(room).copied().flatten(),
            });
        }
    }
    Ok(dirty)
}

/// Drops expired leases, at most `prune_chunk` per script call, looping over the rooms that
/// still have some; each room's counter is rewritten once its expired leases are gone.
async fn sweep_rooms(
    conn: &mut ConnectionManager,
    prefix: &str,
    opts: &ReconcileOptions,
    rooms: &[Room],
    truth: &BTreeMap<Room, Option<u64>>,
    report: &mut ReconcileReport,
) -> Result<()> {
    let look_only = if opts.check { "1" } else { "0" };
    let dirty = census(conn, prefix, rooms, truth, report).await?;
    for batch in dirty.chunks(opts.room_batch.max(1)) {
        let mut pending: Vec<&Room> = batch.iter().collect();
        while !pending.is_empty() {
            let mut pipe = redis::pipe();
            for room in &pending {
                let keys = room.keys(prefix);
                pipe.invoke_script(
                    sweep_script()
                        .key(&keys.leases)
                        .key(&keys.count)
                        .arg(opts.prune_chunk.max(1))
                        .arg(look_only),
                );
            }
            let replies: Vec<(i64, i64, i64, i64)> = query_script_pipeline(conn, &pipe).await?;
            let mut again = Vec::new();
            for (room, (expired, more, live, counter_wrong)) in pending.into_iter().zip(replies) {
                report.leases_expired += expired.max(0) as u64;
                if more == 1 {
                    again.push(room);
                    continue;
                }
                report.counters_fixed += counter_wrong.max(0) as u64;
                let live = live.max(0) as u64;
                report.live += live;
                report.occupancy.push(Occupancy {
                    room: room.clone(),
                    live,
                    limit: truth.get(room).copied().flatten(),
                });
            }
            pending = again;
        }
    }
    Ok(())
}

/// Runs a pass every `interval` until `stop` resolves; a pass under way when it does is
/// finished first. A failed pass (backend down) is handed to `each` and the loop goes on;
/// `each` returning an error ends the loop with it.
pub async fn watch(
    b: &Backends,
    opts: &ReconcileOptions,
    interval: Duration,
    metrics: Arc<Mutex<Metrics>>,
    stop: impl Future<Output = ()>,
    mut each: impl FnMut(Result<&ReconcileReport>) -> Result<()>,
) -> Result<()> {
    tokio::pin!(stop);
    loop {
        // Not raced with `stop`: a pass under way is finished. A signal that came meanwhile
        // is kept by its listener and ends the wait below at once.
        match reconcile_pass(b, opts).await {
            Ok(report) => {
                metrics.lock().expect("metrics lock").record(&report);
                each(Ok(&report))?;
            }
            Err(e) => {
                metrics.lock().expect("metrics lock").record_failure();
                each(Err(e))?;
            }
        }
        tokio::select! {
            biased;
            () = &mut stop => return Ok(()),
            () = tokio::time::sleep(interval) => {}
        }
    }
}

/// Counters and gauges of a reconcile daemon, rendered in the Prometheus text format.
#[derive(Debug, Default)]
pub struct Metrics {
    passes: u64,
    failures: u64,
    fixes: BTreeMap<&'static str, u64>,
    last_duration: Duration,
    last_pass_unix: i64,
    last_drift: bool,
    occupancy: Vec<Occupancy>,
}

impl Metrics {
    pub fn record(&mut self, r: &ReconcileReport) {
        self.passes += 1;
        for (kind, n) in [
            ("leases_expired", r.leases_expired),
            ("counters_fixed", r.counters_fixed),
            ("limits_fixed", r.limits_fixed),
            ("limits_cached", r.limits_cached),
            ("sessions_fixed", r.sessions_fixed),
            ("offers_expired", r.offers_expired),
            ("offers_sent", r.offers_sent),
        ] {
            *self.fixes.entry(kind).or_default() += n;
        }
        self.last_duration = Duration::from_millis(r.duration_ms);
        self.last_pass_unix = chrono::Utc::now().timestamp();
        self.last_drift = r.drift;
        self.occupancy = r.occupancy.clone();
    }

    pub fn record_failure(&mut self) {
        self.failures += 1;
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        let mut family = |name: &str, kind: &str, help: &str, samples: &[(String, String)]| {
            out.push_str(&format!("# HELP {name} {help}\n# TYPE {name} {kind}\n"));
            for (labels, value) in samples {
                out.push_str(&format!("{name}{labels} {value}\n"));
            }
        };
        let one = |v: String| vec![(String::new(), v)];
        family(
            "capctl_reconcile_passes_total",
            "counter",
            "Reconcile passes completed.",
            &one(self.passes.to_string()),
        );
        family(
            "capctl_reconcile_failures_total",
            "counter",
            "Reconcile passes that failed (a backend unreachable).",
            &one(self.failures.to_string()),
        );
        let fixes: Vec<_> = self
            .fixes
            .iter()
            .map(|(kind, n)| (format!("{{kind=\"{kind}\"}}"), n.to_string()))
            .collect();
        family(
            "capctl_reconcile_fixes_total",
            "counter",
            "What reconcile fixed, by kind.",
            &fixes,
        );
        family(
            "capctl_reconcile_last_pass_duration_seconds",
            "gauge",
            "Duration of the last pass.",
            &one(format!("{:.3}", self.last_duration.as_secs_f64())),
        );
        family(
            "capctl_reconcile_last_pass_timestamp_seconds",
            "gauge",
            "Unix time of the last pass.",
            &one(self.last_pass_unix.to_string()),
        );
        family(
            "capctl_reconcile_drift",
            "gauge",
            "1 when the last pass found drift.",
            &one(u8::from(self.last_drift).to_string()),
        );
        // Room ids need no escaping in labels: ids are letters, digits and _ - . : @ +
        let label =
            |o: &Occupancy| format!("{{kind=\"{}\",room=\"{}\"}}", o.room.kind(), o.room.id());
        let live: Vec<_> = self
            .occupancy
            .iter()
            .map(|o| (label(o), o.live.to_string()))
            .collect();
        family(
            "capctl_presence_live",
            "gauge",
            "Live leases per room at the last pass.",
            &live,
        );
        let limits: Vec<_> = self
            .occupancy
            .iter()
            .filter_map(|o| o.limit.map(|l| (label(o), l.to_string())))
            .collect();
        family(
            "capctl_presence_limit",
            "gauge",
            "Limit per room at the last pass (rooms without a limit left out).",
            &limits,
        );
        out
    }
}

/// Serves `GET /metrics` (and `/`) over plain HTTP/1.1, one short connection per scrape.
pub async fn serve_metrics(listener: TcpListener, metrics: Arc<Mutex<Metrics>>) {
    loop {
        let Ok((mut stream, _)) = listener.accept().await else {
            continue;
        };
        let metrics = metrics.clone();
        tokio::spawn(async move {
            let mut buf = vec![0u8; 4096];
            let mut len = 0;
            let read = tokio::time::timeout(Duration::from_secs(5), async {
                while len < buf.len() {
                    match stream.read(&mut buf[len..]).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => len += n,
                    }
                    if buf[..len].windows(4).any(|w| w == b"\r\n\r\n") {
                        break;
                    }
                }
            })
            .await;
            if read.is_err() {
                return;
            }
            let head = String::from_utf8_lossy(&buf[..len]);
            let path = head.split_whitespace().nth(1).unwrap_or("");
            let (status, body) = if head.starts_with("GET ") && matches!(path, "/metrics" | "/") {
                ("200 OK", metrics.lock().expect("metrics lock").render())
            } else {
                ("404 Not Found", "not found; try /metrics\n".to_string())
            };
            let response = format!(
                "HTTP/1.1 {status}\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(response.as_bytes()).await;
            let _ = stream.shutdown().await;
        });
    }
}
