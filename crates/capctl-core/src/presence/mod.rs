//! Live presence: who is watching a stream or standing in a booth right now.
//!
//! One limiter serves both kinds of room. Each person holds one lease per room in a sorted set
//! scored by the lease's expiry (Redis server clock). Join, heartbeat and leave are one Lua
//! script each, so each is one round trip on the shared multiplexed connection; PostgreSQL is
//! touched only when the room's limit is not cached in Redis.
//!
//! Keys of one room, all under one hash tag so every script works on Redis Cluster:
//! - `<prefix>:{stream:<event_id>}:leases`: ZSET member → lease expiry (ms since the epoch);
//! - `<prefix>:{stream:<event_id>}:count`: live leases, the counter other services read in O(1);
//! - `<prefix>:{stream:<event_id>}:limit`: the limit cached from PostgreSQL, `unlimited` or N.
//!
//! Booths use `{booth:<booth_id>}`.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use chrono::{DateTime, Utc};
use redis::aio::ConnectionManager;
use redis::{ErrorKind, Pipeline, RedisError, Script, ServerErrorKind};
use serde::Serialize;
use sqlx::PgPool;

use crate::backends::Backends;
use crate::catalog::{booths, events};
use crate::ids::{validate_capacity, validate_id};
use crate::{Error, Result};

/// Source of the join/enter script, for benchmarks that run it through `redis-benchmark`.
pub const JOIN_LUA: &str = include_str!("lua/join.lua");
pub const HEARTBEAT_LUA: &str = include_str!("lua/heartbeat.lua");
pub const LEAVE_LUA: &str = include_str!("lua/leave.lua");
pub const SWEEP_LUA: &str = include_str!("lua/sweep.lua");
pub const LIMIT_SWAP_LUA: &str = include_str!("lua/limit_swap.lua");

/// What the limit key holds when the room has no limit (a missing key means "not cached").
pub const UNLIMITED: &str = "unlimited";

/// At most this many expired leases are dropped by one join/heartbeat/leave, so the hot path
/// stays cheap even right after a disconnect storm; reconcile reaps the rest.
pub const HOT_PATH_PRUNE: u32 = 64;

/// Longest lease a client may ask for.
pub const MAX_TTL: Duration = Duration::from_secs(24 * 3600);

pub fn join_script() -> &'static Script {
    static S: std::sync::LazyLock<Script> = std::sync::LazyLock::new(|| Script::new(JOIN_LUA));
    &S
}

fn heartbeat_script() -> &'static Script {
    static S: std::sync::LazyLock<Script> = std::sync::LazyLock::new(|| Script::new(HEARTBEAT_LUA));
    &S
}

fn leave_script() -> &'static Script {
    static S: std::sync::LazyLock<Script> = std::sync::LazyLock::new(|| Script::new(LEAVE_LUA));
    &S
}

pub(crate) fn sweep_script() -> &'static Script {
    static S: std::sync::LazyLock<Script> = std::sync::LazyLock::new(|| Script::new(SWEEP_LUA));
    &S
}

pub(crate) fn limit_swap_script() -> &'static Script {
    static S: std::sync::LazyLock<Script> =
        std::sync::LazyLock::new(|| Script::new(LIMIT_SWAP_LUA));
    &S
}

/// A place with a presence limit: an event's live stream, or an expo booth.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Room {
    Stream(String),
    Booth(String),
}

impl Room {
    /// The stream of an event; the id is checked (it goes inside a hash tag).
    pub fn stream(event_id: &str) -> Result<Self> {
        validate_id("event id", event_id)?;
        Ok(Self::Stream(event_id.to_string()))
    }

    pub fn booth(booth_id: &str) -> Result<Self> {
        validate_id("booth id", booth_id)?;
        Ok(Self::Booth(booth_id.to_string()))
    }

