//! Connection settings shared by every command: where PostgreSQL and Redis are, the Redis key
//! prefix, and how long each kind of wait may last. Nothing here ever shows a password: see
//! [`redact`].

use std::fmt;
use std::time::Duration;

pub const DEFAULT_DATABASE_URL: &str = "postgres://localhost/capctl";
pub const DEFAULT_REDIS_URL: &str = "redis://127.0.0.1:6379";
pub const DEFAULT_REDIS_PREFIX: &str = "capctl";

/// How long a connection attempt to either backend may take before it counts as unreachable.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long one PostgreSQL statement may run (bulk import/export lift it for their own work).
pub const STATEMENT_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a statement may wait for a row or table lock another client holds.
pub const LOCK_TIMEOUT: Duration = Duration::from_secs(10);
/// How long Redis may take to answer one command or script call.
pub const REDIS_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Clone)]
pub struct Settings {
    pub database_url: String,
    pub redis_url: String,
    pub redis_prefix: String,
    /// The waits, each reported by name when it runs out (see [`crate::Error::Timeout`]).
    pub connect_timeout: Duration,
    pub statement_timeout: Duration,
    pub lock_timeout: Duration,
    pub redis_timeout: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            database_url: DEFAULT_DATABASE_URL.into(),
            redis_url: DEFAULT_REDIS_URL.into(),
            redis_prefix: DEFAULT_REDIS_PREFIX.into(),
            connect_timeout: CONNECT_TIMEOUT,
            statement_timeout: STATEMENT_TIMEOUT,
            lock_timeout: LOCK_TIMEOUT,
            redis_timeout: REDIS_TIMEOUT,
        }
    }
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("database_url", &redact(&self.database_url))
            .field("redis_url", &redact(&self.redis_url))
            .field("redis_prefix", &self.redis_prefix)
            .field("connect_timeout", &self.connect_timeout)
            .field("statement_timeout", &self.statement_timeout)
            .field("lock_timeout", &self.lock_timeout)
            .field("redis_timeout", &self.redis_timeout)
            .finish()
    }
}

impl Settings {
    /// Checks the parts a user typed, so a bad value fails before any connection attempt.
    pub fn validate(&self) -> crate::Result<()> {
        use crate::error::Backend;
        let has_scheme = |url: &str, schemes: &[&str]| {
            url::Url::parse(url)
                .ok()
                .is_some_and(|u| schemes.contains(&u.scheme()))
        };
        if !has_scheme(&self.database_url, &["postgres", "postgresql"]) {
            return Err(Backend::Postgres.bad_url(&self.database_url));
        }
        // One Redis URL, or a comma-separated list of a cluster's seed nodes.
        let seeds = crate::backends::redis::seeds(&self.redis_url);
        if seeds.is_empty() || !seeds.iter().all(|s| has_scheme(s, &["redis", "rediss"])) {
            return Err(Backend::Redis.bad_url(&self.redis_url));
        }
        crate::ids::validate_redis_prefix(&self.redis_prefix)
    }
}

/// Hides every password in `text`, whether or not the URL around it parses.
///
/// `text` is cut into tokens at whitespace, quotes and brackets. In a token that looks like a
/// URL or `user:password@host`, everything after the first `:` that follows the scheme and
/// before the last `@` becomes `***`; a Redis URL's bare user info (`redis://pw@h`, which some
/// clients take as the password) is hidden too; so is a `:x` after a URL's host that is not a
/// port number (`postgres://u:pw` with the host forgotten); and any `password=…` value.
pub fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut token = String::new();
    for c in text.chars() {
        if is_separator(c) {
            out.push_str(&redact_token(&token));
            token.clear();
            out.push(c);
        } else {
            token.push(c);
        }
    }
    out.push_str(&redact_token(&token));
    out
}

fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '"' | '\'' | '`' | '<' | '>')
}

const HIDDEN: &str = "***";

