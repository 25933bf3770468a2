use std::time::Duration;

use clap::{Args, Subcommand};

use crate::backends::Backends;
use crate::cli::{LimitArgs, Output};
use crate::ids::{duration_arg, id_arg};
use crate::{Error, Result};

#[derive(Debug, Subcommand)]
pub enum StreamCommand {
    /// Set or remove an event's concurrent-viewer limit
    SetLimit(SetLimitArgs),
    /// A viewer joins (refused at the limit; a repeat refreshes the lease)
    Join(PresenceArgs),
    /// Extend a viewer's lease; an expired lease is reported lost
    Heartbeat(PresenceArgs),
    /// A viewer leaves (idempotent)
    Leave(LeaveArgs),
    /// Viewers of streams now; --watch redraws until Ctrl-C
    Viewers(ViewersArgs),
}

impl StreamCommand {
    pub async fn run(self, _b: &Backends, _out: Output) -> Result<()> {
        Err(Error::Internal(anyhow::anyhow!(
            "stream presence is not built yet"
        )))
    }
}

#[derive(Debug, Args)]
pub struct SetLimitArgs {
    /// Event id
    #[arg(long, value_parser = id_arg)]
    pub event: String,
    #[command(flatten)]
    pub limit: LimitArgs,
}

#[derive(Debug, Args)]
pub struct PresenceArgs {
    /// Event id
    #[arg(long, value_parser = id_arg)]
    pub event: String,
    /// Viewer id
    #[arg(long, value_parser = id_arg)]
    pub viewer: String,
    /// Lease length: the viewer counts as watching this long without a heartbeat
    #[arg(long, value_parser = duration_arg, value_name = "DUR", default_value = "60s")]
    pub ttl: Duration,
}

#[derive(Debug, Args)]
pub struct LeaveArgs {
    /// Event id
    #[arg(long, value_parser = id_arg)]
    pub event: String,
    /// Viewer id
    #[arg(long, value_parser = id_arg)]
    pub viewer: String,
}

#[derive(Debug, Args)]
pub struct ViewersArgs {
    /// One event (default: every event)
    #[arg(long, value_parser = id_arg)]
    pub event: Option<String>,
    /// Redraw a live table until Ctrl-C
    #[arg(long)]
    pub watch: bool,
    /// Redraw interval with --watch
    #[arg(long, value_parser = duration_arg, value_name = "DUR", default_value = "1s")]
    pub interval: Duration,
}
