//! Benchmarks that drive the library functions the commands use, measure, and then audit.
//!
//! Each run builds its own data ([`fixtures`]: an event `evt_bench_<uuid>`, its own users and
//! Redis sub-prefix) and removes it afterwards unless kept; [`harness`] times the work; each
//! scenario checks its outcome with [`crate::audit`].

pub mod fixtures;
pub mod harness;

mod export;
mod reconcile;
mod rsvp;
mod stream;

pub use export::{ExportBench, export};
pub use fixtures::{SeedReport, seed_synthetic};
pub use harness::{BenchReport, NoProgress, Progress, Timing, drive, percentile};
pub use reconcile::{ReconcileBench, reconcile};
pub use rsvp::{RsvpBench, rsvp};
pub use stream::{StreamBench, stream};
