//! Value parsers for clap: each turns the library's checked parse into clap's error.

use std::time::Duration;

use capctl_core::ids::{parse_duration, parse_timestamp, validate_id};
use chrono::{DateTime, Utc};

/// Durations like `30s`, `15m`, `2h`.
pub fn duration_arg(s: &str) -> Result<Duration, String> {
    parse_duration(s).map_err(|e| e.to_string())
}

/// RFC 3339 timestamps.
pub fn timestamp_arg(s: &str) -> Result<DateTime<Utc>, String> {
    parse_timestamp(s).map_err(|e| e.to_string())
}

/// Ids of anything.
pub fn id_arg(s: &str) -> Result<String, String> {
    validate_id("id", s)
        .map(|()| s.to_string())
        .map_err(|e| e.to_string())
}
