use std::time::Duration;

use clap::{Args, Subcommand};
use serde::Serialize;

use crate::cli::Output;
use crate::cli::args::duration_arg;
use crate::cli::output::or_unlimited;
use capctl_core::backends::Backends;
use capctl_core::ids::{EventId, UserId};
use capctl_core::presence::{
    Admission, DEFAULT_TTL, DevicePolicy, JoinOptions, LeaseStatus, LimitChange, Occupancy,
    PolicyChange, Presence, PresenceScript, Room,
};
use capctl_core::{Error, Missing, Result};

#[derive(Debug, Subcommand)]
pub enum StreamCommand {
    /// Set or remove an event's concurrent-viewer limit, and its access policies (device cap,
    /// device policy, grace)
    SetLimit(SetLimitArgs),
    /// A viewer joins (refused at the limit, or queued with --queue; a repeat refreshes)
    Join(JoinArgs),
    /// Extend a viewer's lease; an expired lease is reported lost
    Heartbeat(HeartbeatArgs),
    /// A viewer leaves (idempotent)
    Leave(ViewerArgs),
    /// Viewers of streams now; --watch redraws until Ctrl-C
    Viewers(ViewersArgs),
    /// Print a presence Lua script as Redis receives it (for redis-benchmark and other services)
    #[command(hide = true)]
    Script(ScriptArgs),
}

impl StreamCommand {
    pub async fn run(self, b: &Backends, out: Output) -> Result<()> {
        match self {
            Self::SetLimit(a) => a.run(b, out).await,
            Self::Join(a) => {
                let op = LeaseOp::Join {
                    ttl: a.ttl,
                    queue: a.queue,
                };
                a.who.run(b, out, op).await
            }
            Self::Heartbeat(a) => a.who.run(b, out, LeaseOp::Heartbeat(a.ttl)).await,
            Self::Leave(who) => who.run(b, out, LeaseOp::Leave).await,
            Self::Viewers(a) => a.run(b, out).await,
            Self::Script(a) => {
                print!("{}", a.script.source());
                Ok(())
            }
        }
    }
}

/// The `--json` answer of join/heartbeat/leave and enter/heartbeat/leave.
#[derive(Serialize)]
struct PresenceAnswer<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    event_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    booth_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    viewer_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    device_id: Option<&'a str>,
    #[serde(flatten)]
    admission: &'a Admission,
}

/// Prints a presence answer, then turns a refusal into its exit code: at the limit (or the
/// device cap) is 3, a place in the queue is 4, a lost lease is 5 (not found: the lease
/// expired or was evicted, rejoin).
pub(crate) fn emit_admission(
    out: Output,
    room: &Room,
    member: &UserId,
    device: Option<&UserId>,
    adm: &Admission,
) -> Result<()> {
    let (event_id, booth_id, viewer_id, user_id) = match room {
        Room::Stream(id) => (Some(id.as_str()), None, Some(member.as_str()), None),
        Room::Booth(id) => (None, Some(id.as_str()), None, Some(member.as_str())),
        Room::Session(_) => (None, None, None, Some(member.as_str())),
    };
    let answer = PresenceAnswer {
        event_id,
        booth_id,
        viewer_id,
        user_id,
        device_id: device.map(UserId::as_str),
        admission: adm,
    };
    let count = match adm.limit {
        Some(l) => format!("{} of {l}", adm.count),
        None => format!("{}, no limit", adm.count),
    };
    let on = device
        .map(|d| format!(" on device {d}"))
        .unwrap_or_default();
    out.emit(&answer, || match adm.status {
        LeaseStatus::Admitted => match &adm.evicted_device {
            Some(old) => format!(
                "{member} admitted to {room}{on}, in place of their device {old}, whose lease was dropped ({count})"
            ),
            None => format!("{member} admitted to {room}{on} ({count})"),
        },
        LeaseStatus::Refreshed => format!("{member} already in {room}; lease renewed ({count})"),
        LeaseStatus::Full | LeaseStatus::DeviceLimit => {
            format!("{member} refused: {}", adm.refusal(room))
        }
        LeaseStatus::Queued => format!(
            "{member} queued for {room}: position {} ({count}); repeat the call to keep the place",
            adm.position.unwrap_or_default()
        ),
        LeaseStatus::Extended => format!("lease of {member} in {room} extended ({count})"),
        LeaseStatus::Lost => {
            format!("lease of {member} in {room} had expired; rejoin ({count})")
        }
        LeaseStatus::Left => format!("{member} left {room} ({count})"),
        LeaseStatus::Absent => format!("{member} was not in {room}; nothing changed ({count})"),
    })?;
    match adm.status {
        LeaseStatus::Full | LeaseStatus::DeviceLimit => Err(Error::Full(adm.refusal(room))),
        LeaseStatus::Queued => Err(Error::Waitlisted(format!(
            "{member} is queued for {room} at position {}",
            adm.position.unwrap_or_default()
        ))),
        LeaseStatus::Lost => Err(Error::NotFound(Missing::Lease {
            room: room.clone(),
            user: member.clone(),
        })),
        _ => Ok(()),
    }
}

