//! capctl-core: the enforcement library of capctl. It holds every rule (seats, presence,
//! reconcile) and knows nothing of the command line: no argument parsing, no tables, no stdout.
//! The `capctl` binary, the tests, the benchmarks and any service embedding the rules call the
//! same functions.

pub mod audit;
pub mod backends;
pub mod bench;
pub mod catalog;
pub mod config;
pub mod daemon;
pub mod doctor;
pub mod error;
pub mod ids;
pub mod io;
pub mod outbox;
pub mod presence;
pub mod reconcile;
pub mod seats;

pub use backends::postgres::MIGRATOR;
pub use error::{AtCapacity, Error, Missing, Result};
