//! Export: seeds synthetic RSVPs and times the export command's own function writing them.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::fixtures::{
    TempDir, bench_event_id, bench_start, cleanup, create_bench_event, seed_synthetic,
};
use super::harness::{BenchReport, Progress, Timing, require_counts};
use crate::audit::{self, Scope};
use crate::config::Settings;
use crate::{Error, Result};

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
    require_counts(&[("rows", cfg.rows), ("runs", cfg.runs.into())])?;
    let mut settings = settings.clone();
    // Seeding a million rows takes longer than an interactive statement may.
    settings.statement_timeout = Duration::from_secs(3600);
    let pool = crate::backends::postgres::connect(&settings, 2).await?;
    let event_id = bench_event_id();
    progress.phase("seeding RSVPs", cfg.rows);
    let starts = bench_start();
    create_bench_event(&pool, &event_id, starts, starts + chrono::Duration::days(2)).await?;
    let seeded = Instant::now();
    if let Err(e) = seed_synthetic(&pool, &event_id, cfg.rows).await {
        cleanup(&pool, &event_id, cfg.keep).await;
        return Err(e);
    }
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
    let audited = async {
        let scope = Scope::Event(event_id.parse()?);
        let mut found = audit::export_violations(&pool, &filter, &path).await?;
        found.extend(audit::seat_violations(&pool, &scope).await?);
        Ok::<_, Error>(found)
    }
    .await;
    let violations: Vec<String> = match audited {
        Ok(v) => v.iter().map(ToString::to_string).collect(),
        Err(e) => {
            cleanup(&pool, &event_id, cfg.keep).await;
            return Err(e);
        }
    };
    let records = audit::count_csv_records(&path).unwrap_or_default();
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
