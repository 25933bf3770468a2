//! Access policies of a stream, event settings in `events.virtual_settings`: how many devices
//! one viewer may watch on at once (`max_devices`), what happens at that cap
//! (`device_policy`: refuse, or evict the viewer's stalest device), and how long a lapsed lease
//! stays reserved for its owner (`grace_ms`). Booths have none of them (their defaults).
//!
//! The scripts read them from the room's cached limit, so a call stays one round trip: the
//! cache holds `N`/`unlimited` when every policy is at its default (what it always held), else
//! `L;D;P;G` (limit, device cap with 0 = none, policy, grace in ms).

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Serialize;
use sqlx::PgPool;

use super::room::Room;
use super::{MAX_TTL, UNLIMITED};
use crate::ids::{EventId, text_enum};
use crate::{Error, Missing, Result};

text_enum! {
    /// What a join at the viewer's device cap does.
    #[derive(Default)]
    pub enum DevicePolicy {
        /// Refused (exit 3), the viewer's other devices keep watching.
        #[default]
        Refuse = "refuse",
        /// The viewer's least recently refreshed device is dropped; the new one takes its slot.
        EvictOldest = "evict-oldest",
    }
}

impl DevicePolicy {
    /// Parses user input (`refuse`, `evict-oldest`), naming the choices when wrong.
    pub fn parse_input(s: &str) -> Result<Self> {
        match s {
            "refuse" => Ok(Self::Refuse),
            "evict-oldest" => Ok(Self::EvictOldest),
            other => Err(Error::invalid(format!(
                "device policy {other:?} is not one of refuse, evict-oldest"
            ))),
        }
    }
}

/// Most devices per viewer a setting may ask for.
pub const MAX_DEVICES_CAP: u64 = 1000;

/// A stream's access policies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct AccessPolicy {
    /// Devices one viewer may hold leases on at once; None = no cap.
    pub max_devices: Option<u64>,
    pub device_policy: DevicePolicy,
    /// How long a lapsed lease stays reserved for its owner (ms); 0 = none.
    pub grace_ms: u64,
}

/// A change of some of a stream's access policies; None leaves a policy as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PolicyChange {
    /// Some(0) removes the cap.
    pub max_devices: Option<u64>,
    pub device_policy: Option<DevicePolicy>,
    pub grace: Option<Duration>,
}

impl PolicyChange {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// Checks the values; a bad one is refused before anything is written.
    pub fn validate(&self) -> Result<()> {
        if let Some(n) = self.max_devices
            && n > MAX_DEVICES_CAP
        {
            return Err(Error::invalid(format!(
                "max devices {n} must be between 0 (no cap) and {MAX_DEVICES_CAP}"
            )));
        }
        if let Some(g) = self.grace
            && g > MAX_TTL
        {
            return Err(Error::invalid(format!(
                "grace {g:?} must be at most {}h",
                MAX_TTL.as_secs() / 3600
            )));
        }
        Ok(())
    }

    /// The settings to merge into `virtual_settings`, and the keys to remove from it.
    fn patch(&self) -> (serde_json::Value, Vec<&'static str>) {
        let mut set = serde_json::Map::new();
        let mut remove = Vec::new();
        match self.max_devices {
            Some(0) => remove.push("max_devices"),
            Some(n) => {
                set.insert("max_devices".into(), n.into());
            }
            None => {}
        }
        if let Some(p) = self.device_policy {
            set.insert("device_policy".into(), p.as_str().into());
        }
        if let Some(g) = self.grace {
            let ms = super::limiter::ttl_ms(g);
            set.insert("grace_ms".into(), ms.into());
        }
        (set.into(), remove)
    }
}

/// Everything the scripts need of a room: its limit and access policies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct RoomSettings {
    /// None = unlimited.
    pub limit: Option<u64>,
    #[serde(flatten)]
    pub policy: AccessPolicy,
}

impl RoomSettings {
    /// What the room's limit key holds (see the module's doc).
    pub fn cache_value(&self) -> String {
        let limit = self
            .limit
            .map_or_else(|| UNLIMITED.to_string(), |n| n.to_string());
        if self.policy == AccessPolicy::default() {
            return limit;
        }
        format!(
            "{limit};{};{};{}",
            self.policy.max_devices.unwrap_or(0),
            self.policy.device_policy,
            self.policy.grace_ms
        )
    }
}

/// The columns of a stream's settings, in [`settings_row`]'s order (a macro, so queries stay
/// static strings).
macro_rules! stream_columns {
    () => {
        "(virtual_settings ->> 'max_concurrent_viewers')::bigint,
         (virtual_settings ->> 'max_devices')::bigint,
         virtual_settings ->> 'device_policy',
         (virtual_settings ->> 'grace_ms')::bigint"
    };
}

