//! Room limits (PostgreSQL the truth, Redis a cache) and occupancy (who is inside, counters).

use std::collections::BTreeMap;

use serde::Serialize;
use sqlx::PgPool;

use super::policy::{
    AccessPolicy, PolicyChange, RoomSettings, all_settings_from_pg, settings_from_pg, write_policy,
};
use super::room::Room;
use super::scripts::{PresenceScript, ScriptCall, redis_error, run_all};
use super::{OCCUPANCY_BATCH, Presence, UNLIMITED};
use crate::Result;
use crate::catalog::{booths, events};
use crate::ids::{BoothId, EventId, validate_capacity};

/// The outcome of changing a room's limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LimitChange {
    pub limit: Option<u64>,
    /// Live leases right now.
    pub count: u64,
    /// More people inside than the new limit: nobody is evicted, nobody admitted until below.
    pub over_limit: bool,
    /// A stream's access policies now (None for a booth).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<AccessPolicy>,
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
    /// Slots held: live leases and leases in grace.
    pub live: u64,
    pub limit: Option<u64>,
    /// Of `live`, leases that lapsed and are held for their owner during the grace period.
    pub in_grace: u64,
    /// Live places in the room's queue.
    pub queued: u64,
}

/// How a room's counter stands against its leases. The one rule for presence counters: a
/// lease that ran out stays counted until something reaps it (the hot path reaps a few per
/// call, reconcile the rest), so a counter anywhere in `live ..= live + expired` is only
/// behind, not drift. A counter outside that window (or not a number, or missing while people
/// are inside) is something expiry does not explain: drift.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CounterState {
    /// Equals the live leases (a missing counter of an empty room too).
    Exact,
    /// Still counts expired leases nobody reaped yet: rewritten by a pass, not drift.
    Behind,
    /// Disagrees with the leases in a way expiry does not explain.
    Drift,
}

impl CounterState {
    /// Judges `counter` (the counter key as stored) against `live` live and `expired`
    /// expired-but-stored leases, all read at one instant.
    pub fn judge(counter: Option<&str>, live: u64, expired: u64) -> Self {
        match counter.map(str::parse::<u64>) {
            None if live == 0 => Self::Exact,
            Some(Ok(c)) if c == live => Self::Exact,
            Some(Ok(c)) if c > live && c - live <= expired => Self::Behind,
            _ => Self::Drift,
        }
    }
}

