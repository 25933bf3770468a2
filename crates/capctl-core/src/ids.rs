//! Parsing and validation of what users type: ids, names, capacities, times, durations.
//! Every check here runs before anything is written.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::{Error, Result};

/// An identifier checked once, when it is parsed: a value of one of these types is always valid
/// (see [`validate_id`]), so functions that take one need not check it again. Stored as text.
macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $what:literal, $prefix:expr) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, sqlx::Type)]
        #[serde(transparent)]
        #[sqlx(transparent)]
        pub struct $name(String);

        impl $name {
            /// What this id names, as error messages say it.
            pub const WHAT: &'static str = $what;

            /// A fresh generated id (`<prefix>_<uuid>`), where the type has a prefix.
            pub fn generate() -> Self {
                Self(new_id($prefix))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl FromStr for $name {
            type Err = Error;

            fn from_str(s: &str) -> Result<Self> {
                validate_id($what, s)?;
                Ok(Self(s.to_owned()))
            }
        }

        impl TryFrom<String> for $name {
            type Error = Error;

            fn try_from(s: String) -> Result<Self> {
                validate_id($what, &s)?;
                Ok(Self(s))
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Self::try_from(s).map_err(serde::de::Error::custom)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::ops::Deref for $name {
            type Target = str;

            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        /// Quoted, as messages show ids: `session "s1" not found`.
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&self.0, f)
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }
    };
}

/// An enum stored as text in PostgreSQL (a status or a function's outcome): `as_str` gives the
/// database's spelling, `FromStr`/`TryFrom<String>` read it back (an unknown value is an internal
/// error: the database and this code disagree), serde writes the same text.
macro_rules! text_enum {
    ($(#[$doc:meta])* $vis:vis enum $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal,)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        $vis enum $name {
            $($(#[$vdoc])* $variant,)+
        }

        impl $name {
            #[allow(dead_code)]
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text,)+
                }
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::Error;

            fn from_str(s: &str) -> $crate::Result<Self> {
                match s {
                    $($text => Ok(Self::$variant),)+
                    other => Err($crate::Error::Internal(anyhow::anyhow!(
                        "unknown {} {other:?} from the database",
                        stringify!($name)
                    ))),
                }
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::Error;

            fn try_from(s: String) -> $crate::Result<Self> {
                s.parse()
            }
        }
    };
}
pub(crate) use text_enum;

id_type!(
    /// An event (`evt_…` when generated).
    EventId, "event id", "evt"
);
id_type!(
    /// A session of an event (`ses_…` when generated).
    SessionId, "session id", "ses"
);
id_type!(
    /// An expo booth (`booth_…` when generated).
    BoothId, "booth id", "booth"
);
id_type!(
    /// A person: an attendee, a stream viewer, a booth visitor. Given by the platform.
    UserId, "user id", "user"
);

pub const MAX_ID_LEN: usize = 128;
pub const MAX_NAME_LEN: usize = 200;
/// Capacities above this are taken as a typo rather than a real room. The database's CHECKs
/// hold the same number (a test proves they agree); messages take it from here.
pub const MAX_CAPACITY: i64 = 10_000_000;
/// The longest a freed seat may be held for the next in line, and the longest duration accepted.
/// The database's CHECK on `sessions.offer_ttl` holds the same (a test proves they agree).
pub const MAX_OFFER_TTL: Duration = Duration::from_secs(30 * 24 * 3600);
/// Timestamps outside these years are typos (0000 would be 1 BC), refused.
pub const YEARS: std::ops::RangeInclusive<i32> = 1970..=9999;

/// An id is 1..=128 characters of `A-Z a-z 0-9 _ - . : @ +`, starting with a letter or digit:
/// safe in SQL, in a shell, in a CSV cell and inside a Redis hash tag.
pub fn validate_id(what: &str, id: &str) -> Result<()> {
    if id.is_empty() {
        return Err(Error::invalid(format!("{what} must not be empty")));
    }
    if id.len() > MAX_ID_LEN {
        return Err(Error::invalid(format!(
            "{what} is {} characters long; at most {MAX_ID_LEN} allowed",
            id.len()
        )));
    }
    let first_ok = id.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
    let bad = id
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':' | '@' | '+')));
    match (first_ok, bad) {
        (_, Some(c)) => Err(Error::invalid(format!(
            "{what} {:?} contains {c:?}; allowed are letters, digits and _ - . : @ +",
            shorten(id)
        ))),
        (false, None) => Err(Error::invalid(format!(
            "{what} {:?} must start with a letter or digit",
            shorten(id)
        ))),
        (true, None) => Ok(()),
    }
}

