//! Redis: one connection type for a single node or a Redis Cluster (detected), and batches that
//! run as one pipeline per node.

use std::sync::{Arc, Mutex};

use redis::aio::{ConnectionLike, ConnectionManager};
use redis::cluster_async::ClusterConnection;
use redis::cluster_routing::{Route, RoutingInfo, SingleNodeRoutingInfo, SlotAddr};
use redis::{Cmd, FromRedisValue, Pipeline, RedisError, RedisFuture, RedisResult, Value};

use crate::config::{Settings, redact};
use crate::error::Wait;
use crate::{Error, Result};

/// Slots of a Redis Cluster.
const SLOTS: usize = 16384;

/// How many times a batch is split again after the cluster answered that a slot moved.
const TOPOLOGY_RETRIES: usize = 4;

/// A connection to Redis: a single node's self-reconnecting multiplexed connection, or a Redis
/// Cluster client (topology refresh, MOVED/ASK, reconnects). Cheap to clone; clones share the
/// connection. Single commands and single-slot pipelines go through [`ConnectionLike`] either
/// way; batches over many rooms go through [`run_batch`], which splits them per node.
#[derive(Clone)]
pub enum RedisConn {
    Single(ConnectionManager),
    Cluster(Cluster),
}

/// The cluster client's connection and the slot map capctl read itself (to group a batch's
/// rooms per node and to walk every primary; redis-rs keeps its own for routing).
#[derive(Clone)]
pub struct Cluster {
    conn: ClusterConnection,
    topology: Arc<Mutex<Option<Arc<Topology>>>>,
}

/// Who serves each slot, as `CLUSTER SLOTS` said.
#[derive(Debug)]
pub struct Topology {
    /// One entry per primary.
    pub primaries: Vec<Primary>,
    /// Index into `primaries` of each slot's owner; `u16::MAX` for a slot nobody serves.
    owner: Vec<u16>,
}

/// A primary and the first slot it serves (commands are routed by slot, so a primary is
/// reached through one of its slots, wherever the client finds it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Primary {
    /// `host:port` as the cluster announces it.
    pub addr: String,
    pub first_slot: u16,
    pub slots: usize,
}

impl Topology {
    fn parse(v: Value) -> RedisResult<Self> {
        let bad = || RedisError::from((redis::ErrorKind::Parse, "unexpected CLUSTER SLOTS reply"));
        let Value::Array(ranges) = v else {
            return Err(bad());
        };
        let mut primaries: Vec<Primary> = Vec::new();
        let mut owner = vec![u16::MAX; SLOTS];
        for range in ranges {
            let Value::Array(items) = range else {
                return Err(bad());
            };
            let mut items = items.into_iter();
            let start: u16 = FromRedisValue::from_redis_value(items.next().ok_or_else(bad)?)
                .map_err(|_| bad())?;
            let end: u16 = FromRedisValue::from_redis_value(items.next().ok_or_else(bad)?)
                .map_err(|_| bad())?;
            let Some(Value::Array(node)) = items.next() else {
                return Err(bad());
            };
            let mut node = node.into_iter();
            let host: String = FromRedisValue::from_redis_value(node.next().ok_or_else(bad)?)
                .map_err(|_| bad())?;
            let port: u16 = FromRedisValue::from_redis_value(node.next().ok_or_else(bad)?)
                .map_err(|_| bad())?;
            if usize::from(end) >= SLOTS || start > end {
                return Err(bad());
            }
            let addr = format!("{host}:{port}");
            let i = match primaries.iter().position(|p| p.addr == addr) {
                Some(i) => i,
                None => {
                    primaries.push(Primary {
                        addr,
                        first_slot: start,
                        slots: 0,
                    });
                    primaries.len() - 1
                }
            };
            let p = &mut primaries[i];
            p.first_slot = p.first_slot.min(start);
            p.slots += usize::from(end - start) + 1;
            for s in start..=end {
                owner[usize::from(s)] = i as u16;
            }
        }
        Ok(Self { primaries, owner })
    }

