use std::time::Duration;

use chrono::{DateTime, Utc};
use clap::{Args, Subcommand};

use crate::cli::args::{duration_arg, timestamp_arg};
use crate::cli::door::{AttendeeArgs, JoinArgs, ReleaseNoShowsArgs};
use crate::cli::output::{or_dash, or_unlimited, span, table};
use crate::cli::{LimitArgs, Output};
use capctl_core::backends::Backends;
use capctl_core::catalog::sessions::{self, NewSession, SessionSeats};
use capctl_core::ids::{EventId, SessionId, UserId};
use capctl_core::seats::virtual_sessions::{self, PresenceOp, SessionFormat};
use capctl_core::seats::{
    self, Cancellation, CapacityChange, RsvpOutcome, RsvpStatus, WaitlistEntry,
};
use capctl_core::{Error, Result};

#[derive(Debug, Subcommand)]
pub enum SessionCommand {
    /// Create a session of an event
    Create(CreateArgs),
    /// The organizer dashboard: seats of every session of an event
    #[command(alias = "ls")]
    List(ListArgs),
    /// Change a session's capacity (raising it offers seats to the waitlist at once)
    SetCapacity(SetCapacityArgs),
    /// RSVP a user: confirmed, waitlisted when full, or refused
    Rsvp(RsvpArgs),
    /// Cancel a user's RSVP; the freed seat is offered to the next in line
    Cancel(CancelArgs),
    /// Show a session's waitlist in order
    Waitlist(WaitlistArgs),
    /// Let a user in at the door: a held seat is honoured, anyone else only into a free seat
    CheckIn(AttendeeArgs),
    /// A user leaves the room; the seat is kept for re-entry (idempotent)
    CheckOut(AttendeeArgs),
    /// Release confirmed seats not checked in (from the start) to the people at the door
    ReleaseNoShows(ReleaseNoShowsArgs),
    /// Join a virtual session (refused at its capacity; a repeat refreshes the lease)
    Join(JoinArgs),
    /// Extend a virtual session attendee's lease; an expired lease is reported lost
    Heartbeat(JoinArgs),
    /// Leave a virtual session (idempotent)
    Leave(AttendeeArgs),
}

impl SessionCommand {
    pub async fn run(self, b: &Backends, out: Output) -> Result<()> {
        match self {
            Self::Create(a) => a.run(b, out).await,
            Self::List(a) => a.run(b, out).await,
            Self::SetCapacity(a) => a.run(b, out).await,
            Self::Rsvp(a) => a.run(b, out).await,
            Self::Cancel(a) => a.run(b, out).await,
            Self::Waitlist(a) => a.run(b, out).await,
            Self::CheckIn(a) => a.check_in(b, out).await,
            Self::CheckOut(a) => a.check_out(b, out).await,
            Self::ReleaseNoShows(a) => a.run(b, out).await,
            Self::Join(a) => {
                let op = a.join();
                a.who.presence(b, out, op).await
            }
            Self::Heartbeat(a) => {
                let op = a.heartbeat();
                a.who.presence(b, out, op).await
            }
            Self::Leave(a) => a.presence(b, out, PresenceOp::Leave).await,
        }
    }
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Event id
    #[arg(long)]
    pub event: EventId,
    /// Session title
    #[arg(long)]
    pub title: String,
    /// Start, RFC 3339
    #[arg(long, value_parser = timestamp_arg, value_name = "TS")]
    pub starts_at: DateTime<Utc>,
    /// End, RFC 3339
    #[arg(long, value_parser = timestamp_arg, value_name = "TS")]
    pub ends_at: DateTime<Utc>,
    /// Your own id (default: ses_<random>)
    #[arg(long)]
    pub id: Option<SessionId>,
    /// Seats (default: unlimited)
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub max_participants: Option<i64>,
    /// Room shown in schedules
    #[arg(long, value_name = "R")]
    pub room: Option<String>,
    /// Refuse RSVPs when full instead of queueing them
    #[arg(long)]
    pub no_waitlist: bool,
    /// How long a freed seat is held for the next in line
    #[arg(long, value_parser = duration_arg, value_name = "DUR", default_value = "30m")]
    pub offer_ttl: Duration,
    /// Release confirmed seats not checked in this long after the start (default: never)
    #[arg(long, value_parser = duration_arg, value_name = "DUR")]
    pub no_show_grace: Option<Duration>,
    /// in-person (seats: RSVP, waitlist, check-in) or virtual (joins, limited to the capacity)
    #[arg(long, value_parser = format_arg, value_name = "in-person|virtual", default_value = "in-person")]
    pub format: SessionFormat,
}