    /// `stream` or `booth`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Stream(_) => "stream",
            Self::Booth(_) => "booth",
        }
    }

    /// The event id of a stream, the booth id of a booth.
    pub fn id(&self) -> &str {
        match self {
            Self::Stream(id) | Self::Booth(id) => id,
        }
    }

    /// The keys of this room under `prefix`.
    pub fn keys(&self, prefix: &str) -> RoomKeys {
        let base = format!("{prefix}:{{{}:{}}}", self.kind(), self.id());
        RoomKeys {
            leases: format!("{base}:leases"),
            count: format!("{base}:count"),
            limit: format!("{base}:limit"),
        }
    }

    /// The room a key under `prefix` belongs to, if it is one of ours and well formed.
    pub fn from_key(prefix: &str, key: &str) -> Option<Self> {
        let rest = key.strip_prefix(prefix)?.strip_prefix(":{")?;
        let (tag, suffix) = rest.split_once("}:")?;
        if !matches!(suffix, "leases" | "count" | "limit") {
            return None;
        }
        match tag.split_once(':')? {
            ("stream", id) => Self::stream(id).ok(),
            ("booth", id) => Self::booth(id).ok(),
            _ => None,
        }
    }

    /// The SCAN pattern matching every room key under `prefix` (prefixes hold no glob characters).
    pub fn scan_pattern(prefix: &str) -> String {
        format!("{prefix}:{{*}}:*")
    }

    fn people(&self) -> &'static str {
        match self {
            Self::Stream(_) => "viewers",
            Self::Booth(_) => "visitors",
        }
    }
}

impl fmt::Display for Room {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Stream(id) => write!(f, "the stream of event {id:?}"),
            Self::Booth(id) => write!(f, "booth {id:?}"),
        }
    }
}

/// The three keys of one room.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomKeys {
    pub leases: String,
    pub count: String,
    pub limit: String,
}

/// What a presence call did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LeaseStatus {
    /// join: a new lease was granted
    Admitted,
    /// join: the person already held a live lease; it was renewed
    Refreshed,
    /// join: refused, the room is at its limit
    Full,
    /// heartbeat: the live lease was extended
    Extended,
    /// heartbeat: the lease had expired (or never existed); rejoin through the capacity check
    Lost,
    /// leave: the lease was dropped
    Left,
    /// leave: there was no lease (a repeat, or never admitted)
    Absent,
}

impl LeaseStatus {
    fn parse(s: &str) -> Result<Self> {
        Ok(match s {
            "ADMITTED" => Self::Admitted,
            "REFRESHED" => Self::Refreshed,
            "FULL" => Self::Full,
            "EXTENDED" => Self::Extended,
            "LOST" => Self::Lost,
            "LEFT" => Self::Left,
            "ABSENT" => Self::Absent,
            other => {
                return Err(Error::Internal(anyhow::anyhow!(
                    "presence script answered {other:?}"
                )));
            }
        })
    }
}

/// The answer of join, heartbeat or leave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Admission {
    /// The person holds a live lease after this call.
    pub admitted: bool,
    /// Live leases in the room after this call (what the counter now says).
    pub count: u64,
    /// None = unlimited.
    pub limit: Option<u64>,
    pub status: LeaseStatus,
    /// When the lease runs out unless renewed; None when there is no lease.
    pub lease_expires_at: Option<DateTime<Utc>>,
    /// A heartbeat found the lease expired or missing.
    pub lost: bool,
}

impl Admission {
    fn from_reply(status: LeaseStatus, count: i64, limit: i64, expires_ms: i64) -> Self {
        Self {
            admitted: matches!(
                status,
                LeaseStatus::Admitted | LeaseStatus::Refreshed | LeaseStatus::Extended
            ),
            count: count.max(0) as u64,
            limit: u64::try_from(limit).ok(),
            status,
            lease_expires_at: (expires_ms > 0)
                .then(|| DateTime::from_timestamp_millis(expires_ms))
                .flatten(),
            lost: status == LeaseStatus::Lost,
        }
    }