/// A display name or title: 1..=200 characters after trimming, no control characters.
/// Quotes and other punctuation are fine: values always travel as bind parameters.
pub fn validate_name(what: &str, name: &str) -> Result<String> {
    let trimmed = name.trim();
    if trimmed.is_empty() {
        return Err(Error::invalid(format!("{what} must not be empty")));
    }
    let len = trimmed.chars().count();
    if len > MAX_NAME_LEN {
        return Err(Error::invalid(format!(
            "{what} is {len} characters long; at most {MAX_NAME_LEN} allowed"
        )));
    }
    if let Some(c) = trimmed.chars().find(|c| c.is_control()) {
        return Err(Error::invalid(format!(
            "{what} contains the control character {c:?}"
        )));
    }
    if let Some(c) = trimmed.chars().find(|c| is_bidi_control(*c)) {
        return Err(Error::invalid(format!(
            "{what} contains the bidirectional control character U+{:04X}, which makes text display in an order other than it is stored",
            u32::from(c)
        )));
    }
    Ok(trimmed.to_string())
}

/// Bidirectional embeddings, overrides and isolates (U+202A..U+202E, U+2066..U+2069): they let a
/// name show in a CSV or on a dashboard as something else than it is ("Trojan Source"). The
/// marks U+200E/U+200F are allowed: they reorder nothing and right-to-left names need them.
/// The database's `capctl_valid_name` refuses the same set.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Optional free text such as a room or an email: same rules as a name, empty means none.
pub fn validate_optional_text(what: &str, value: Option<&str>) -> Result<Option<String>> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => validate_name(what, v).map(Some),
    }
}

pub fn validate_email(email: Option<&str>) -> Result<Option<String>> {
    let email = validate_optional_text("email", email)?;
    if let Some(e) = &email {
        let valid = e.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !e.contains(char::is_whitespace)
        });
        if !valid {
            return Err(Error::invalid(format!(
                "email {e:?} is not an email address"
            )));
        }
    }
    Ok(email)
}

/// A capacity between 0 and [`MAX_CAPACITY`].
pub fn validate_capacity(what: &str, n: i64) -> Result<i32> {
    if n < 0 {
        return Err(Error::invalid(format!(
            "{what} must not be negative (got {n})"
        )));
    }
    if n > MAX_CAPACITY {
        return Err(Error::invalid(format!(
            "{what} {n} is absurd; at most {MAX_CAPACITY} allowed"
        )));
    }
    Ok(n as i32)
}

/// Parses an RFC 3339 timestamp such as `2026-12-01T09:00:00Z`. A leap second (`:60`, which
/// would silently become the next second) and years outside [`YEARS`] are refused.
pub fn parse_timestamp(s: &str) -> Result<DateTime<Utc>> {
    use chrono::{Datelike, Timelike};
    let t = DateTime::parse_from_rfc3339(s.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| {
            Error::invalid(format!(
                "{:?} is not an RFC 3339 timestamp like 2026-12-01T09:00:00Z ({e})",
                shorten(s)
            ))
        })?;
    if t.nanosecond() >= 1_000_000_000 {
        return Err(Error::invalid(format!(
            "{:?} is a leap second (:60); use the second before or after it",
            shorten(s)
        )));
    }
    if !YEARS.contains(&t.year()) {
        return Err(Error::invalid(format!(
            "{:?}: year {} is outside {}-{}",
            shorten(s),
            t.year(),
            YEARS.start(),
            YEARS.end()
        )));
    }
    Ok(t)
}

/// Checks that a time range is well ordered.
pub fn validate_range(starts_at: DateTime<Utc>, ends_at: DateTime<Utc>) -> Result<()> {
    if ends_at <= starts_at {
        return Err(Error::invalid(format!(
            "ends-at {} must be after starts-at {}",
            ends_at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
            starts_at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
        )));
    }
    Ok(())
}

