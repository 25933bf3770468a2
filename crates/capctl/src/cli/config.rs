//! `capctl config show`: every setting `capctl.toml` may hold, its effective value (passwords
//! redacted) and where it came from: flag, env, `.env`, the config file's path, or default.

use clap::{Args, Subcommand};
use serde::Serialize;

use crate::cli::Output;
use crate::cli::output::table;
use crate::settings_file::Effective;
use capctl_core::Result;

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print each effective setting, its value and its source (flag, env, .env, file, default)
    Show(ShowArgs),
}

#[derive(Debug, Args)]
pub struct ShowArgs {}

#[derive(Serialize)]
struct Shown<'a> {
    settings: &'a [Effective],
}

impl ConfigCommand {
    pub fn run(&self, effective: &[Effective], out: Output) -> Result<()> {
        match self {
            Self::Show(_) => out.emit(
                &Shown {
                    settings: effective,
                },
                || {
                    let mut t = table(["setting", "value", "source"]);
                    for e in effective {
                        let source = match &e.variable {
                            Some(var) => format!("{} ({var})", e.source),
                            None => e.source.clone(),
                        };
                        t.add_row([
                            e.key.clone(),
                            e.value.clone().unwrap_or_else(|| "-".into()),
                            source,
                        ]);
                    }
                    t.to_string()
                },
            ),
        }
    }
}