    /// The message for a refusal at the limit.
    pub fn full_message(&self, room: &Room) -> String {
        let limit = self.limit.unwrap_or_default();
        if self.count > limit {
            format!(
                "{room} is over its limit: {} {} for {limit} places (the limit was lowered); nobody new is admitted until below",
                self.count,
                room.people()
            )
        } else {
            format!(
                "{room} is full: {} of {limit} {}",
                self.count,
                room.people()
            )
        }
    }
}

/// The outcome of changing a room's limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LimitChange {
    pub limit: Option<u64>,
    /// Live leases right now.
    pub count: u64,
    /// More people inside than the new limit: nobody is evicted, nobody admitted until below.
    pub over_limit: bool,
}

impl LimitChange {
    pub fn message(&self, room: &Room) -> String {
        let people = room.people();
        match self.limit {
            None => format!("{room} has no limit now; {} {people} inside", self.count),
            Some(l) if self.over_limit => format!(
                "limit of {room} set to {l}; {} {people} are inside, above the new limit: nobody is evicted, and nobody new is admitted until {}",
                self.count,
                if l == 0 {
                    "the limit is raised".to_string()
                } else {
                    format!("fewer than {l} remain")
                }
            ),
            Some(l) => format!("limit of {room} set to {l}; {} {people} inside", self.count),
        }
    }
}

/// Live leases of one room, as `stream viewers` and `booth visitors` show them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occupancy {
    pub room: Room,
    pub live: u64,
    pub limit: Option<u64>,
}

/// The presence limiter. Cheap to build; it borrows the command's lazily opened backends, so
/// PostgreSQL is only connected when a limit must be loaded.
pub struct Presence<'a> {
    backends: &'a Backends,
}

#[derive(Debug, Clone, Copy)]
enum Op {
    Join,
    Heartbeat,
    Leave,
}

impl Op {
    fn script(self) -> &'static Script {
        match self {
            Self::Join => join_script(),
            Self::Heartbeat => heartbeat_script(),
            Self::Leave => leave_script(),
        }
    }
}

/// Keys and arguments of one join call: `EVALSHA <sha> 3 KEYS… ARGV…` runs the same script a
/// `Presence::join` runs (benchmarks feed this to redis-benchmark).
pub fn join_call(
    prefix: &str,
    room: &Room,
    member: &str,
    ttl: Duration,
) -> (Vec<String>, Vec<String>) {
    let k = room.keys(prefix);
    (
        vec![k.leases, k.count, k.limit],
        vec![
            member.to_string(),
            ttl_ms(ttl).to_string(),
            HOT_PATH_PRUNE.to_string(),
        ],
    )
}

fn ttl_ms(ttl: Duration) -> u64 {
    ttl.as_millis().try_into().unwrap_or(u64::MAX)
}

fn validate_ttl(ttl: Duration) -> Result<()> {
    if ttl < Duration::from_millis(1) || ttl > MAX_TTL {
        return Err(Error::invalid(format!(
            "lease length {ttl:?} must be between 1ms and 24h"
        )));
    }
    Ok(())
}

/// Whether a Redis error (of one command or of a pipeline) is NOSCRIPT: the server lost its
/// script cache (restart, SCRIPT FLUSH).
pub(crate) fn is_noscript(err: &RedisError) -> bool {
    err.kind() == ErrorKind::Server(ServerErrorKind::NoScript) || err.code() == Some("NOSCRIPT")
}

/// A connection that broke under a request (server restart, killed client). The connection
/// manager reconnects; every presence script is idempotent, so the request may run again.
fn is_dropped(err: &RedisError) -> bool {
    err.is_connection_dropped() || (err.is_io_error() && !err.is_timeout())
}

/// Runs one script, once more on a new connection if the old one dropped under it.
async fn invoke<T: redis::FromRedisValue>(
    conn: &mut ConnectionManager,
    call: &redis::ScriptInvocation<'_>,
) -> Result<T> {
    match call.invoke_async(conn).await {
        Err(e) if is_dropped(&e) => {
            tracing::info!("Redis connection dropped ({e}); retrying on a new one");
            Ok(call.invoke_async(conn).await?)
        }
        other => Ok(other?),
    }
}

