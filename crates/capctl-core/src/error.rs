//! The one error type of the enforcement library, and the exit code each kind maps to.

use std::process::ExitCode;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::ids::{BoothId, EventId, SessionId, UserId};
use crate::presence::Room;

/// A domain failure. Each variant maps to one row of the exit-code table in CLI.md; variants
/// with fields let callers (the CLI, services) match on what happened instead of reading text.
/// Messages say what is wrong in the domain's words; advice naming CLI flags is the CLI's.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    InvalidInput(String),
    /// A backend URL that cannot be used, shown redacted.
    #[error("the {backend} URL {shown} is not valid: expected {expected}")]
    BadUrl {
        backend: Backend,
        /// The URL as given, through [`crate::config::redact`].
        shown: String,
        expected: &'static str,
    },
    /// Refused at a limit.
    #[error("{0}")]
    Full(AtCapacity),
    #[error("{0}")]
    Waitlisted(String),
    #[error("{0}")]
    NotFound(Missing),
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
    /// A wait ran out: which one, how long it was (when known here), and what it means.
    /// The limit is filled in from the settings by [`Error::with_wait_limits`].
    #[error(
        "{wait} ({}) ran out: {detail}",
        limit.map_or_else(|| "its limit".to_string(), |d| humantime::format_duration(d).to_string())
    )]
    Timeout {
        wait: Wait,
        limit: Option<Duration>,
        detail: String,
    },
    /// A signal stopped the command before it finished; what it had not committed is gone.
    #[error(
        "interrupted by {0}: stopped before finishing; nothing uncommitted was kept and no temporary file is left"
    )]
    Interrupted(Signal),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// The waits capctl bounds, each configurable (see [`crate::config::Settings`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    PostgresConnect,
    Statement,
    Lock,
    RedisConnect,
    RedisResponse,
}

impl Wait {
    /// The configured length of this wait.
    pub fn limit(self, settings: &crate::config::Settings) -> Duration {
        match self {
            Self::PostgresConnect | Self::RedisConnect => settings.connect_timeout,
            Self::Statement => settings.statement_timeout,
            Self::Lock => settings.lock_timeout,
            Self::RedisResponse => settings.redis_timeout,
        }
    }
}

impl std::fmt::Display for Wait {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::PostgresConnect => "PostgreSQL connect timeout",
            Self::Statement => "PostgreSQL statement timeout",
            Self::Lock => "PostgreSQL lock timeout",
            Self::RedisConnect => "Redis connect timeout",
            Self::RedisResponse => "Redis response timeout",
        })
    }
}

/// The two backends, as named in messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Redis,
}

impl std::fmt::Display for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Postgres => "PostgreSQL",
            Self::Redis => "Redis",
        })
    }
}

impl Backend {
    /// What a URL of this backend looks like.
    pub fn url_shape(self) -> &'static str {
        match self {
            Self::Postgres => "a URL like postgres://user@host:5432/database",
            Self::Redis => "a URL like redis://host:6379/0",
        }
    }

    /// The error for an unusable URL; the parser's own words are dropped (they may quote a
    /// fragment of a mangled URL, password included).
    pub fn bad_url(self, url: &str) -> Error {
        Error::BadUrl {
            backend: self,
            shown: crate::config::redact(url),
            expected: self.url_shape(),
        }
    }
}

/// The signals that stop a command, all treated alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    Hangup,
    Interrupt,
    Terminate,
}

impl Signal {
    /// The POSIX signal number (the same on every Unix for these three).
    pub fn number(self) -> u8 {
        match self {
            Self::Hangup => 1,
            Self::Interrupt => 2,
            Self::Terminate => 15,
        }
    }
}

impl std::fmt::Display for Signal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Hangup => "SIGHUP",
            Self::Interrupt => "SIGINT",
            Self::Terminate => "SIGTERM",
        })
    }
}

