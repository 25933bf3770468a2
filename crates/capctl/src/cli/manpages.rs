//! `capctl manpages DIR` (hidden): writes the man pages, generated from the command tree by
//! clap_mangen: capctl.1 and one page per subcommand (capctl-session-rsvp.1, ...). The pages
//! checked in under man/ are kept current by tests/man.rs.

use std::path::PathBuf;

use clap::{Args, CommandFactory};

use crate::cli::Cli;
use capctl_core::{Error, Result};

#[derive(Debug, Args)]
pub struct ManpagesArgs {
    /// Directory to write the pages into (created when missing)
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

impl ManpagesArgs {
    pub fn run(&self) -> Result<()> {
        let cannot = |e: std::io::Error| {
            Error::invalid(format!(
                "cannot write man pages to {}: {e}",
                self.dir.display()
            ))
        };
        std::fs::create_dir_all(&self.dir).map_err(cannot)?;
        clap_mangen::generate_to(Cli::command(), &self.dir).map_err(cannot)
    }
}