/// Loads every presence script into the server's script cache.
pub(crate) async fn load_scripts(conn: &mut ConnectionManager) -> Result<()> {
    let mut pipe = redis::pipe();
    for s in [
        join_script(),
        heartbeat_script(),
        leave_script(),
        sweep_script(),
        limit_swap_script(),
    ] {
        pipe.load_script(s).ignore();
    }
    pipe.query_async::<()>(conn).await?;
    Ok(())
}

/// Runs a pipeline of EVALSHA calls. Scripts in a pipeline are not reloaded by the redis crate,
/// so on NOSCRIPT this loads them and runs the pipeline again: every presence script is
/// idempotent, so the calls that did run may safely run twice.
pub(crate) async fn query_script_pipeline<T: redis::FromRedisValue>(
    conn: &mut ConnectionManager,
    pipe: &Pipeline,
) -> Result<T> {
    let first = match pipe.query_async(conn).await {
        Err(e) if is_dropped(&e) => {
            tracing::info!("Redis connection dropped ({e}); retrying on a new one");
            pipe.query_async(conn).await
        }
        other => other,
    };
    match first {
        Err(e) if is_noscript(&e) => {
            tracing::info!("Redis lost its scripts (restart or SCRIPT FLUSH): reloading");
            load_scripts(conn).await?;
            Ok(pipe.query_async(conn).await?)
        }
        other => Ok(other?),
    }
}

type Reply = (String, i64, i64, i64);

impl<'a> Presence<'a> {
    pub fn new(backends: &'a Backends) -> Self {
        Self { backends }
    }

    fn prefix(&self) -> &str {
        self.backends.redis_prefix()
    }

    async fn conn(&self) -> Result<ConnectionManager> {
        Ok(self.backends.redis().await?.clone())
    }

    /// A viewer joins a stream, a visitor enters a booth. Refused (status FULL, `admitted`
    /// false) at the limit; a repeat refreshes the lease.
    pub async fn join(&self, room: &Room, member: &str, ttl: Duration) -> Result<Admission> {
        validate_ttl(ttl)?;
        self.call(Op::Join, room, member, ttl).await
    }

    /// Extends a live lease. An expired or missing lease is reported LOST and not revived.
    pub async fn heartbeat(&self, room: &Room, member: &str, ttl: Duration) -> Result<Admission> {
        validate_ttl(ttl)?;
        self.call(Op::Heartbeat, room, member, ttl).await
    }

    /// Drops a lease. Idempotent.
    pub async fn leave(&self, room: &Room, member: &str) -> Result<Admission> {
        self.call(Op::Leave, room, member, Duration::ZERO).await
    }

    async fn call(&self, op: Op, room: &Room, member: &str, ttl: Duration) -> Result<Admission> {
        validate_id("member id", member)?;
        let keys = room.keys(self.prefix());
        let mut conn = self.conn().await?;
        // Twice is enough: the second try follows a load of the limit; a third covers a
        // set-limit racing between the load and the retry.
        for _ in 0..3 {
            let reply: Reply = invoke(
                &mut conn,
                op.script()
                    .key(&keys.leases)
                    .key(&keys.count)
                    .key(&keys.limit)
                    .arg(member)
                    .arg(ttl_ms(ttl))
                    .arg(HOT_PATH_PRUNE),
            )
            .await?;
            if reply.0 == "NEED_LIMIT" {
                self.cache_limit(room).await?;
                continue;
            }
            return Ok(Admission::from_reply(
                LeaseStatus::parse(&reply.0)?,
                reply.1,
                reply.2,
                reply.3,
            ));
        }
        Err(Error::Internal(anyhow::anyhow!(
            "the limit of {room} kept vanishing from Redis while joining"
        )))
    }

