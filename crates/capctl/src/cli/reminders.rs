use std::time::Duration;

use clap::Args;

use crate::cli::Output;
use crate::cli::args::{duration_arg, id_arg};
use capctl_core::Result;
use capctl_core::backends::Backends;
use capctl_core::ids::EventId;
use capctl_core::outbox::queue_reminders;

#[derive(Debug, Args)]
pub struct RemindersArgs {
    /// Remind confirmed attendees of sessions starting within this long (e.g. 24h)
    #[arg(long, value_parser = duration_arg, value_name = "DUR")]
    pub within: Duration,
    /// Only this event's sessions
    #[arg(long, value_parser = id_arg)]
    pub event: Option<String>,
}

impl RemindersArgs {
    pub async fn run(self, b: &Backends, out: Output) -> Result<()> {
        let event: Option<EventId> = self.event.map(|e| e.parse()).transpose()?;
        let report = queue_reminders(b.pg().await?, self.within, event.as_ref()).await?;
        out.emit(&report, || {
            format!(
                "{} reminders queued for {} sessions",
                report.queued, report.sessions
            )
        })
    }
}
