use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::backends::Backends;
use crate::cli::Output;
use crate::{Error, Result};

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// RSVP rush on one hot session (and spread over --sessions)
    Rsvp(RsvpArgs),
    /// Concurrent stream joins, heartbeats, a disconnect storm and the reconcile after it
    Stream(StreamArgs),
    /// Export RSVPs to CSV
    Export(ExportArgs),
}

impl BenchCommand {
    pub async fn run(self, _b: &Backends, _out: Output) -> Result<()> {
        Err(Error::Internal(anyhow::anyhow!("bench is not built yet")))
    }
}

#[derive(Debug, Args)]
pub struct RsvpArgs {
    /// Users rushing
    #[arg(long, default_value_t = 2000)]
    pub users: u32,
    /// Seats per session
    #[arg(long, default_value_t = 500)]
    pub capacity: u32,
    /// Sessions the users spread over (1 = one hot session)
    #[arg(long, default_value_t = 1)]
    pub sessions: u32,
    /// Concurrent writers
    #[arg(long, default_value_t = 16)]
    pub concurrency: u32,
}

#[derive(Debug, Args)]
pub struct StreamArgs {
    /// Viewers joining
    #[arg(long, default_value_t = 10000)]
    pub viewers: u32,
    /// Streams the viewers spread over
    #[arg(long, default_value_t = 10)]
    pub streams: u32,
    /// Concurrent callers
    #[arg(long, default_value_t = 50)]
    pub concurrency: u32,
    /// Share of viewers that vanish without leaving
    #[arg(long, default_value_t = 0.3)]
    pub drop: f64,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// RSVP rows to export
    #[arg(long, default_value_t = 1_000_000)]
    pub rows: u64,
    /// Where the CSV goes (default: a temporary file)
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}