    /// The primary serving `slot`, if any.
    pub fn owner(&self, slot: u16) -> Option<usize> {
        match self.owner.get(usize::from(slot)) {
            Some(&i) if i != u16::MAX => Some(usize::from(i)),
            _ => None,
        }
    }

    /// How many slots no primary serves.
    pub fn unserved_slots(&self) -> usize {
        self.owner.iter().filter(|&&i| i == u16::MAX).count()
    }
}

/// The cluster slot of a key (CRC16 of its hash tag, or of the whole key without one).
pub fn key_slot(key: &[u8]) -> u16 {
    let tagged = key
        .iter()
        .position(|&b| b == b'{')
        .and_then(|open| {
            let rest = &key[open + 1..];
            let close = rest.iter().position(|&b| b == b'}')?;
            (close > 0).then(|| &rest[..close])
        })
        .unwrap_or(key);
    crc16::State::<crc16::XMODEM>::calculate(tagged) % SLOTS as u16
}

fn to_master(slot: u16) -> SingleNodeRoutingInfo {
    SingleNodeRoutingInfo::SpecificNode(Route::new(slot, SlotAddr::Master))
}

impl Cluster {
    /// The slot map, read once and again after a batch met a moved slot.
    pub async fn topology(&self) -> RedisResult<Arc<Topology>> {
        if let Some(t) = self.topology.lock().expect("topology lock").clone() {
            return Ok(t);
        }
        self.refresh().await
    }

    async fn refresh(&self) -> RedisResult<Arc<Topology>> {
        let mut conn = self.conn.clone();
        let v = conn
            .route_command(
                redis::cmd("CLUSTER").arg("SLOTS").clone(),
                RoutingInfo::SingleNode(SingleNodeRoutingInfo::RandomPrimary),
            )
            .await?;
        let t = Arc::new(Topology::parse(v)?);
        *self.topology.lock().expect("topology lock") = Some(t.clone());
        Ok(t)
    }

    fn forget_topology(&self) {
        *self.topology.lock().expect("topology lock") = None;
    }

    /// Runs `cmd` on the primary serving `slot`.
    pub async fn on_slot(&self, slot: u16, cmd: Cmd) -> RedisResult<Value> {
        self.conn
            .clone()
            .route_command(cmd, RoutingInfo::SingleNode(to_master(slot)))
            .await
    }

    async fn pipeline_on_slot(
        &self,
        slot: u16,
        pipe: Pipeline,
        n: usize,
    ) -> RedisResult<Vec<Value>> {
        self.conn
            .clone()
            .route_pipeline(pipe, 0, n, to_master(slot))
            .await
    }
}

impl RedisConn {
    /// Whether this is a Redis Cluster.
    pub fn is_cluster(&self) -> bool {
        matches!(self, Self::Cluster(_))
    }
}

impl ConnectionLike for RedisConn {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a Cmd) -> RedisFuture<'a, Value> {
        match self {
            Self::Single(c) => c.req_packed_command(cmd),
            Self::Cluster(c) => c.conn.req_packed_command(cmd),
        }
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        cmd: &'a Pipeline,
        offset: usize,
        count: usize,
    ) -> RedisFuture<'a, Vec<Value>> {
        match self {
            Self::Single(c) => c.req_packed_commands(cmd, offset, count),
            Self::Cluster(c) => c.conn.req_packed_commands(cmd, offset, count),
        }
    }

    fn get_db(&self) -> i64 {
        match self {
            Self::Single(c) => c.get_db(),
            Self::Cluster(c) => c.conn.get_db(),
        }
    }
}

