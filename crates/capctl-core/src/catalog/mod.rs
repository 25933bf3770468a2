//! The catalog: events and their registrations, sessions, expo booths.

pub mod booths;
pub mod events;
pub mod sessions;
