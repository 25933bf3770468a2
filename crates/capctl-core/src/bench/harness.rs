//! The measuring half of every benchmark: the report, per-phase timings, nearest-rank
//! percentiles, the concurrent driver and the progress hook.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde::Serialize;

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
    pub(crate) fn new(event_id: &str, timing: &Timing, violations: Vec<String>) -> Self {
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

    pub(crate) fn detail(&mut self, key: &str, value: impl Into<serde_json::Value>) {
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
    pub(crate) fn from_runs(elapsed: Duration, mut latencies: Vec<Duration>) -> Self {
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

/// Refuses a run with a count of zero (users, sessions, concurrency, …), naming the first.
pub fn require_counts(counts: &[(&str, u64)]) -> Result<()> {
    match counts.iter().find(|(_, n)| *n == 0) {
        Some((what, _)) => Err(Error::invalid(format!("{what} must be at least 1"))),
        None => Ok(()),
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
