//! The presence Lua scripts (one shared prelude + a body each) and the one path that calls them.

use std::sync::LazyLock;

use redis::aio::ConnectionManager;
use redis::{
    Cmd, ErrorKind, FromRedisValue, Pipeline, RedisError, RedisWrite, Script, ServerErrorKind,
    ToRedisArgs,
};

use super::room::{Room, RoomKeys};
use crate::backends::RedisConn;
use crate::backends::redis::{has_code, load_everywhere, run_batch};
use crate::{Error, Result};

/// Each script is the prelude (straight-line: the settings and the clock), the helpers (the
/// shared functions) and its body: still one script, one EVALSHA per call. The join puts its
/// plain path between the prelude and the helpers, so the common call builds no function.
macro_rules! with_prelude {
    ($($part:literal),+) => {
        concat!(include_str!("lua/prelude.lua"), $(include_str!($part)),+)
    };
}

pub const JOIN_LUA: &str = with_prelude!("lua/join_plain.lua", "lua/helpers.lua", "lua/join.lua");
pub const HEARTBEAT_LUA: &str = with_prelude!("lua/helpers.lua", "lua/heartbeat.lua");
pub const LEAVE_LUA: &str = with_prelude!("lua/helpers.lua", "lua/leave.lua");
pub const SWEEP_LUA: &str = with_prelude!("lua/helpers.lua", "lua/sweep.lua");
pub const LIMIT_SWAP_LUA: &str = include_str!("lua/limit_swap.lua");

static SCRIPTS: LazyLock<[Script; 5]> =
    LazyLock::new(|| PresenceScript::ALL.map(|s| Script::new(s.source())));

/// One of the presence scripts. Every one takes the room's seven keys ([`RoomKeys::as_array`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PresenceScript {
    Join,
    Heartbeat,
    Leave,
    Sweep,
    LimitSwap,
}

impl PresenceScript {
    pub const ALL: [Self; 5] = [
        Self::Join,
        Self::Heartbeat,
        Self::Leave,
        Self::Sweep,
        Self::LimitSwap,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::Join => "join",
            Self::Heartbeat => "heartbeat",
            Self::Leave => "leave",
            Self::Sweep => "sweep",
            Self::LimitSwap => "limit-swap",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.name() == name)
    }

    /// The assembled source, exactly what `SCRIPT LOAD` receives.
    pub fn source(self) -> &'static str {
        match self {
            Self::Join => JOIN_LUA,
            Self::Heartbeat => HEARTBEAT_LUA,
            Self::Leave => LEAVE_LUA,
            Self::Sweep => SWEEP_LUA,
            Self::LimitSwap => LIMIT_SWAP_LUA,
        }
    }

    /// The SHA1 a caller passes to EVALSHA.
    pub fn sha(self) -> &'static str {
        self.script().get_hash()
    }

    fn script(self) -> &'static Script {
        &SCRIPTS[self as usize]
    }

    /// Every presence script's source, as a NOSCRIPT reload wants them.
    fn all_sources() -> [&'static str; 5] {
        PresenceScript::ALL.map(PresenceScript::source)
    }

    /// What did not happen when Redis refused the call for lack of memory.
    fn nothing_done(self) -> &'static str {
        match self {
            Self::Join => "nothing admitted",
            Self::Heartbeat => "no lease extended",
            Self::Leave | Self::Sweep | Self::LimitSwap => "nothing changed",
        }
    }
}

/// One call of a presence script: the script, the room's keys and the arguments.
#[derive(Debug, Clone)]
pub struct ScriptCall {
    pub script: PresenceScript,
    pub keys: [String; 7],
    pub args: Vec<String>,
}

impl ScriptCall {
    pub fn new(script: PresenceScript, keys: &RoomKeys, args: Vec<String>) -> Self {
        Self {
            script,
            keys: keys.as_array().map(str::to_string),
            args,
        }
    }

    fn add_to(&self, pipe: &mut Pipeline) {
        let mut call = self.script.script().prepare_invoke();
        for k in &self.keys {
            call.key(k);
        }
        for a in &self.args {
            call.arg(a);
        }
        pipe.invoke_script(&call);
    }
}

