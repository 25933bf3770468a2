use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::Output;
use crate::cli::args::duration_arg;
use crate::cli::output::progress_allowed;
use capctl_core::Result;
use capctl_core::backends::Backends;
use capctl_core::bench::{self, BenchReport, NoProgress, Progress};

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// RSVP rush on one hot session (and spread over --sessions)
    Rsvp(RsvpArgs),
    /// Concurrent stream joins, heartbeats, a disconnect storm and the reconcile after it
    Stream(StreamArgs),
    /// Export RSVPs to CSV
    Export(ExportArgs),
    /// One reconcile pass after a storm of expired leases (or an idle one, with a long --ttl)
    Reconcile(ReconcileArgs),
}

impl BenchCommand {
    pub async fn run(self, b: &Backends, out: Output) -> Result<()> {
        let progress = progress_bar();
        let report = match self {
            Self::Rsvp(a) => {
                let cfg = bench::RsvpBench {
                    users: a.users,
                    capacity: a.capacity,
                    sessions: a.sessions,
                    concurrency: a.concurrency,
                    keep: a.keep,
                };
                bench::rsvp(b.settings(), &cfg, progress).await?
            }
            Self::Stream(a) => {
                let cfg = bench::StreamBench {
                    viewers: a.viewers,
                    streams: a.streams,
                    concurrency: a.concurrency,
                    drop: a.drop,
                    limit: a.limit,
                    ttl: a.ttl,
                    keep: a.keep,
                    queued: a.queued,
                };
                bench::stream(b.settings(), &cfg, progress).await?
            }
            Self::Reconcile(a) => {
                let cfg = bench::ReconcileBench {
                    rooms: a.rooms,
                    leases: a.leases,
                    ttl: a.ttl,
                    passes: a.passes,
                    keep: a.keep,
                    ended_rsvps: a.ended_rsvps,
                    full: a.full,
                };
                bench::reconcile(b.settings(), &cfg, progress).await?
            }
            Self::Export(a) => {
                let cfg = bench::ExportBench {
                    rows: a.rows,
                    output: a.output,
                    runs: a.runs,
                    keep: a.keep,
                };
                bench::export(b.settings(), &cfg, progress).await?
            }
        };
        out.emit(&report, || render(&report))?;
        match report.invariant_error() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

fn render(r: &BenchReport) -> String {
    let mut lines = vec![format!(
        "{} ops in {:.3}s: {:.0} ops/s, p50 {:.3} ms, p99 {:.3} ms",
        r.ops, r.seconds, r.ops_per_sec, r.p50_ms, r.p99_ms
    )];
    if let Some(c) = r.converge_seconds {
        lines.push(format!("converged {c:.3}s after the disconnect storm"));
    }
    for (k, v) in &r.details {
        lines.push(format!("  {k}: {v}"));
    }
    if r.invariants_ok {
        lines.push("invariants: ok".into());
    } else {
        lines.push("invariants: BROKEN".into());
        lines.extend(r.violations.iter().map(|v| format!("  - {v}")));
    }
    lines.join("\n")
}

/// A bar on stderr when it is a terminal; nothing otherwise.
fn progress_bar() -> Arc<dyn Progress> {
    if !progress_allowed() {
        return Arc::new(NoProgress);
    }
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{msg:>14} [{bar:40}] {pos}/{len} {per_sec} eta {eta}")
            .expect("valid template")
            .progress_chars("=> "),
    );
    Arc::new(Bar(bar))
}

struct Bar(ProgressBar);

impl Progress for Bar {
    fn phase(&self, name: &str, total: u64) {
        self.0.reset();
        self.0.set_length(total);
        self.0.set_message(name.to_string());
    }

    fn inc(&self, n: u64) {
        self.0.inc(n);
    }

