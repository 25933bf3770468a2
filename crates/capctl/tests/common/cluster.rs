//! A Redis Cluster of the test's own: six `redis-server` processes (three primaries, three
//! replicas) on free loopback ports, in a temporary directory, joined by `redis-cli --cluster
//! create`, and stopped by PID when the handle drops. Readiness is polled with deadlines.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::{TestEnv, free_port};

/// How long a node may be silent before the others call it failed. Generous: on a loaded
/// two-core machine a shorter one starts failovers nobody asked for.
pub const NODE_TIMEOUT_MS: u64 = 5000;

pub struct LocalCluster {
    pub ports: Vec<u16>,
    children: Vec<Option<Child>>,
    pub dir: tempfile::TempDir,
}

/// Runs `redis-cli -p port ARGS…`; its stdout, or None if it failed or printed an error.
pub fn cli(port: u16, args: &[&str]) -> Option<String> {
    let out = Command::new("redis-cli")
        .args(["-h", "127.0.0.1", "-p", &port.to_string()])
        .args(args)
        .stdin(Stdio::null())
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    (out.status.success() && !text.starts_with("ERR") && !text.starts_with("(error)"))
        .then_some(text)
}

/// Polls `ready` every 100 ms until it holds; panics naming `what` after `within`.
pub fn wait_for(what: &str, within: Duration, mut ready: impl FnMut() -> bool) {
    let deadline = Instant::now() + within;
    while !ready() {
        assert!(Instant::now() < deadline, "{what} not within {within:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

impl LocalCluster {
    /// Starts six nodes and makes them a cluster of three primaries with one replica each;
    /// returns once every node sees every slot served and every replica is in sync.
    pub fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut cluster = Self {
            ports: Vec::new(),
            children: Vec::new(),
            dir,
        };
        for _ in 0..6 {
            let (port, child) = cluster.start_node();
            cluster.ports.push(port);
            cluster.children.push(Some(child));
        }
        let nodes: Vec<String> = cluster
            .ports
            .iter()
            .map(|p| format!("127.0.0.1:{p}"))
            .collect();
        let created = Command::new("redis-cli")
            .arg("--cluster")
            .arg("create")
            .args(&nodes)
            .args(["--cluster-replicas", "1", "--cluster-yes"])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(
            created.status.success(),
            "redis-cli --cluster create: {}",
            String::from_utf8_lossy(&created.stdout)
        );
        cluster.wait_settled(Duration::from_secs(60));
        cluster
    }

    /// Starts one node on free ports and waits until it answers; another pair of ports when
    /// the node exits at once (a port taken meanwhile by another test).
    fn start_node(&self) -> (u16, Child) {
        for _ in 0..5 {
            let port = free_port();
            let bus = free_port();
            let mut child = Command::new("redis-server")
                .args(["--port", &port.to_string()])
                .args(["--cluster-port", &bus.to_string()])
                .args(["--bind", "127.0.0.1"])
                .args(["--cluster-enabled", "yes"])
                .args(["--cluster-config-file", &format!("nodes-{port}.conf")])
                .args(["--cluster-node-timeout", &NODE_TIMEOUT_MS.to_string()])
                .args(["--dir", self.dir.path().to_str().unwrap()])
                .args(["--logfile", &format!("node-{port}.log")])
                .args(["--save", "", "--appendonly", "no"])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("redis-server (package redis-server) is installed");
            let deadline = Instant::now() + Duration::from_secs(30);
            loop {
                // Ours (its directory), not another test's node that took the port.
                let dir = self.dir.path().to_str().unwrap();
                if cli(port, &["config", "get", "dir"]).is_some_and(|o| o.contains(dir)) {
                    return (port, child);
                }
                if child.try_wait().unwrap().is_some() || Instant::now() > deadline {
                    let _ = child.kill();
                    let _ = child.wait();
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        panic!(
            "no redis-server node would start (see the logs in {:?})",
            self.dir.path()
        );
    }

    /// The URL capctl gets: every node, comma separated (any one of them would do).
    pub fn url(&self) -> String {
        self.ports
            .iter()
            .map(|p| format!("redis://127.0.0.1:{p}"))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The live nodes' ports.
    pub fn live_ports(&self) -> Vec<u16> {
        self.ports
            .iter()
            .zip(&self.children)
            .filter(|(_, c)| c.is_some())
            .map(|(p, _)| *p)
            .collect()
    }

    /// Waits until [`Self::is_settled`].
    pub fn wait_settled(&self, within: Duration) {
        wait_for("the cluster to settle", within, || self.is_settled());
    }

    /// Every live node reports the cluster ok, three primaries serve all slots, and every
    /// live replica is in sync with its primary.
    pub fn is_settled(&self) -> bool {
        let live = self.live_ports();
        live.iter()
            .all(|&p| cli(p, &["cluster", "info"]).is_some_and(|i| i.contains("cluster_state:ok")))
            && self.primaries().len() == 3
            && live.iter().all(|&p| {
                cli(p, &["info", "replication"]).is_some_and(|i| {
                    i.contains("role:master") || i.contains("master_link_status:up")
                })
            })
    }

    /// Ports of the live primaries that serve slots.
    pub fn primaries(&self) -> Vec<u16> {
        self.live_ports()
            .into_iter()
            .filter(|&p| myself(p).is_some_and(|l| is_primary_with_slots(&l)))
            .collect()
    }

    /// The port of the primary serving `key`.
    pub fn primary_of(&self, key: &str) -> u16 {
        let slot: u16 = cli(self.live_ports()[0], &["cluster", "keyslot", key])
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        self.primaries()
            .into_iter()
            .find(|&p| myself(p).is_some_and(|l| serves(&l, slot)))
            .expect("a primary serves the slot")
    }

    /// Kills the node on `port` (SIGKILL, by its PID) and reaps it.
    pub fn kill(&mut self, port: u16) {
        let i = self.ports.iter().position(|&p| p == port).unwrap();
        if let Some(mut child) = self.children[i].take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The node's own line of `CLUSTER NODES`.
fn myself(port: u16) -> Option<String> {
    cli(port, &["cluster", "nodes"])?
        .lines()
        .find(|l| l.contains("myself"))
        .map(str::to_string)
}

/// A `CLUSTER NODES` line of a primary that serves slots (the ranges follow 8 fields).
fn is_primary_with_slots(line: &str) -> bool {
    line.split_whitespace()
        .nth(2)
        .is_some_and(|f| f.contains("master"))
        && line.split_whitespace().count() > 8
}

/// Whether a `CLUSTER NODES` line lists `slot` among its ranges.
fn serves(line: &str, slot: u16) -> bool {
    line.split_whitespace().skip(8).any(|range| {
        let (a, b) = range.split_once('-').unwrap_or((range, range));
        match (a.parse::<u16>(), b.parse::<u16>()) {
            (Ok(a), Ok(b)) => (a..=b).contains(&slot),
            _ => false,
        }
    })
}

impl Drop for LocalCluster {
    fn drop(&mut self) {
        for child in self.children.iter_mut().flatten() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A cluster of the test's own and an environment pointing capctl at it (every node as a seed).
pub async fn on_cluster(pool: sqlx::PgPool) -> (TestEnv, LocalCluster) {
    let cluster = tokio::task::spawn_blocking(LocalCluster::start)
        .await
        .unwrap();
    let mut env = TestEnv::new(pool).await;
    env.redis_url = cluster.url();
    (env, cluster)
}

/// Test functions `$scenario(env: TestEnv)` run twice: `single_node::$scenario` against the
/// shared Redis, `cluster::$scenario` against a Redis Cluster of the test's own (three primaries,
/// three replicas), the same binary and assertions against either. (Unused in most test
/// binaries, which share this module.)
#[allow(unused_macros)]
macro_rules! on_single_node_and_cluster {
    ($($scenario:ident),* $(,)?) => {
        mod single_node {
            $(
                #[sqlx::test(migrator = "capctl_core::MIGRATOR")]
                async fn $scenario(pool: sqlx::PgPool) {
                    super::$scenario(crate::common::TestEnv::new(pool).await).await;
                }
            )*
        }
        mod cluster {
            $(
                #[sqlx::test(migrator = "capctl_core::MIGRATOR")]
                async fn $scenario(pool: sqlx::PgPool) {
                    let (env, _cluster) = crate::common::cluster::on_cluster(pool).await;
                    super::$scenario(env).await;
                }
            )*
        }
    };
}
#[allow(unused_imports)]
pub(crate) use on_single_node_and_cluster;