fn format_arg(s: &str) -> std::result::Result<SessionFormat, String> {
    SessionFormat::parse_flag(s).map_err(|e| e.to_string())
}

impl CreateArgs {
    async fn run(self, b: &Backends, out: Output) -> Result<()> {
        let new = NewSession {
            event_id: self.event,
            id: self.id,
            title: self.title,
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            max_participants: self.max_participants,
            room: self.room,
            waitlist_enabled: !self.no_waitlist,
            offer_ttl: self.offer_ttl,
            format: self.format,
            no_show_grace: self.no_show_grace,
        };
        let session = sessions::create_session(b.pg().await?, new).await?;
        out.emit(&session, || render_sessions(std::slice::from_ref(&session)))
    }
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Event id
    #[arg(long)]
    pub event: EventId,
}

impl ListArgs {
    async fn run(self, b: &Backends, out: Output) -> Result<()> {
        let pool = b.pg().await?;
        let list = sessions::list_sessions(pool, &self.event).await?;
        // Notifications not yet delivered, per session: what the last changes still have to tell.
        let ids: Vec<String> = list.iter().map(|s| s.session_id.to_string()).collect();
        let undelivered = capctl_core::outbox::undelivered_by_session(pool, &ids).await?;
        let rows: Vec<ListedSession> = list
            .iter()
            .map(|seats| {
                let (pending, failed) = undelivered
                    .get(seats.session_id.as_str())
                    .copied()
                    .unwrap_or_default();
                ListedSession {
                    seats,
                    notifications_pending: pending,
                    notifications_failed: failed,
                }
            })
            .collect();
        out.emit(&rows, || {
            let mut text = render_sessions(&list);
            let waiting: Vec<String> = rows
                .iter()
                .filter(|r| r.notifications_pending + r.notifications_failed > 0)
                .map(|r| {
                    format!(
                        "{} {} pending{}",
                        r.seats.session_id,
                        r.notifications_pending,
                        if r.notifications_failed > 0 {
                            format!(", {} failed", r.notifications_failed)
                        } else {
                            String::new()
                        }
                    )
                })
                .collect();
            if !waiting.is_empty() && !crate::cli::output::quiet() {
                text.push_str(&format!(
                    "\nnotifications to deliver (capctl outbox deliver): {}",
                    waiting.join("; ")
                ));
            }
            text
        })
    }
}

/// A dashboard row: the seats plus the session's undelivered notifications.
#[derive(serde::Serialize)]
struct ListedSession<'a> {
    #[serde(flatten)]
    seats: &'a SessionSeats,
    notifications_pending: i64,
    notifications_failed: i64,
}

pub fn render_sessions(list: &[SessionSeats]) -> String {
    use crate::cli::fit::{self, Priority::*, col, flex};
    if list.is_empty() {
        return "no sessions".into();
    }
    // One line per session at 80 columns and wider: short headers, one compact time span,
    // the title cut to what is left, and the least needed columns giving way first.
    let columns = [
        col("session", Keep),
        flex("title"),
        col("when", High),
        col("room", Low),
        col("cap", Keep),
        col("conf", Keep),
        col("offer", Medium),
        col("wait", High),
        col("free", Low),
        col("full", Medium),
        col("in", Medium),
        col("inside", Low),
        col("no-show", Low),
    ];
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|s| {
            vec![
                s.session_id.to_string(),
                s.title.clone(),
                span(&s.starts_at, &s.ends_at),
                or_dash(s.room.clone()),
                or_unlimited(s.capacity),
                s.confirmed.to_string(),
                s.offered.to_string(),
                s.waitlisted.to_string(),
                or_unlimited(s.available),
                if s.is_full { "FULL".into() } else { "".into() },
                s.checked_in.to_string(),
                s.inside.to_string(),
                s.no_shows.to_string(),
            ]
        })
        .collect();
    let t = fit::render(&columns, &rows, fit::terminal_width());
    let sum = |f: fn(&SessionSeats) -> i64| list.iter().map(f).sum::<i64>();
    let summary = format!(
        "{} session(s), {} full: {} confirmed, {} offered, {} waitlisted",
        list.len(),
        list.iter().filter(|s| s.is_full).count(),
        sum(|s| s.confirmed),
        sum(|s| s.offered),
        sum(|s| s.waitlisted)
    );
    crate::cli::output::with_summary(t, summary)
}

