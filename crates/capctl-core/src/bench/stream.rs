//! Stream presence: concurrent joins and heartbeats, then a disconnect storm and the reconcile
//! passes until every count is exact again.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::fixtures::{bench_event_id, cleanup_streams, create_stream_events, presence_backends};
use super::harness::{BenchReport, Progress, drive, require_counts};
use crate::audit;
use crate::backends::Backends;
use crate::config::Settings;
use crate::presence::Room;
use crate::{Error, Result};

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
    /// After the plain joins, time as many queued joins (`--queue`) of newcomers on the
    /// now-full streams (reported in `details`; `ops_per_sec` stays the plain joins').
    pub queued: bool,
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
    require_counts(&[
        ("viewers", cfg.viewers.into()),
        ("streams", cfg.streams.into()),
        ("concurrency", cfg.concurrency.into()),
    ])?;
    if !(0.0..=1.0).contains(&cfg.drop) {
        return Err(Error::invalid("the drop share must be between 0 and 1"));
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
    cleanup_streams(&b, &base, cfg.keep).await;
    let mut report = result?;
    report.event_id = base;
    Ok(report)
}

async fn stream_phases(
    b: &Arc<Backends>,
    rooms: &Arc<Vec<Room>>,
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
    let room_of = move |i: u64, rooms: &[Room]| rooms[(i % rooms.len() as u64) as usize].clone();

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
                let room = &rooms[(i % rooms.len() as u64) as usize];
                let a = Presence::new(&b).join(room, &member(i), ttl).await?;
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

    let queued = if cfg.queued {
        Some(queued_joins(b, rooms, cfg, progress.clone()).await?)
    } else {
        None
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
        let states = audit::room_states(b, rooms).await?;
        let exact = |s: &audit::RoomState, want: u64| {
            s.live + s.expired == want && s.counter.unwrap_or(0) == want
        };
        if states
            .iter()
            .zip(&expected)
            .all(|(s, &want)| exact(s, want))
        {
            break Some(storm.elapsed());
        }
        if Instant::now() > deadline {
            for (s, &want) in states.iter().zip(&expected) {
                if !exact(s, want) {
                    violations.push(format!(
                        "{}: {} leases and counter {} after reconcile, {want} viewers still heartbeating",
                        s.room,
                        s.live + s.expired,
                        s.counter.unwrap_or(0)
                    ));
                }
            }
            break None;
        }
    };
    violations.extend(
        audit::room_violations(&audit::room_states(b, rooms).await?)
            .iter()
            .map(ToString::to_string),
    );
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
    if let Some((timing, places)) = queued {
        report.detail("queued_ops_per_sec", timing.ops_per_sec());
        report.detail("queued_p99_ms", timing.percentile_ms(0.99));
        report.detail("queued_places", places);
    }
    Ok(report)
}

/// The queued scenario: newcomers join the full streams with a place in the queue; returns
/// the timing and how many got a place.
async fn queued_joins(
    b: &Arc<Backends>,
    rooms: &Arc<Vec<Room>>,
    cfg: &StreamBench,
    progress: Arc<dyn Progress>,
) -> Result<(super::harness::Timing, u64)> {
    use crate::presence::{JoinOptions, Presence};
    let n = u64::from(cfg.viewers);
    let ttl = cfg.ttl;
    let places = Arc::new(AtomicU64::new(0));
    progress.phase("queued joins", n);
    let (b, rooms, counted) = (b.clone(), rooms.clone(), places.clone());
    let timing = drive(n, cfg.concurrency, progress, move |i| {
        let (b, rooms, counted) = (b.clone(), rooms.clone(), counted.clone());
        async move {
            let room = &rooms[(i % rooms.len() as u64) as usize];
            let opts = JoinOptions {
                device: None,
                queue: true,
            };
            let a = Presence::new(&b)
                .join_with(room, &format!("q{i}"), ttl, &opts)
                .await?;
            if a.queued {
                counted.fetch_add(1, Ordering::Relaxed);
            }
            Ok(())
        }
    })
    .await?;
    Ok((timing, places.load(Ordering::Relaxed)))
}
