use std::path::PathBuf;

use clap::Args;

use crate::backends::Backends;
use crate::cli::Output;
use crate::ids::id_arg;
use crate::{Error, Result};

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Event id
    #[arg(long, value_parser = id_arg)]
    pub event: String,
    /// Only this session
    #[arg(long, value_parser = id_arg)]
    pub session: Option<String>,
    /// Only these statuses, comma separated (CONFIRMED,WAITLISTED,OFFERED,CANCELLED,EXPIRED)
    #[arg(long, value_name = "LIST")]
    pub status: Option<String>,
    /// Write to FILE atomically instead of stdout
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

impl ExportArgs {
    pub async fn run(self, _b: &Backends, _out: Output) -> Result<()> {
        Err(Error::Internal(anyhow::anyhow!(
            "export-rsvps is not built yet"
        )))
    }
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Event id
    #[arg(long, value_parser = id_arg)]
    pub event: String,
    /// CSV file with header user_id,name,email
    #[arg(value_name = "FILE.csv")]
    pub file: PathBuf,
}

impl ImportArgs {
    pub async fn run(self, _b: &Backends, _out: Output) -> Result<()> {
        Err(Error::Internal(anyhow::anyhow!(
            "import-registrations is not built yet"
        )))
    }
}
