//! Live presence: who is watching a stream or standing in a booth right now.
//!
//! One limiter serves both kinds of room. Each person holds one lease per room (per device, on
//! a stream with a device cap) in a sorted set scored by the lease's expiry (Redis server
//! clock); a lapsed lease stays reserved for its owner during the stream's grace. A full room
//! can keep a strict queue (see [`JoinOptions`]); access policies: [`AccessPolicy`]. Join, heartbeat and leave are one Lua
//! script each (a shared prelude plus a body, see `lua/`), so each is one round trip on the
//! shared multiplexed connection; PostgreSQL is touched only when the room's limit is not
//! cached in Redis. Keys: see [`RoomKeys`].

use std::time::Duration;

use crate::backends::RedisConn;

use crate::Result;
use crate::backends::Backends;

mod limiter;
mod limits;
mod policy;
mod room;
mod scripts;

pub use limiter::{Admission, JoinOptions, LeaseStatus, join_call, lease_member};
pub use limits::{
    CounterState, LimitChange, Occupancy, SweepReply, all_limits_from_pg, limit_from_pg,
    limit_value, session_settings_from_pg, sweep_call,
};
pub use policy::{
    AccessPolicy, DevicePolicy, MAX_DEVICES_CAP, PolicyChange, RoomSettings, all_settings_from_pg,
    settings_from_pg, write_policy,
};
pub use room::{Member, Room, RoomKeys};
pub(crate) use scripts::run_all;
pub use scripts::{
    HEARTBEAT_LUA, JOIN_LUA, LEAVE_LUA, LIMIT_SWAP_LUA, PresenceScript, SWEEP_LUA, ScriptCall,
};

/// What the limit key holds when the room has no limit (a missing key means "not cached").
pub const UNLIMITED: &str = "unlimited";

/// At most this many expired leases are dropped by one join/heartbeat/leave, so the hot path
/// stays cheap even right after a disconnect storm; reconcile reaps the rest.
pub const HOT_PATH_PRUNE: u32 = 64;

/// Longest lease a client may ask for.
pub const MAX_TTL: Duration = Duration::from_secs(24 * 3600);

/// Lease length when none is asked for (join), and for a heartbeat of a lease that has no
/// length stored (granted before lengths were stored).
pub const DEFAULT_TTL: Duration = Duration::from_secs(60);

/// Rooms per pipeline when reading the occupancy of many rooms.
const OCCUPANCY_BATCH: usize = 500;

/// The presence limiter. Cheap to build; it borrows the command's lazily opened backends, so
/// PostgreSQL is only connected when a limit must be loaded.
pub struct Presence<'a> {
    backends: &'a Backends,
}

impl<'a> Presence<'a> {
    pub fn new(backends: &'a Backends) -> Self {
        Self { backends }
    }

    fn prefix(&self) -> &str {
        self.backends.redis_prefix()
    }

    async fn conn(&self) -> Result<RedisConn> {
        Ok(self.backends.redis().await?.clone())
    }
}
