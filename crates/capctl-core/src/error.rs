//! The one error type of the enforcement library, and the exit code each kind maps to.

use std::process::ExitCode;

use chrono::{DateTime, Utc};

use crate::ids::{EventId, SessionId, UserId};

/// A domain failure. Each variant maps to one row of the exit-code table in CLI.md; variants
/// with fields let callers (the CLI, services) match on what happened instead of reading text.
/// Messages say what is wrong in the domain's words; advice naming CLI flags is the CLI's.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    InvalidInput(String),
    #[error("{0}")]
    Full(String),
    #[error("{0}")]
    Waitlisted(String),
    #[error("{0}")]
    NotFound(String),
    /// The user holds no registration for the session's event.
    #[error(
        "user {user:?} is not registered for event {event:?} (session {session:?} belongs to it)"
    )]
    NotRegistered {
        user: UserId,
        event: EventId,
        session: SessionId,
    },
    /// Confirming would overlap sessions the user already confirmed.
    #[error(
        "session {session:?} overlaps {} that user {user:?} has confirmed{}",
        quote_sessions(with),
        offer_expires_at.map(|t| format!(" (the offer held for them expires at {})", t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))).unwrap_or_default()
    )]
    Overlap {
        session: SessionId,
        user: UserId,
        with: Vec<SessionId>,
        /// Set when the user holds an offer for `session`, kept while they decide.
        offer_expires_at: Option<DateTime<Utc>>,
    },
    /// A capacity below the seats already taken, without force.
    #[error("capacity {max} is below the {taken} seats already taken in session {session:?}")]
    BelowTaken {
        session: SessionId,
        taken: i64,
        max: i64,
    },
    /// The session is over: nothing about its seats changes any more.
    #[error("session {0:?} has already ended")]
    SessionEnded(SessionId),
    #[error("{0}")]
    Precondition(String),
    #[error("{0}")]
    Unavailable(String),
    #[error("{0}")]
    Drift(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// `session "a"` or `sessions "a", "b"`.
fn quote_sessions(ids: &[SessionId]) -> String {
    let quoted: Vec<String> = ids.iter().map(|i| format!("{i:?}")).collect();
    let plural = if ids.len() == 1 { "" } else { "s" };
    format!("session{plural} {}", quoted.join(", "))
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn invalid(msg: impl Into<String>) -> Self {
        Self::InvalidInput(msg.into())
    }

    pub fn not_found(msg: impl Into<String>) -> Self {
        Self::NotFound(msg.into())
    }

    pub fn precondition(msg: impl Into<String>) -> Self {
        Self::Precondition(msg.into())
    }

    pub fn full(msg: impl Into<String>) -> Self {
        Self::Full(msg.into())
    }

    /// The process exit code documented in CLI.md.
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Internal(_) => 1,
            Self::InvalidInput(_) => 2,
            Self::Full(_) => 3,
            Self::Waitlisted(_) => 4,
            Self::NotFound(_) => 5,
            Self::NotRegistered { .. }
            | Self::Overlap { .. }
            | Self::BelowTaken { .. }
            | Self::SessionEnded(_)
            | Self::Precondition(_) => 6,
            Self::Unavailable(_) => 7,
            Self::Drift(_) => 8,
        }
    }

    pub fn to_exit_code(&self) -> ExitCode {
        ExitCode::from(self.exit_code())
    }
}

/// SQLSTATE raised by the database guard when a write would put more people in a
/// session than its capacity (see migrations).
pub const SQLSTATE_OVERSELL: &str = "CP001";
/// SQLSTATE raised when a session would lie outside its event's span (see migrations).
pub const SQLSTATE_OUTSIDE_EVENT: &str = "CP002";

impl From<sqlx::Error> for Error {
    fn from(err: sqlx::Error) -> Self {
        use sqlx::Error as E;
        match &err {
            E::RowNotFound => Self::NotFound("not found".into()),
            E::PoolTimedOut | E::Io(_) | E::Tls(_) | E::PoolClosed | E::WorkerCrashed => {
                Self::Unavailable(format!(
                    "PostgreSQL unavailable: {}",
                    crate::config::redact(&err.to_string())
                ))
            }
            E::Database(db) => match db.code().as_deref() {
                Some(SQLSTATE_OVERSELL) => Self::Full(db.message().to_string()),
                Some(SQLSTATE_OUTSIDE_EVENT) => Self::InvalidInput(db.message().to_string()),
                // query_canceled (statement_timeout), admin/crash shutdown, cannot_connect_now
                Some("57014") => {
                    Self::Unavailable(format!("PostgreSQL statement timed out: {}", db.message()))
                }
                // too_many_connections: the server is there but cannot take us now.
                Some(code)
                    if code.starts_with("57P") || code.starts_with("08") || code == "53300" =>
                {
                    Self::Unavailable(format!("PostgreSQL unavailable: {}", db.message()))
                }
                Some("3D000") => Self::Unavailable(format!(
                    "PostgreSQL: {} (run `capctl migrate --create-database`)",
                    db.message()
                )),
                Some("42P01") => Self::Internal(anyhow::anyhow!(
                    "database schema missing ({}): run `capctl migrate`",
                    db.message()
                )),
                _ => Self::Internal(anyhow::Error::new(err).context("database error")),
            },
            _ => Self::Internal(anyhow::Error::new(err).context("database error")),
        }
    }
}

impl From<redis::RedisError> for Error {
    fn from(err: redis::RedisError) -> Self {
        if err.is_io_error()
            || err.is_timeout()
            || err.is_connection_dropped()
            || err.is_connection_refusal()
            || err.is_unrecoverable_error()
        {
            Self::Unavailable(format!(
                "Redis unavailable: {}",
                crate::config::redact(&err.to_string())
            ))
        } else {
            Self::Internal(anyhow::Error::new(err).context("Redis error"))
        }
    }
}
