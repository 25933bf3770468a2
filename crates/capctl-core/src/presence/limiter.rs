//! The limiter: join, heartbeat and leave of one person (on one of their devices, with a place
//! in the room's queue when asked), and many joins in one pipeline.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::room::{Member, Room};
use redis::{RedisWrite, ToRedisArgs};

use super::scripts::{PresenceScript, ScriptCall, run, run_all, run_one, script_cmd};
use super::{DEFAULT_TTL, HOT_PATH_PRUNE, MAX_TTL, Presence};
use crate::backends::RedisConn;
use crate::ids::UserId;
use crate::{AtCapacity, Error, Result};

/// What a presence call did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LeaseStatus {
    /// join: a new lease was granted
    Admitted,
    /// join: the person already held a live lease; it was renewed
    Refreshed,
    /// join: refused, the room is at its limit (or its free slots are held for the queue)
    Full,
    /// join with a queue: not admitted, holds a place in the room's queue
    Queued,
    /// join: refused, the viewer is at the stream's device cap (policy refuse)
    DeviceLimit,
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
            "QUEUED" => Self::Queued,
            "DEVICE_LIMIT" => Self::DeviceLimit,
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
    /// A join holds a place in the room's queue.
    pub queued: bool,
    /// The place in the queue (1 = next in), when queued.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<u64>,
    /// A refusal while slots are free: how many people are queued for them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waiting: Option<u64>,
    /// A refusal at the device cap: the cap.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_devices: Option<u64>,
    /// The device whose lease made way for this one (policy evict-oldest).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evicted_device: Option<String>,
}

/// The reply of join/heartbeat/leave: {status, slots held, limit (-1 = unlimited), expiry ms,
/// queue position (FULL: people queued; DEVICE_LIMIT: the cap), evicted member}.
type Reply = (String, i64, i64, i64, i64, String);

/// What the scripts answer when the room's limit is not cached: load it, call again.
const NEED_LIMIT: &str = "NEED_LIMIT";

impl Admission {
    fn from_reply(reply: Reply) -> Result<Self> {
        let (status, count, limit, expires_ms, extra, evicted) = reply;
        let status = LeaseStatus::parse(&status)?;
        let extra = u64::try_from(extra).unwrap_or_default();
        Ok(Self {
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
            queued: status == LeaseStatus::Queued,
            position: (status == LeaseStatus::Queued).then_some(extra),
            waiting: (status == LeaseStatus::Full && extra > 0).then_some(extra),
            max_devices: (status == LeaseStatus::DeviceLimit).then_some(extra),
            // `viewer#device`, or the viewer alone for its default device (ids hold no '#')
            evicted_device: (!evicted.is_empty()).then(|| {
                evicted
                    .split_once('#')
                    .map_or(&*evicted, |(_, d)| d)
                    .to_string()
            }),
        })
    }

    /// The message for a refusal at the limit (or at the device cap).
    pub fn refusal(&self, room: &Room) -> AtCapacity {
        if let Some(max) = self.max_devices {
            return AtCapacity::Devices {
                room: room.clone(),
                max,
            };
        }
        if let Some(waiting) = self.waiting {
            return AtCapacity::Queue {
                room: room.clone(),
                waiting,
            };
        }
        AtCapacity::Room {
            room: room.clone(),
            count: self.count,
            limit: self.limit.unwrap_or_default(),
        }
    }
}

/// How a join behaves beyond the plain one: which device, and whether to queue when full.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JoinOptions {
    /// The device (default: the viewer id alone, one device per viewer).
    pub device: Option<UserId>,
    /// Take a place in the room's queue when it is full, instead of a refusal.
    pub queue: bool,
}

/// The lease member of a person's device: the person's id for their default device.
pub fn lease_member(who: &UserId, device: Option<&UserId>) -> String {
    match device {
        Some(d) if d != who => format!("{who}#{d}"),
        _ => who.to_string(),
    }
}

/// The arguments of one join, heartbeat or leave: ARGV = lease member, lease length in ms
/// (heartbeat: 0 keeps the lease's own), most expired leases to drop, then for a heartbeat the
/// length a lease with none stored gets, and for a join with options the queue flag, the
/// viewer and the device (a plain join passes only the first three). Written straight into a
/// command ([`script_cmd`]) or, for a pipeline, into a [`ScriptCall`] ([`presence_call`]).
struct PresenceArgs<'a> {
    script: PresenceScript,
    member: &'a UserId,
    ttl_ms: u64,
    opts: &'a JoinOptions,
}

