use std::time::Duration;

use clap::{Args, Subcommand};

use crate::cli::Output;
use crate::cli::args::{duration_arg, id_arg};
use crate::cli::output::or_dash;
use capctl_core::backends::Backends;
use capctl_core::daemon::{Lease, Readiness};
use capctl_core::outbox::{self, DeliverOptions, DeliverReport, OutboxFilter, OutboxRow};
use capctl_core::{Error, Result};

#[derive(Debug, Subcommand)]
pub enum OutboxCommand {
    /// Notifications of seat changes, in id order; --follow prints new ones as they commit
    List(ListArgs),
    /// POST undelivered notifications to a webhook (signed with --secret); --watch follows
    Deliver(DeliverArgs),
}

impl OutboxCommand {
    pub async fn run(self, b: &Backends, out: Output) -> Result<()> {
        match self {
            Self::List(a) => a.run(b, out).await,
            Self::Deliver(a) => a.run(b, out).await,
        }
    }
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only this event's notifications
    #[arg(long, value_parser = id_arg)]
    pub event: Option<String>,
    /// Only this session's notifications
    #[arg(long, value_parser = id_arg)]
    pub session: Option<String>,
    /// Only these kinds (comma-separated): confirmed, waitlisted, offer_made, offer_expired,
    /// cancelled, capacity_changed, reminder
    #[arg(long, value_name = "K[,K]", value_delimiter = ',')]
    pub kind: Vec<String>,
    /// Only notifications with a larger id
    #[arg(long, value_name = "ID")]
    pub after: Option<i64>,
    /// At most this many
    #[arg(long, value_name = "N")]
    pub limit: Option<i64>,
    /// Keep printing new notifications as JSON lines until SIGINT/SIGTERM
    #[arg(long)]
    pub follow: bool,
}

impl ListArgs {
    async fn run(self, b: &Backends, out: Output) -> Result<()> {
        let filter = OutboxFilter {
            event_id: self.event,
            session_id: self.session,
            kinds: self.kind,
            after: self.after,
            limit: self.limit,
        };
        filter.validate()?;
        let pool = b.pg().await?;
        if self.follow {
            let stop = stop_signal();
            return outbox::follow(pool, &filter, stop, |row| {
                Output { json: true }.emit_line(&ListedRow::from(row), String::new)
            })
            .await;
        }
        let rows = outbox::list(pool, &filter).await?;
        let listed: Vec<ListedRow> = rows.iter().map(ListedRow::from).collect();
        out.emit(&listed, || render(&rows))
    }
}

/// The JSON fields CLI.md promises, plus the delivery state.
#[derive(serde::Serialize)]
struct ListedRow<'a> {
    id: i64,
    kind: &'a str,
    event_id: &'a str,
    session_id: &'a str,
    user_id: Option<&'a str>,
    created_at: chrono::DateTime<chrono::Utc>,
    payload: &'a serde_json::Value,
    delivered_at: Option<chrono::DateTime<chrono::Utc>>,
    state: &'a str,
    attempts: i32,
    last_error: Option<&'a str>,
}

impl<'a> From<&'a OutboxRow> for ListedRow<'a> {
    fn from(r: &'a OutboxRow) -> Self {
        Self {
            id: r.id,
            kind: &r.kind,
            event_id: &r.event_id,
            session_id: &r.session_id,
            user_id: r.user_id.as_deref(),
            created_at: r.created_at,
            payload: &r.payload,
            delivered_at: r.delivered_at,
            state: &r.state,
            attempts: r.attempts,
            last_error: r.last_error.as_deref(),
        }
    }
}

fn render(rows: &[OutboxRow]) -> String {
    use crate::cli::fit::{self, Priority::*, col, flex};
    // Compact times in the table (full RFC 3339 in --json); the detail is cut to what is left.
    let compact = |t: &chrono::DateTime<chrono::Utc>| t.format("%m-%d %H:%M:%S").to_string();
    let columns = [
        col("id", Keep),
        col("kind", Keep),
        col("session", Keep),
        col("user", High),
        col("created", Medium),
        col("state", Keep),
        flex("detail"),
    ];
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let detail = match r.kind.as_str() {
                "waitlisted" => format!("position {}", r.payload["waitlist_position"]),
                "offer_made" => {
                    let until = r.payload["offer_expires_at"].as_str().unwrap_or("-");
                    let until = chrono::DateTime::parse_from_rfc3339(until)
                        .map(|t| compact(&t.with_timezone(&chrono::Utc)))
                        .unwrap_or_else(|_| until.to_string());
                    format!("until {until}")
                }
                "capacity_changed" => format!(
                    "{} -> {}",
                    r.payload["previous_capacity"], r.payload["capacity"]
                ),
                _ => r.last_error.clone().unwrap_or_default(),
            };
            vec![
                r.id.to_string(),
                r.kind.clone(),
                r.session_id.clone(),
                or_dash(r.user_id.as_deref()),
                compact(&r.created_at),
                r.state.clone(),
                detail,
            ]
        })
        .collect();
    let t = fit::render(&columns, &cells, fit::terminal_width());
    crate::cli::output::with_summary(t, format!("{} notifications", rows.len()))
}

