//! Benchmarks that drive the same library functions the commands use, measure throughput and
//! latency, and then prove the invariants still hold. Each run builds its own fresh data (an
//! event `evt_bench_<uuid>`, its own Redis sub-prefix) and removes it afterwards unless kept.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::Utc;
use serde::Serialize;
use sqlx::PgPool;

use crate::catalog::events::{self, NewEvent};
use crate::catalog::sessions::{self, NewSession};
use crate::config::Settings;
use crate::{Error, Result};

/// What every benchmark reports (`--json`), plus what it found wrong.
#[derive(Debug, Clone, Serialize)]
pub struct BenchReport {
    pub ops: u64,
    pub seconds: f64,
    pub ops_per_sec: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub invariants_ok: bool,
    /// `bench stream`: from the disconnect storm until every count is exact again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub converge_seconds: Option<f64>,
    /// The event the run created (kept only with `--keep`).
    pub event_id: String,
    /// Every broken invariant, one sentence each; empty when `invariants_ok`.
    pub violations: Vec<String>,
    /// Benchmark-specific figures (outcome counts, phase timings).
    pub details: serde_json::Map<String, serde_json::Value>,
}

impl BenchReport {
    fn new(event_id: &str, timing: &Timing, violations: Vec<String>) -> Self {
        Self {
            ops: timing.ops,
            seconds: timing.elapsed.as_secs_f64(),
            ops_per_sec: timing.ops_per_sec(),
            p50_ms: timing.percentile_ms(0.50),
            p99_ms: timing.percentile_ms(0.99),
            invariants_ok: violations.is_empty(),
            converge_seconds: None,
            event_id: event_id.to_string(),
            violations,
            details: serde_json::Map::new(),
        }
    }

    fn detail(&mut self, key: &str, value: impl Into<serde_json::Value>) {
        self.details.insert(key.to_string(), value.into());
    }

    /// The failure (exit 1) naming every broken invariant, if any broke.
    pub fn invariant_error(&self) -> Option<Error> {
        (!self.invariants_ok).then(|| {
            Error::Internal(anyhow::anyhow!(
                "benchmark invariants broken: {}",
                self.violations.join("; ")
            ))
        })
    }
}

/// Where a benchmark reports progress; the CLI draws a bar, tests pass [`NoProgress`].
pub trait Progress: Send + Sync {
    fn phase(&self, name: &str, total: u64);
    fn inc(&self, n: u64);
    fn finish(&self);
}

pub struct NoProgress;

impl Progress for NoProgress {
    fn phase(&self, _: &str, _: u64) {}
    fn inc(&self, _: u64) {}
    fn finish(&self) {}
}

/// Wall time and per-operation latencies of one measured phase.
#[derive(Debug, Clone, Default)]
pub struct Timing {
    pub ops: u64,
    pub elapsed: Duration,
    /// Sorted ascending.
    pub latencies: Vec<Duration>,
}

impl Timing {
    fn from_runs(elapsed: Duration, mut latencies: Vec<Duration>) -> Self {
        latencies.sort_unstable();
        Self {
            ops: latencies.len() as u64,
            elapsed,
            latencies,
        }
    }

    pub fn ops_per_sec(&self) -> f64 {
        let s = self.elapsed.as_secs_f64();
        if s > 0.0 { self.ops as f64 / s } else { 0.0 }
    }

    /// Nearest-rank percentile (`q` in 0..=1) in milliseconds; 0 when nothing ran.
    pub fn percentile_ms(&self, q: f64) -> f64 {
        percentile(&self.latencies, q).as_secs_f64() * 1000.0
    }
}

/// Nearest-rank percentile of a sorted slice.
pub fn percentile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (q.clamp(0.0, 1.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Runs `op(0..total)` on `concurrency` tokio tasks pulling from one counter, timing each call.
/// The first error stops every worker and is returned.
pub async fn drive<F, Fut>(
    total: u64,
    concurrency: u32,
    progress: Arc<dyn Progress>,
    op: F,
) -> Result<Timing>
where
    F: Fn(u64) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<()>> + Send + 'static,
{
    let op = Arc::new(op);
    let next = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..concurrency.max(1) {
        let (op, next, progress) = (op.clone(), next.clone(), progress.clone());
        workers.spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= total {
                    return Ok(latencies);
                }
                let t = Instant::now();
                if let Err(e) = op(i).await {
                    // Make the others stop at their next pull.
                    next.store(u64::MAX / 2, Ordering::Relaxed);
                    return Err(e);
                }
                latencies.push(t.elapsed());
                progress.inc(1);
            }
        });
    }
    let mut all = Vec::with_capacity(total as usize);
    let mut first_err = None;
    while let Some(joined) = workers.join_next().await {
        match joined {
            Ok(Ok(l)) => all.extend(l),
            Ok(Err(e)) => {
                first_err.get_or_insert(e);
            }
            Err(e) => {
                first_err.get_or_insert(Error::Internal(
                    anyhow::Error::new(e).context("benchmark worker"),
                ));
            }
        }
    }
    let elapsed = started.elapsed();
    match first_err {
        Some(e) => Err(e),
        None => Ok(Timing::from_runs(elapsed, all)),
    }
}

