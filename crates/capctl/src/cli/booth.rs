use std::time::Duration;

use clap::{Args, Subcommand};

use crate::cli::args::duration_arg;
use crate::cli::output::{or_dash, or_unlimited, table};
use crate::cli::stream::{LeaseOp, LimitAnswer, percent_full};
use crate::cli::{LimitArgs, Output};
use capctl_core::Result;
use capctl_core::backends::Backends;
use capctl_core::catalog::booths::{self, Booth, NewBooth};
use capctl_core::ids::{BoothId, EventId, UserId};
use capctl_core::presence::{Presence, Room};

#[derive(Debug, Subcommand)]
pub enum BoothCommand {
    /// Create an expo booth
    Create(CreateArgs),
    /// Change a booth's visitor limit
    SetCapacity(SetCapacityArgs),
    /// A visitor enters (refused at the limit, or queued with --queue; a repeat refreshes)
    Enter(EnterArgs),
    /// Extend a visitor's lease; an expired lease is reported lost
    Heartbeat(HeartbeatArgs),
    /// A visitor leaves (idempotent)
    Leave(VisitorArgs),
    /// Visitors inside booths now
    Visitors(VisitorsArgs),
}

impl BoothCommand {
    pub async fn run(self, b: &Backends, out: Output) -> Result<()> {
        match self {
            Self::Create(a) => a.run(b, out).await,
            Self::SetCapacity(a) => a.run(b, out).await,
            Self::Enter(a) => {
                let op = LeaseOp::Join {
                    ttl: a.ttl,
                    queue: a.queue,
                };
                a.who.run(b, out, op).await
            }
            Self::Heartbeat(a) => a.who.run(b, out, LeaseOp::Heartbeat(a.ttl)).await,
            Self::Leave(who) => who.run(b, out, LeaseOp::Leave).await,
            Self::Visitors(a) => a.run(b, out).await,
        }
    }
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Event id
    #[arg(long)]
    pub event: EventId,
    /// Booth name
    #[arg(long)]
    pub name: String,
    /// Your own id (default: booth_<random>)
    #[arg(long)]
    pub id: Option<BoothId>,
    /// Sponsor tier, e.g. gold
    #[arg(long, value_name = "T")]
    pub tier: Option<String>,
    /// Visitors allowed inside at once (default: unlimited)
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub max_visitors: Option<i64>,
}

impl CreateArgs {
    async fn run(self, b: &Backends, out: Output) -> Result<()> {
        let new = NewBooth {
            event_id: self.event,
            id: self.id,
            name: self.name,
            tier: self.tier,
            max_visitors: self.max_visitors,
        };
        let booth = booths::create_booth(b.pg().await?, new).await?;
        out.emit(&booth, || render_booths(std::slice::from_ref(&booth)))
    }
}

pub fn render_booths(list: &[Booth]) -> String {
    let mut t = table(["booth", "event", "name", "tier", "max visitors"]);
    for bo in list {
        t.add_row([
            bo.booth_id.to_string(),
            bo.event_id.to_string(),
            bo.name.clone(),
            or_dash(bo.tier.clone()),
            or_unlimited(bo.max_visitors),
        ]);
    }
    t.to_string()
}

#[derive(Debug, Args)]
pub struct SetCapacityArgs {
    /// Booth id
    #[arg(long)]
    pub booth: BoothId,
    #[command(flatten)]
    pub limit: LimitArgs,
    /// Report what would change and change nothing
    #[arg(long)]
    pub dry_run: bool,
}

/// Which visitor of which booth: the flags every visitor command takes.
#[derive(Debug, Args)]
pub struct VisitorArgs {
    /// Booth id
    #[arg(long)]
    pub booth: BoothId,
    /// Visitor's user id
    #[arg(long)]
    pub user: UserId,
}

impl VisitorArgs {
    async fn run(self, b: &Backends, out: Output, op: LeaseOp) -> Result<()> {
        op.run(b, out, Room::Booth(self.booth), &self.user, None)
            .await
    }
}