/// The `--json` answer of set-limit / set-capacity.
#[derive(Serialize)]
pub(crate) struct LimitAnswer<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub booth_id: Option<&'a str>,
    #[serde(flatten)]
    pub change: &'a LimitChange,
    pub message: String,
}

impl SetLimitArgs {
    async fn run(self, b: &Backends, out: Output) -> Result<()> {
        let room = Room::Stream(self.event.clone());
        let limit =
            (self.max.is_some() || self.unlimited).then(|| self.max.filter(|_| !self.unlimited));
        let change = Presence::new(b)
            .set_policy(&self.event, limit, &self.access.change(), self.dry_run)
            .await?;
        let answer = LimitAnswer {
            event_id: Some(&self.event),
            booth_id: None,
            change: &change,
            message: change.message(&room),
        };
        out.emit_maybe_dry(&answer, self.dry_run, || answer.message.clone())
    }
}

#[derive(Serialize)]
struct ViewersRow<'a> {
    event_id: &'a str,
    /// Slots held: live leases and leases in grace.
    viewers: u64,
    limit: Option<u64>,
    full_percent: Option<f64>,
    /// Of `viewers`, leases in grace (held for a lapsed owner).
    in_grace: u64,
    /// People in the stream's queue.
    queued: u64,
}

/// Share of the limit in use, in percent; None when unlimited.
pub(crate) fn percent_full(live: u64, limit: Option<u64>) -> Option<f64> {
    limit.map(|l| {
        if l == 0 {
            100.0
        } else {
            (live as f64 * 1000.0 / l as f64).round() / 10.0
        }
    })
}

fn viewer_rows(list: &[Occupancy]) -> Vec<ViewersRow<'_>> {
    list.iter()
        .map(|o| ViewersRow {
            event_id: o.room.id(),
            viewers: o.live,
            limit: o.limit,
            full_percent: percent_full(o.live, o.limit),
            in_grace: o.in_grace,
            queued: o.queued,
        })
        .collect()
}

fn render_viewers(rows: &[ViewersRow<'_>]) -> String {
    if rows.is_empty() {
        return "no events, so no streams".into();
    }
    use crate::cli::fit::{self, Priority::*, col};
    // Fits the terminal: the grace and queue columns give way first on a narrow one.
    let columns = [
        col("event", Keep),
        col("viewers", Keep),
        col("in grace", Low),
        col("queued", Medium),
        col("limit", Keep),
        col("% full", High),
    ];
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.event_id.to_string(),
                r.viewers.to_string(),
                r.in_grace.to_string(),
                r.queued.to_string(),
                or_unlimited(r.limit),
                r.full_percent
                    .map_or_else(|| "-".into(), |p| format!("{p:.1}%")),
            ]
        })
        .collect();
    let t = fit::render(&columns, &cells, fit::terminal_width());
    format!(
        "{t}\n{} viewer(s) over {} stream(s), {} at the limit",
        rows.iter().map(|r| r.viewers).sum::<u64>(),
        rows.len(),
        rows.iter()
            .filter(|r| r.limit.is_some_and(|l| r.viewers >= l))
            .count()
    )
}

