use clap::Args;

use crate::cli::Output;
use capctl_core::Result;
use capctl_core::config::Settings;

#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// Create the database first if it does not exist
    #[arg(long)]
    pub create_database: bool,
}

impl MigrateArgs {
    pub async fn run(&self, settings: &Settings, out: Output) -> Result<()> {
        let report =
            capctl_core::backends::postgres::migrate(settings, self.create_database).await?;
        out.emit(&report, || {
            let mut lines = Vec::new();
            if report.database_created {
                lines.push(format!(
                    "created database {}",
                    capctl_core::backends::postgres::describe(&settings.database_url)
                ));
            }
            lines.extend(report.applied.iter().map(|m| format!("applied {m}")));
            if report.applied.is_empty() {
                lines.push(format!(
                    "up to date ({} migrations applied earlier)",
                    report.already_applied
                ));
            }
            lines.join("\n")
        })
    }
}