impl Presence<'_> {
    /// Loads a room's limit from PostgreSQL and caches it unless something cached it meanwhile
    /// (a concurrent set-limit wrote a newer value). NotFound for an unknown event or booth, so
    /// no limit is ever cached for a room that does not exist.
    pub async fn cache_limit(&self, room: &Room) -> Result<Option<u64>> {
        let settings = settings_from_pg(self.backends.pg().await?, room).await?;
        let limit = settings.limit;
        let mut conn = self.conn().await?;
        redis::cmd("SET")
            .arg(room.keys(self.prefix()).limit)
            .arg(settings.cache_value())
            .arg("NX")
            .query_async::<()>(&mut conn)
            .await
            .map_err(|e| redis_error(e, "nothing admitted"))?;
        Ok(limit)
    }

    /// Sets a room's limit in PostgreSQL (the truth) and then in the Redis cache. Lowering it
    /// below the people inside evicts nobody; the answer says when that happened.
    pub async fn set_limit(&self, room: &Room, limit: Option<i64>) -> Result<LimitChange> {
        self.change_limit(room, limit, false).await
    }

    /// What [`Self::set_limit`] would do, changing nothing: the same checks and the same
    /// UPDATE in a transaction rolled back, the live count read; Redis is not written.
    pub async fn preview_limit(&self, room: &Room, limit: Option<i64>) -> Result<LimitChange> {
        self.change_limit(room, limit, true).await
    }

    async fn change_limit(
        &self,
        room: &Room,
        limit: Option<i64>,
        dry_run: bool,
    ) -> Result<LimitChange> {
        let limit = limit
            .map(|n| validate_capacity("--max", n).map(|n| n as u64))
            .transpose()?;
        self.write_settings(room, Some(limit), &PolicyChange::default(), dry_run)
            .await
    }

    /// Changes a stream's access policies (and its limit when `limit` is Some), in PostgreSQL
    /// and then in the Redis cache, like [`Presence::set_limit`].
    /// With `dry_run`, the same checks and writes in a transaction rolled back; Redis untouched.
    pub async fn set_policy(
        &self,
        event: &EventId,
        limit: Option<Option<i64>>,
        change: &PolicyChange,
        dry_run: bool,
    ) -> Result<LimitChange> {
        change.validate()?;
        let limit = limit
            .map(|l| {
                l.map(|n| validate_capacity("--max", n).map(|n| n as u64))
                    .transpose()
            })
            .transpose()?;
        self.write_settings(&Room::Stream(event.clone()), limit, change, dry_run)
            .await
    }

    async fn write_settings(
        &self,
        room: &Room,
        limit: Option<Option<u64>>,
        change: &PolicyChange,
        dry_run: bool,
    ) -> Result<LimitChange> {
        let key = room.keys(self.prefix()).limit;
        let mut conn = self.conn().await?;
        let unchanged = |e| redis_error(e, "limit not changed");
        // Drop the cache first: if Redis is down we fail before writing anything, and a
        // join meanwhile reloads from PostgreSQL rather than trusting the old value.
        if !dry_run {
            redis::cmd("DEL")
                .arg(&key)
                .query_async::<()>(&mut conn)
                .await
                .map_err(unchanged)?;
        }
        let pool = self.backends.pg().await?;
        // The room's row stays locked until the cache holds the new value: racing set-limits
        // then write the cache in the order they commit, so the last one wins in both stores.
        let mut tx = pool.begin().await?;
        if let Some(limit) = limit {
            let as_i64 = limit.map(|n| n as i64);
            match room {
                Room::Stream(event) => events::set_max_viewers(&mut *tx, event, as_i64).await?,
                Room::Booth(booth) => booths::set_max_visitors(&mut *tx, booth, as_i64).await?,
                Room::Session(session) => {
                    crate::seats::virtual_sessions::set_capacity_in(&mut tx, session, as_i64)
                        .await?
                }
            }
        }
        if let Room::Stream(event) = room
            && !change.is_empty()
        {
            write_policy(&mut *tx, event, change).await?;
        }
        let settings = settings_from_pg(&mut *tx, room).await?;
        let policy = matches!(room, Room::Stream(_)).then_some(settings.policy);
        if dry_run {
            tx.rollback().await?;
            let count = self.live_counts(std::slice::from_ref(room)).await?[0];
            return Ok(LimitChange {
                limit: settings.limit,
                count,
                over_limit: settings.limit.is_some_and(|l| count > l),
                policy,
            });
        }
        // A plain SET wins over any concurrent load (those use SET NX).
        redis::cmd("SET")
            .arg(&key)
            .arg(settings.cache_value())
            .query_async::<()>(&mut conn)
            .await
            .map_err(unchanged)?;
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
            limit: settings.limit,
            count,
            over_limit: settings.limit.is_some_and(|l| count > l),
            policy,
        })
    }

    /// Slots held in each room (live leases and leases in grace; nothing changed), in order.
    pub async fn live_counts(&self, rooms: &[Room]) -> Result<Vec<u64>> {
        Ok(self
            .looks(rooms)
            .await?
            .into_iter()
            .map(|r| r.live)
            .collect())
    }

    /// One look-only sweep of each room, in order.
    async fn looks(&self, rooms: &[Room]) -> Result<Vec<SweepReply>> {
        let mut conn = self.conn().await?;
        let calls: Vec<ScriptCall> = rooms
            .iter()
            .map(|room| sweep_call(self.prefix(), room, 0, true))
            .collect();
        run_all(&mut conn, &calls).await
    }

    /// Viewers of one event's stream, or of every event's stream.
    pub async fn stream_occupancy(&self, event: Option<&EventId>) -> Result<Vec<Occupancy>> {
        let pool = self.backends.pg().await?;
        let rows: Vec<(EventId, Option<i64>)> = match event {
            Some(id) => {
                events::require_event(pool, id).await?;
                sqlx::query_as(
                    "SELECT id, (virtual_settings ->> 'max_concurrent_viewers')::bigint
                       FROM events WHERE id = $1",
                )
                .bind(id)
                .fetch_all(pool)
                .await?
            }
            None => {
                sqlx::query_as(
                    "SELECT id, (virtual_settings ->> 'max_concurrent_viewers')::bigint
                       FROM events ORDER BY starts_at, id",
                )
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
        booth: Option<&BoothId>,
        event: Option<&EventId>,
    ) -> Result<Vec<(Occupancy, String)>> {
        let pool = self.backends.pg().await?;
        let list = match (booth, event) {
            (Some(id), _) => vec![booths::get_booth(pool, id).await?],
            (None, Some(ev)) => booths::list_booths(pool, ev).await?,
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
                Ok((
                    Room::booth(&b.booth_id)?,
                    b.max_visitors.map(|n| n.max(0) as u64),
                ))
            })
            .collect::<Result<_>>()?;
        let occ = self.occupancy(rooms).await?;
        Ok(occ
            .into_iter()
            .zip(list)
            .map(|(o, b)| (o, b.event_id.to_string()))
            .collect())
    }

    async fn occupancy(&self, rooms: Vec<(Room, Option<u64>)>) -> Result<Vec<Occupancy>> {
        let only: Vec<Room> = rooms.iter().map(|(r, _)| r.clone()).collect();
        let mut looks = Vec::with_capacity(only.len());
        for chunk in only.chunks(OCCUPANCY_BATCH) {
            looks.extend(self.looks(chunk).await?);
        }
        Ok(rooms
            .into_iter()
            .zip(looks)
            .map(|((room, limit), look)| Occupancy {
                room,
                live: look.live,
                limit,
                in_grace: look.in_grace,
                queued: look.queued,
            })
            .collect())
    }
}

