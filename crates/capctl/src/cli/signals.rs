//! SIGINT, SIGTERM and SIGHUP, all treated alike, heard in one place.
//!
//! [`listen`] installs the handlers once, before any command starts. One-shot commands are
//! raced against [`received`] in the run loop and dropped when a signal wins: dropping rolls
//! back their transaction and removes their temporary file (guards' `Drop`). Long-running
//! watchers select on [`received`] themselves, finish the step under way and stop cleanly.

use std::sync::OnceLock;

use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::watch;

use capctl_core::Result;
use capctl_core::error::Signal;

static FIRST: OnceLock<watch::Receiver<Option<Signal>>> = OnceLock::new();

/// Starts listening for the three signals (inside the runtime). Idempotent.
pub fn listen() -> Result<()> {
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
        // The first signal asks for a clean stop; a second one means now.
        let second = tokio::select! {
            _ = hangup.recv() => Signal::Hangup,
            _ = interrupt.recv() => Signal::Interrupt,
            _ = terminate.recv() => Signal::Terminate,
        };
        eprintln!("capctl: error: interrupted again by {second}: stopping now");
        std::process::exit(i32::from(128 + second.number()));
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