impl ToRedisArgs for PresenceArgs<'_> {
    fn write_redis_args<W>(&self, out: &mut W)
    where
        W: ?Sized + RedisWrite,
    {
        let (member, device) = (self.member, self.opts.device.as_ref());
        // lease_member, written in place
        match device {
            Some(d) if d != member => out.write_arg_fmt(format_args!("{member}#{d}")),
            _ => out.write_arg(member.as_bytes()),
        }
        self.ttl_ms.write_redis_args(out);
        HOT_PATH_PRUNE.write_redis_args(out);
        if self.script == PresenceScript::Heartbeat {
            self::ttl_ms(DEFAULT_TTL).write_redis_args(out);
        }
        if self.script == PresenceScript::Join && *self.opts != JoinOptions::default() {
            out.write_arg(if self.opts.queue { b"q" } else { b"" });
            out.write_arg(member.as_bytes());
            out.write_arg(device.unwrap_or(member).as_bytes());
        }
    }
}

/// The call of one join, heartbeat or leave as a pipeline entry: the room's keys, then the
/// arguments of [`PresenceArgs`].
fn presence_call(
    script: PresenceScript,
    prefix: &str,
    room: &Room,
    member: &UserId,
    ttl_ms: u64,
    opts: &JoinOptions,
) -> ScriptCall {
    let args = PresenceArgs {
        script,
        member,
        ttl_ms,
        opts,
    }
    .to_redis_args()
    .into_iter()
    // every argument is written from text (ids, numbers, flags)
    .map(|a| String::from_utf8(a).expect("presence arguments are text"))
    .collect();
    ScriptCall::new(script, &room.keys(prefix), args)
}

/// Keys and arguments of one join call: `EVALSHA <sha> 4 KEYS… ARGV…` runs the same script a
/// `Presence::join` runs (benchmarks feed this to redis-benchmark).
pub fn join_call(
    prefix: &str,
    room: &Room,
    member: &(impl Member + ?Sized),
    ttl: Duration,
) -> Result<(Vec<String>, Vec<String>)> {
    let call = presence_call(
        PresenceScript::Join,
        prefix,
        room,
        &member.to_member()?,
        ttl_ms(ttl),
        &JoinOptions::default(),
    );
    Ok((call.keys.to_vec(), call.args))
}

pub(crate) fn ttl_ms(ttl: Duration) -> u64 {
    ttl.as_millis().try_into().unwrap_or(u64::MAX)
}

fn validate_ttl(ttl: Duration) -> Result<()> {
    if ttl < Duration::from_millis(1) || ttl > MAX_TTL {
        return Err(Error::invalid(format!(
            "lease length {ttl:?} must be between 1ms and {}h",
            MAX_TTL.as_secs() / 3600
        )));
    }
    Ok(())
}