impl ViewersArgs {
    async fn run(self, b: &Backends, out: Output) -> Result<()> {
        let presence = Presence::new(b);
        let event = self.event.as_ref();
        if !self.watch {
            let list = presence.stream_occupancy(event).await?;
            let rows = viewer_rows(&list);
            return out.emit(&rows, || render_viewers(&rows));
        }
        redraw_until_ctrl_c(out, self.interval, || async {
            let list = presence.stream_occupancy(event).await?;
            let rows = viewer_rows(&list);
            let json = serde_json::to_value(&rows).map_err(anyhow::Error::from)?;
            Ok((json, render_viewers(&rows)))
        })
        .await
    }
}

/// Draws `frame` every `interval` until Ctrl-C (or SIGTERM, SIGHUP): a redrawn table on a terminal,
/// one JSON line per tick with `--json`.
pub(crate) async fn redraw_until_ctrl_c<F, Fut>(
    out: Output,
    interval: Duration,
    mut frame: F,
) -> Result<()>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<(serde_json::Value, String)>>,
{
    use std::io::IsTerminal;
    // The run loop listens from the start (cli::signals), so an early Ctrl-C is a clean stop too.
    let clear = !out.json && std::io::stdout().is_terminal();
    loop {
        let (json, human) = frame().await?;
        let stamp = crate::cli::output::ts(&chrono::Utc::now());
        if out.json {
            // A watch prints JSON objects, one per line: one per room and tick, stamped.
            let rows = match json {
                serde_json::Value::Array(rows) => rows,
                other => vec![other],
            };
            for mut row in rows {
                if let Some(obj) = row.as_object_mut() {
                    obj.insert("at".into(), stamp.clone().into());
                }
                out.emit_line(&row, String::new)?;
            }
        } else {
            let text = format!("{human}\n{stamp}  (Ctrl-C to stop)");
            out.emit_line(&json, || {
                if clear {
                    format!("\x1b[2J\x1b[H{text}")
                } else {
                    text
                }
            })?;
        }
        tokio::select! {
            _ = crate::cli::signals::received() => return Ok(()),
            () = tokio::time::sleep(interval) => {}
        }
    }
}
/// `stream set-limit`: a new limit, new access policies, or both (at least one flag).
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("stream_setting")
    .required(true)
    .multiple(true)
    .args(["max", "unlimited", "max_devices", "device_policy", "grace"])))]
pub struct SetLimitArgs {
    /// Event id
    #[arg(long)]
    pub event: EventId,
    /// New limit of concurrent viewers (each of a viewer's devices counts)
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub max: Option<i64>,
    /// Remove the limit
    #[arg(long, conflicts_with = "max")]
    pub unlimited: bool,
    #[command(flatten)]
    pub access: AccessArgs,
    /// Report what would change and change nothing
    #[arg(long)]
    pub dry_run: bool,
}

/// The access policies of a stream, as flags (`event create`, `stream set-limit`).
#[derive(Debug, Args, Default)]
pub struct AccessArgs {
    /// Most devices one viewer may watch on at once; 0 removes the cap
    #[arg(long, value_name = "N")]
    pub max_devices: Option<u64>,
    /// At the device cap: refuse the new device (exit 3), or evict-oldest (drop the viewer's
    /// least recently refreshed device, whose next heartbeat reports it lost) [default: refuse]
    #[arg(long, value_name = "POLICY", value_parser = device_policy_arg)]
    pub device_policy: Option<DevicePolicy>,
    /// How long a lapsed lease stays reserved for its owner: their heartbeat or rejoin within
    /// it gets the slot back without a capacity check; 0s = none [default: 0s]
    #[arg(long, value_parser = duration_arg, value_name = "DUR")]
    pub grace: Option<Duration>,
}

