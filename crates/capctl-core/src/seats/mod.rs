//! Session seats: the ledger (RSVP, cancel, waitlist, capacity), personal schedules, ICS.

pub mod ledger;

pub use ledger::*;