/// A room's seven keys as command arguments, each formatted straight into the command's buffer
/// (the same text [`Room::keys`] builds, in the same order, without a string per key).
pub(crate) struct RoomKeyArgs<'a> {
    pub prefix: &'a str,
    pub room: &'a Room,
}

impl ToRedisArgs for RoomKeyArgs<'_> {
    fn write_redis_args<W>(&self, out: &mut W)
    where
        W: ?Sized + RedisWrite,
    {
        let (prefix, kind, id) = (self.prefix, self.room.kind(), self.room.id());
        for suffix in RoomKeys::SUFFIXES {
            out.write_arg_fmt(format_args!("{prefix}:{{{kind}:{id}}}:{suffix}"));
        }
    }

    fn num_of_args(&self) -> usize {
        RoomKeys::SUFFIXES.len()
    }
}

/// `EVALSHA <sha> 7 KEYS… ARGV…` of one presence call, packed into one command buffer: what
/// [`ScriptCall`] adds to a pipeline, without the key strings, the argument vector or the
/// pipeline around a single command (the single-node hot path, see [`run_one`]).
pub(crate) fn script_cmd(
    script: PresenceScript,
    prefix: &str,
    room: &Room,
    args: impl ToRedisArgs,
) -> Cmd {
    let keys = RoomKeyArgs { prefix, room };
    let n = 3 + keys.num_of_args() + args.num_of_args();
    // sha (40) + 7 keys of prefix, tag and suffix + a few short arguments
    let bytes = 48 + 7 * (prefix.len() + room.id().len() + 20) + 64;
    let mut cmd = Cmd::with_capacity(n, bytes);
    cmd.arg("EVALSHA")
        .arg(script.sha())
        .arg(RoomKeys::SUFFIXES.len())
        .arg(keys)
        .arg(args);
    cmd
}

/// Runs one presence call on a single node as one command (not a pipeline of one), with the
/// same recovery as [`run_all`]: NOSCRIPT loads the scripts and sends it again, a dropped
/// connection sends it once more on a new one (every presence script is idempotent).
pub(crate) async fn run_one<T: FromRedisValue>(
    conn: &mut ConnectionManager,
    script: PresenceScript,
    cmd: &Cmd,
) -> Result<T> {
    let answer = match query_one(conn, cmd).await {
        Err(e) if is_noscript(&e) => {
            tracing::info!("Redis lost its scripts (restart or SCRIPT FLUSH): reloading");
            let mut all = RedisConn::Single(conn.clone());
            load_scripts(&mut all).await?;
            query_one(conn, cmd).await
        }
        other => other,
    };
    answer
        .and_then(|v| T::from_redis_value(v).map_err(RedisError::from))
        .map_err(|e| redis_error(e, script.nothing_done()))
}

/// One command; the server's error (NOSCRIPT, OOM, a script error), which a single command
/// answers as a value, is raised as the error it is.
async fn query_one(conn: &mut ConnectionManager, cmd: &Cmd) -> Result<redis::Value, RedisError> {
    let answer = match conn.send_packed_command(cmd).await {
        Err(e) if is_dropped(&e) => {
            tracing::info!("Redis connection dropped ({e}); retrying on a new one");
            conn.send_packed_command(cmd).await
        }
        other => other,
    };
    answer.and_then(redis::Value::extract_error)
}

/// Runs one call (see [`run_all`]).
pub(crate) async fn run<T: FromRedisValue>(conn: &mut RedisConn, call: ScriptCall) -> Result<T> {
    let mut answers: Vec<T> = run_all(conn, std::slice::from_ref(&call)).await?;
    answers
        .pop()
        .ok_or_else(|| Error::Internal(anyhow::anyhow!("Redis answered no reply")))
}

