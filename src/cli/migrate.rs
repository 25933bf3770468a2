use clap::Args;

use crate::Result;
use crate::cli::Output;
use crate::config::Settings;

#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// Create the database first if it does not exist
    #[arg(long)]
    pub create_database: bool,
}

impl MigrateArgs {
    pub async fn run(&self, settings: &Settings, out: Output) -> Result<()> {
        let report = crate::db::migrate(settings, self.create_database).await?;
        out.emit(&report, || {
            let mut lines = Vec::new();
            if report.database_created {
                lines.push(format!(
                    "created database {}",
                    crate::db::describe(&settings.database_url)
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
