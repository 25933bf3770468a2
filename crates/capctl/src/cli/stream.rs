use std::time::Duration;

use clap::{Args, Subcommand};
use serde::Serialize;

use crate::cli::args::duration_arg;
use crate::cli::output::{or_unlimited, table};
use crate::cli::{LimitArgs, Output};
use capctl_core::backends::Backends;
use capctl_core::ids::{EventId, UserId};
use capctl_core::presence::{
    Admission, DEFAULT_TTL, LeaseStatus, LimitChange, Occupancy, Presence, PresenceScript, Room,
};
use capctl_core::{Error, Missing, Result};

#[derive(Debug, Subcommand)]
pub enum StreamCommand {
    /// Set or remove an event's concurrent-viewer limit
    SetLimit(SetLimitArgs),
    /// A viewer joins (refused at the limit; a repeat refreshes the lease)
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
            Self::Join(a) => a.who.run(b, out, LeaseOp::Join(a.ttl)).await,
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
    #[serde(flatten)]
    admission: &'a Admission,
}

/// Prints a presence answer, then turns a refusal into its exit code: at the limit is 3, a
/// lost lease is 5 (not found: the lease expired, rejoin).
pub(crate) fn emit_admission(
    out: Output,
    room: &Room,
    member: &UserId,
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
        admission: adm,
    };
    let count = match adm.limit {
        Some(l) => format!("{} of {l}", adm.count),
        None => format!("{}, no limit", adm.count),
    };
    out.emit(&answer, || match adm.status {
        LeaseStatus::Admitted => format!("{member} admitted to {room} ({count})"),
        LeaseStatus::Refreshed => format!("{member} already in {room}; lease renewed ({count})"),
        LeaseStatus::Full => format!("{member} refused: {}", adm.refusal(room)),
        LeaseStatus::Extended => format!("lease of {member} in {room} extended ({count})"),
        LeaseStatus::Lost => {
            format!("lease of {member} in {room} had expired; rejoin ({count})")
        }
        LeaseStatus::Left => format!("{member} left {room} ({count})"),
        LeaseStatus::Absent => format!("{member} was not in {room}; nothing changed ({count})"),
    })?;
    match adm.status {
        LeaseStatus::Full => Err(Error::Full(adm.refusal(room))),
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
        let presence = Presence::new(b);
        let change = if self.dry_run {
            presence.preview_limit(&room, self.limit.limit()).await?
        } else {
            presence.set_limit(&room, self.limit.limit()).await?
        };
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
    viewers: u64,
    limit: Option<u64>,
    full_percent: Option<f64>,
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
        })
        .collect()
}

fn render_viewers(rows: &[ViewersRow<'_>]) -> String {
    if rows.is_empty() {
        return "no events, so no streams".into();
    }
    let mut t = table(["event", "viewers", "limit", "% full"]);
    for r in rows {
        t.add_row([
            r.event_id.to_string(),
            r.viewers.to_string(),
            or_unlimited(r.limit),
            r.full_percent
                .map_or_else(|| "-".into(), |p| format!("{p:.1}%")),
        ]);
    }
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
#[derive(Debug, Args)]
pub struct SetLimitArgs {
    /// Event id
    #[arg(long)]
    pub event: EventId,
    #[command(flatten)]
    pub limit: LimitArgs,
    /// Report what would change and change nothing
    #[arg(long)]
    pub dry_run: bool,
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
}

impl ViewerArgs {
    async fn run(self, b: &Backends, out: Output, op: LeaseOp) -> Result<()> {
        op.run(b, out, Room::Stream(self.event), &self.viewer).await
    }
}

#[derive(Debug, Args)]
pub struct JoinArgs {
    #[command(flatten)]
    pub who: ViewerArgs,
    /// Lease length: the viewer counts as watching this long without a heartbeat [default: 60s]
    #[arg(long, value_parser = duration_arg, value_name = "DUR")]
    pub ttl: Option<Duration>,
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
    Join(Option<Duration>),
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
    ) -> Result<()> {
        let presence = Presence::new(b);
        let adm = match self {
            Self::Join(ttl) => {
                presence
                    .join(&room, who, ttl.unwrap_or(DEFAULT_TTL))
                    .await?
            }
            Self::Heartbeat(ttl) => presence.heartbeat(&room, who, ttl).await?,
            Self::Leave => presence.leave(&room, who).await?,
        };
        emit_admission(out, &room, who, &adm)
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