/// One call of the sweep script: drop at most `most` expired leases (with `look_only`,
/// change nothing and report).
pub fn sweep_call(prefix: &str, room: &Room, most: usize, look_only: bool) -> ScriptCall {
    ScriptCall::new(
        PresenceScript::Sweep,
        &room.keys(prefix),
        vec![most.to_string(), if look_only { "1" } else { "0" }.into()],
    )
}

/// What one sweep call found and did (see lua/sweep.lua).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SweepReply {
    /// Expired leases dropped (looking: found).
    pub dropped: u64,
    /// Expired leases remain: call again.
    pub more: bool,
    pub live: u64,
    /// The counter key as found, before the call changed it.
    pub counter: Option<String>,
    /// Expired leases found before the call dropped any.
    pub expired: u64,
    /// Lease lengths kept for members without a lease (dropped, or found when looking).
    pub orphan_ttls: u64,
    /// Of `live`, leases that lapsed and are held for their owner (grace).
    pub in_grace: u64,
    /// Live queue places.
    pub queued: u64,
    /// Queue places not refreshed in time (dropped, or found when looking): not drift.
    pub dead_places: u64,
    /// Queue places in the line without an expiry or the other way round (dropped, or found
    /// when looking): drift, since the scripts write both at once.
    pub stray_places: u64,
    /// Device entries whose lease is gone (dropped, or found): not drift, lists are pruned
    /// lazily.
    pub stale_devices: u64,
    /// Viewers holding more devices than the cap (legitimate only after it was lowered).
    pub over_device_cap: u64,
}

impl SweepReply {
    /// How the counter stood when the call began.
    pub fn counter_state(&self) -> CounterState {
        CounterState::judge(self.counter.as_deref(), self.live, self.expired)
    }
}

