//! What the long-lived commands (`reconcile --watch`, `outbox deliver --watch`) share as
//! services: the HTTP endpoints (`/metrics`, `/livez`, `/readyz`, see [`http`]) and the
//! active/standby lease that lets two daemons run for availability with one working at a time
//! (see [`lease`]).

pub mod http;
pub mod lease;

pub use http::{Readiness, serve};
pub use lease::Lease;
