//! Files in and out: registration import and RSVP export as CSV.

pub mod export;
pub mod import;
