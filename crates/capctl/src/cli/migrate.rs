use clap::Args;

use crate::cli::Output;
use capctl_core::Result;
use capctl_core::config::Settings;

#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// Create the database first if it does not exist
    #[arg(long)]
    pub create_database: bool,
    /// List the migrations that would be applied (and the database that would be created);
    /// change nothing
    #[arg(long)]
    pub dry_run: bool,
}

impl MigrateArgs {
    pub async fn run(&self, settings: &Settings, out: Output) -> Result<()> {
        let report = capctl_core::backends::postgres::migrate_with(
            settings,
            self.create_database,
            self.dry_run,
        )
        .await?;
        let would = if self.dry_run { "would be " } else { "" };
        out.emit_maybe_dry(&report, self.dry_run, || {
            let mut lines = Vec::new();
            if report.database_created {
                lines.push(format!(
                    "{would}created database {}",
                    capctl_core::backends::postgres::describe(&settings.database_url)
                ));
            }
            lines.extend(report.applied.iter().map(|m| format!("{would}applied {m}")));
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