/// Runs the commands of many items (rooms) and answers one value per item, in order: an item
/// adds `per_item` commands (answered as one value, or as an array of `per_item` values), all on
/// keys under the hash tag of `key(item)`. On a single node that is one pipeline, exactly as
/// before; on a cluster, one pipeline per primary (all in flight at once), split again from a
/// fresh slot map when a slot moved. When a node answers NOSCRIPT (a replica just promoted,
/// a restart), `scripts` (their sources) are loaded on that node and its pipeline runs again: callers pass only
/// idempotent scripts, so a call that did run may run twice.
pub async fn run_batch<I, T, K, A>(
    conn: &RedisConn,
    items: &[I],
    per_item: usize,
    key: K,
    add: A,
    scripts: &[&str],
) -> RedisResult<Vec<T>>
where
    T: FromRedisValue,
    K: Fn(&I) -> &str,
    A: Fn(&mut Pipeline, &I),
{
    if items.is_empty() {
        return Ok(Vec::new());
    }
    let cluster = match conn {
        RedisConn::Single(c) => {
            let mut pipe = redis::pipe();
            for item in items {
                add(&mut pipe, item);
            }
            return pipe.query_async(&mut c.clone()).await;
        }
        RedisConn::Cluster(c) => c,
    };
    let slots: Vec<u16> = items.iter().map(|i| key_slot(key(i).as_bytes())).collect();
    let mut answers: Vec<Option<Value>> = vec![None; items.len()];
    let mut pending: Vec<usize> = (0..items.len()).collect();
    let mut last_err = None;
    for _ in 0..TOPOLOGY_RETRIES {
        if pending.is_empty() {
            break;
        }
        let topology = cluster.topology().await?;
        // Group by owner; a slot nobody serves (yet) gets a group of its own, which the
        // client routes (and retries) by itself.
        let mut groups: Vec<(u16, Vec<usize>)> = Vec::new();
        let mut by_node: Vec<Option<usize>> = vec![None; topology.primaries.len()];
        for &i in &pending {
            match topology.owner(slots[i]) {
                Some(n) => match by_node[n] {
                    Some(g) => groups[g].1.push(i),
                    None => {
                        by_node[n] = Some(groups.len());
                        groups.push((slots[i], vec![i]));
                    }
                },
                None => groups.push((slots[i], vec![i])),
            }
        }
        let runs = groups.iter().map(|(slot, members)| {
            let mut pipe = redis::pipe();
            for &i in members {
                add(&mut pipe, &items[i]);
            }
            run_group(cluster, *slot, pipe, members.len() * per_item, scripts)
        });
        let results = futures::future::join_all(runs).await;
        let mut again = Vec::new();
        let mut moved = false;
        for ((_, members), result) in groups.into_iter().zip(results) {
            match result {
                Ok(values) => {
                    let mut values = values.into_iter();
                    for &i in &members {
                        answers[i] = Some(if per_item == 1 {
                            values.next().unwrap_or(Value::Nil)
                        } else {
                            Value::Array(values.by_ref().take(per_item).collect())
                        });
                    }
                }
                Err(e) if is_topology_error(&e) => {
                    moved = true;
                    again.extend(members);
                    last_err = Some(e);
                }
                Err(e) => return Err(e),
            }
        }
        if moved {
            cluster.forget_topology();
        }
        pending = again;
    }
    if !pending.is_empty() {
        return Err(last_err.unwrap_or_else(|| {
            RedisError::from((redis::ErrorKind::Client, "cluster slots kept moving"))
        }));
    }
    answers
        .into_iter()
        .map(|v| T::from_redis_value(v.unwrap_or(Value::Nil)).map_err(RedisError::from))
        .collect()
}

/// NOSCRIPT reloads one group's pipeline may do before the batch re-reads the slot map.
const NOSCRIPT_RELOADS: usize = 3;

/// One node's pipeline; NOSCRIPT there loads `scripts` on that node and runs it again.
async fn run_group(
    cluster: &Cluster,
    slot: u16,
    pipe: Pipeline,
    n: usize,
    scripts: &[&str],
) -> RedisResult<Vec<Value>> {
    let noscript = |r: &RedisResult<Vec<Value>>| match r {
        Err(e) => is_noscript(e),
        Ok(values) => values
            .iter()
            .any(|v| matches!(v, Value::ServerError(e) if e.code() == "NOSCRIPT")),
    };
    let mut answer = cluster.pipeline_on_slot(slot, pipe.clone(), n).await;
    // During a failover the load and the rerun can reach different nodes (the slot's primary
    // changed between them): load again, a few times. A NOSCRIPT left after that is treated
    // as the topology moving (see `is_topology_error`): the batch re-reads the slot map.
    for _ in 0..NOSCRIPT_RELOADS {
        if scripts.is_empty() || !noscript(&answer) {
            break;
        }
        tracing::info!("a Redis Cluster node lost its scripts (failover or restart): reloading");
        load_on_slot(cluster, slot, scripts).await?;
        answer = cluster.pipeline_on_slot(slot, pipe.clone(), n).await;
    }
    let values = answer?;
    // A pipeline's server errors come back as values: raise the first, as a single node does.
    if let Some(Value::ServerError(e)) = values.iter().find(|v| matches!(v, Value::ServerError(_)))
    {
        return Err(e.clone().into());
    }
    Ok(values)
}

