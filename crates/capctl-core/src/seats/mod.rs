//! Session seats: the ledger (RSVP, cancel, waitlist, capacity), personal schedules, ICS.

pub mod ics;
pub mod ledger;
pub mod schedule;

pub use ics::schedule_ics;
pub use ledger::*;
pub use schedule::{ScheduleEntry, schedule};