impl AccessArgs {
    pub fn change(&self) -> PolicyChange {
        PolicyChange {
            max_devices: self.max_devices,
            device_policy: self.device_policy,
            grace: self.grace,
        }
    }
}

fn device_policy_arg(s: &str) -> std::result::Result<DevicePolicy, String> {
    DevicePolicy::parse_input(s).map_err(|e| e.to_string())
}

/// Which viewer of which stream: the flags every viewer command takes.
#[derive(Debug, Args)]
pub struct ViewerArgs {
    /// Event id
    #[arg(long)]
    pub event: EventId,
    /// Viewer id (a user id)
    #[arg(long)]
    pub viewer: UserId,
    /// The viewer's device (default: the viewer id alone, one device); the stream's device
    /// cap counts a viewer's devices
    #[arg(long, value_name = "ID")]
    pub device: Option<UserId>,
}

impl ViewerArgs {
    async fn run(self, b: &Backends, out: Output, op: LeaseOp) -> Result<()> {
        let room = Room::Stream(self.event);
        op.run(b, out, room, &self.viewer, self.device.as_ref())
            .await
    }
}

#[derive(Debug, Args)]
pub struct JoinArgs {
    #[command(flatten)]
    pub who: ViewerArgs,
    /// Lease length: the viewer counts as watching this long without a heartbeat; a queue
    /// place lasts as long without a repeat [default: 60s]
    #[arg(long, value_parser = duration_arg, value_name = "DUR")]
    pub ttl: Option<Duration>,
    /// When full, take a place in the stream's queue (exit 4 with the position); repeat the
    /// call to keep the place: the head of the queue is admitted by it once a slot is free
    #[arg(long)]
    pub queue: bool,
}

#[derive(Debug, Args)]
pub struct HeartbeatArgs {
    #[command(flatten)]
    pub who: ViewerArgs,
    /// New lease length (default: the lease keeps its own, the one it was granted)
    #[arg(long, value_parser = duration_arg, value_name = "DUR")]
    pub ttl: Option<Duration>,
}

/// One lease call of one person in one room (a stream or a booth), answered on stdout.
pub(crate) enum LeaseOp {
    Join { ttl: Option<Duration>, queue: bool },
    Heartbeat(Option<Duration>),
    Leave,
}

impl LeaseOp {
    pub(crate) async fn run(
        self,
        b: &Backends,
        out: Output,
        room: Room,
        who: &UserId,
        device: Option<&UserId>,
    ) -> Result<()> {
        let presence = Presence::new(b);
        let adm = match self {
            Self::Join { ttl, queue } => {
                let opts = JoinOptions {
                    device: device.cloned(),
                    queue,
                };
                let ttl = ttl.unwrap_or(DEFAULT_TTL);
                presence.join_with(&room, who, ttl, &opts).await?
            }
            Self::Heartbeat(ttl) => presence.heartbeat_device(&room, who, device, ttl).await?,
            Self::Leave => presence.leave_device(&room, who, device).await?,
        };
        emit_admission(out, &room, who, device, &adm)
    }
}

#[derive(Debug, Args)]
pub struct ViewersArgs {
    /// One event (default: every event)
    #[arg(long)]
    pub event: Option<EventId>,
    /// Redraw a live table until Ctrl-C
    #[arg(long)]
    pub watch: bool,
    /// Redraw interval with --watch
    #[arg(long, value_parser = duration_arg, value_name = "DUR", default_value = "1s")]
    pub interval: Duration,
}

#[derive(Debug, Args)]
pub struct ScriptArgs {
    /// join, heartbeat, leave, sweep or limit-swap
    #[arg(value_parser = script_arg)]
    pub script: PresenceScript,
}

fn script_arg(name: &str) -> std::result::Result<PresenceScript, String> {
    PresenceScript::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = PresenceScript::ALL.iter().map(|s| s.name()).collect();
        format!("no presence script {name:?}; one of {}", names.join(", "))
    })
}