/// Runs calls in one pipeline (one round trip), answers in order. On NOSCRIPT (Redis restarted
/// or its script cache was flushed) the scripts are loaded and the pipeline runs again; on a
/// dropped connection it runs once more on a new one. Both are safe because every presence
/// script is idempotent, so a call that did run may run twice. On a Redis Cluster the calls
/// run as one pipeline per primary (see [`run_batch`]), NOSCRIPT reloading on the node that
/// answered it.
pub(crate) async fn run_all<T: FromRedisValue>(
    conn: &mut RedisConn,
    calls: &[ScriptCall],
) -> Result<Vec<T>> {
    let Some(first) = calls.first() else {
        return Ok(Vec::new());
    };
    if conn.is_cluster() {
        return run_batch(
            conn,
            calls,
            1,
            |c| c.keys[0].as_str(),
            |p, c| c.add_to(p),
            &PresenceScript::all_sources(),
        )
        .await
        .map_err(|e| redis_error(e, first.script.nothing_done()));
    }
    let mut pipe = redis::pipe();
    for call in calls {
        call.add_to(&mut pipe);
    }
    let answer = match query(conn, &pipe).await {
        Err(e) if is_noscript(&e) => {
            tracing::info!("Redis lost its scripts (restart or SCRIPT FLUSH): reloading");
            load_scripts(conn).await?;
            query(conn, &pipe).await
        }
        other => other,
    };
    answer.map_err(|e| redis_error(e, first.script.nothing_done()))
}

async fn query<T: FromRedisValue>(conn: &mut RedisConn, pipe: &Pipeline) -> Result<T, RedisError> {
    match pipe.query_async(conn).await {
        Err(e) if is_dropped(&e) => {
            tracing::info!("Redis connection dropped ({e}); retrying on a new one");
            pipe.query_async(conn).await
        }
        other => other,
    }
}

/// Loads every presence script into the server's script cache.
async fn load_scripts(conn: &mut RedisConn) -> Result<()> {
    load_everywhere(conn, &PresenceScript::all_sources())
        .await
        .map_err(|e| redis_error(e, "nothing changed"))
}

/// A Redis error in the library's terms. Redis at `maxmemory` (policy noeviction) refuses a
/// script at its first write that needs memory, before it changed anything (scripts without
/// flags are stopped only there), so the refusal says plainly that nothing happened.
pub(crate) fn redis_error(err: RedisError, nothing_done: &str) -> Error {
    if has_code(&err, "OOM") {
        return Error::Unavailable(format!(
            "Redis is out of memory (maxmemory): {nothing_done}"
        ));
    }
    err.into()
}

/// Whether a Redis error (of one command or of a pipeline) is NOSCRIPT: the server lost its
/// script cache (restart, SCRIPT FLUSH).
fn is_noscript(err: &RedisError) -> bool {
    err.kind() == ErrorKind::Server(ServerErrorKind::NoScript) || has_code(err, "NOSCRIPT")
}

/// A connection that broke under a request (server restart, killed client). The connection
/// manager reconnects.
fn is_dropped(err: &RedisError) -> bool {
    err.is_connection_dropped() || (err.is_io_error() && !err.is_timeout())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_packed_command_is_the_pipelined_call() {
        let room = Room::stream("evt_1").unwrap();
        let args = vec!["v1".to_string(), "60000".into(), "64".into()];
        let call = ScriptCall::new(PresenceScript::Join, &room.keys("p:q"), args.clone());
        let mut pipe = redis::pipe();
        call.add_to(&mut pipe);
        let packed = script_cmd(PresenceScript::Join, "p:q", &room, &args).get_packed_command();
        assert_eq!(packed, pipe.get_packed_pipeline());
    }

    #[test]
    fn every_script_but_the_limit_swap_starts_with_the_prelude_and_has_the_helpers() {
        let prelude = include_str!("lua/prelude.lua");
        let helpers = include_str!("lua/helpers.lua");
        for s in PresenceScript::ALL {
            let shared = s.source().starts_with(prelude) && s.source().contains(helpers);
            assert_eq!(shared, s != PresenceScript::LimitSwap, "{}", s.name());
            assert_eq!(PresenceScript::from_name(s.name()), Some(s));
        }
    }
}