impl Presence<'_> {
    /// A viewer joins a stream, a visitor enters a booth. Refused (status FULL, `admitted`
    /// false) at the limit; a repeat refreshes the lease.
    pub async fn join(
        &self,
        room: &Room,
        member: &(impl Member + ?Sized),
        ttl: Duration,
    ) -> Result<Admission> {
        self.join_with(room, member, ttl, &JoinOptions::default())
            .await
    }

    /// A join on one of the person's devices, taking a place in the queue when full if asked
    /// (status QUEUED with its position; repeating the call refreshes the place, and admits
    /// the head of the queue as soon as a slot is free). At the stream's device cap the
    /// stream's policy refuses (DEVICE_LIMIT) or evicts the person's stalest device.
    pub async fn join_with(
        &self,
        room: &Room,
        member: &(impl Member + ?Sized),
        ttl: Duration,
        opts: &JoinOptions,
    ) -> Result<Admission> {
        validate_ttl(ttl)?;
        self.call(
            PresenceScript::Join,
            room,
            &member.to_member()?,
            ttl_ms(ttl),
            opts,
        )
        .await
    }

    /// Extends a live lease (or one in grace), by `ttl` when given, else by the lease's own
    /// length (the one it was granted or last extended with). An expired (past grace),
    /// evicted or missing lease is reported LOST and not revived.
    pub async fn heartbeat(
        &self,
        room: &Room,
        member: &(impl Member + ?Sized),
        ttl: impl Into<Option<Duration>>,
    ) -> Result<Admission> {
        self.heartbeat_device(room, member, None, ttl).await
    }

    /// [`Presence::heartbeat`] of one of the person's devices.
    pub async fn heartbeat_device(
        &self,
        room: &Room,
        member: &(impl Member + ?Sized),
        device: Option<&UserId>,
        ttl: impl Into<Option<Duration>>,
    ) -> Result<Admission> {
        let ttl = ttl.into();
        if let Some(ttl) = ttl {
            validate_ttl(ttl)?;
        }
        let keep_own = 0;
        let opts = JoinOptions {
            device: device.cloned(),
            queue: false,
        };
        self.call(
            PresenceScript::Heartbeat,
            room,
            &member.to_member()?,
            ttl.map_or(keep_own, ttl_ms),
            &opts,
        )
        .await
    }

    /// Drops a lease, or a place in the queue. Idempotent.
    pub async fn leave(&self, room: &Room, member: &(impl Member + ?Sized)) -> Result<Admission> {
        self.leave_device(room, member, None).await
    }

    /// [`Presence::leave`] of one of the person's devices.
    pub async fn leave_device(
        &self,
        room: &Room,
        member: &(impl Member + ?Sized),
        device: Option<&UserId>,
    ) -> Result<Admission> {
        let opts = JoinOptions {
            device: device.cloned(),
            queue: false,
        };
        self.call(PresenceScript::Leave, room, &member.to_member()?, 0, &opts)
            .await
    }

    async fn call(
        &self,
        script: PresenceScript,
        room: &Room,
        member: &UserId,
        ttl_ms: u64,
        opts: &JoinOptions,
    ) -> Result<Admission> {
        let mut conn = self.conn().await?;
        // Twice is enough: the second try follows a load of the limit; a third covers a
        // set-limit racing between the load and the retry.
        for _ in 0..3 {
            // A single node takes the call as one command packed in place (the hot path); a
            // cluster takes it through the per-node batch path (NOSCRIPT reloads on the node
            // that answered it, slot moves).
            let reply: Reply = match &mut conn {
                RedisConn::Single(c) => {
                    let args = PresenceArgs {
                        script,
                        member,
                        ttl_ms,
                        opts,
                    };
                    let cmd = script_cmd(script, self.prefix(), room, args);
                    run_one(c, script, &cmd).await?
                }
                conn => {
                    let call = presence_call(script, self.prefix(), room, member, ttl_ms, opts);
                    run(conn, call).await?
                }
            };
            if reply.0 == NEED_LIMIT {
                self.cache_limit(room).await?;
                continue;
            }
            return Admission::from_reply(reply);
        }
        Err(Error::Internal(anyhow::anyhow!(
            "the limit of {room} kept vanishing from Redis while joining"
        )))
    }

    /// Many joins in one pipeline (one round trip for all, plus one per room whose limit was
    /// not cached). Answers come back in the order asked.
    pub async fn join_many<M: Member>(
        &self,
        requests: &[(Room, M)],
        ttl: Duration,
    ) -> Result<Vec<Admission>> {
        validate_ttl(ttl)?;
        let calls: Vec<ScriptCall> = requests
            .iter()
            .map(|(room, member)| {
                Ok(presence_call(
                    PresenceScript::Join,
                    self.prefix(),
                    room,
                    &member.to_member()?,
                    ttl_ms(ttl),
                    &JoinOptions::default(),
                ))
            })
            .collect::<Result<_>>()?;
        let mut conn = self.conn().await?;
        let mut answers: Vec<Option<Admission>> = vec![None; requests.len()];
        for _ in 0..3 {
            let pending: Vec<usize> = (0..requests.len())
                .filter(|&i| answers[i].is_none())
                .collect();
            if pending.is_empty() {
                break;
            }
            let batch: Vec<ScriptCall> = pending.iter().map(|&i| calls[i].clone()).collect();
            let replies: Vec<Reply> = run_all(&mut conn, &batch).await?;
            let mut need: Vec<&Room> = Vec::new();
            for (&i, reply) in pending.iter().zip(replies) {
                if reply.0 == NEED_LIMIT {
                    if !need.contains(&&requests[i].0) {
                        need.push(&requests[i].0);
                    }
                } else {
                    answers[i] = Some(Admission::from_reply(reply)?);
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_call_matches_the_script_convention() {
        let (keys, args) = join_call(
            "p",
            &Room::booth("b").unwrap(),
            "u1",
            Duration::from_secs(60),
        )
        .unwrap();
        assert_eq!(
            keys,
            [
                "p:{booth:b}:leases",
                "p:{booth:b}:count",
                "p:{booth:b}:limit",
                "p:{booth:b}:ttl",
                "p:{booth:b}:queue",
                "p:{booth:b}:places",
                "p:{booth:b}:devices"
            ]
        );
        assert_eq!(args, ["u1", "60000", "64"]);
    }
}
