//! Session seats: the ledger (RSVP, cancel, waitlist, capacity), the door (check-in,
//! occupancy, no-shows), virtual sessions' joins, personal schedules, ICS.

pub mod door;
pub mod ics;
pub mod ledger;
pub mod requests;
pub mod schedule;
pub mod virtual_sessions;

pub use door::{
    CheckIn, CheckInResult, CheckOut, NoShowRelease, check_in, check_out, release_no_shows,
};
pub use ics::schedule_ics;
pub use ledger::*;
pub use schedule::{ScheduleEntry, schedule};