/// Loads `scripts` into the script cache of the primary serving `slot`.
async fn load_on_slot(cluster: &Cluster, slot: u16, scripts: &[&str]) -> RedisResult<()> {
    let mut pipe = redis::pipe();
    for s in scripts {
        pipe.cmd("SCRIPT").arg("LOAD").arg(*s);
    }
    cluster
        .pipeline_on_slot(slot, pipe, scripts.len())
        .await
        .map(drop)
}

/// Loads `scripts` on every node of a cluster (replicas too, so a promoted one has them), or
/// on the single node.
pub async fn load_everywhere(conn: &RedisConn, scripts: &[&str]) -> RedisResult<()> {
    let mut conn = conn.clone();
    if !conn.is_cluster() {
        let mut pipe = redis::pipe();
        for s in scripts {
            pipe.cmd("SCRIPT").arg("LOAD").arg(*s).ignore();
        }
        return pipe.query_async(&mut conn).await;
    }
    for s in scripts {
        // Routed to every node by the cluster client.
        redis::cmd("SCRIPT")
            .arg("LOAD")
            .arg(*s)
            .query_async::<()>(&mut conn)
            .await?;
    }
    Ok(())
}

/// Whether the server answered NOSCRIPT (it lost its script cache), to a command or inside a
/// pipeline.
pub fn is_noscript(err: &RedisError) -> bool {
    has_code(err, "NOSCRIPT")
}

/// Whether the server answered `code`, to the command or to any command of a pipeline (codes
/// the redis crate does not know are only found inside a pipeline's failures).
pub fn has_code(err: &RedisError, code: &str) -> bool {
    err.code() == Some(code)
        || err
            .clone()
            .into_server_errors()
            .is_some_and(|errors| errors.iter().any(|(_, e)| e.code() == code))
}

/// An error that a fresh slot map may cure: a slot moved (or is moving), a pipeline crossed
/// slots of two nodes, the cluster is electing a new primary, a node went away.
fn is_topology_error(err: &RedisError) -> bool {
    is_noscript(err)
        || ["MOVED", "ASK", "CROSSSLOT", "TRYAGAIN", "CLUSTERDOWN"]
            .iter()
            .any(|c| has_code(err, c))
        || matches!(
            err.kind(),
            redis::ErrorKind::Server(
                redis::ServerErrorKind::Moved
                    | redis::ServerErrorKind::Ask
                    | redis::ServerErrorKind::CrossSlot
                    | redis::ServerErrorKind::TryAgain
                    | redis::ServerErrorKind::ClusterDown
            )
        )
        || err.is_connection_dropped()
        || err.is_connection_refusal()
}

/// Every key matching `pattern`, read with SCAN in steps of about `count` keys, so no single
/// call blocks Redis for long (KEYS would). On a cluster, SCAN walks each primary in turn
/// (all of them at once): a primary only lists its own keys.
pub async fn scan_match(conn: &RedisConn, pattern: &str, count: usize) -> RedisResult<Vec<String>> {
    match conn {
        RedisConn::Single(c) => {
            scan_node(pattern, count, |cmd| {
                let mut c = c.clone();
                async move { cmd.query_async::<Value>(&mut c).await }
            })
            .await
        }
        RedisConn::Cluster(cluster) => {
            let topology = cluster.topology().await?;
            let walks = topology.primaries.iter().map(|p| {
                let slot = p.first_slot;
                scan_node(pattern, count, move |cmd| cluster.on_slot(slot, cmd))
            });
            let found = futures::future::try_join_all(walks).await?;
            Ok(found.into_iter().flatten().collect())
        }
    }
}

