use std::time::Duration;

use clap::{Args, Subcommand};

use crate::backends::Backends;
use crate::booths::{self, Booth, NewBooth};
use crate::cli::output::{or_dash, or_unlimited, table};
use crate::cli::{LimitArgs, Output};
use crate::ids::{duration_arg, id_arg};
use crate::{Error, Result};

#[derive(Debug, Subcommand)]
pub enum BoothCommand {
    /// Create an expo booth
    Create(CreateArgs),
    /// Change a booth's visitor limit
    SetCapacity(SetCapacityArgs),
    /// A visitor enters (refused at the limit; a repeat refreshes the lease)
    Enter(PresenceArgs),
    /// Extend a visitor's lease; an expired lease is reported lost
    Heartbeat(PresenceArgs),
    /// A visitor leaves (idempotent)
    Leave(LeaveArgs),
    /// Visitors inside booths now
    Visitors(VisitorsArgs),
}

impl BoothCommand {
    pub async fn run(self, b: &Backends, out: Output) -> Result<()> {
        match self {
            Self::Create(a) => a.run(b, out).await,
            Self::SetCapacity(_)
            | Self::Enter(_)
            | Self::Heartbeat(_)
            | Self::Leave(_)
            | Self::Visitors(_) => Err(Error::Internal(anyhow::anyhow!(
                "booth presence is not built yet"
            ))),
        }
    }
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Event id
    #[arg(long, value_parser = id_arg)]
    pub event: String,
    /// Booth name
    #[arg(long)]
    pub name: String,
    /// Your own id (default: booth_<random>)
    #[arg(long, value_parser = id_arg)]
    pub id: Option<String>,
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
            bo.booth_id.clone(),
            bo.event_id.clone(),
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
    #[arg(long, value_parser = id_arg)]
    pub booth: String,
    #[command(flatten)]
    pub limit: LimitArgs,
}

#[derive(Debug, Args)]
pub struct PresenceArgs {
    /// Booth id
    #[arg(long, value_parser = id_arg)]
    pub booth: String,
    /// Visitor's user id
    #[arg(long, value_parser = id_arg)]
    pub user: String,
    /// Lease length: the visitor counts as inside this long without a heartbeat
    #[arg(long, value_parser = duration_arg, value_name = "DUR", default_value = "60s")]
    pub ttl: Duration,
}

#[derive(Debug, Args)]
pub struct LeaveArgs {
    /// Booth id
    #[arg(long, value_parser = id_arg)]
    pub booth: String,
    /// Visitor's user id
    #[arg(long, value_parser = id_arg)]
    pub user: String,
}

#[derive(Debug, Args)]
#[group(multiple = false)]
pub struct VisitorsArgs {
    /// One booth
    #[arg(long, value_parser = id_arg)]
    pub booth: Option<String>,
    /// Every booth of an event
    #[arg(long, value_parser = id_arg)]
    pub event: Option<String>,
}
