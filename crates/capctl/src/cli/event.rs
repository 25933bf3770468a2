use chrono::{DateTime, Utc};
use clap::{Args, Subcommand};

use crate::cli::Output;
use crate::cli::args::timestamp_arg;
use crate::cli::output::{or_dash, or_unlimited, table, ts};
use capctl_core::Result;
use capctl_core::backends::Backends;
use capctl_core::catalog::events::{self, Event, NewEvent};
use capctl_core::ids::{EventId, UserId};

#[derive(Debug, Subcommand)]
pub enum EventCommand {
    /// Create an event
    Create(CreateArgs),
    /// List events
    #[command(alias = "ls")]
    List(ListArgs),
    /// Show one event
    Show(ShowArgs),
    /// Register a user for an event (idempotent; respects --max-attendees)
    Register(RegisterArgs),
    /// Register users from a CSV file with header user_id,name,email (all or nothing)
    ImportRegistrations(crate::cli::export::ImportArgs),
}

impl EventCommand {
    pub async fn run(self, b: &Backends, out: Output) -> Result<()> {
        match self {
            Self::Create(a) => a.run(b, out).await,
            Self::List(a) => a.run(b, out).await,
            Self::Show(a) => a.run(b, out).await,
            Self::Register(a) => a.run(b, out).await,
            Self::ImportRegistrations(a) => a.run(b, out).await,
        }
    }
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Event name
    #[arg(long)]
    pub name: String,
    /// Start, RFC 3339 (2026-12-01T09:00:00Z)
    #[arg(long, value_parser = timestamp_arg, value_name = "TS")]
    pub starts_at: DateTime<Utc>,
    /// End, RFC 3339
    #[arg(long, value_parser = timestamp_arg, value_name = "TS")]
    pub ends_at: DateTime<Utc>,
    /// Your own id (default: evt_<random>)
    #[arg(long)]
    pub id: Option<EventId>,
    /// Cap on registrations (default: unlimited)
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub max_attendees: Option<i64>,
    /// Cap on concurrent stream viewers (default: unlimited)
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub max_viewers: Option<i64>,
    #[command(flatten)]
    pub access: crate::cli::stream::AccessArgs,
}

impl CreateArgs {
    async fn run(self, b: &Backends, out: Output) -> Result<()> {
        let new = NewEvent {
            id: self.id,
            name: self.name,
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            max_attendees: self.max_attendees,
            max_viewers: self.max_viewers,
        };
        let policy = self.access.change();
        policy.validate()?;
        let pool = b.pg().await?;
        let event = events::create_event(pool, new).await?;
        if !policy.is_empty() {
            // A new event has no cached settings yet: PostgreSQL alone.
            capctl_core::presence::write_policy(pool, &event.event_id, &policy).await?;
        }
        out.emit(&event, || render_events(std::slice::from_ref(&event)))
    }
}

#[derive(Debug, Args)]
pub struct ListArgs {}

impl ListArgs {
    async fn run(self, b: &Backends, out: Output) -> Result<()> {
        let list = events::list_events(b.pg().await?).await?;
        out.emit(&list, || render_events(&list))
    }
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Event id
    pub event_id: EventId,
}

impl ShowArgs {
    async fn run(self, b: &Backends, out: Output) -> Result<()> {
        let event = events::get_event(b.pg().await?, &self.event_id).await?;
        out.emit(&event, || render_events(std::slice::from_ref(&event)))
    }
}

fn render_events(list: &[Event]) -> String {
    let mut t = table([
        "event",
        "name",
        "starts",
        "ends",
        "registered",
        "max attendees",
        "max viewers",
        "sessions",
        "booths",
    ]);
    for e in list {
        t.add_row([
            e.event_id.to_string(),
            e.name.clone(),
            ts(&e.starts_at),
            ts(&e.ends_at),
            e.registered.to_string(),
            or_unlimited(e.max_attendees),
            or_unlimited(e.max_viewers),
            e.sessions.to_string(),
            e.booths.to_string(),
        ]);
    }
    if list.is_empty() {
        "no events".into()
    } else {
        t.to_string()
    }
}

#[derive(Debug, Args)]
pub struct RegisterArgs {
    /// Event id
    #[arg(long)]
    pub event: EventId,
    /// User id
    #[arg(long)]
    pub user: UserId,
    /// Display name
    #[arg(long)]
    pub name: Option<String>,
    /// Email address
    #[arg(long)]
    pub email: Option<String>,
}

impl RegisterArgs {
    async fn run(self, b: &Backends, out: Output) -> Result<()> {
        let outcome = events::register(
            b.pg().await?,
            &self.event,
            &self.user,
            self.name.as_deref(),
            self.email.as_deref(),
        )
        .await?;
        out.emit(&outcome, || {
            let r = &outcome.registration;
            let what = if outcome.created {
                "registered"
            } else {
                "already registered"
            };
            let mut t = table(["event", "user", "name", "email", "status"]);
            t.add_row([
                r.event_id.to_string(),
                r.user_id.to_string(),
                or_dash(r.name.clone()),
                or_dash(r.email.clone()),
                r.status.to_string(),
            ]);
            format!("{t}\n{} {what} for {}", r.user_id, r.event_id)
        })
    }
}
