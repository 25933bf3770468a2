use std::time::Duration;

use clap::Args;

use crate::backends::Backends;
use crate::cli::Output;
use crate::ids::duration_arg;
use crate::{Error, Result};

#[derive(Debug, Args)]
pub struct ReconcileArgs {
    /// Run as a daemon, one pass every --interval, until SIGINT/SIGTERM
    #[arg(long)]
    pub watch: bool,
    /// Time between passes with --watch
    #[arg(long, value_parser = duration_arg, value_name = "DUR", default_value = "5s")]
    pub interval: Duration,
    /// Change nothing; exit 8 when anything is off
    #[arg(long)]
    pub check: bool,
    /// Serve Prometheus metrics on this address with --watch (e.g. 127.0.0.1:9187)
    #[arg(long, value_name = "ADDR")]
    pub metrics_addr: Option<std::net::SocketAddr>,
}

impl ReconcileArgs {
    pub async fn run(self, _b: &Backends, _out: Output) -> Result<()> {
        Err(Error::Internal(anyhow::anyhow!(
            "reconcile is not built yet"
        )))
    }
}
