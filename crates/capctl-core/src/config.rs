//! Connection settings shared by every command: where PostgreSQL and Redis are, and the
//! Redis key prefix. Debug output never shows a password.

use std::fmt;
use std::time::Duration;

pub const DEFAULT_DATABASE_URL: &str = "postgres://localhost/capctl";
pub const DEFAULT_REDIS_URL: &str = "redis://127.0.0.1:6379";
pub const DEFAULT_REDIS_PREFIX: &str = "capctl";

/// How long a connection attempt to either backend may take before it counts as unreachable.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Clone)]
pub struct Settings {
    pub database_url: String,
    pub redis_url: String,
    pub redis_prefix: String,
    /// Server-side limit for one statement; bulk commands lift it for their own work.
    pub statement_timeout: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            database_url: DEFAULT_DATABASE_URL.into(),
            redis_url: DEFAULT_REDIS_URL.into(),
            redis_prefix: DEFAULT_REDIS_PREFIX.into(),
            statement_timeout: Duration::from_secs(30),
        }
    }
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("database_url", &redact(&self.database_url))
            .field("redis_url", &redact(&self.redis_url))
            .field("redis_prefix", &self.redis_prefix)
            .field("statement_timeout", &self.statement_timeout)
            .finish()
    }
}

impl Settings {
    /// Checks the parts a user typed, so a bad value fails before any connection attempt.
    pub fn validate(&self) -> crate::Result<()> {
        for (what, url) in [
            ("--database-url", &self.database_url),
            ("--redis-url", &self.redis_url),
        ] {
            url::Url::parse(url).map_err(|e| {
                crate::Error::invalid(format!("{what}: not a valid URL ({e}): {}", redact(url)))
            })?;
        }
        crate::ids::validate_redis_prefix(&self.redis_prefix)
    }
}

/// Replaces the password of any `scheme://user:password@host` URL inside `text` with `***`.
pub fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(scheme_end) = rest.find("://") {
        let (head, tail) = rest.split_at(scheme_end + 3);
        out.push_str(head);
        let authority_end = tail
            .find(['/', ' ', '"', '\'', '?', '#'])
            .unwrap_or(tail.len());
        let authority = &tail[..authority_end];
        match (authority.rfind('@'), authority.find(':')) {
            (Some(at), Some(colon)) if colon < at => {
                out.push_str(&authority[..colon]);
                out.push_str(":***");
                out.push_str(&authority[at..]);
            }
            _ => out.push_str(authority),
        }
        rest = &tail[authority_end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_hides_passwords_only() {
        assert_eq!(
            redact("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(
            redact("redis://:pw@127.0.0.1:6379"),
            "redis://:***@127.0.0.1:6379"
        );
        assert_eq!(
            redact("postgres://localhost/capctl"),
            "postgres://localhost/capctl"
        );
        assert_eq!(
            redact("error connecting to postgres://a:b@x/y: refused"),
            "error connecting to postgres://a:***@x/y: refused"
        );
        let s = Settings {
            database_url: "postgres://a:hunter2@x/y".into(),
            ..Default::default()
        };
        assert!(!format!("{s:?}").contains("hunter2"));
    }
}