    /// Many joins in one pipeline (one round trip for all, plus one per room whose limit was
    /// not cached). Answers come back in the order asked.
    pub async fn join_many(
        &self,
        requests: &[(Room, String)],
        ttl: Duration,
    ) -> Result<Vec<Admission>> {
        validate_ttl(ttl)?;
        for (_, member) in requests {
            validate_id("member id", member)?;
        }
        let mut conn = self.conn().await?;
        let mut answers: Vec<Option<Admission>> = vec![None; requests.len()];
        for _ in 0..3 {
            let pending: Vec<usize> = (0..requests.len())
                .filter(|&i| answers[i].is_none())
                .collect();
            if pending.is_empty() {
                break;
            }
            let mut pipe = redis::pipe();
            for &i in &pending {
                let (room, member) = &requests[i];
                let keys = room.keys(self.prefix());
                pipe.invoke_script(
                    join_script()
                        .key(&keys.leases)
                        .key(&keys.count)
                        .key(&keys.limit)
                        .arg(member)
                        .arg(ttl_ms(ttl))
                        .arg(HOT_PATH_PRUNE),
                );
            }
            let replies: Vec<Reply> = query_script_pipeline(&mut conn, &pipe).await?;
            let mut need: Vec<&Room> = Vec::new();
            for (&i, reply) in pending.iter().zip(replies) {
                if reply.0 == "NEED_LIMIT" {
                    if !need.contains(&&requests[i].0) {
                        need.push(&requests[i].0);
                    }
                } else {
                    answers[i] = Some(Admission::from_reply(
                        LeaseStatus::parse(&reply.0)?,
                        reply.1,
                        reply.2,
                        reply.3,
                    ));
                }
            }
            for room in need {
                self.cache_limit(room).await?;
            }
        }
        answers
            .into_iter()
            .map(|a| {
                a.ok_or_else(|| {
                    Error::Internal(anyhow::anyhow!("room limits kept vanishing from Redis"))
                })
            })
            .collect()
    }

    /// Loads a room's limit from PostgreSQL and caches it unless something cached it meanwhile
    /// (a concurrent set-limit wrote a newer value). NotFound for an unknown event or booth, so
    /// no limit is ever cached for a room that does not exist.
    pub async fn cache_limit(&self, room: &Room) -> Result<Option<u64>> {
        let limit = limit_from_pg(self.backends.pg().await?, room).await?;
        let mut conn = self.conn().await?;
        redis::cmd("SET")
            .arg(room.keys(self.prefix()).limit)
            .arg(limit_value(limit))
            .arg("NX")
            .query_async::<()>(&mut conn)
            .await?;
        Ok(limit)
    }

    /// Sets a room's limit in PostgreSQL (the truth) and then in the Redis cache. Lowering it
    /// below the people inside evicts nobody; the answer says when that happened.
    pub async fn set_limit(&self, room: &Room, limit: Option<i64>) -> Result<LimitChange> {
        let limit = limit
            .map(|n| validate_capacity("--max", n).map(|n| n as u64))
            .transpose()?;
        let key = room.keys(self.prefix()).limit;
        let mut conn = self.conn().await?;
        // Drop the cache first: if Redis is down we fail before writing anything, and a
        // join meanwhile reloads from PostgreSQL rather than trusting the old value.
        redis::cmd("DEL")
            .arg(&key)
            .query_async::<()>(&mut conn)
            .await?;
        let pool = self.backends.pg().await?;
        let as_i64 = limit.map(|n| n as i64);
        // The room's row stays locked until the cache holds the new value: racing set-limits
        // then write the cache in the order they commit, so the last one wins in both stores.
        let mut tx = pool.begin().await?;
        match room {
            Room::Stream(event) => {
                events::set_max_viewers(&mut *tx, &event.parse()?, as_i64).await?
            }
            Room::Booth(booth) => {
                booths::set_max_visitors(&mut *tx, &booth.parse()?, as_i64).await?
            }
        }
        // A plain SET wins over any concurrent load (those use SET NX).
        redis::cmd("SET")
            .arg(&key)
            .arg(limit_value(limit))
            .query_async::<()>(&mut conn)
            .await?;
        if let Err(e) = tx.commit().await {
            // The cache must not keep a limit PostgreSQL never got: the next join reloads it.
            let _ = redis::cmd("DEL")
                .arg(&key)
                .query_async::<()>(&mut conn)
                .await;
            return Err(e.into());
        }
        let count = self.live_counts(std::slice::from_ref(room)).await?[0];
        Ok(LimitChange {
            limit,
            count,
            over_limit: limit.is_some_and(|l| count > l),
        })
    }

