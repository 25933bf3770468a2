use std::time::Duration;

use clap::Args;

use crate::cli::Output;
use crate::cli::args::duration_arg;
use crate::cli::output::table;
use capctl_core::backends::Backends;
use capctl_core::daemon::{Lease, Readiness};
use capctl_core::reconcile::{
    Metrics, ReconcileOptions, ReconcileReport, WatchEvent, reconcile_pass, watch,
};
use capctl_core::{Error, Result};

#[derive(Debug, Args)]
pub struct ReconcileArgs {
    /// Run as a daemon, one pass every --interval, until SIGINT/SIGTERM/SIGHUP. Of several
    /// daemons on one database, one is active (a PostgreSQL advisory lock); the others stand by
    #[arg(long)]
    pub watch: bool,
    /// Time between passes with --watch
    #[arg(long, value_parser = duration_arg, value_name = "DUR", default_value = "5s")]
    pub interval: Duration,
    /// Change nothing; exit 8 when anything is off
    #[arg(long)]
    pub check: bool,
    /// Audit the seats of every session, ended ones too (by default a pass checks the sessions
    /// not yet ended: their cost follows what can still change, not the history)
    #[arg(long)]
    pub full: bool,
    /// Report what one pass would fix and change nothing (exit 0; --check exits 8 on drift)
    #[arg(long, conflicts_with = "watch")]
    pub dry_run: bool,
    /// Serve /metrics, /livez and /readyz on this address with --watch (e.g. 127.0.0.1:9187)
    #[arg(long, value_name = "ADDR")]
    pub metrics_addr: Option<std::net::SocketAddr>,
    /// Each pass also queues reminders for sessions starting within DUR (see `reminders`)
    #[arg(long, value_parser = duration_arg, value_name = "DUR")]
    pub reminders_within: Option<Duration>,
}

impl ReconcileArgs {
    pub async fn run(self, b: &Backends, out: Output) -> Result<()> {
        let opts = ReconcileOptions {
            check: self.check || self.dry_run,
            reminders_within: self.reminders_within,
            full: self.full,
            ..ReconcileOptions::default()
        };
        if !self.watch {
            if self.metrics_addr.is_some() {
                return Err(Error::invalid("--metrics-addr needs --watch"));
            }
            let report = reconcile_pass(b, &opts).await?;
            out.emit_maybe_dry(&report, self.dry_run, || render(&report))?;
            return if self.check && report.drift {
                Err(Error::Drift(report.summary()))
            } else {
                Ok(())
            };
        }

        // The run loop listens from the start, so a signal during a pass ends the loop after it.
        let stop = async {
            crate::cli::signals::received().await;
        };
        let mut registry = prometheus_client::registry::Registry::default();
        let metrics = Metrics::register(&mut registry, self.interval);
        if let Some(addr) = self.metrics_addr {
            let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
                Error::invalid(format!("--metrics-addr {addr}: cannot listen ({e})"))
            })?;
            tracing::info!("serving metrics on http://{addr}/metrics");
            let readiness = Readiness::new(b.settings(), true);
            tokio::spawn(capctl_core::daemon::serve(listener, registry, readiness));
        }
        let mut lease = Lease::new(b.settings(), "capctl.lease:reconcile")?;
        let each = |event: WatchEvent<'_>| match event {
            WatchEvent::Pass(pass) => out.emit_line(pass, || render_line(&pass.report)),
            // Role changes are one line each on stderr (the journal of a service); a lone
            // daemon, active from the start, says nothing.
            WatchEvent::Active { took_over: false } => {
                tracing::info!("active: this daemon holds the reconcile lease");
                Ok(())
            }
            WatchEvent::Active { took_over: true } => {
                eprintln!("capctl: active: took over the reconcile lease");
                Ok(())
            }
            WatchEvent::Standby => {
                eprintln!(
                    "capctl: standing by: another reconcile daemon holds the lease (or PostgreSQL does not answer); trying every {}",
                    humantime::format_duration(self.interval)
                );
                Ok(())
            }
            WatchEvent::Failed(e) => {
                // The daemon outlives a backend outage; each failed pass is one line on stderr.
                let line = crate::cli::error_line(&e.with_wait_limits(b.settings()));
                eprintln!("capctl: warning: reconcile pass failed: {line}");
                Ok(())
            }
        };
        watch(b, &opts, self.interval, &metrics, &mut lease, stop, each).await
    }
}

fn render(r: &ReconcileReport) -> String {
    let mut t = table(["", if r.check { "found" } else { "fixed" }]);
    for (what, n) in [
        ("expired leases", r.leases_expired),
        ("presence counters", r.counters_fixed),
        ("  of them drift", r.counters_drifted),
        ("stray lease lengths", r.lease_ttls_fixed),
        ("cached limits", r.limits_fixed),
        ("limits loaded into cache", r.limits_cached),
        ("session counters", r.sessions_fixed),
        ("overdue offers", r.offers_expired),
        ("reminders queued", r.reminders_queued),
        (
            if r.check {
                "offers to send"
            } else {
                "offers sent"
            },
            r.offers_sent,
        ),
    ] {
        t.add_row([what.to_string(), n.to_string()]);
    }
    let verdict = match (r.check, r.drift) {
        (true, true) => "drift found",
        (true, false) => "no drift",
        (false, _) => "done",
    };
    crate::cli::output::with_summary(
        t,
        format!(
            "{verdict}: {} rooms, {} live leases, {} ms",
            r.rooms, r.live, r.duration_ms
        ),
    )
}

fn render_line(r: &ReconcileReport) -> String {
    format!(
        "{} leases expired, {} counters ({} drifted), {} lease lengths, {} limits, {} sessions fixed, {} offers expired, {} sent, {} reminders ({} rooms, {} live, {} ms)",
        r.leases_expired,
        r.counters_fixed,
        r.counters_drifted,
        r.lease_ttls_fixed,
        r.limits_fixed,
        r.sessions_fixed,
        r.offers_expired,
        r.offers_sent,
        r.reminders_queued,
        r.rooms,
        r.live,
        r.duration_ms
    )
}