fn redact_token(token: &str) -> String {
    let token = redact_password_params(token);
    // `scheme:` plus any slashes, when the token starts with a scheme.
    let scheme_len = token
        .find(':')
        .filter(|&i| {
            i > 0
                && token[..i].starts_with(|c: char| c.is_ascii_alphabetic())
                && token[..i]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        })
        .map(|i| i + 1 + token[i + 1..].chars().take_while(|&c| c == '/').count());
    let scheme = scheme_len.map(|n| token[..n].trim_end_matches(['/', ':']).to_ascii_lowercase());
    // `user:password@host` has no scheme: a `name:` counts as one only when slashes follow it
    // or it names a backend.
    let scheme_len = scheme_len
        .filter(|&n| token[..n].ends_with('/') || scheme.as_deref().is_some_and(is_backend_scheme));
    let head_len = scheme_len.unwrap_or(0);
    let (head, rest) = token.split_at(head_len);
    // A URL-like token: a scheme, `//` somewhere (a mistyped separator), or `@`.
    let url_like = scheme_len.is_some() || rest.contains("//") || rest.contains('@');
    if !url_like {
        return token;
    }
    if let Some(at) = rest.rfind('@') {
        let userinfo = &rest[..at];
        if let Some(colon) = userinfo.find(':') {
            return format!("{head}{}:{HIDDEN}{}", &userinfo[..colon], &rest[at..]);
        }
        let redis_like = scheme.as_deref().is_some_and(|s| s.starts_with("redis"))
            || token.to_ascii_lowercase().starts_with("redis");
        if redis_like && !userinfo.is_empty() {
            // Which part of a bare user info is the password depends on the client; hide it all,
            // keeping any mistyped separator slashes in view.
            let slashes = userinfo.len() - userinfo.trim_start_matches(['/', ':']).len();
            return format!("{head}{}{HIDDEN}{}", &userinfo[..slashes], &rest[at..]);
        }
        return token;
    }
    // No `@`: `host:port` is fine, `user:password` with the host forgotten is not. Punctuation
    // ending a sentence (`…:6379:`) is not part of the URL.
    let rest = rest.trim_end_matches([':', ';', ',', '.', ')']);
    let trailing = &token[head_len + rest.len()..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let authority_start = authority.len() - authority.trim_start_matches('/').len();
    match authority[authority_start..].find(':') {
        Some(colon) => {
            let colon = authority_start + colon;
            let after = &authority[colon + 1..];
            if after.is_empty() || after.chars().all(|c| c.is_ascii_digit()) {
                token
            } else {
                format!(
                    "{head}{}:{HIDDEN}{}{trailing}",
                    &rest[..colon],
                    &rest[authority_end..]
                )
            }
        }
        None => token,
    }
}

fn is_backend_scheme(s: &str) -> bool {
    matches!(
        s,
        "postgres" | "postgresql" | "redis" | "rediss" | "redis+unix" | "unix"
    )
}

/// `password=secret` (any case, also `sslpassword=`) inside a token becomes `password=***`.
fn redact_password_params(token: &str) -> String {
    let lower = token.to_ascii_lowercase();
    let mut out = String::with_capacity(token.len());
    let mut i = 0;
    while let Some(found) = lower[i..].find("password=") {
        let value_start = i + found + "password=".len();
        let value_end = token[value_start..]
            .find(['&', ';'])
            .map_or(token.len(), |e| value_start + e);
        out.push_str(&token[i..value_start]);
        if value_end > value_start {
            out.push_str(HIDDEN);
        }
        i = value_end;
    }
    out.push_str(&token[i..]);
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
            redact("postgres://localhost:5432/capctl"),
            "postgres://localhost:5432/capctl"
        );
        assert_eq!(
            redact("error connecting to postgres://a:b@x/y: refused"),
            "error connecting to postgres://a:***@x/y: refused"
        );
        assert_eq!(redact("ada@example.com"), "ada@example.com");
        assert_eq!(
            redact("cannot reach Redis at redis://127.0.0.1:1: refused"),
            "cannot reach Redis at redis://127.0.0.1:1: refused"
        );
        assert_eq!(redact("capctl: error: done"), "capctl: error: done");
        let s = Settings {
            database_url: "postgres://a:hunter2@x/y".into(),
            ..Default::default()
        };
        assert!(!format!("{s:?}").contains("hunter2"));
    }

    #[test]
    fn redact_hides_passwords_of_mangled_urls() {
        for (url, shown) in [
            ("redis//:Sekr3t@host", "redis//:***@host"),
            ("postgres//u:Sekr3t@h/db", "postgres//u:***@h/db"),
            ("postgres:/u:Sekr3t@host/db", "postgres:/u:***@host/db"),
            ("postgresql://u:Sekr3t@h", "postgresql://u:***@h"),
            ("rediss://u:Sekr3t@h:6380/0", "rediss://u:***@h:6380/0"),
            ("user:Sekr3t@host", "user:***@host"),
            ("postgres://u:p%40Sekr3t@h/db", "postgres://u:***@h/db"),
            ("postgres://u:p@Sekr3t@h/db", "postgres://u:***@h/db"),
            ("postgres://u:p:Sekr3t@h/db", "postgres://u:***@h/db"),
            ("postgres://u:p/Sekr3t@h/db", "postgres://u:***@h/db"),
            (
                "postgres://h/db?user=u&password=Sekr3t",
                "postgres://h/db?user=u&password=***",
            ),
            ("redis://Sekr3t@h", "redis://***@h"),
            ("redis:Sekr3t@h", "redis:***@h"),
            ("postgres://u:Sekr3t", "postgres://u:***"),
            ("host=h password=Sekr3t", "host=h password=***"),
            ("\"postgres://u:Sekr3t@h\"", "\"postgres://u:***@h\""),
        ] {
            assert_eq!(redact(url), shown, "{url}");
            assert!(!redact(&format!("x {url} y")).contains("Sekr3t"), "{url}");
        }
    }
}