/// The first six items of a sweep reply (what it always answered), and the six after them.
type SweepHead = (u64, u8, u64, Option<String>, u64, u64);
type SweepTail = (u64, u64, u64, u64, u64, u64);

impl redis::FromRedisValue for SweepReply {
    fn from_redis_value(v: redis::Value) -> std::result::Result<Self, redis::ParsingError> {
        let (head, tail): (SweepHead, SweepTail) = match v {
            redis::Value::Array(mut items) if items.len() == 12 => {
                let tail = items.split_off(6);
                (
                    redis::FromRedisValue::from_redis_value(redis::Value::Array(items))?,
                    redis::FromRedisValue::from_redis_value(redis::Value::Array(tail))?,
                )
            }
            other => {
                return Err(format!("a sweep reply of 12 items, not {other:?}").into());
            }
        };
        let (dropped, more, live, counter, expired, orphan_ttls) = head;
        let (in_grace, queued, dead_places, stray_places, stale_devices, over_device_cap) = tail;
        Ok(Self {
            dropped,
            more: more == 1,
            live,
            counter,
            expired,
            orphan_ttls,
            in_grace,
            queued,
            dead_places,
            stray_places,
            stale_devices,
            over_device_cap,
        })
    }
}

/// The value the limit key holds.
pub fn limit_value(limit: Option<u64>) -> String {
    limit.map_or_else(|| UNLIMITED.to_string(), |n| n.to_string())
}

/// One room's limit from PostgreSQL; NotFound when the event or booth does not exist.
pub async fn limit_from_pg(pool: &PgPool, room: &Room) -> Result<Option<u64>> {
    Ok(settings_from_pg(pool, room).await?.limit)
}

/// The settings of the virtual sessions among `rooms` (other rooms are skipped; an in-person or
/// unknown session gets none; a session has a limit and no access policies). Sessions are not
/// in [`all_settings_from_pg`]: a virtual session
/// becomes a room only once capctl enforces its joins (its keys exist), so no pass creates
/// keys for sessions whose count the platform keeps itself.
pub async fn session_settings_from_pg(
    pool: &PgPool,
    rooms: &[Room],
) -> Result<BTreeMap<Room, RoomSettings>> {
    let ids: Vec<&str> = rooms
        .iter()
        .filter_map(|r| match r {
            Room::Session(id) => Some(id.as_str()),
            _ => None,
        })
        .collect();
    if ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    let rows: Vec<(String, Option<i64>)> = sqlx::query_as(
        "SELECT id, capctl_session_capacity(id)::bigint FROM sessions
          WHERE id = ANY($1) AND format = 'VIRTUAL'",
    )
    .bind(&ids)
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|(id, limit)| {
            let settings = RoomSettings {
                limit: limit.map(|n| n.max(0) as u64),
                ..RoomSettings::default()
            };
            Ok((Room::session(&id)?, settings))
        })
        .collect()
}

/// Every room PostgreSQL knows (each event's stream, each booth) with its limit.
pub async fn all_limits_from_pg(pool: &PgPool) -> Result<BTreeMap<Room, Option<u64>>> {
    Ok(all_settings_from_pg(pool)
        .await?
        .into_iter()
        .map(|(room, s)| (room, s.limit))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_counter_behind_by_unreaped_expired_leases_is_not_drift() {
        use CounterState::*;
        let judge = CounterState::judge;
        assert_eq!(judge(Some("5"), 5, 0), Exact);
        assert_eq!(judge(None, 0, 3), Exact);
        assert_eq!(judge(Some("7"), 5, 2), Behind);
        assert_eq!(judge(Some("6"), 5, 2), Behind);
        assert_eq!(judge(Some("8"), 5, 2), Drift, "more than expiry explains");
        assert_eq!(judge(Some("4"), 5, 2), Drift, "below the live leases");
        assert_eq!(judge(None, 1, 0), Drift);
        assert_eq!(judge(Some("x"), 0, 0), Drift);
    }
}