#[derive(Debug, Args)]
pub struct SetCapacityArgs {
    /// Session id
    #[arg(long)]
    pub session: SessionId,
    #[command(flatten)]
    pub limit: LimitArgs,
    /// Allow a capacity below the seats already taken (nobody is removed; nobody new admitted)
    #[arg(long)]
    pub force: bool,
    /// Report what would change (offers that would be sent) and change nothing
    #[arg(long)]
    pub dry_run: bool,
}

impl SetCapacityArgs {
    async fn run(self, b: &Backends, out: Output) -> Result<()> {
        let pool = b.pg().await?;
        let limit = self.limit.limit();
        if virtual_sessions::format(pool, &self.session).await? == SessionFormat::Virtual {
            let room = capctl_core::presence::Room::Session(self.session.clone());
            let change = if self.dry_run {
                capctl_core::presence::Presence::new(b)
                    .preview_limit(&room, limit)
                    .await?
            } else {
                virtual_sessions::set_capacity(b, &self.session, limit).await?
            };
            let answer = crate::cli::stream::LimitAnswer {
                event_id: None,
                booth_id: None,
                message: change.message(&room),
                change: &change,
            };
            return out.emit_maybe_dry(&answer, self.dry_run, || answer.message.clone());
        }
        let set = async |force| {
            if self.dry_run {
                seats::preview_capacity(pool, &self.session, limit, force).await
            } else {
                seats::set_capacity(pool, &self.session, limit, force).await
            }
        };
        let change = match set(self.force).await {
            // At a terminal, a cut below what is taken is asked about (default No) instead of
            // refused outright; scripts without --force still get exit 6.
            Err(err @ Error::BelowTaken { .. }) if !self.force && !out.json => {
                if !confirm_force(err.to_string()).await? {
                    return Err(err);
                }
                set(true).await?
            }
            other => other?,
        };
        out.emit_maybe_dry(&change, self.dry_run, || render_capacity_change(&change))
    }
}

/// Asks on the terminal whether to force a capacity below the seats taken. False (no prompt)
/// unless both stdin and stderr are terminals. The prompt blocks on the terminal, so it runs
/// off the async threads: a signal meanwhile still ends the command at once.
async fn confirm_force(reason: String) -> Result<bool> {
    use std::io::IsTerminal;
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        return Ok(false);
    }
    tokio::task::spawn_blocking(move || {
        dialoguer::Confirm::new()
            .with_prompt(format!(
                "{reason}. Set it anyway? Nobody is removed; nobody new is admitted until below"
            ))
            .default(false)
            .interact_on(&dialoguer::console::Term::stderr())
    })
    .await
    .map_err(anyhow::Error::from)?
    .map_err(|e| Error::Internal(anyhow::anyhow!("reading the answer: {e}")))
}

fn render_capacity_change(c: &CapacityChange) -> String {
    let mut t = table(["session", "capacity", "was", "taken", "offers sent"]);
    t.add_row([
        c.session_id.to_string(),
        or_unlimited(c.capacity),
        or_unlimited(c.previous_capacity),
        c.taken.to_string(),
        c.offers_sent.to_string(),
    ]);
    let summary = match (c.over_capacity, c.offers_sent) {
        (true, _) => format!(
            "capacity of {} set to {} below the {} seats taken: nobody is removed, nobody new is admitted until below",
            c.session_id,
            or_unlimited(c.capacity),
            c.taken
        ),
        (false, 0) => format!(
            "capacity of {} set to {}; no offers sent",
            c.session_id,
            or_unlimited(c.capacity)
        ),
        (false, n) => format!(
            "capacity of {} set to {}; {n} waitlisted user(s) offered a seat",
            c.session_id,
            or_unlimited(c.capacity)
        ),
    };
    crate::cli::output::with_summary(t, summary)
}

#[derive(Debug, Args)]
pub struct RsvpArgs {
    /// Session id
    #[arg(long)]
    pub session: SessionId,
    /// User id
    #[arg(long)]
    pub user: UserId,
    /// Confirm even if it overlaps another confirmed session of the user
    #[arg(long)]
    pub allow_overlap: bool,
}

