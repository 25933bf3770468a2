//! capctl: capacity enforcement for an event platform.
//!
//! The library holds every rule (seats, presence, reconcile); `cli` only parses, calls and
//! renders.

pub mod backends;
pub mod bench;
pub mod booths;
pub mod cli;
pub mod config;
pub mod db;
pub mod error;
pub mod events;
pub mod export;
pub mod ids;
pub mod import;
pub mod logging;
pub mod presence;
pub mod reconcile;
pub mod seats;
pub mod sessions;

pub use error::{Error, Result};

/// Prints an error once on stderr, as one line, and returns its exit code.
pub fn report(err: &Error) -> std::process::ExitCode {
    let text = match err {
        Error::Internal(e) => format!("{e:#}"),
        other => other.to_string(),
    };
    let line = config::redact(&text).replace('\n', " ");
    eprintln!("capctl: error: {line}");
    err.to_exit_code()
}