/// A unique id for the data of one run, e.g. `evt_bench_3f2a…`.
pub fn bench_event_id() -> String {
    crate::ids::new_id("evt_bench")
}

/// Creates the run's event, 30 days ahead so offers and waitlists behave as before a session.
async fn create_bench_event(pool: &PgPool, id: &str, max_viewers: Option<i64>) -> Result<()> {
    let starts_at = Utc::now() + chrono::Duration::days(30);
    events::create_event(
        pool,
        NewEvent {
            id: Some(id.parse()?),
            name: "capctl benchmark".into(),
            starts_at,
            ends_at: starts_at + chrono::Duration::days(2),
            max_attendees: None,
            max_viewers,
        },
    )
    .await?;
    Ok(())
}

/// Removes a run's event and everything hanging off it (RSVPs, sessions, registrations).
/// Dependents go first and explicitly; when the role may, per-row triggers are skipped for this
/// transaction, since the rows and their counters all go together.
pub async fn drop_bench_event(pool: &PgPool, event_id: &str) -> Result<()> {
    let mut tx = pool.begin().await?;
    sqlx::query("SET LOCAL statement_timeout = 0")
        .execute(&mut *tx)
        .await?;
    let superuser: bool = sqlx::query_scalar("SELECT current_setting('is_superuser') = 'on'")
        .fetch_one(&mut *tx)
        .await?;
    if superuser {
        sqlx::query("SET LOCAL session_replication_role = replica")
            .execute(&mut *tx)
            .await?;
    }
    for sql in [
        "DELETE FROM session_rsvps WHERE event_id = $1",
        "DELETE FROM session_capacity WHERE session_id IN (SELECT id FROM sessions WHERE event_id = $1)",
        "DELETE FROM sessions WHERE event_id = $1",
        "DELETE FROM event_registrations WHERE event_id = $1",
        "DELETE FROM expo_booths WHERE event_id = $1",
        "DELETE FROM events WHERE id = $1",
    ] {
        sqlx::query(sql).bind(event_id).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The id of bench user `i` of a run: unique to the run, since user ids are global and a
/// user's confirmed sessions elsewhere would clash with the run's.
pub fn bench_user(event_id: &str, i: u64) -> String {
    format!("u{i}.{}", run_tag(event_id))
}

fn run_tag(event_id: &str) -> &str {
    let tag = event_id.trim_start_matches("evt_bench_");
    &tag[..tag.len().min(12)]
}

/// Registers `n` users ([`bench_user`] 0 … n-1) for an event in one statement (bench setup,
/// not a rule).
pub async fn register_users(pool: &PgPool, event_id: &str, n: u64) -> Result<()> {
    sqlx::query(
        "INSERT INTO event_registrations (event_id, user_id, name, status)
         SELECT $1, 'u' || g || '.' || $3, 'Bench user ' || g, 'REGISTERED'
           FROM generate_series(0, $2::bigint - 1) g",
    )
    .bind(event_id)
    .bind(n as i64)
    .bind(run_tag(event_id))
    .execute(pool)
    .await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// RSVP rush
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
pub struct RsvpBench {
    pub users: u32,
    pub capacity: u32,
    pub sessions: u32,
    pub concurrency: u32,
    pub keep: bool,
}

/// `users` RSVP at once: all on one hot session, or spread round-robin over `sessions`.
pub async fn rsvp(
    settings: &Settings,
    cfg: &RsvpBench,
    progress: Arc<dyn Progress>,
) -> Result<BenchReport> {
    for (what, v) in [
        ("--users", cfg.users),
        ("--sessions", cfg.sessions),
        ("--concurrency", cfg.concurrency),
    ] {
        if v == 0 {
            return Err(Error::invalid(format!("{what} must be at least 1")));
        }
    }
    crate::ids::validate_capacity("--capacity", i64::from(cfg.capacity))?;
    let pool = crate::backends::postgres::connect(settings, cfg.concurrency + 1).await?;
    let event_id = bench_event_id();
    progress.phase("setting up", u64::from(cfg.sessions));
    create_bench_event(&pool, &event_id, None).await?;
    let day = Utc::now() + chrono::Duration::days(30);
    let mut session_ids = Vec::with_capacity(cfg.sessions as usize);
    for s in 0..cfg.sessions {
        let id = format!(
            "ses_bench_{}_{s}",
            event_id.trim_start_matches("evt_bench_")
        );
        sessions::create_session(
            &pool,
            NewSession {
                event_id: event_id.parse()?,
                id: Some(id.parse()?),
                title: format!("Bench session {s}"),
                starts_at: day + chrono::Duration::minutes(i64::from(s)),
                ends_at: day + chrono::Duration::minutes(i64::from(s) + 30),
                max_participants: Some(i64::from(cfg.capacity)),
                room: None,
                waitlist_enabled: true,
                offer_ttl: sessions::DEFAULT_OFFER_TTL,
            },
        )
        .await?;
        session_ids.push(id);
        progress.inc(1);
    }
    register_users(&pool, &event_id, u64::from(cfg.users)).await?;

    progress.phase("RSVP rush", u64::from(cfg.users));
    let outcomes = Arc::new(OutcomeCounts::default());
    let result = {
        let (pool, session_ids, outcomes) = (pool.clone(), Arc::new(session_ids), outcomes.clone());
        let event = Arc::new(event_id.clone());
        drive(
            u64::from(cfg.users),
            cfg.concurrency,
            progress.clone(),
            move |i| {
                let (pool, session_ids, outcomes, event) = (
                    pool.clone(),
                    session_ids.clone(),
                    outcomes.clone(),
                    event.clone(),
                );
                async move {
                    let session = &session_ids[(i % session_ids.len() as u64) as usize];
                    let status = rsvp_once(&pool, session, &bench_user(&event, i)).await?;
                    outcomes.count(status);
                    Ok(())
                }
            },
        )
        .await
    };
    progress.finish();
    let timing = match result {
        Ok(t) => t,
        Err(e) => {
            cleanup(&pool, &event_id, cfg.keep).await;
            return Err(e);
        }
    };

    let per_session = |s: u64| {
        let s = u64::from(cfg.users) / u64::from(cfg.sessions)
            + u64::from(s < u64::from(cfg.users) % u64::from(cfg.sessions));
        s as i64
    };
    let mut violations = seat_violations(&pool, &event_id).await?;
    let seats = seat_counts(&pool, &event_id).await?;
    for (idx, row) in seats.iter().enumerate() {
        let asked = per_session(idx as u64);
        let expect_confirmed = asked.min(i64::from(cfg.capacity));
        if row.confirmed != expect_confirmed || row.waitlisted != asked - expect_confirmed {
            violations.push(format!(
                "session {}: {} confirmed and {} waitlisted after {asked} RSVPs with capacity {} (expected {expect_confirmed} and {})",
                row.session_id,
                row.confirmed,
                row.waitlisted,
                cfg.capacity,
                asked - expect_confirmed
            ));
        }
    }
    let mut report = BenchReport::new(&event_id, &timing, violations);
    report.detail("confirmed", outcomes.confirmed.load(Ordering::Relaxed));
    report.detail("waitlisted", outcomes.waitlisted.load(Ordering::Relaxed));
    report.detail("other", outcomes.other.load(Ordering::Relaxed));
    report.detail("sessions", cfg.sessions);
    report.detail("concurrency", cfg.concurrency);
    cleanup(&pool, &event_id, cfg.keep).await;
    pool.close().await;
    Ok(report)
}

#[derive(Default)]
struct OutcomeCounts {
    confirmed: AtomicU64,
    waitlisted: AtomicU64,
    other: AtomicU64,
}

impl OutcomeCounts {
    fn count(&self, status: &str) {
        let slot = match status {
            "CONFIRMED" => &self.confirmed,
            "WAITLISTED" => &self.waitlisted,
            _ => &self.other,
        };
        slot.fetch_add(1, Ordering::Relaxed);
    }
}

/// One RSVP through the seat ledger, as `session rsvp` makes it; returns the resulting status.
/// Waitlisted is an outcome here; a refusal as full counts as one too.
async fn rsvp_once(pool: &PgPool, session: &str, user: &str) -> Result<&'static str> {
    match crate::seats::rsvp(pool, &session.parse()?, &user.parse()?, false).await {
        Ok(outcome) => Ok(outcome.status.as_str()),
        Err(Error::Full(_)) => Ok("FULL"),
        Err(e) => Err(e),
    }
}

async fn cleanup(pool: &PgPool, event_id: &str, keep: bool) {
    if !keep && let Err(e) = drop_bench_event(pool, event_id).await {
        tracing::warn!("could not remove benchmark event {event_id}: {e}");
    }
}

/// Seats of one session as the RSVP rows say, next to the counters other services read.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SeatCounts {
    pub session_id: String,
    pub capacity: Option<i32>,
    pub current_attendance: i32,
    pub waitlist_length: i32,
    pub confirmed: i64,
    pub offered: i64,
    pub waitlisted: i64,
    pub distinct_seqs: i64,
    pub rows: i64,
    pub distinct_users: i64,
    pub inconsistent_rows: i64,
}

/// Truth and counters for every session of an event, in session order.
pub async fn seat_counts(pool: &PgPool, event_id: &str) -> Result<Vec<SeatCounts>> {
    Ok(sqlx::query_as(
        "SELECT se.id AS session_id,
                COALESCE(sc.maximum_capacity, se.max_participants) AS capacity,
                sc.current_attendance, sc.waitlist_length,
                count(r.id) FILTER (WHERE r.status = 'CONFIRMED') AS confirmed,
                count(r.id) FILTER (WHERE r.status = 'OFFERED') AS offered,
                count(r.id) FILTER (WHERE r.status = 'WAITLISTED') AS waitlisted,
                count(DISTINCT r.waitlist_seq) FILTER (WHERE r.status = 'WAITLISTED') AS distinct_seqs,
                count(r.id) AS rows,
                count(DISTINCT r.user_id) AS distinct_users,
                count(r.id) FILTER (WHERE NOT (
                     (r.status = 'CONFIRMED' AND r.confirmed_at IS NOT NULL AND r.cancelled_at IS NULL
                        AND r.waitlist_seq IS NULL)
                  OR (r.status = 'WAITLISTED' AND r.waitlist_seq IS NOT NULL AND r.cancelled_at IS NULL)
                  OR (r.status = 'OFFERED' AND r.offer_expires_at IS NOT NULL AND r.waitlist_seq IS NULL)
                  OR (r.status = 'CANCELLED' AND r.cancelled_at IS NOT NULL AND r.waitlist_seq IS NULL)
                  OR (r.status = 'EXPIRED' AND r.waitlist_seq IS NULL))) AS inconsistent_rows
           FROM sessions se
           JOIN session_capacity sc ON sc.session_id = se.id
           LEFT JOIN session_rsvps r ON r.session_id = se.id
          WHERE se.event_id = $1
          GROUP BY se.id, sc.session_id
          ORDER BY se.starts_at, se.id",
    )
    .bind(event_id)
    .fetch_all(pool)
    .await?)
}

/// Every seat invariant of an event that does not hold: nothing above capacity, counters equal
/// to the rows, one RSVP per user, a gapless FIFO waitlist, no seat left free while people wait,
/// and every row's columns consistent with its status (nothing half-written).
pub async fn seat_violations(pool: &PgPool, event_id: &str) -> Result<Vec<String>> {
    let mut v = Vec::new();
    for s in seat_counts(pool, event_id).await? {
        let id = &s.session_id;
        let taken = s.confirmed + s.offered;
        if let Some(cap) = s.capacity
            && taken > i64::from(cap)
        {
            v.push(format!("session {id}: {taken} seats taken, capacity {cap}"));
        }
        if i64::from(s.current_attendance) != taken || i64::from(s.waitlist_length) != s.waitlisted
        {
            v.push(format!(
                "session {id}: counters say {} taken and {} waiting, the rows say {taken} and {}",
                s.current_attendance, s.waitlist_length, s.waitlisted
            ));
        }
        if s.distinct_users != s.rows {
            v.push(format!(
                "session {id}: {} RSVP rows for {} users",
                s.rows, s.distinct_users
            ));
        }
        if s.distinct_seqs != s.waitlisted {
            v.push(format!(
                "session {id}: {} waitlisted but {} distinct places",
                s.waitlisted, s.distinct_seqs
            ));
        }
        if s.waitlisted > 0 && s.capacity.is_some_and(|cap| taken < i64::from(cap)) {
            v.push(format!(
                "session {id}: {} people wait while {} of {} seats are taken",
                s.waitlisted,
                taken,
                s.capacity.unwrap_or_default()
            ));
        }
        if s.inconsistent_rows > 0 {
            v.push(format!(
                "session {id}: {} RSVP rows whose columns contradict their status",
                s.inconsistent_rows
            ));
        }
    }
    Ok(v)
}

// ---------------------------------------------------------------------------------------------
// Export
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
pub struct ExportBench {
    pub rows: u64,
    pub output: Option<std::path::PathBuf>,
    pub runs: u32,
    pub keep: bool,
}

/// Seeds `rows` RSVPs, exports them `runs` times through the export command's own function, and
/// checks the CSV holds exactly `rows` records. `ops` counts rows; p50/p99 are whole exports.
pub async fn export(
    settings: &Settings,
    cfg: &ExportBench,
    progress: Arc<dyn Progress>,
) -> Result<BenchReport> {
    if cfg.rows == 0 || cfg.runs == 0 {
        return Err(Error::invalid("--rows and --runs must be at least 1"));
    }
    let mut settings = settings.clone();
    // Seeding a million rows takes longer than an interactive statement may.
    settings.statement_timeout = Duration::from_secs(3600);
    let pool = crate::backends::postgres::connect(&settings, 2).await?;
    let event_id = bench_event_id();
    progress.phase("seeding RSVPs", cfg.rows);
    create_bench_event(&pool, &event_id, None).await?;
    let seeded = Instant::now();
    crate::io::export::seed_synthetic(&pool, &event_id, cfg.rows).await?;
    let seed_seconds = seeded.elapsed().as_secs_f64();
    progress.inc(cfg.rows);

    let (path, _tmp) = match &cfg.output {
        Some(p) => (p.clone(), None),
        None => {
            let dir = std::env::temp_dir().join(format!("capctl-bench-{}", uuid::Uuid::new_v4()));
            std::fs::create_dir_all(&dir).map_err(anyhow::Error::from)?;
            (dir.join("rsvps.csv"), Some(TempDir(dir)))
        }
    };
    let filter = crate::io::export::ExportFilter::new(&event_id, None, None)?;
    progress.phase("exporting", u64::from(cfg.runs));
    let mut latencies = Vec::new();
    let started = Instant::now();
    let mut records = 0;
    for _ in 0..cfg.runs {
        let t = Instant::now();
        let outcome = crate::io::export::export_to_file(&pool, &filter, &path, &mut |_| {}).await;
        if let Err(e) = outcome {
            cleanup(&pool, &event_id, cfg.keep).await;
            return Err(e);
        }
        latencies.push(t.elapsed());
        progress.inc(1);
    }
    let elapsed = started.elapsed();
    progress.finish();
    let mut violations = Vec::new();
    match count_csv_records(&path) {
        Ok(n) => records = n,
        Err(e) => violations.push(format!("the CSV cannot be read back: {e}")),
    }
    if records != cfg.rows {
        violations.push(format!(
            "the CSV holds {records} records, {} RSVPs exist",
            cfg.rows
        ));
    }
    let mut timing = Timing::from_runs(elapsed, latencies);
    timing.ops = cfg.rows * u64::from(cfg.runs);
    let mut report = BenchReport::new(&event_id, &timing, violations);
    report.detail("seed_seconds", seed_seconds);
    report.detail("runs", cfg.runs);
    report.detail("records", records);
    if cfg.output.is_some() {
        report.detail("output", path.display().to_string());
    }
    // What `psql -c "\copy (QUERY) to FILE csv header"` runs to write the same CSV.
    report.detail("query", filter.query());
    cleanup(&pool, &event_id, cfg.keep).await;
    pool.close().await;
    Ok(report)
}

/// A temporary directory removed on drop.
struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Data records of a CSV file (the header excluded).
pub fn count_csv_records(path: &std::path::Path) -> anyhow::Result<u64> {
    let mut reader = csv::Reader::from_path(path)?;
    let mut n = 0;
    let mut record = csv::ByteRecord::new();
    while reader.read_byte_record(&mut record)? {
        n += 1;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let ms = |n| Duration::from_millis(n);
        let sorted: Vec<Duration> = (1..=100).map(ms).collect();
        assert_eq!(percentile(&sorted, 0.5), ms(50));
        assert_eq!(percentile(&sorted, 0.99), ms(99));
        assert_eq!(percentile(&sorted, 1.0), ms(100));
        assert_eq!(percentile(&sorted, 0.0), ms(1));
        assert_eq!(percentile(&[], 0.5), Duration::ZERO);
        assert_eq!(percentile(&[ms(7)], 0.99), ms(7));
    }
}

// ---------------------------------------------------------------------------------------------
// Stream presence
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
pub struct StreamBench {
    pub viewers: u32,
    pub streams: u32,
    pub concurrency: u32,
    pub drop: f64,
    /// Viewers per stream; `None` = enough for everyone (viewers / streams, rounded up).
    pub limit: Option<u32>,
    pub ttl: Duration,
    pub keep: bool,
}

/// Presence backends of one run: its own Redis sub-prefix, so nothing else is swept or counted.
fn presence_backends(settings: &Settings, pool_size: u32) -> Result<crate::backends::Backends> {
    let mut settings = settings.clone();
    let tag = &uuid::Uuid::new_v4().simple().to_string()[..12];
    settings.redis_prefix = format!("{}:bench-{tag}", settings.redis_prefix);
    crate::ids::validate_redis_prefix(&settings.redis_prefix)?;
    Ok(crate::backends::Backends::with_pool_size(
        settings, pool_size,
    ))
}

/// Creates `n` events `<base>_s<i>`, each one stream with `limit` viewers, in one statement.
async fn create_stream_events(
    pool: &PgPool,
    base: &str,
    n: u32,
    limit: Option<u32>,
) -> Result<Vec<crate::presence::Room>> {
    let starts_at = Utc::now() + chrono::Duration::days(30);
    sqlx::query(
        "INSERT INTO events (id, name, starts_at, ends_at, virtual_settings)
         SELECT $1 || '_s' || g, 'capctl benchmark stream ' || g, $3, $3 + interval '2 days',
                CASE WHEN $4::integer IS NULL THEN '{}'::jsonb
                     ELSE jsonb_build_object('max_concurrent_viewers', $4::integer) END
           FROM generate_series(0, $2::integer - 1) g",
    )
    .bind(base)
    .bind(n as i32)
    .bind(starts_at)
    .bind(limit.map(|l| l as i32))
    .execute(pool)
    .await?;
    (0..n)
        .map(|i| crate::presence::Room::stream(&format!("{base}_s{i}")))
        .collect()
}

/// Removes the run's stream events and every Redis key under its sub-prefix.
async fn drop_stream_bench(b: &crate::backends::Backends, base: &str) -> Result<()> {
    sqlx::query("DELETE FROM events WHERE id LIKE $1 || '\\_s%'")
        .bind(base)
        .execute(b.pg().await?)
        .await?;
    let mut conn = b.redis().await?.clone();
    let pattern = format!("{}:*", b.redis_prefix());
    let keys = crate::reconcile::scan_keys(&mut conn, &pattern, 1000).await?;
    for batch in keys.chunks(1000) {
        redis::cmd("UNLINK")
            .arg(batch)
            .query_async::<()>(&mut conn)
            .await?;
    }
    Ok(())
}

/// Per room: (ZCARD of the lease set, the counter), in room order.
async fn room_truth(
    b: &crate::backends::Backends,
    rooms: &[crate::presence::Room],
) -> Result<Vec<(u64, u64)>> {
    let mut conn = b.redis().await?.clone();
    let mut out = Vec::with_capacity(rooms.len());
    for batch in rooms.chunks(500) {
        let mut pipe = redis::pipe();
        for room in batch {
            let k = room.keys(b.redis_prefix());
            pipe.cmd("ZCARD").arg(k.leases);
            pipe.cmd("GET").arg(k.count);
        }
        let values: Vec<(u64, Option<u64>)> = pipe.query_async(&mut conn).await?;
        out.extend(values.into_iter().map(|(z, c)| (z, c.unwrap_or(0))));
    }
    Ok(out)
}

/// `viewers` join `streams` at once (measured), all heartbeat, then `drop` of them vanish
/// without leaving while the rest keep heartbeating; reconcile passes run until every count is
/// exact again (`converge_seconds`).
pub async fn stream(
    settings: &Settings,
    cfg: &StreamBench,
    progress: Arc<dyn Progress>,
) -> Result<BenchReport> {
    use crate::presence::Presence;
    for (what, v) in [
        ("--viewers", cfg.viewers),
        ("--streams", cfg.streams),
        ("--concurrency", cfg.concurrency),
    ] {
        if v == 0 {
            return Err(Error::invalid(format!("{what} must be at least 1")));
        }
    }
    if !(0.0..=1.0).contains(&cfg.drop) {
        return Err(Error::invalid("--drop must be between 0 and 1"));
    }
    let b = Arc::new(presence_backends(settings, 4)?);
    let base = bench_event_id();
    let limit = cfg.limit.unwrap_or(cfg.viewers.div_ceil(cfg.streams));
    progress.phase("setting up", u64::from(cfg.streams));
    let rooms =
        Arc::new(create_stream_events(b.pg().await?, &base, cfg.streams, Some(limit)).await?);
    for room in rooms.iter() {
        Presence::new(&b).cache_limit(room).await?;
        progress.inc(1);
    }
    let result = stream_phases(&b, &rooms, cfg, limit, progress.clone()).await;
    progress.finish();
    if !cfg.keep
        && let Err(e) = drop_stream_bench(&b, &base).await
    {
        tracing::warn!("could not remove benchmark data of {base}: {e}");
    }
    let mut report = result?;
    report.event_id = base;
    Ok(report)
}

async fn stream_phases(
    b: &Arc<crate::backends::Backends>,
    rooms: &Arc<Vec<crate::presence::Room>>,
    cfg: &StreamBench,
    limit: u32,
    progress: Arc<dyn Progress>,
) -> Result<BenchReport> {
    use crate::presence::Presence;
    let ttl = cfg.ttl;
    let n = u64::from(cfg.viewers);
    let over_limit = Arc::new(AtomicU64::new(0));
    let admitted = Arc::new(AtomicU64::new(0));
    let member = |i: u64| format!("v{i}");
    let room_of = move |i: u64, rooms: &[crate::presence::Room]| {
        rooms[(i % rooms.len() as u64) as usize].clone()
    };

    progress.phase("joining", n);
    let joins = {
        let (b, rooms, over_limit, admitted) = (
            b.clone(),
            rooms.clone(),
            over_limit.clone(),
            admitted.clone(),
        );
        drive(n, cfg.concurrency, progress.clone(), move |i| {
            let (b, rooms, over_limit, admitted) = (
                b.clone(),
                rooms.clone(),
                over_limit.clone(),
                admitted.clone(),
            );
            async move {
                let a = Presence::new(&b)
                    .join(&room_of(i, &rooms), &member(i), ttl)
                    .await?;
                if a.admitted {
                    admitted.fetch_add(1, Ordering::Relaxed);
                }
                if a.limit.is_some_and(|l| a.count > l) {
                    over_limit.fetch_add(1, Ordering::Relaxed);
                }
                Ok(())
            }
        })
        .await?
    };

    progress.phase("heartbeats", n);
    let lost = Arc::new(AtomicU64::new(0));
    let heartbeats = {
        let (b, rooms, lost) = (b.clone(), rooms.clone(), lost.clone());
        drive(n, cfg.concurrency, progress.clone(), move |i| {
            let (b, rooms, lost) = (b.clone(), rooms.clone(), lost.clone());
            async move {
                let a = Presence::new(&b)
                    .heartbeat(&room_of(i, &rooms), &member(i), ttl)
                    .await?;
                if a.lost {
                    lost.fetch_add(1, Ordering::Relaxed);
                }
                Ok(())
            }
        })
        .await?
    };

    // The storm: viewer i vanishes when its place in each thousand falls under the drop share.
    let dropped = |i: u64| ((i % 1000) as f64) < cfg.drop * 1000.0;
    let survivors: Vec<u64> = (0..n).filter(|&i| !dropped(i)).collect();
    let mut expected = vec![0u64; rooms.len()];
    for &i in &survivors {
        expected[(i % rooms.len() as u64) as usize] += 1;
    }
    // Only those admitted hold a lease: with a limit below the demand, expect the limit.
    for e in expected.iter_mut() {
        *e = (*e).min(u64::from(limit));
    }
    let storm = Instant::now();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let keeper = {
        let (b, rooms, stop, lost) = (b.clone(), rooms.clone(), stop.clone(), lost.clone());
        let survivors = Arc::new(survivors);
        tokio::spawn(async move {
            // Survivors heartbeat three times per lease period until told to stop.
            while !stop.load(Ordering::Relaxed) {
                let round = Instant::now();
                let mut pending = futures::stream::iter(survivors.iter().copied())
                    .map(|i| {
                        let (b, rooms) = (b.clone(), rooms.clone());
                        async move {
                            Presence::new(&b)
                                .heartbeat(&room_of(i, &rooms), &member(i), ttl)
                                .await
                        }
                    })
                    .buffer_unordered(64);
                use futures::StreamExt;
                while let Some(r) = pending.next().await {
                    if r.is_ok_and(|a| a.lost) {
                        lost.fetch_add(1, Ordering::Relaxed);
                    }
                }
                let rest = (ttl / 3).saturating_sub(round.elapsed());
                tokio::time::sleep(rest.max(Duration::from_millis(10))).await;
            }
        })
    };

    progress.phase("converging", 1);
    let deadline = storm + ttl * 3 + Duration::from_secs(30);
    let mut violations = Vec::new();
    let mut passes = 0u64;
    let mut reconcile_ms = Vec::new();
    let converge = loop {
        let wait = (storm + ttl).saturating_duration_since(Instant::now());
        tokio::time::sleep(wait).await;
        let t = Instant::now();
        crate::reconcile::reconcile_pass(b, &crate::reconcile::ReconcileOptions::default()).await?;
        reconcile_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        passes += 1;
        let truth = room_truth(b, rooms).await?;
        let exact = truth
            .iter()
            .zip(&expected)
            .all(|(&(zcard, counter), &want)| zcard == want && counter == want);
        if exact {
            break Some(storm.elapsed());
        }
        if Instant::now() > deadline {
            for (room, (&(zcard, counter), want)) in rooms.iter().zip(truth.iter().zip(&expected)) {
                if zcard != *want || counter != *want {
                    violations.push(format!(
                        "{room}: {zcard} leases and counter {counter} after reconcile, {want} viewers still heartbeating"
                    ));
                }
            }
            break None;
        }
    };
    stop.store(true, Ordering::Relaxed);
    let _ = keeper.await;
    progress.inc(1);

    let over = over_limit.load(Ordering::Relaxed);
    if over > 0 {
        violations.push(format!("{over} joins saw a count above the limit {limit}"));
    }
    let lost = lost.load(Ordering::Relaxed);
    if lost > 0 {
        violations.push(format!(
            "{lost} heartbeats found their lease lost (raise --ttl for this load)"
        ));
    }
    let mut report = BenchReport::new("", &joins, violations);
    report.converge_seconds = converge.map(|d| d.as_secs_f64());
    report.detail("admitted", admitted.load(Ordering::Relaxed));
    report.detail("limit_per_stream", limit);
    report.detail("heartbeat_ops_per_sec", heartbeats.ops_per_sec());
    report.detail("heartbeat_p99_ms", heartbeats.percentile_ms(0.99));
    report.detail("reconcile_passes", passes);
    report.detail("reconcile_pass_ms", reconcile_ms);
    report.detail("ttl_ms", ttl.as_millis() as u64);
    report.detail("streams", rooms.len());
    report.detail("concurrency", cfg.concurrency);
    Ok(report)
}

// ---------------------------------------------------------------------------------------------
// Reconcile after a storm
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
pub struct ReconcileBench {
    pub rooms: u32,
    pub leases: u32,
    /// Lease length: short = every lease has expired when the pass runs (a storm); long = an
    /// idle pass with nothing to fix.
    pub ttl: Duration,
    pub passes: u32,
    pub keep: bool,
}

/// Fills `rooms` streams with `leases` leases (pipelined joins), waits until they expire when
/// the ttl is short, then times `passes` reconcile passes. `seconds` is the first pass.
pub async fn reconcile(
    settings: &Settings,
    cfg: &ReconcileBench,
    progress: Arc<dyn Progress>,
) -> Result<BenchReport> {
    use crate::presence::Presence;
    if cfg.rooms == 0 || cfg.passes == 0 {
        return Err(Error::invalid("--rooms and --passes must be at least 1"));
    }
    let b = presence_backends(settings, 2)?;
    let base = bench_event_id();
    progress.phase("setting up", u64::from(cfg.leases));
    let rooms = create_stream_events(b.pg().await?, &base, cfg.rooms, None).await?;
    let requests: Vec<(crate::presence::Room, String)> = (0..cfg.leases)
        .map(|i| (rooms[(i % cfg.rooms) as usize].clone(), format!("v{i}")))
        .collect();
    for batch in requests.chunks(2000) {
        Presence::new(&b).join_many(batch, cfg.ttl).await?;
        progress.inc(batch.len() as u64);
    }
    // Rooms that got no lease still have keys, so an idle pass sees every room.
    for room in rooms.iter().skip(cfg.leases as usize) {
        Presence::new(&b).cache_limit(room).await?;
    }
    let storm = cfg.ttl < Duration::from_secs(60);
    if storm {
        // The last lease was granted just now: one lease later, every lease has expired.
        tokio::time::sleep(cfg.ttl + Duration::from_millis(50)).await;
    }
    progress.phase("reconcile", u64::from(cfg.passes));
    let mut latencies = Vec::new();
    let mut first = None;
    let t0 = Instant::now();
    for _ in 0..cfg.passes {
        let t = Instant::now();
        let r =
            crate::reconcile::reconcile_pass(&b, &crate::reconcile::ReconcileOptions::default())
                .await?;
        latencies.push(t.elapsed());
        first.get_or_insert(r);
        progress.inc(1);
    }
    let elapsed = t0.elapsed();
    progress.finish();
    let first = first.expect("at least one pass");
    let truth = room_truth(&b, &rooms).await?;
    let mut violations = Vec::new();
    let live_expected = if storm { 0 } else { u64::from(cfg.leases) };
    let live: u64 = truth.iter().map(|t| t.0).sum();
    let wrong = truth.iter().filter(|(z, c)| z != c).count();
    if live != live_expected || wrong > 0 {
        violations.push(format!(
            "after reconcile {live} leases remain (expected {live_expected}); {wrong} counters differ from their lease sets"
        ));
    }
    if storm && first.leases_expired != u64::from(cfg.leases) {
        violations.push(format!(
            "the first pass dropped {} expired leases of {}",
            first.leases_expired, cfg.leases
        ));
    }
    let first_pass = latencies[0];
    let mut timing = Timing::from_runs(elapsed, latencies);
    timing.ops = u64::from(cfg.leases);
    timing.elapsed = first_pass;
    let mut report = BenchReport::new(&base, &timing, violations);
    report.detail("rooms", cfg.rooms);
    report.detail("leases_expired_first_pass", first.leases_expired);
    report.detail("counters_fixed_first_pass", first.counters_fixed);
    report.detail("passes", cfg.passes);
    report.detail("storm", storm);
    if !cfg.keep
        && let Err(e) = drop_stream_bench(&b, &base).await
    {
        tracing::warn!("could not remove benchmark data of {base}: {e}");
    }
    Ok(report)
}