impl RsvpArgs {
    async fn run(self, b: &Backends, out: Output) -> Result<()> {
        let rsvp =
            seats::rsvp(b.pg().await?, &self.session, &self.user, self.allow_overlap).await?;
        out.emit(&rsvp, || render_rsvp(&rsvp))?;
        match (rsvp.status, rsvp.waitlist_position) {
            // Printed above; the exit code tells scripts the user is queued, not admitted.
            (RsvpStatus::Waitlisted, position) => Err(Error::Waitlisted(format!(
                "session {:?} is full: user {:?} is waitlisted at position {}",
                rsvp.session_id,
                rsvp.user_id,
                or_dash(position)
            ))),
            _ => Ok(()),
        }
    }
}

fn render_rsvp(r: &RsvpOutcome) -> String {
    let mut t = table(["session", "user", "status", "position", "taken", "capacity"]);
    t.add_row([
        r.session_id.to_string(),
        r.user_id.to_string(),
        r.status.to_string(),
        or_dash(r.waitlist_position),
        or_dash(r.taken),
        or_unlimited(r.capacity),
    ]);
    let again = if r.repeat {
        " (already, nothing changed)"
    } else {
        ""
    };
    let summary = match r.status {
        RsvpStatus::Waitlisted => format!(
            "{} is waitlisted for {} at position {}{again}",
            r.user_id,
            r.session_id,
            or_dash(r.waitlist_position)
        ),
        _ => format!("{} has a seat in {}{again}", r.user_id, r.session_id),
    };
    format!("{t}\n{summary}")
}

#[derive(Debug, Args)]
pub struct CancelArgs {
    /// Session id
    #[arg(long)]
    pub session: SessionId,
    /// User id
    #[arg(long)]
    pub user: UserId,
}

impl CancelArgs {
    async fn run(self, b: &Backends, out: Output) -> Result<()> {
        let c = seats::cancel(b.pg().await?, &self.session, &self.user).await?;
        out.emit(&c, || render_cancellation(&c))
    }
}

fn render_cancellation(c: &Cancellation) -> String {
    let mut t = table(["session", "user", "status", "was", "offers sent"]);
    t.add_row([
        c.session_id.to_string(),
        c.user_id.to_string(),
        c.status.to_string(),
        c.previous_status.to_string(),
        c.offers_sent.to_string(),
    ]);
    let summary = if c.repeat {
        format!(
            "{}'s RSVP for {} was already cancelled; nothing changed",
            c.user_id, c.session_id
        )
    } else if c.offers_sent > 0 {
        format!(
            "{}'s RSVP for {} cancelled; the freed seat was offered to the next in line",
            c.user_id, c.session_id
        )
    } else {
        format!("{}'s RSVP for {} cancelled", c.user_id, c.session_id)
    };
    format!("{t}\n{summary}")
}

#[derive(Debug, Args)]
pub struct WaitlistArgs {
    /// Session id
    #[arg(long)]
    pub session: SessionId,
}

impl WaitlistArgs {
    async fn run(self, b: &Backends, out: Output) -> Result<()> {
        let queue = seats::waitlist(b.pg().await?, &self.session).await?;
        out.emit(&queue, || render_waitlist(&self.session, &queue))
    }
}

fn render_waitlist(session: &str, queue: &[WaitlistEntry]) -> String {
    let waiting = queue
        .iter()
        .filter(|e| e.status == RsvpStatus::Waitlisted)
        .count();
    let offered = queue.len() - waiting;
    let summary = format!("{session}: {waiting} waitlisted, {offered} holding an offer");
    if queue.is_empty() {
        return summary;
    }
    use crate::cli::fit::{self, Priority::*, col};
    let compact = |t: &DateTime<Utc>| t.format("%m-%d %H:%M:%S").to_string();
    let columns = [
        col("#", Keep),
        col("user", Keep),
        col("status", Keep),
        col("since", Medium),
        col("offer expires", High),
    ];
    let rows: Vec<Vec<String>> = queue
        .iter()
        .map(|e| {
            vec![
                or_dash(e.position),
                e.user_id.to_string(),
                e.status.to_string(),
                compact(&e.waitlisted_at),
                or_dash(e.offer_expires_at.as_ref().map(compact)),
            ]
        })
        .collect();
    let t = fit::render(&columns, &rows, fit::terminal_width());
    crate::cli::output::with_summary(t, summary)
}