/// Checks that a session's span lies within its event's: a session outside is almost always a
/// typo in a date. The database refuses the same (SQLSTATE CP002), whoever writes.
pub fn validate_within_event(
    session: (DateTime<Utc>, DateTime<Utc>),
    event_id: &str,
    event: (DateTime<Utc>, DateTime<Utc>),
) -> Result<()> {
    let show = |t: DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
    if session.0 < event.0 {
        return Err(Error::invalid(format!(
            "starts-at {} is before event {event_id:?} starts ({}): a session must lie within its event",
            show(session.0),
            show(event.0)
        )));
    }
    if session.1 > event.1 {
        return Err(Error::invalid(format!(
            "ends-at {} is after event {event_id:?} ends ({}): a session must lie within its event",
            show(session.1),
            show(event.1)
        )));
    }
    Ok(())
}

/// Parses a duration such as `30s`, `15m`, `2h` or `1h 30m`. Zero and more than 30 days are refused.
pub fn parse_duration(s: &str) -> Result<Duration> {
    let d = humantime::parse_duration(s.trim()).map_err(|e| {
        Error::invalid(format!(
            "{:?} is not a duration like 30s, 15m or 2h ({e})",
            shorten(s)
        ))
    })?;
    if d.is_zero() {
        return Err(Error::invalid(format!(
            "duration {s:?} must be more than zero"
        )));
    }
    if d > MAX_OFFER_TTL {
        return Err(Error::invalid(format!(
            "duration {s:?} is longer than 30 days"
        )));
    }
    Ok(d)
}

pub fn validate_redis_prefix(prefix: &str) -> Result<()> {
    if prefix.is_empty() || prefix.len() > 64 {
        return Err(Error::invalid("--redis-prefix must be 1 to 64 characters"));
    }
    if let Some(c) = prefix
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':')))
    {
        return Err(Error::invalid(format!(
            "--redis-prefix contains {c:?}; allowed are letters, digits and _ - . :"
        )));
    }
    Ok(())
}

/// A new prefixed id such as `evt_3f2a…`.
pub fn new_id(prefix: &str) -> String {
    format!("{prefix}_{}", uuid::Uuid::new_v4().simple())
}

/// The first 40 characters of a value, for error messages about huge input.
pub fn shorten(s: &str) -> String {
    if s.chars().count() <= 40 {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(40).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ids() {
        assert!(validate_id("id", "evt_1").is_ok());
        assert!(validate_id("id", "user@example.com").is_ok());
        for bad in ["", "_x", "a b", "a'b", "a;b", "a{b}", "$(rm)", "é"] {
            assert!(validate_id("id", bad).is_err(), "{bad:?}");
        }
        assert!(validate_id("id", &"a".repeat(129)).is_err());
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30s").unwrap(), Duration::from_secs(30));
        assert_eq!(parse_duration("15m").unwrap(), Duration::from_secs(900));
        assert_eq!(parse_duration("2h").unwrap(), Duration::from_secs(7200));
        for bad in ["", "0s", "-5s", "abc", "5 parsecs", "999999h"] {
            assert!(parse_duration(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn timestamps() {
        assert!(parse_timestamp("2026-12-01T09:00:00Z").is_ok());
        assert!(parse_timestamp("2026-12-01T09:00:00+02:00").is_ok());
        for bad in ["2026-13-01T00:00:00Z", "yesterday", "2026-12-01", ""] {
            assert!(parse_timestamp(bad).is_err(), "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn id_validation_never_panics_and_accepts_only_safe_chars(s in "\\PC{0,200}") {
            if validate_id("id", &s).is_ok() {
                prop_assert!(s.len() <= MAX_ID_LEN);
                prop_assert!(s.chars().all(|c| c.is_ascii_alphanumeric() || "_-.:@+".contains(c)));
            }
        }

        #[test]
        fn duration_parser_never_panics(s in "\\PC{0,40}") {
            if let Ok(d) = parse_duration(&s) {
                prop_assert!(!d.is_zero());
            }
        }

        #[test]
        fn durations_round_trip(secs in 1u64..(30 * 24 * 3600)) {
            let text = humantime::format_duration(Duration::from_secs(secs)).to_string();
            prop_assert_eq!(parse_duration(&text).unwrap(), Duration::from_secs(secs));
        }
    }
}