    /// Live leases of each room (expired ones not counted, nothing changed), in order.
    pub async fn live_counts(&self, rooms: &[Room]) -> Result<Vec<u64>> {
        if rooms.is_empty() {
            return Ok(Vec::new());
        }
        let mut conn = self.conn().await?;
        let mut pipe = redis::pipe();
        for room in rooms {
            let keys = room.keys(self.prefix());
            pipe.invoke_script(
                sweep_script()
                    .key(&keys.leases)
                    .key(&keys.count)
                    .arg(0)
                    .arg("1"),
            );
        }
        let replies: Vec<(i64, i64, i64, i64)> = query_script_pipeline(&mut conn, &pipe).await?;
        Ok(replies.into_iter().map(|r| r.2.max(0) as u64).collect())
    }

    /// Viewers of one event's stream, or of every event's stream.
    pub async fn stream_occupancy(&self, event: Option<&str>) -> Result<Vec<Occupancy>> {
        let pool = self.backends.pg().await?;
        let rows: Vec<(String, Option<i64>)> = match event {
            Some(id) => {
                events::require_event(pool, &id.parse()?).await?;
                sqlx::query_as(STREAM_LIMITS_SQL_ONE)
                    .bind(id)
                    .fetch_all(pool)
                    .await?
            }
            None => {
                sqlx::query_as(STREAM_LIMITS_SQL_ALL)
                    .fetch_all(pool)
                    .await?
            }
        };
        let rooms: Vec<(Room, Option<u64>)> = rows
            .into_iter()
            .map(|(id, l)| (Room::Stream(id), l.map(|n| n.max(0) as u64)))
            .collect();
        self.occupancy(rooms).await
    }

    /// Visitors of one booth, of an event's booths, or of every booth. Each entry carries the
    /// booth's event id.
    pub async fn booth_occupancy(
        &self,
        booth: Option<&str>,
        event: Option<&str>,
    ) -> Result<Vec<(Occupancy, String)>> {
        let pool = self.backends.pg().await?;
        let list = match (booth, event) {
            (Some(id), _) => vec![booths::get_booth(pool, &id.parse()?).await?],
            (None, Some(ev)) => booths::list_booths(pool, &ev.parse()?).await?,
            (None, None) => {
                sqlx::query_as(
                    "SELECT id AS booth_id, event_id, name, tier, max_visitors
                       FROM expo_booths ORDER BY event_id, name, id",
                )
                .fetch_all(pool)
                .await?
            }
        };
        let rooms: Vec<(Room, Option<u64>)> = list
            .iter()
            .map(|b| {
                (
                    Room::Booth(b.booth_id.to_string()),
                    b.max_visitors.map(|n| n.max(0) as u64),
                )
            })
            .collect();
        let occ = self.occupancy(rooms).await?;
        Ok(occ
            .into_iter()
            .zip(list)
            .map(|(o, b)| (o, b.event_id.into_string()))
            .collect())
    }

