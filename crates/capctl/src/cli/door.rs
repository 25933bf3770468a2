//! `session check-in|check-out|release-no-shows` (the door of an in-person session) and
//! `session join|heartbeat|leave` (a virtual session's presence). Parse, call the library,
//! render; the rules are in `capctl_core::seats::{door, virtual_sessions}`.

use std::time::Duration;

use clap::Args;

use crate::cli::Output;
use crate::cli::args::duration_arg;
use crate::cli::output::{or_unlimited, table, ts};
use capctl_core::backends::Backends;
use capctl_core::ids::{SessionId, UserId};
use capctl_core::presence::{DEFAULT_TTL, LeaseStatus, Room};
use capctl_core::seats::virtual_sessions::{self, PresenceOp, SessionPresence};
use capctl_core::seats::{self, CheckIn, CheckInResult, CheckOut, NoShowRelease};
use capctl_core::{Error, Missing, Result};

/// Which user at which session: the flags every door and join command takes.
#[derive(Debug, Args)]
pub struct AttendeeArgs {
    /// Session id
    #[arg(long)]
    pub session: SessionId,
    /// User id
    #[arg(long)]
    pub user: UserId,
}

impl AttendeeArgs {
    pub async fn check_in(self, b: &Backends, out: Output) -> Result<()> {
        let c = seats::check_in(b.pg().await?, &self.session, &self.user).await?;
        out.emit(&c, || render_check_in(&c))
    }

    pub async fn check_out(self, b: &Backends, out: Output) -> Result<()> {
        let c = seats::check_out(b.pg().await?, &self.session, &self.user).await?;
        out.emit(&c, || render_check_out(&c))
    }

    pub async fn presence(self, b: &Backends, out: Output, op: PresenceOp) -> Result<()> {
        let p = virtual_sessions::presence(b, &self.session, &self.user, op).await?;
        emit_presence(out, &p)
    }
}

fn render_check_in(c: &CheckIn) -> String {
    let mut t = table([
        "session", "user", "status", "inside", "taken", "capacity", "since",
    ]);
    t.add_row([
        c.session_id.to_string(),
        c.user_id.to_string(),
        c.status.to_string(),
        c.inside.to_string(),
        c.taken.to_string(),
        or_unlimited(c.capacity),
        ts(&c.checked_in_at),
    ]);
    let how = match c.outcome {
        CheckInResult::Repeat => "is already inside; nothing changed",
        CheckInResult::Reentered => "is back in (seat kept)",
        CheckInResult::WalkIn => "is in: walk-in, took a free seat",
        _ => "is checked in",
    };
    format!("{t}\n{} {how} at {}", c.user_id, c.session_id)
}

fn render_check_out(c: &CheckOut) -> String {
    let mut t = table(["session", "user", "inside", "checked in", "checked out"]);
    t.add_row([
        c.session_id.to_string(),
        c.user_id.to_string(),
        c.inside.to_string(),
        c.checked_in_at
            .as_ref()
            .map(ts)
            .unwrap_or_else(|| "-".into()),
        c.checked_out_at
            .as_ref()
            .map(ts)
            .unwrap_or_else(|| "-".into()),
    ]);
    let again = if c.repeat {
        " (already out, nothing changed)"
    } else {
        ""
    };
    format!(
        "{t}\n{} left {}; the seat is kept for re-entry{again}",
        c.user_id, c.session_id
    )
}

#[derive(Debug, Args)]
pub struct ReleaseNoShowsArgs {
    /// Session id
    #[arg(long)]
    pub session: SessionId,
}

impl ReleaseNoShowsArgs {
    pub async fn run(self, b: &Backends, out: Output) -> Result<()> {
        let r = seats::release_no_shows(b.pg().await?, &self.session).await?;
        out.emit(&r, || render_release(&r))
    }
}

fn render_release(r: &NoShowRelease) -> String {
    match r.released {
        0 => format!(
            "{}: no confirmed seat left unclaimed; nothing released",
            r.session_id
        ),
        n => format!(
            "{}: {n} no-show seat(s) released; they are free for check-in at the door",
            r.session_id
        ),
    }
}

#[derive(Debug, Args)]
pub struct JoinArgs {
    #[command(flatten)]
    pub who: AttendeeArgs,
    /// Lease length: the attendee counts as connected this long without a heartbeat [default: 60s]
    #[arg(long, value_parser = duration_arg, value_name = "DUR")]
    pub ttl: Option<Duration>,
}

impl JoinArgs {
    pub fn join(&self) -> PresenceOp {
        PresenceOp::Join(self.ttl.unwrap_or(DEFAULT_TTL))
    }

    pub fn heartbeat(&self) -> PresenceOp {
        PresenceOp::Heartbeat(self.ttl)
    }
}

/// Prints a virtual session's presence answer, then turns a refusal into its exit code: at
/// the limit 3, a lost lease 5 (rejoin through the limit).
fn emit_presence(out: Output, p: &SessionPresence) -> Result<()> {
    let room = Room::Session(p.session_id.clone());
    let adm = &p.admission;
    let member = &p.user_id;
    let count = match adm.limit {
        Some(l) => format!("{} of {l}", adm.count),
        None => format!("{}, no limit", adm.count),
    };
    out.emit(p, || match adm.status {
        LeaseStatus::Admitted => format!("{member} joined {room} ({count})"),
        LeaseStatus::Refreshed => format!("{member} already in {room}; lease renewed ({count})"),
        // A session's room has no queue and no device cap, so these come only as refusals.
        LeaseStatus::Full | LeaseStatus::Queued | LeaseStatus::DeviceLimit => {
            format!("{member} refused: {}", adm.refusal(&room))
        }
        LeaseStatus::Extended => format!("lease of {member} in {room} extended ({count})"),
        LeaseStatus::Lost => format!("lease of {member} in {room} had expired; rejoin ({count})"),
        LeaseStatus::Left => format!("{member} left {room} ({count})"),
        LeaseStatus::Absent => format!("{member} was not in {room}; nothing changed ({count})"),
    })?;
    match adm.status {
        LeaseStatus::Full | LeaseStatus::Queued | LeaseStatus::DeviceLimit => {
            Err(Error::Full(adm.refusal(&room)))
        }
        LeaseStatus::Lost => Err(Error::NotFound(Missing::Lease {
            room,
            user: member.clone(),
        })),
        _ => Ok(()),
    }
}