/// What was looked for and is not there (exit 5).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Missing {
    #[error("event {0:?} not found")]
    Event(EventId),
    /// The id given for an event is a session's.
    #[error("event {id:?} not found: that is a session of event {owner:?}")]
    EventIsSession { id: EventId, owner: EventId },
    #[error("session {0:?} not found")]
    Session(SessionId),
    /// The session exists, in another event than the one named.
    #[error("session {session:?} not found in event {event:?} (it belongs to {owner:?})")]
    SessionOfOtherEvent {
        session: SessionId,
        event: EventId,
        owner: EventId,
    },
    #[error("booth {0:?} not found")]
    Booth(BoothId),
    /// Nothing to cancel.
    #[error("user {user:?} has no RSVP for session {session:?} to cancel")]
    Rsvp { session: SessionId, user: UserId },
    /// Nothing to check out: the user never checked in (or holds no seat).
    #[error("user {user:?} is not checked in to session {session:?}")]
    CheckIn { session: SessionId, user: UserId },
    /// A heartbeat found no live lease: the person must join again, through the limit.
    #[error("lease of {user:?} in {room} expired or does not exist; rejoin")]
    Lease { room: Room, user: UserId },
    /// A row the database was asked for is gone.
    #[error("not found")]
    Row,
}

/// What a refusal at a limit refused (exit 3).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AtCapacity {
    /// A session without a waitlist, every seat taken.
    #[error("session {session:?} is full ({taken} of {capacity} seats taken) and has no waitlist")]
    Session {
        session: SessionId,
        taken: i64,
        capacity: i64,
    },
    /// An event at its `max_attendees`.
    #[error("event {event:?} is full: {registered} of {max} attendees registered")]
    Event {
        event: EventId,
        registered: i64,
        max: i64,
    },
    /// A registration import that would overshoot `max_attendees` (nothing was imported).
    #[error(
        "importing would register {new} new attendees but event {event:?} has {} of {max} places left: {} over max_attendees; nothing imported",
        (max - registered).max(0),
        registered + new - max
    )]
    Import {
        event: EventId,
        new: i64,
        registered: i64,
        max: i64,
    },
    /// A stream or booth at its limit (or above it, after the limit was lowered).
    #[error("{}", room_full(room, *count, *limit))]
    Room { room: Room, count: u64, limit: u64 },
    /// At the door: no seat free for a person without one (or, after a capacity forced below
    /// the seats taken, the room already at its capacity).
    #[error(
        "session {session:?} has no free seat at the door ({taken} of {capacity} seats taken, {inside} inside){}",
        waitlist_position.map(|p| format!("; user {user:?} stays waitlisted at position {p}")).unwrap_or_default()
    )]
    Door {
        session: SessionId,
        user: UserId,
        taken: i64,
        inside: i64,
        capacity: i64,
        waitlist_position: Option<i32>,
    },
    /// A stream's free slots are held for the people queued for them.
    #[error(
        "{room} has free places, but they are held for the {waiting} people queued for them; join the queue"
    )]
    Queue { room: Room, waiting: u64 },
    /// A viewer already watches on as many devices as the stream allows (policy refuse).
    #[error("device limit: the viewer already watches {room} on {max} devices, the most it allows")]
    Devices { room: Room, max: u64 },
    /// The database guard refused a write that would oversell a session (SQLSTATE CP001).
    #[error("{0}")]
    Guard(String),
}