    async fn occupancy(&self, rooms: Vec<(Room, Option<u64>)>) -> Result<Vec<Occupancy>> {
        let only: Vec<Room> = rooms.iter().map(|(r, _)| r.clone()).collect();
        let mut live = Vec::with_capacity(only.len());
        for chunk in only.chunks(500) {
            live.extend(self.live_counts(chunk).await?);
        }
        Ok(rooms
            .into_iter()
            .zip(live)
            .map(|((room, limit), live)| Occupancy { room, live, limit })
            .collect())
    }
}

const STREAM_LIMITS_SQL_ONE: &str =
    "SELECT id, (virtual_settings ->> 'max_concurrent_viewers')::bigint
                                       FROM events WHERE id = $1";
const STREAM_LIMITS_SQL_ALL: &str =
    "SELECT id, (virtual_settings ->> 'max_concurrent_viewers')::bigint
                                       FROM events ORDER BY starts_at, id";

/// The value the limit key holds.
pub fn limit_value(limit: Option<u64>) -> String {
    limit.map_or_else(|| UNLIMITED.to_string(), |n| n.to_string())
}

/// One room's limit from PostgreSQL; NotFound when the event or booth does not exist.
pub async fn limit_from_pg(pool: &PgPool, room: &Room) -> Result<Option<u64>> {
    let row: Option<Option<i64>> = match room {
        Room::Stream(id) => {
            sqlx::query_scalar(
                "SELECT (virtual_settings ->> 'max_concurrent_viewers')::bigint FROM events WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(pool)
            .await?
        }
        Room::Booth(id) => {
            sqlx::query_scalar("SELECT max_visitors::bigint FROM expo_booths WHERE id = $1")
                .bind(id)
                .fetch_optional(pool)
                .await?
        }
    };
    match row {
        None => Err(Error::not_found(match room {
            Room::Stream(id) => format!("event {id:?} not found"),
            Room::Booth(id) => format!("booth {id:?} not found"),
        })),
        Some(limit) => Ok(limit.map(|n| n.max(0) as u64)),
    }
}

/// Every room PostgreSQL knows (each event's stream, each booth) with its limit.
pub async fn all_limits_from_pg(pool: &PgPool) -> Result<BTreeMap<Room, Option<u64>>> {
    let rows: Vec<(String, String, Option<i64>)> = sqlx::query_as(
        "SELECT 'stream', id, (virtual_settings ->> 'max_concurrent_viewers')::bigint FROM events
         UNION ALL
         SELECT 'booth', id, max_visitors::bigint FROM expo_booths",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(kind, id, limit)| {
            let room = if kind == "stream" {
                Room::Stream(id)
            } else {
                Room::Booth(id)
            };
            (room, limit.map(|n| n.max(0) as u64))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_share_one_hash_tag_and_parse_back() {
        let room = Room::stream("evt_1").unwrap();
        let k = room.keys("capctl");
        assert_eq!(k.leases, "capctl:{stream:evt_1}:leases");
        assert_eq!(k.count, "capctl:{stream:evt_1}:count");
        assert_eq!(k.limit, "capctl:{stream:evt_1}:limit");
        assert_eq!(Room::from_key("capctl", &k.count), Some(room));
        let booth = Room::booth("b.1:x").unwrap();
        assert_eq!(
            Room::from_key("p:q", &booth.keys("p:q").leases),
            Some(booth)
        );
        assert_eq!(Room::from_key("capctl", "capctl:{stream:x}:other"), None);
        assert_eq!(
            Room::from_key("capctl", "capctl:foo:{stream:x}:count"),
            None
        );
        assert_eq!(Room::from_key("capctl", "other:{stream:x}:count"), None);
        assert!(Room::stream("a{b}").is_err());
    }

    #[test]
    fn join_call_matches_the_script_convention() {
        let (keys, args) = join_call("p", &Room::Booth("b".into()), "u1", Duration::from_secs(60));
        assert_eq!(
            keys,
            [
                "p:{booth:b}:leases",
                "p:{booth:b}:count",
                "p:{booth:b}:limit"
            ]
        );
        assert_eq!(args, ["u1", "60000", "64"]);
    }
}
