use std::io::{BufWriter, Write};
use std::path::PathBuf;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::Output;
use crate::cli::args::id_arg;
use crate::cli::output::{progress_allowed, table};
use capctl_core::backends::Backends;
use capctl_core::io::export::{self, ExportFilter};
use capctl_core::io::import;
use capctl_core::{Error, Result};

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
    /// Write to FILE atomically (temporary file, then rename) instead of stdout
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// A bar on stderr when it is a terminal; hidden (and free) otherwise.
fn progress_bar(total: Option<u64>, unit: &str) -> ProgressBar {
    if !progress_allowed() {
        return ProgressBar::hidden();
    }
    let bar = match total {
        Some(n) => ProgressBar::new(n),
        None => ProgressBar::new_spinner(),
    };
    let template =
        format!("{{spinner}} [{{bar:40}}] {{pos}}/{{len}} {unit} {{per_sec}} eta {{eta}}");
    if let Ok(style) = ProgressStyle::with_template(&template) {
        bar.set_style(style.progress_chars("=> "));
    }
    // PostgreSQL may sort for a while before the first row: keep the spinner moving.
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

fn is_broken_pipe(err: &Error) -> bool {
    matches!(err, Error::Internal(e)
        if e.root_cause().downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe))
}

impl ExportArgs {
    pub async fn run(self, b: &Backends, out: Output) -> Result<()> {
        // Statuses and ids are checked before any connection.
        let filter =
            ExportFilter::new(&self.event, self.session.as_deref(), self.status.as_deref())?;
        let pool = b.pg().await?;
        // An unknown event or session is reported first (exit 5), with or without --json.
        export::check_filter(pool, &filter).await?;
        let to_stdout = self.output.as_ref().is_none_or(|p| p.as_os_str() == "-");
        if out.json && to_stdout {
            return Err(Error::invalid(
                "--json needs --output FILE: without it stdout carries the CSV itself, so there is no room for a JSON summary",
            ));
        }
        let bar = if progress_allowed() {
            progress_bar(Some(export::count_rows(pool, &filter).await?), "rows")
        } else {
            ProgressBar::hidden()
        };
        let progress = bar.clone();
        let mut on_rows = move |n: u64| progress.set_position(n);
        match self.output.filter(|p| p.as_os_str() != "-") {
            Some(path) => {
                // A signal drops this future (see cli::signals): the temporary file goes with it.
                let summary = export::export_to_file(pool, &filter, &path, &mut on_rows).await;
                bar.finish_and_clear();
                let summary = summary?;
                out.emit(&summary, || {
                    format!(
                        "exported {} rows to {}",
                        summary.rows,
                        summary.output.display()
                    )
                })
            }
            None => {
                let mut w = BufWriter::with_capacity(256 * 1024, std::io::stdout());
                let written = export::write_csv(pool, &filter, &mut w, &mut on_rows).await;
                bar.finish_and_clear();
                match written {
                    // `capctl export-rsvps … | head` is not an error.
                    Err(e) if is_broken_pipe(&e) => Ok(()),
                    Err(e) => Err(e),
                    Ok(_) => w.flush().map_err(|e| anyhow::Error::from(e).into()),
                }
            }
        }
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
    /// Check the file and report what would be imported; change nothing
    #[arg(long)]
    pub dry_run: bool,
}

impl ImportArgs {
    pub async fn run(self, b: &Backends, out: Output) -> Result<()> {
        let size = std::fs::metadata(&self.file).ok().map(|m| m.len());
        let bar = progress_bar(size, "bytes");
        let progress = bar.clone();
        let mut on_bytes = move |n: u64| progress.set_position(n);
        let commit = if self.dry_run {
            import::Commit::No
        } else {
            import::Commit::Yes
        };
        let report = import::import_file_with(
            b.pg().await?,
            &self.event.parse()?,
            &self.file,
            &mut on_bytes,
            commit,
        )
        .await;
        bar.finish_and_clear();
        let report = report?;
        out.emit_maybe_dry(&report, self.dry_run, || {
            let mut t = table([
                "event",
                "rows",
                "imported",
                "already registered",
                "duplicates in file",
            ]);
            t.add_row([
                report.event_id.to_string(),
                report.rows.to_string(),
                report.imported.to_string(),
                report.already_registered.to_string(),
                report.duplicates_in_file.to_string(),
            ]);
            let verb = if self.dry_run {
                "would import"
            } else {
                "imported"
            };
            crate::cli::output::with_summary(
                t,
                format!(
                    "{verb} {} registrations for {}",
                    report.imported, report.event_id
                ),
            )
        })
    }
}
