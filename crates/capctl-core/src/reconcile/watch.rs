//! The `--watch` loop: one pass every interval, while this daemon holds the lease, until told
//! to stop. A daemon without the lease stands by and tries for it every interval.

use std::future::Future;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::metrics::Metrics;
use super::pass::{ReconcileOptions, ReconcileReport, reconcile_pass};
use crate::backends::Backends;
use crate::daemon::Lease;
use crate::{Error, Result};

/// One pass of a daemon: the report and when it ran (the JSON line `--watch --json` prints).
#[derive(Debug, Serialize)]
pub struct WatchedPass {
    #[serde(flatten)]
    pub report: ReconcileReport,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
}

/// What the loop tells its caller.
pub enum WatchEvent<'a> {
    /// This daemon took the lease and runs passes from now on; `took_over` when it stood by
    /// before (another daemon held the lease and gave it up or died).
    Active {
        took_over: bool,
    },
    /// Another daemon holds the lease (or the database does not answer): no passes here.
    Standby,
    Pass(&'a WatchedPass),
    /// A pass failed (backend down); the loop goes on.
    Failed(Error),
}

/// Runs a pass every `interval` while `lease` is held, until `stop` resolves; a pass under way
/// when it does is finished first, and the lease is then given up. `each` returning an error
/// ends the loop with it.
pub async fn watch(
    b: &Backends,
    opts: &ReconcileOptions,
    interval: Duration,
    metrics: &Metrics,
    lease: &mut Lease,
    stop: impl Future<Output = ()>,
    mut each: impl FnMut(WatchEvent<'_>) -> Result<()>,
) -> Result<()> {
    tokio::pin!(stop);
    let mut was_active = None;
    let result = loop {
        // Not raced with `stop`: a pass under way is finished. A signal that came meanwhile
        // is kept by its listener and ends the wait below at once.
        let active = lease.hold().await;
        metrics.set_active(active);
        if was_active != Some(active) {
            let event = if active {
                WatchEvent::Active {
                    took_over: was_active.is_some(),
                }
            } else {
                WatchEvent::Standby
            };
            was_active = Some(active);
            if let Err(e) = each(event) {
                break Err(e);
            }
        }
        if active {
            let started_at = Utc::now();
            let step = match reconcile_pass(b, opts).await {
                Ok(report) => {
                    metrics.record(&report);
                    each(WatchEvent::Pass(&WatchedPass {
                        report,
                        started_at,
                        finished_at: Utc::now(),
                    }))
                }
                Err(e) => {
                    metrics.record_failure();
                    each(WatchEvent::Failed(e))
                }
            };
            if let Err(e) = step {
                break Err(e);
            }
        }
        tokio::select! {
            biased;
            () = &mut stop => break Ok(()),
            () = tokio::time::sleep(interval) => {}
        }
    };
    lease.release().await;
    result
}
