//! Rooms (an event's stream, a booth, a virtual session) and the layout of their Redis keys.

use std::fmt;

use crate::Result;
use crate::ids::{BoothId, EventId, SessionId, UserId};

/// A place with a presence limit: an event's live stream, an expo booth, or a virtual session
/// (limit = the session's capacity; keys under the session's own hash tag).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Room {
    Stream(EventId),
    Booth(BoothId),
    Session(SessionId),
}

impl Room {
    /// The stream of an event; the id is checked (it goes inside a hash tag).
    pub fn stream(event_id: &str) -> Result<Self> {
        Ok(Self::Stream(event_id.parse()?))
    }

    pub fn booth(booth_id: &str) -> Result<Self> {
        Ok(Self::Booth(booth_id.parse()?))
    }

    /// A virtual session's room.
    pub fn session(session_id: &str) -> Result<Self> {
        Ok(Self::Session(session_id.parse()?))
    }

    /// `stream`, `booth` or `session`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Stream(_) => "stream",
            Self::Booth(_) => "booth",
            Self::Session(_) => "session",
        }
    }

    /// The event id of a stream, the booth id of a booth, the session id of a session.
    pub fn id(&self) -> &str {
        match self {
            Self::Stream(id) => id,
            Self::Booth(id) => id,
            Self::Session(id) => id,
        }
    }

    /// The keys of this room under `prefix`.
    pub fn keys(&self, prefix: &str) -> RoomKeys {
        let base = format!("{prefix}:{{{}:{}}}", self.kind(), self.id());
        RoomKeys {
            leases: format!("{base}:leases"),
            count: format!("{base}:count"),
            limit: format!("{base}:limit"),
            ttl: format!("{base}:ttl"),
            queue: format!("{base}:queue"),
            places: format!("{base}:places"),
            devices: format!("{base}:devices"),
        }
    }

    /// The room a key under `prefix` belongs to, if it is one of ours and well formed.
    pub fn from_key(prefix: &str, key: &str) -> Option<Self> {
        let rest = key.strip_prefix(prefix)?.strip_prefix(":{")?;
        let (tag, suffix) = rest.split_once("}:")?;
        if !RoomKeys::SUFFIXES.contains(&suffix) {
            return None;
        }
        match tag.split_once(':')? {
            ("stream", id) => Self::stream(id).ok(),
            ("booth", id) => Self::booth(id).ok(),
            ("session", id) => Self::session(id).ok(),
            _ => None,
        }
    }

    /// The SCAN pattern matching every room key under `prefix` (prefixes hold no glob characters).
    pub fn scan_pattern(prefix: &str) -> String {
        format!("{prefix}:{{*}}:*")
    }

    /// Who is inside: `viewers` of a stream, `visitors` of a booth, `attendees` of a session.
    pub fn people(&self) -> &'static str {
        match self {
            Self::Stream(_) => "viewers",
            Self::Booth(_) => "visitors",
            Self::Session(_) => "attendees",
        }
    }
}

impl fmt::Display for Room {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Stream(id) => write!(f, "the stream of event {id:?}"),
            Self::Booth(id) => write!(f, "booth {id:?}"),
            Self::Session(id) => write!(f, "virtual session {id:?}"),
        }
    }
}

/// The seven keys of one room, all under the room's hash tag (`{stream:<id>}`, `{booth:<id>}`),
/// so every script works on Redis Cluster. Every presence script takes them in this order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomKeys {
    /// ZSET member → lease expiry (ms since the epoch, Redis server clock): the truth.
    pub leases: String,
    /// Live leases, the counter other services read in O(1).
    pub count: String,
    /// The limit cached from PostgreSQL, `unlimited` or N; missing = not cached.
    pub limit: String,
    /// HASH member → lease length (ms), so a heartbeat keeps the lease's own length.
    pub ttl: String,
    /// ZSET member → arrival number: the queue, in order (position = rank + 1).
    pub queue: String,
    /// ZSET member → queue place expiry (ms): a place not refreshed in time is dropped.
    pub places: String,
    /// HASH viewer → the viewer's device ids, space separated (rooms with a device cap).
    pub devices: String,
}

impl RoomKeys {
    pub(crate) const SUFFIXES: [&'static str; 7] = [
        "leases", "count", "limit", "ttl", "queue", "places", "devices",
    ];

    /// KEYS[1..=7] of every presence script.
    pub fn as_array(&self) -> [&str; 7] {
        [
            &self.leases,
            &self.count,
            &self.limit,
            &self.ttl,
            &self.queue,
            &self.places,
            &self.devices,
        ]
    }
}

/// Who holds a lease: a viewer of a stream or a visitor of a booth is a user of the platform.
/// Accepts an already checked [`UserId`] or text, checked here.
pub trait Member {
    fn to_member(&self) -> Result<UserId>;
}

impl Member for UserId {
    fn to_member(&self) -> Result<UserId> {
        Ok(self.clone())
    }
}

impl Member for str {
    fn to_member(&self) -> Result<UserId> {
        self.parse()
    }
}

impl Member for String {
    fn to_member(&self) -> Result<UserId> {
        self.parse()
    }
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
        assert_eq!(k.ttl, "capctl:{stream:evt_1}:ttl");
        assert_eq!(k.queue, "capctl:{stream:evt_1}:queue");
        assert_eq!(Room::from_key("capctl", &k.devices), Some(room.clone()));
        assert_eq!(Room::from_key("capctl", &k.count), Some(room.clone()));
        assert_eq!(Room::from_key("capctl", &k.ttl), Some(room));
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
        let session = Room::session("s1").unwrap();
        assert_eq!(session.keys("p").count, "p:{session:s1}:count");
        assert_eq!(Room::from_key("p", "p:{session:s1}:leases"), Some(session));
    }
}
