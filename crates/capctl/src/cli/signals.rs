//! SIGINT, SIGTERM and SIGHUP, all treated alike, heard in one place.
//!
//! [`listen`] installs the handlers once, before any command starts. One-shot commands are
//! raced against [`received`] in the run loop and dropped when a signal wins: dropping rolls
//! back their transaction and removes their temporary file (guards' `Drop`). Long-running
//! watchers select on [`received`] themselves, finish the step under way and stop cleanly.

use std::sync::OnceLock;
use std::time::Duration;

use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::watch;

use capctl_core::Result;
use capctl_core::error::Signal;

static FIRST: OnceLock<watch::Receiver<Option<Signal>>> = OnceLock::new();

/// How long a dropped one-shot command may take to stop. A command blocked in a system call
/// (an import opening a FIFO that has no writer yet) never reaches a point where it can be
/// dropped; after this grace the process exits anyway, with the same code.
pub const GRACE: Duration = Duration::from_secs(2);

/// Starts listening for the three signals (inside the runtime). Idempotent. With `grace`, the
/// process exits that long after the first signal if it has not stopped by then; watchers pass
/// `None` (they finish their step, however long it takes; a second signal still ends them).
pub fn listen(grace: Option<Duration>) -> Result<()> {
    if FIRST.get().is_some() {
        return Ok(());
    }
    let mut hangup = signal(SignalKind::hangup()).map_err(anyhow::Error::from)?;
    let mut interrupt = signal(SignalKind::interrupt()).map_err(anyhow::Error::from)?;
    let mut terminate = signal(SignalKind::terminate()).map_err(anyhow::Error::from)?;
    let (tx, rx) = watch::channel(None);
    tokio::spawn(async move {
        let first = tokio::select! {
            _ = hangup.recv() => Signal::Hangup,
            _ = interrupt.recv() => Signal::Interrupt,
            _ = terminate.recv() => Signal::Terminate,
        };
        let _ = tx.send(Some(first));
        // The first signal asks for a clean stop; a second one, or the grace running out,
        // means now.
        let overdue = async {
            match grace {
                Some(grace) => tokio::time::sleep(grace).await,
                None => std::future::pending().await,
            }
        };
        let (signal, line) = tokio::select! {
            _ = hangup.recv() => (Signal::Hangup, format!("interrupted again by {}: stopping now", Signal::Hangup)),
            _ = interrupt.recv() => (Signal::Interrupt, format!("interrupted again by {}: stopping now", Signal::Interrupt)),
            _ = terminate.recv() => (Signal::Terminate, format!("interrupted again by {}: stopping now", Signal::Terminate)),
            () = overdue => (first, format!(
                "interrupted by {first}: stopping now (the command was blocked and did not stop within {}s)",
                grace.unwrap_or_default().as_secs()
            )),
        };
        eprintln!("capctl: error: {line}");
        std::process::exit(i32::from(128 + signal.number()));
    });
    let _ = FIRST.set(rx);
    Ok(())
}

/// Resolves with the first signal received (at once if one already came). Pending forever
/// when [`listen`] was never called.
pub async fn received() -> Signal {
    let Some(rx) = FIRST.get() else {
        return std::future::pending().await;
    };
    let mut rx = rx.clone();
    match rx.wait_for(Option::is_some).await {
        Ok(signal) => signal.expect("waited for Some"),
        Err(_) => std::future::pending().await,
    }
}
