//! The limiter: join, heartbeat and leave of one person, and many joins in one pipeline.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::room::{Member, Room};
use super::scripts::{PresenceScript, ScriptCall, run, run_all};
use super::{DEFAULT_TTL, HOT_PATH_PRUNE, MAX_TTL, Presence};
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

/// The reply of join/heartbeat/leave: {status, live count, limit (-1 = unlimited), expiry ms}.
type Reply = (String, i64, i64, i64);

/// What the scripts answer when the room's limit is not cached: load it, call again.
const NEED_LIMIT: &str = "NEED_LIMIT";

impl Admission {
    fn from_reply(reply: Reply) -> Result<Self> {
        let (status, count, limit, expires_ms) = reply;
        let status = LeaseStatus::parse(&status)?;
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
        })
    }

    /// The message for a refusal at the limit.
    pub fn refusal(&self, room: &Room) -> AtCapacity {
        AtCapacity::Room {
            room: room.clone(),
            count: self.count,
            limit: self.limit.unwrap_or_default(),
        }
    }
}

/// The call of one join, heartbeat or leave: the room's four keys, then ARGV = member, lease
/// length in ms (heartbeat: 0 keeps the lease's own), most expired leases to drop, and the
/// length a heartbeat gives a lease that has none stored.
fn presence_call(
    script: PresenceScript,
    prefix: &str,
    room: &Room,
    member: &UserId,
    ttl_ms: u64,
) -> ScriptCall {
    let mut args = vec![
        member.to_string(),
        ttl_ms.to_string(),
        HOT_PATH_PRUNE.to_string(),
    ];
    if script == PresenceScript::Heartbeat {
        args.push(self::ttl_ms(DEFAULT_TTL).to_string());
    }
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
        validate_ttl(ttl)?;
        self.call(
            PresenceScript::Join,
            room,
            &member.to_member()?,
            ttl_ms(ttl),
        )
        .await
    }

    /// Extends a live lease, by `ttl` when given, else by the lease's own length (the one it
    /// was granted or last extended with). An expired or missing lease is reported LOST and
    /// not revived.
    pub async fn heartbeat(
        &self,
        room: &Room,
        member: &(impl Member + ?Sized),
        ttl: impl Into<Option<Duration>>,
    ) -> Result<Admission> {
        let ttl = ttl.into();
        if let Some(ttl) = ttl {
            validate_ttl(ttl)?;
        }
        let keep_own = 0;
        self.call(
            PresenceScript::Heartbeat,
            room,
            &member.to_member()?,
            ttl.map_or(keep_own, ttl_ms),
        )
        .await
    }

    /// Drops a lease. Idempotent.
    pub async fn leave(&self, room: &Room, member: &(impl Member + ?Sized)) -> Result<Admission> {
        self.call(PresenceScript::Leave, room, &member.to_member()?, 0)
            .await
    }

    async fn call(
        &self,
        script: PresenceScript,
        room: &Room,
        member: &UserId,
        ttl_ms: u64,
    ) -> Result<Admission> {
        let call = presence_call(script, self.prefix(), room, member, ttl_ms);
        let mut conn = self.conn().await?;
        // Twice is enough: the second try follows a load of the limit; a third covers a
        // set-limit racing between the load and the retry.
        for _ in 0..3 {
            let reply: Reply = run(&mut conn, call.clone()).await?;
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
                "p:{booth:b}:ttl"
            ]
        );
        assert_eq!(args, ["u1", "60000", "64"]);
    }
}
