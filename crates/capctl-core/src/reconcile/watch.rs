//! The `--watch` loop: one pass every interval until told to stop.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::metrics::Metrics;
use super::pass::{ReconcileOptions, ReconcileReport, reconcile_pass};
use crate::Result;
use crate::backends::Backends;

/// Runs a pass every `interval` until `stop` resolves; a pass under way when it does is
/// finished first. A failed pass (backend down) is handed to `each` and the loop goes on;
/// `each` returning an error ends the loop with it.
pub async fn watch(
    b: &Backends,
    opts: &ReconcileOptions,
    interval: Duration,
    metrics: Arc<Mutex<Metrics>>,
    stop: impl Future<Output = ()>,
    mut each: impl FnMut(Result<&ReconcileReport>) -> Result<()>,
) -> Result<()> {
    tokio::pin!(stop);
    loop {
        // Not raced with `stop`: a pass under way is finished. A signal that came meanwhile
        // is kept by its listener and ends the wait below at once.
        match reconcile_pass(b, opts).await {
            Ok(report) => {
                metrics.lock().expect("metrics lock").record(&report);
                each(Ok(&report))?;
            }
            Err(e) => {
                metrics.lock().expect("metrics lock").record_failure();
                each(Err(e))?;
            }
        }
        tokio::select! {
            biased;
            () = &mut stop => return Ok(()),
            () = tokio::time::sleep(interval) => {}
        }
    }
}
