//! Files in and out: registration import and RSVP export as CSV.

pub mod export;
mod export_rows;
pub mod import;
