//! Reconcile: repairs what drifted. One pass ([`reconcile_pass`]) prunes expired leases in
//! bounded batches, rewrites presence counters from the lease sets, refreshes cached limits
//! from PostgreSQL, and lets the seat ledger (`capctl_reconcile_sessions`) fix session counters
//! and pass overdue offers on. With `check` the same pass runs changing nothing, and the report
//! says what a real pass would fix.

mod metrics;
mod pass;
mod watch;

pub use metrics::Metrics;
pub use pass::{CensusMemory, ReconcileOptions, ReconcileReport, reconcile_pass, scan_keys};
pub use watch::{WatchEvent, WatchedPass, watch};
