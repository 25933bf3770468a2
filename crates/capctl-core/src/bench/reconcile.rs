//! Reconcile after a storm: rooms full of leases that all expire, then timed reconcile passes
//! (or idle passes, with a long ttl).

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::fixtures::{
    bench_event_id, cleanup, cleanup_streams, create_bench_event, create_stream_events,
    presence_backends, seed_synthetic,
};
use super::harness::{BenchReport, Progress, Timing, require_counts};
use crate::Result;
use crate::audit;
use crate::config::Settings;
use crate::presence::Room;

#[derive(Debug, Clone)]
pub struct ReconcileBench {
    pub rooms: u32,
    pub leases: u32,
    /// Lease length: short = every lease has expired when the pass runs (a storm); long = an
    /// idle pass with nothing to fix.
    pub ttl: Duration,
    pub passes: u32,
    pub keep: bool,
    /// RSVPs seeded first into sessions that have ended (an event a month ago): history a
    /// default pass must not pay for (`--full` reads it).
    pub ended_rsvps: u64,
    /// Time `reconcile --full` passes (every session audited, ended ones too).
    pub full: bool,
}

/// Fills `rooms` streams with `leases` leases (pipelined joins), waits until they expire when
/// the ttl is short, then times `passes` reconcile passes. `seconds` is the first pass. With
/// `ended_rsvps`, the passes are timed before seeding that history too (`before_seeding_p50_ms`)
/// and one `--check --full` pass after (`full_check_ms`).
pub async fn reconcile(
    settings: &Settings,
    cfg: &ReconcileBench,
    progress: Arc<dyn Progress>,
) -> Result<BenchReport> {
    use crate::presence::Presence;
    require_counts(&[("rooms", cfg.rooms.into()), ("passes", cfg.passes.into())])?;
    let b = presence_backends(settings, 2)?;
    let base = bench_event_id();
    progress.phase("setting up", u64::from(cfg.leases));
    let rooms = create_stream_events(b.pg().await?, &base, cfg.rooms, None).await?;
    let requests: Vec<(Room, String)> = (0..cfg.leases)
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
    let opts = crate::reconcile::ReconcileOptions {
        full: cfg.full,
        ..Default::default()
    };
    // With history to seed: the same passes first without it (the anchor, same run).
    let (ended, before_p50_ms) = if cfg.ended_rsvps > 0 {
        let mut before = Vec::new();
        for _ in 0..cfg.passes {
            let t = Instant::now();
            crate::reconcile::reconcile_pass(&b, &opts).await?;
            before.push(t.elapsed());
        }
        before.sort_unstable();
        let p50 = super::harness::percentile(&before, 0.5).as_secs_f64() * 1000.0;
        let seed = seed_ended(settings, &base, cfg.ended_rsvps, progress.as_ref()).await?;
        (Some(seed), Some(p50))
    } else {
        (None, None)
    };
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
        let r = crate::reconcile::reconcile_pass(&b, &opts).await?;
        latencies.push(t.elapsed());
        first.get_or_insert(r);
        progress.inc(1);
    }
    let elapsed = t0.elapsed();
    // With history seeded: what auditing it costs (`reconcile --check --full`), for contrast.
    let full_check_ms = if ended.is_some() {
        let t = Instant::now();
        let opts = crate::reconcile::ReconcileOptions {
            full: true,
            check: true,
            ..Default::default()
        };
        crate::reconcile::reconcile_pass(&b, &opts).await?;
        Some(t.elapsed().as_secs_f64() * 1000.0)
    } else {
        None
    };
    progress.finish();
    let first = first.expect("at least one pass");
    let states = audit::room_states(&b, &rooms).await?;
    let mut violations: Vec<String> = audit::room_violations(&states)
        .iter()
        .map(ToString::to_string)
        .collect();
    let live_expected = if storm { 0 } else { u64::from(cfg.leases) };
    let stored: u64 = states.iter().map(|s| s.live + s.expired).sum();
    let wrong = states
        .iter()
        .filter(|s| s.counter.unwrap_or(0) != s.live + s.expired)
        .count();
    if stored != live_expected || wrong > 0 {
        violations.push(format!(
            "after reconcile {stored} leases remain (expected {live_expected}); {wrong} counters differ from their lease sets"
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
    report.detail("full", cfg.full);
    if let Some(seed) = &ended {
        report.detail("ended_rsvps", seed.rsvps);
        report.detail("ended_sessions", seed.sessions);
        report.detail("full_check_ms", full_check_ms);
        report.detail("before_seeding_p50_ms", before_p50_ms);
        cleanup(b.pg().await?, &seed.event_id, cfg.keep).await;
    }
    cleanup_streams(&b, &base, cfg.keep).await;
    Ok(report)
}

/// An event that ended a month ago, its sessions holding `rows` RSVPs.
async fn seed_ended(
    settings: &Settings,
    base: &str,
    rows: u64,
    progress: &dyn Progress,
) -> Result<super::fixtures::SeedReport> {
    progress.phase("seeding RSVPs in ended sessions", rows);
    let mut settings = settings.clone();
    // Seeding a million rows takes longer than an interactive statement may.
    settings.statement_timeout = Duration::from_secs(3600);
    let pool = crate::backends::postgres::connect(&settings, 1).await?;
    let id = format!("{base}_ended");
    let ends = chrono::Utc::now() - chrono::Duration::days(30);
    create_bench_event(&pool, &id, ends - chrono::Duration::days(2), ends).await?;
    let seeded = match seed_synthetic(&pool, &id, rows).await {
        Ok(seeded) => seeded,
        Err(e) => {
            cleanup(&pool, &id, false).await;
            return Err(e);
        }
    };
    // History this old was vacuumed, analysed and checkpointed long ago: settle it, so the
    // passes measure what it costs then, not the aftermath of writing a million rows now.
    sqlx::raw_sql("VACUUM (ANALYZE) session_rsvps, sessions, session_capacity")
        .execute(&pool)
        .await?;
    if let Err(e) = sqlx::raw_sql("CHECKPOINT").execute(&pool).await {
        tracing::info!("no CHECKPOINT before timing ({e}): passes may meet the seed's writes");
    }
    pool.close().await;
    progress.inc(rows);
    Ok(seeded)
}