type SettingsRow = (Option<i64>, Option<i64>, Option<String>, Option<i64>);

/// A room's kind and id, then its [`SettingsRow`].
type RoomRow = (
    String,
    String,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<i64>,
);

fn settings_row((limit, devices, policy, grace): SettingsRow) -> Result<RoomSettings> {
    Ok(RoomSettings {
        limit: limit.map(|n| n.max(0) as u64),
        policy: AccessPolicy {
            max_devices: devices.filter(|&n| n > 0).map(|n| n as u64),
            device_policy: policy.map(|p| p.parse()).transpose()?.unwrap_or_default(),
            grace_ms: grace.unwrap_or(0).max(0) as u64,
        },
    })
}

/// One room's settings from PostgreSQL; NotFound when the event or booth does not exist.
/// Takes any executor, so a caller may hold the room's row lock while it updates the cache.
pub async fn settings_from_pg(db: impl sqlx::PgExecutor<'_>, room: &Room) -> Result<RoomSettings> {
    let row: Option<SettingsRow> =
        match room {
            Room::Stream(id) => {
                sqlx::query_as(concat!(
                    "SELECT ",
                    stream_columns!(),
                    " FROM events WHERE id = $1"
                ))
                .bind(id)
                .fetch_optional(db)
                .await?
            }
            Room::Booth(id) => {
                sqlx::query_as(
                    "SELECT max_visitors::bigint, NULL::bigint, NULL::text, NULL::bigint
               FROM expo_booths WHERE id = $1",
                )
                .bind(id)
                .fetch_optional(db)
                .await?
            }
            // Only a virtual session has a presence room; the one capacity rule applies.
            Room::Session(id) => sqlx::query_as(
                "SELECT capctl_session_capacity(id)::bigint, NULL::bigint, NULL::text, NULL::bigint
                   FROM sessions WHERE id = $1 AND format = 'VIRTUAL'",
            )
            .bind(id)
            .fetch_optional(db)
            .await?,
        };
    match row {
        None => Err(Error::NotFound(match room {
            Room::Stream(id) => Missing::Event(id.clone()),
            Room::Booth(id) => Missing::Booth(id.clone()),
            Room::Session(id) => Missing::Session(id.clone()),
        })),
        Some(row) => settings_row(row),
    }
}

/// Every room PostgreSQL knows (each event's stream, each booth) with its settings.
pub async fn all_settings_from_pg(pool: &PgPool) -> Result<BTreeMap<Room, RoomSettings>> {
    let rows: Vec<RoomRow> = sqlx::query_as(concat!(
        "SELECT 'stream', id, ",
        stream_columns!(),
        " FROM events
             UNION ALL
             SELECT 'booth', id, max_visitors::bigint, NULL, NULL, NULL FROM expo_booths"
    ))
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|(kind, id, l, d, p, g)| {
            let room = if kind == "stream" {
                Room::stream(&id)?
            } else {
                Room::booth(&id)?
            };
            Ok((room, settings_row((l, d, p, g))?))
        })
        .collect()
}

/// Writes a change of an event's access policies to PostgreSQL, keeping its other settings.
pub async fn write_policy(
    db: impl sqlx::PgExecutor<'_>,
    event: &EventId,
    change: &PolicyChange,
) -> Result<()> {
    change.validate()?;
    let (set, remove) = change.patch();
    let updated = sqlx::query(
        "UPDATE events
            SET virtual_settings = (CASE WHEN jsonb_typeof(virtual_settings) = 'object'
                                         THEN virtual_settings ELSE '{}'::jsonb END
                                    || $2::jsonb) - $3::text[]
          WHERE id = $1",
    )
    .bind(event)
    .bind(set)
    .bind(remove)
    .execute(db)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(Error::NotFound(Missing::Event(event.clone())));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cache_keeps_its_old_form_without_policies() {
        let plain = RoomSettings {
            limit: Some(5),
            policy: AccessPolicy::default(),
        };
        assert_eq!(plain.cache_value(), "5");
        let capped = RoomSettings {
            limit: None,
            policy: AccessPolicy {
                max_devices: Some(2),
                device_policy: DevicePolicy::EvictOldest,
                grace_ms: 3000,
            },
        };
        assert_eq!(capped.cache_value(), "unlimited;2;evict-oldest;3000");
        assert!(DevicePolicy::parse_input("bogus").is_err());
        let change = PolicyChange {
            max_devices: Some(0),
            grace: Some(Duration::from_secs(2)),
            ..Default::default()
        };
        let (set, remove) = change.patch();
        assert_eq!(set, serde_json::json!({"grace_ms": 2000}));
        assert_eq!(remove, ["max_devices"]);
    }
}
