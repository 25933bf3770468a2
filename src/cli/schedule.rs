use clap::Args;

use crate::backends::Backends;
use crate::cli::Output;
use crate::ids::id_arg;
use crate::{Error, Result};

#[derive(Debug, Args)]
pub struct ScheduleArgs {
    /// Event id
    #[arg(long, value_parser = id_arg)]
    pub event: String,
    /// User id
    #[arg(long, value_parser = id_arg)]
    pub user: String,
    /// Write an iCalendar (RFC 5545) file to stdout instead of a table
    #[arg(long)]
    pub ics: bool,
}

impl ScheduleArgs {
    pub async fn run(self, _b: &Backends, _out: Output) -> Result<()> {
        Err(Error::Internal(anyhow::anyhow!(
            "schedule is not built yet"
        )))
    }
}