    fn finish(&self) {
        self.0.finish_and_clear();
    }
}

#[derive(Debug, Args)]
pub struct RsvpArgs {
    /// Users rushing
    #[arg(long, value_parser = at_least_one::<u32>, default_value_t = 2000)]
    pub users: u32,
    /// Seats per session
    #[arg(long, value_parser = capacity_arg, default_value_t = 500)]
    pub capacity: u32,
    /// Sessions the users spread over (1 = one hot session)
    #[arg(long, value_parser = at_least_one::<u32>, default_value_t = 1)]
    pub sessions: u32,
    /// Concurrent writers
    #[arg(long, value_parser = at_least_one::<u32>, default_value_t = 16)]
    pub concurrency: u32,
    /// Keep the benchmark's event and rows instead of removing them
    #[arg(long)]
    pub keep: bool,
}

#[derive(Debug, Args)]
pub struct StreamArgs {
    /// Viewers joining
    #[arg(long, value_parser = at_least_one::<u32>, default_value_t = 10000)]
    pub viewers: u32,
    /// Streams the viewers spread over
    #[arg(long, value_parser = at_least_one::<u32>, default_value_t = 10)]
    pub streams: u32,
    /// Concurrent callers
    #[arg(long, value_parser = at_least_one::<u32>, default_value_t = 50)]
    pub concurrency: u32,
    /// Share of viewers that vanish without leaving
    #[arg(long, default_value_t = 0.3, value_parser = fraction_arg)]
    pub drop: f64,
    /// Viewer limit per stream (default: viewers / streams, so everyone fits)
    #[arg(long, value_name = "N")]
    pub limit: Option<u32>,
    /// Lease length; the disconnect storm converges about one lease after it starts
    #[arg(long, value_parser = duration_arg, value_name = "DUR", default_value = "5s")]
    pub ttl: Duration,
    /// Keep the benchmark's events and Redis keys instead of removing them
    #[arg(long)]
    pub keep: bool,
    /// Also time queued joins (`stream join --queue`) of as many newcomers on the full
    /// streams, reported in details.queued_ops_per_sec (ops_per_sec stays plain joins)
    #[arg(long)]
    pub queued: bool,
}

#[derive(Debug, Args)]
pub struct ReconcileArgs {
    /// Streams holding the leases
    #[arg(long, value_parser = at_least_one::<u32>, default_value_t = 1000)]
    pub rooms: u32,
    /// Leases spread over the streams
    #[arg(long, default_value_t = 100_000)]
    pub leases: u32,
    /// Lease length: short (under 60s) = all expired when the pass runs; long = an idle pass
    #[arg(long, value_parser = duration_arg, value_name = "DUR", default_value = "10s")]
    pub ttl: Duration,
    /// Passes to time (p50/p99 are over passes; `seconds` is the first)
    #[arg(long, value_parser = at_least_one::<u32>, default_value_t = 1)]
    pub passes: u32,
    /// Keep the benchmark's events and Redis keys instead of removing them
    #[arg(long)]
    pub keep: bool,
    /// First seed this many RSVPs into sessions that ended a month ago (history an idle pass
    /// should not pay for)
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub ended_rsvps: u64,
    /// Time `reconcile --full` passes (every session audited, ended ones too)
    #[arg(long)]
    pub full: bool,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// RSVP rows to export
    #[arg(long, value_parser = at_least_one::<u64>, default_value_t = 1_000_000)]
    pub rows: u64,
    /// Where the CSV goes (default: a temporary file)
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exports of the same rows (p50/p99 are over whole exports)
    #[arg(long, value_parser = at_least_one::<u32>, default_value_t = 1)]
    pub runs: u32,
    /// Keep the benchmark's event and rows instead of removing them
    #[arg(long)]
    pub keep: bool,
}

/// A share between 0 and 1.
fn fraction_arg(s: &str) -> std::result::Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(f) if (0.0..=1.0).contains(&f) => Ok(f),
        _ => Err(format!("{s:?} is not a fraction between 0 and 1")),
    }
}

/// A count of at least 1.
fn at_least_one<T: std::str::FromStr + PartialOrd + From<u8>>(
    s: &str,
) -> std::result::Result<T, String> {
    match s.trim().parse::<T>() {
        Ok(n) if n >= T::from(1) => Ok(n),
        Ok(_) => Err("must be at least 1".into()),
        Err(_) => Err(format!("{s:?} is not a whole number")),
    }
}

/// Seats per session, within the limits every capacity has.
fn capacity_arg(s: &str) -> std::result::Result<u32, String> {
    let n: u32 = s
        .trim()
        .parse()
        .map_err(|_| format!("{s:?} is not a whole number"))?;
    capctl_core::ids::validate_capacity("capacity", i64::from(n)).map_err(|e| e.to_string())?;
    Ok(n)
}