async fn scan_node<F, Fut>(pattern: &str, count: usize, run: F) -> RedisResult<Vec<String>>
where
    F: Fn(Cmd) -> Fut,
    Fut: std::future::Future<Output = RedisResult<Value>>,
{
    let mut found = Vec::new();
    let mut cursor: u64 = 0;
    loop {
        let mut cmd = redis::cmd("SCAN");
        cmd.arg(cursor)
            .arg("MATCH")
            .arg(pattern)
            .arg("COUNT")
            .arg(count.max(1));
        let (next, keys): (u64, Vec<String>) = FromRedisValue::from_redis_value(run(cmd).await?)?;
        found.extend(keys);
        if next == 0 {
            return Ok(found);
        }
        cursor = next;
    }
}

/// The seeds of a `--redis-url`: one URL, or a comma-separated list of a cluster's nodes.
pub fn seeds(url: &str) -> Vec<&str> {
    url.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

/// Opens the Redis connection `settings` name.
///
/// One URL: a direct first connection (a refusal or a bad password fails at once; the
/// self-reconnecting manager would retry with backoff for about 0.55 s). Whether that node is
/// part of a cluster is asked on it (`INFO cluster`) while the manager connects, so a single
/// node pays no added wait; a cluster node hands over to the cluster client. Several URLs
/// (seeds): the cluster client, which needs only one of them to answer.
pub async fn connect_redis(settings: &Settings) -> Result<RedisConn> {
    let seeds = seeds(&settings.redis_url);
    let bad_url = || crate::error::Backend::Redis.bad_url(&settings.redis_url);
    let clients = seeds
        .iter()
        .map(|s| redis::Client::open(*s).map_err(|_| bad_url()))
        .collect::<Result<Vec<_>>>()?;
    let where_ = seeds
        .iter()
        .map(|s| redact(s))
        .collect::<Vec<_>>()
        .join(",");
    let timed_out = || Error::Timeout {
        wait: Wait::RedisConnect,
        limit: Some(settings.connect_timeout),
        detail: format!("Redis at {where_} did not answer"),
    };
    let unreachable = |e: RedisError| {
        Error::Unavailable(format!(
            "cannot reach Redis at {where_}: {}",
            redact(&e.to_string())
        ))
    };
    let limit = settings.connect_timeout;
    let [client] = &clients[..] else {
        return match tokio::time::timeout(limit, connect_cluster(settings, &seeds)).await {
            Ok(Ok(c)) => Ok(c),
            Ok(Err(e)) if e.is_timeout() => Err(timed_out()),
            Ok(Err(e)) => Err(unreachable(e)),
            Err(_) => Err(timed_out()),
        };
    };
    let direct = redis::AsyncConnectionConfig::new()
        .set_connection_timeout(Some(settings.connect_timeout))
        .set_response_timeout(Some(settings.redis_timeout));
    let mut probe = match tokio::time::timeout(
        limit,
        client.get_multiplexed_async_connection_with_config(&direct),
    )
    .await
    {
        Ok(Ok(probe)) => probe,
        Ok(Err(e)) if e.is_timeout() => return Err(timed_out()),
        Ok(Err(e)) => return Err(unreachable(e)),
        Err(_) => return Err(timed_out()),
    };
    let config = redis::aio::ConnectionManagerConfig::new()
        .set_connection_timeout(Some(settings.connect_timeout))
        .set_response_timeout(Some(settings.redis_timeout))
        .set_number_of_retries(2);
    let started = std::time::Instant::now();
    let detect = async {
        let cluster = redis::cmd("INFO")
            .arg("cluster")
            .query_async::<String>(&mut probe)
            .await
            // A server that refuses INFO (renamed on some managed services) is taken as a
            // single node: cluster nodes answer it.
            .is_ok_and(|info| info.lines().any(|l| l.trim() == "cluster_enabled:1"));
        (cluster, started.elapsed())
    };
    let manager = async {
        let m =
            tokio::time::timeout(limit, client.get_connection_manager_with_config(config)).await;
        (m, started.elapsed())
    };
    let ((cluster, detected_in), (manager, connected_in)) = tokio::join!(detect, manager);
    tracing::debug!(
        cluster,
        detect_us = detected_in.as_micros() as u64,
        manager_us = connected_in.as_micros() as u64,
        "Redis mode detected while the connection manager connected"
    );
    if cluster {
        drop(manager);
        return match tokio::time::timeout(limit, connect_cluster(settings, &seeds)).await {
            Ok(Ok(c)) => Ok(c),
            Ok(Err(e)) if e.is_timeout() => Err(timed_out()),
            Ok(Err(e)) => Err(unreachable(e)),
            Err(_) => Err(timed_out()),
        };
    }
    match manager {
        Ok(Ok(conn)) => Ok(RedisConn::Single(conn)),
        Ok(Err(e)) if e.is_timeout() => Err(timed_out()),
        Ok(Err(e)) => Err(unreachable(e)),
        Err(_) => Err(timed_out()),
    }
}

/// The cluster client over `seeds`. Retries wait 50 ms to 1 s (a failover takes the cluster's
/// node timeout plus an election): a command still failing after `redis_timeout` in all fails
/// with a timeout (exit 7).
async fn connect_cluster(settings: &Settings, seeds: &[&str]) -> RedisResult<RedisConn> {
    let client = redis::cluster::ClusterClientBuilder::new(seeds.to_vec())
        .connection_timeout(settings.connect_timeout)
        .response_timeout(settings.redis_timeout)
        .overall_response_timeout(Some(settings.redis_timeout))
        .retries(8)
        .min_retry_wait(50)
        .max_retry_wait(1000)
        .build()?;
    let conn = client.get_async_connection().await?;
    Ok(RedisConn::Cluster(Cluster {
        conn,
        topology: Arc::new(Mutex::new(None)),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_follow_the_hash_tag() {
        // Values from the Redis Cluster specification / CLUSTER KEYSLOT.
        assert_eq!(key_slot(b"foo"), 12182);
        assert_eq!(key_slot(b"{user1000}.following"), key_slot(b"user1000"));
        assert_ne!(
            key_slot(b"foo{}{bar}"),
            key_slot(b"bar"),
            "an empty tag hashes the key"
        );
        assert_eq!(
            key_slot(b"capctl:{stream:e1}:leases"),
            key_slot(b"x:{stream:e1}:count")
        );
        assert_eq!(
            seeds("redis://a:1, redis://b:2"),
            ["redis://a:1", "redis://b:2"]
        );
    }

    #[test]
    fn the_slot_map_groups_ranges_by_primary() {
        let node = |port: i64| {
            Value::Array(vec![
                Value::BulkString(b"127.0.0.1".to_vec()),
                Value::Int(port),
                Value::BulkString(b"id".to_vec()),
            ])
        };
        let range = |a: i64, b: i64, port: i64| {
            Value::Array(vec![
                Value::Int(a),
                Value::Int(b),
                node(port),
                node(port + 3),
            ])
        };
        let t = Topology::parse(Value::Array(vec![
            range(0, 5460, 7001),
            range(10923, 16383, 7003),
            range(5461, 10921, 7002),
            range(10922, 10922, 7001),
        ]))
        .unwrap();
        assert_eq!(t.primaries.len(), 3);
        assert_eq!(t.primaries[0].addr, "127.0.0.1:7001");
        assert_eq!(t.primaries[0].slots, 5462);
        assert_eq!(t.owner(10922), Some(0));
        assert_eq!(t.owner(16383), Some(1));
        assert_eq!(t.unserved_slots(), 0);
        let partial = Topology::parse(Value::Array(vec![range(0, 99, 7001)])).unwrap();
        assert_eq!(
            (partial.unserved_slots(), partial.owner(100)),
            (16284, None)
        );
        assert!(Topology::parse(Value::Int(1)).is_err());
    }
}
