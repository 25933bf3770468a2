use clap::Args;

use crate::cli::Output;
use crate::cli::output::{or_dash, table, ts};
use capctl_core::Result;
use capctl_core::backends::Backends;
use capctl_core::ids::{EventId, UserId};
use capctl_core::seats::{self, ScheduleEntry};

#[derive(Debug, Args)]
pub struct ScheduleArgs {
    /// Event id
    #[arg(long)]
    pub event: EventId,
    /// User id
    #[arg(long)]
    pub user: UserId,
    /// Write an iCalendar (RFC 5545) file to stdout instead of a table
    #[arg(long)]
    pub ics: bool,
}

impl ScheduleArgs {
    pub async fn run(self, b: &Backends, out: Output) -> Result<()> {
        let entries = seats::schedule(b.pg().await?, &self.event, &self.user).await?;
        if self.ics {
            return write_raw(&seats::schedule_ics(&self.event, &self.user, &entries));
        }
        out.emit(&entries, || render_schedule(&self.user, &entries))
    }
}

/// Writes the calendar as is: its lines end in CRLF, as RFC 5545 wants.
fn write_raw(text: &str) -> Result<()> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.map_err(|e| anyhow::Error::from(e).into()),
    }
}

fn render_schedule(user: &str, entries: &[ScheduleEntry]) -> String {
    let clashes = entries.iter().filter(|e| !e.overlaps.is_empty()).count();
    let summary = format!(
        "{user}: {} session(s) on the schedule, {clashes} overlapping another",
        entries.len()
    );
    if entries.is_empty() {
        return summary;
    }
    let mut t = table([
        "starts", "ends", "session", "title", "room", "status", "overlaps",
    ]);
    for e in entries {
        let status = match (e.waitlist_position, e.checked_in_at, e.checked_out_at) {
            (Some(p), _, _) => format!("{} #{p}", e.status),
            (None, Some(_), None) => format!("{} (inside)", e.status),
            (None, Some(_), Some(out)) => format!("{} (checked in, left {})", e.status, ts(&out)),
            (None, None, _) => e.status.to_string(),
        };
        t.add_row([
            ts(&e.starts_at),
            ts(&e.ends_at),
            e.session_id.to_string(),
            e.title.clone(),
            or_dash(e.room.clone()),
            status,
            e.overlaps
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        ]);
    }
    format!("{t}\n{summary}")
}