#[derive(Debug, Args)]
pub struct DeliverArgs {
    /// Where to POST each notification (http or https)
    #[arg(long, value_name = "URL")]
    pub webhook: url::Url,
    /// Sign each body: X-Capctl-Signature: sha256=<hex HMAC-SHA256(secret, body)>
    #[arg(
        long,
        env = "CAPCTL_WEBHOOK_SECRET",
        hide_env_values = true,
        value_name = "S"
    )]
    pub secret: Option<String>,
    /// Keep delivering new notifications until SIGINT/SIGTERM. Of several deliverers on one
    /// database, one is active (a PostgreSQL advisory lock); the others stand by
    #[arg(long)]
    pub watch: bool,
    /// Serve /metrics, /livez and /readyz on this address with --watch (e.g. 127.0.0.1:9188)
    #[arg(long, value_name = "ADDR")]
    pub metrics_addr: Option<std::net::SocketAddr>,
    /// Notifications claimed per transaction
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub batch: i64,
    /// Tries per notification in one run before it is left pending
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub attempts: u32,
    /// Wait before the first retry, doubled after each (with jitter)
    #[arg(long, value_parser = duration_arg, value_name = "DUR", default_value = "500ms")]
    pub backoff: Duration,
    /// Stop retrying a notification after this long
    #[arg(long, value_parser = duration_arg, value_name = "DUR", default_value = "30s")]
    pub retry_for: Duration,
    /// Time limit of one request
    #[arg(long, value_parser = duration_arg, value_name = "DUR", default_value = "10s")]
    pub timeout: Duration,
}

impl DeliverArgs {
    async fn run(self, b: &Backends, out: Output) -> Result<()> {
        if let Some(s) = &self.secret
            && s.is_empty()
        {
            return Err(Error::invalid("--secret is empty"));
        }
        let opts = DeliverOptions {
            secret: self.secret.map(String::into_bytes),
            batch: self.batch,
            attempts: self.attempts,
            backoff: self.backoff,
            retry_for: self.retry_for,
            timeout: self.timeout,
            ..DeliverOptions::new(self.webhook)
        };
        opts.validate()?;
        if self.metrics_addr.is_some() && !self.watch {
            return Err(Error::invalid("--metrics-addr needs --watch"));
        }
        let pool = b.pg().await?;
        if self.watch {
            let mut registry = prometheus_client::registry::Registry::default();
            let metrics = outbox::DeliverMetrics::register(&mut registry);
            if let Some(addr) = self.metrics_addr {
                let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
                    Error::invalid(format!("--metrics-addr {addr}: cannot listen ({e})"))
                })?;
                // The deliverer needs PostgreSQL only: ready means PostgreSQL answers.
                let readiness = Readiness::new(b.settings(), false);
                tokio::spawn(capctl_core::daemon::serve(listener, registry, readiness));
            }
            let mut lease = Lease::new(b.settings(), "capctl.lease:outbox-deliver")?;
            // One line per round that did something; a signal ends it cleanly (exit 0), and
            // rows it left pending are tried again by the next deliverer.
            outbox::deliver_watch(pool, &opts, &mut lease, &metrics, stop_signal(), |round| {
                out.emit_line(round, || round.summary())
            })
            .await?;
            return Ok(());
        }
        let report = outbox::deliver(pool, &opts).await?;
        out.emit(&report, || report.summary())?;
        finish(&report)
    }
}

/// Exit 0 when every row this run tried was delivered; otherwise one line and exit 7 (rows
/// left pending: the receiver is down or failing) or 6 (rows refused by the receiver).
fn finish(report: &DeliverReport) -> Result<()> {
    if report.left_pending > 0 {
        Err(Error::Unavailable(format!(
            "webhook delivery incomplete: {}",
            report.summary()
        )))
    } else if report.failed > 0 {
        Err(Error::precondition(format!(
            "webhook refused notifications: {}",
            report.summary()
        )))
    } else {
        Ok(())
    }
}

/// Resolves on the first SIGINT, SIGTERM or SIGHUP: the run loop listens from the start, and
/// lets these watchers finish the step under way (see `Cli::stops_by_itself`).
async fn stop_signal() {
    crate::cli::signals::received().await;
}