fn room_full(room: &Room, count: u64, limit: u64) -> String {
    let people = room.people();
    if count > limit {
        format!(
            "{room} is over its limit: {count} {people} for {limit} places (the limit was lowered); nobody new is admitted until below"
        )
    } else {
        format!("{room} is full: {count} of {limit} {people}")
    }
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

    pub fn precondition(msg: impl Into<String>) -> Self {
        Self::Precondition(msg.into())
    }

    /// The process exit code documented in CLI.md.
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Internal(_) => 1,
            Self::InvalidInput(_) | Self::BadUrl { .. } => 2,
            Self::Full(_) => 3,
            Self::Waitlisted(_) => 4,
            Self::NotFound(_) => 5,
            Self::NotRegistered { .. }
            | Self::Overlap { .. }
            | Self::BelowTaken { .. }
            | Self::SessionEnded(_)
            | Self::Precondition(_) => 6,
            Self::Unavailable(_) | Self::Timeout { .. } => 7,
            Self::Drift(_) => 8,
            Self::Interrupted(signal) => 128 + signal.number(),
        }
    }

    /// Fills in the limit of a [`Error::Timeout`] that was raised where the settings were not
    /// at hand (a server-side timeout arrives as an SQLSTATE without its duration).
    pub fn with_wait_limits(self, settings: &crate::config::Settings) -> Self {
        match self {
            Self::Timeout {
                wait,
                limit: None,
                detail,
            } => Self::Timeout {
                wait,
                limit: Some(wait.limit(settings)),
                detail,
            },
            other => other,
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
/// SQLSTATE raised when an in-person rule (RSVP, waitlist, check-in) meets a virtual session.
pub const SQLSTATE_IN_PERSON_ONLY: &str = "CP003";

impl From<sqlx::Error> for Error {
    fn from(err: sqlx::Error) -> Self {
        use sqlx::Error as E;
        match &err {
            E::RowNotFound => Self::NotFound(Missing::Row),
            E::PoolTimedOut => Self::Timeout {
                wait: Wait::PostgresConnect,
                limit: None,
                detail: "no PostgreSQL connection could be had".into(),
            },
            E::Io(_) | E::Tls(_) | E::PoolClosed | E::WorkerCrashed => Self::Unavailable(format!(
                "PostgreSQL unavailable: {}",
                crate::config::redact(&err.to_string())
            )),
            E::Database(db) => match db.code().as_deref() {
                Some(SQLSTATE_OVERSELL) => Self::Full(AtCapacity::Guard(db.message().to_string())),
                Some(SQLSTATE_OUTSIDE_EVENT) => Self::InvalidInput(db.message().to_string()),
                Some(SQLSTATE_IN_PERSON_ONLY) => Self::Precondition(db.message().to_string()),
                // lock_not_available from lock_timeout (NOWAIT raises it too, without "timeout")
                Some("55P03") if db.message().contains("lock timeout") => Self::Timeout {
                    wait: Wait::Lock,
                    limit: None,
                    detail: "another client held a lock this command needed; nothing was changed"
                        .into(),
                },
                // query_canceled: by statement_timeout, or by an operator
                Some("57014") if db.message().contains("statement timeout") => Self::Timeout {
                    wait: Wait::Statement,
                    limit: None,
                    detail: "PostgreSQL cancelled the statement; nothing was changed".into(),
                },
                Some("57014") => Self::Unavailable(format!(
                    "PostgreSQL cancelled the statement: {}",
                    db.message()
                )),
                // admin/crash shutdown, cannot_connect_now
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
        if err.is_timeout() {
            return Self::Timeout {
                wait: Wait::RedisResponse,
                limit: None,
                detail: "Redis did not answer in time".into(),
            };
        }
        if err.is_io_error()
            || err.is_connection_dropped()
            || err.is_connection_refusal()
            || err.is_unrecoverable_error()
            || is_cluster_unavailable(&err)
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

/// A Redis Cluster that cannot serve the slot right now: a failover under way (CLUSTERDOWN,
/// MASTERDOWN, TRYAGAIN), a slot still moving after the client's redirects, no connection to
/// the node that serves it. Like an unreachable single node: exit 7, try again.
fn is_cluster_unavailable(err: &redis::RedisError) -> bool {
    use redis::{ErrorKind, ServerErrorKind as S};
    matches!(
        err.kind(),
        ErrorKind::ClusterConnectionNotFound
            | ErrorKind::Server(
                S::ClusterDown | S::MasterDown | S::TryAgain | S::Moved | S::Ask | S::BusyLoading
            )
    ) || ["CLUSTERDOWN", "MASTERDOWN", "TRYAGAIN", "LOADING"]
        .iter()
        .any(|c| crate::backends::redis::has_code(err, c))
}