#[derive(Debug, Args)]
pub struct EnterArgs {
    #[command(flatten)]
    pub who: VisitorArgs,
    /// Lease length: the visitor counts as inside this long without a heartbeat; a queue place
    /// lasts as long without a repeat [default: 60s]
    #[arg(long, value_parser = duration_arg, value_name = "DUR")]
    pub ttl: Option<Duration>,
    /// When full, take a place in the booth's line (exit 4 with the position); repeat the call
    /// to keep the place: the head of the line is admitted by it once a slot is free
    #[arg(long)]
    pub queue: bool,
}

#[derive(Debug, Args)]
pub struct HeartbeatArgs {
    #[command(flatten)]
    pub who: VisitorArgs,
    /// New lease length (default: the lease keeps its own, the one it was granted)
    #[arg(long, value_parser = duration_arg, value_name = "DUR")]
    pub ttl: Option<Duration>,
}

#[derive(Debug, Args)]
#[group(multiple = false)]
pub struct VisitorsArgs {
    /// One booth
    #[arg(long)]
    pub booth: Option<BoothId>,
    /// Every booth of an event
    #[arg(long)]
    pub event: Option<EventId>,
}

impl SetCapacityArgs {
    async fn run(self, b: &Backends, out: Output) -> Result<()> {
        let room = Room::Booth(self.booth.clone());
        let presence = Presence::new(b);
        let change = if self.dry_run {
            presence.preview_limit(&room, self.limit.limit()).await?
        } else {
            presence.set_limit(&room, self.limit.limit()).await?
        };
        let answer = LimitAnswer {
            event_id: None,
            booth_id: Some(&self.booth),
            change: &change,
            message: change.message(&room),
        };
        out.emit_maybe_dry(&answer, self.dry_run, || answer.message.clone())
    }
}

#[derive(Debug, serde::Serialize)]
struct VisitorsRow {
    booth_id: String,
    event_id: String,
    visitors: u64,
    max_visitors: Option<u64>,
    full_percent: Option<f64>,
    /// People in the booth's line.
    queued: u64,
}

impl VisitorsArgs {
    async fn run(self, b: &Backends, out: Output) -> Result<()> {
        let list = Presence::new(b)
            .booth_occupancy(self.booth.as_ref(), self.event.as_ref())
            .await?;
        let rows: Vec<VisitorsRow> = list
            .into_iter()
            .map(|(o, event_id)| VisitorsRow {
                booth_id: o.room.id().to_string(),
                event_id,
                visitors: o.live,
                max_visitors: o.limit,
                full_percent: percent_full(o.live, o.limit),
                queued: o.queued,
            })
            .collect();
        out.emit(&rows, || {
            if rows.is_empty() {
                return "no booths".into();
            }
            use crate::cli::fit::{self, Priority::*, col};
            // Fits the terminal: the event and queue columns give way first on a narrow one.
            let columns = [
                col("booth", Keep),
                col("event", Low),
                col("visitors", Keep),
                col("queued", Medium),
                col("max", Keep),
                col("% full", High),
            ];
            let cells: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    vec![
                        r.booth_id.clone(),
                        r.event_id.clone(),
                        r.visitors.to_string(),
                        r.queued.to_string(),
                        or_unlimited(r.max_visitors),
                        r.full_percent
                            .map_or_else(|| "-".into(), |p| format!("{p:.1}%")),
                    ]
                })
                .collect();
            let t = fit::render(&columns, &cells, fit::terminal_width());
            format!(
                "{t}\n{} visitor(s) in {} booth(s), {} full",
                rows.iter().map(|r| r.visitors).sum::<u64>(),
                rows.len(),
                rows.iter()
                    .filter(|r| r.max_visitors.is_some_and(|m| r.visitors >= m))
                    .count()
            )
        })
    }
}
