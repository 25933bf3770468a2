//! Daemons as services: `/livez` and `/readyz` beside `/metrics` (answers with a backend
//! stopped), and two `reconcile --watch` daemons on one database, one active, the other taking
//! over after `kill -9` of the active one, with no two passes ever running at once. The
//! backends stopped here are the test's own: a redis-server child and a TCP relay in front of
//! the shared PostgreSQL; the machine's servers are never touched.

mod common;

use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use common::{TestEnv, eventually, free_port, stop_with, wait_until};
use sqlx::PgPool;
use tokio::io::AsyncReadExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{AbortHandle, JoinHandle};

/// A redis-server child of this test on a free port; killed by its PID when dropped.
struct PrivateRedis {
    child: std::process::Child,
    port: u16,
}

impl PrivateRedis {
    fn start() -> Self {
        let port = free_port();
        let child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no", "--daemonize", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server");
        wait_until("private redis", Duration::from_secs(10), || {
            std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
        Self { child, port }
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for PrivateRedis {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A TCP relay to the shared PostgreSQL: stopping it closes its port and every connection
/// through it, which is PostgreSQL stopped as far as the daemon can tell.
struct PgRelay {
    port: u16,
    accept: JoinHandle<()>,
    conns: Arc<Mutex<Vec<AbortHandle>>>,
}

impl PgRelay {
    async fn start(target: (String, u16)) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let conns = Arc::new(Mutex::new(Vec::new()));
        let held = conns.clone();
        let accept = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let target = target.clone();
                let relay = tokio::spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                held.lock().unwrap().push(relay.abort_handle());
            }
        });
        Self {
            port,
            accept,
            conns,
        }
    }

    /// The test's database URL, pointed at the relay.
    fn url(&self, database_url: &str) -> String {
        let mut url = url::Url::parse(database_url).unwrap();
        url.set_port(Some(self.port)).unwrap();
        url.to_string()
    }

    fn stop(&self) {
        self.accept.abort();
        for conn in self.conns.lock().unwrap().drain(..) {
            conn.abort();
        }
    }
}

impl Drop for PgRelay {
    fn drop(&mut self) {
        self.stop();
    }
}

fn pg_target(database_url: &str) -> (String, u16) {
    let url = url::Url::parse(database_url).unwrap();
    (
        url.host_str().unwrap().to_string(),
        url.port().unwrap_or(5432),
    )
}

async fn get(port: u16, path: &str) -> (u16, String) {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let res = client
        .get(format!("http://127.0.0.1:{port}{path}"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {path}: {e}"));
    (res.status().as_u16(), res.text().await.unwrap())
}

/// The value of an unlabelled sample in a scrape (`None` before the server answers).
async fn sample(port: u16, name: &str) -> Option<f64> {
    let body = reqwest::get(format!("http://127.0.0.1:{port}/metrics"))
        .await
        .ok()?
        .text()
        .await
        .ok()?;
    body.lines()
        .find_map(|l| l.strip_prefix(&format!("{name} "))?.parse().ok())
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn livez_and_readyz_answer_with_a_backend_stopped(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    let mut redis = PrivateRedis::start();
    let relay = PgRelay::start(pg_target(&env.database_url)).await;
    let port = free_port();
    let mut child = env
        .capctl(format!(
            "reconcile --watch --json --interval 100ms --metrics-addr 127.0.0.1:{port}"
        ))
        .env("REDIS_URL", redis.url())
        .env("DATABASE_URL", relay.url(&env.database_url))
        .env("CAPCTL_CONNECT_TIMEOUT", "1s")
        .spawn();
    eventually(30, "the daemon answers /livez", || async {
        reqwest::get(format!("http://127.0.0.1:{port}/livez"))
            .await
            .is_ok()
    })
    .await;
    assert_eq!(get(port, "/livez").await, (200, "ok\n".into()));
    assert_eq!(
        get(port, "/readyz").await,
        (200, "postgres: ok\nredis: ok\n".into())
    );

    // Redis stopped: not ready, naming Redis; still alive.
    redis.kill();
    let (status, body) = get(port, "/readyz").await;
    assert_eq!(status, 503, "{body}");
    assert!(body.starts_with("postgres: ok\nredis: "), "{body}");
    assert!(!body.contains("redis: ok"), "{body}");
    assert_eq!(get(port, "/livez").await.0, 200);
    // Its passes fail and are counted; it stays active (PostgreSQL holds its lease).
    eventually(30, "failed passes counted", || async {
        sample(port, "capctl_reconcile_failures_total")
            .await
            .is_some_and(|n| n >= 1.0)
    })
    .await;
    assert_eq!(sample(port, "capctl_reconcile_active").await, Some(1.0));

    // PostgreSQL stopped too (the relay closed): both named.
    relay.stop();
    let (status, body) = get(port, "/readyz").await;
    assert_eq!(status, 503, "{body}");
    assert!(!body.contains("postgres: ok"), "{body}");
    assert!(body.lines().count() == 2, "{body}");
    assert_eq!(get(port, "/livez").await.0, 200);
    // The metrics still answer: without PostgreSQL the daemon cannot hold the lease, so it
    // stands by.
    eventually(30, "the daemon stands by", || async {
        sample(port, "capctl_reconcile_active").await == Some(0.0)
    })
    .await;

    // HEAD, keep-alive and a malformed request are the HTTP server's business.
    let client = reqwest::Client::new();
    let head = client
        .head(format!("http://127.0.0.1:{port}/livez"))
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), 200);
    for _ in 0..3 {
        // one pooled (kept-alive) connection serves them all
        let res = client
            .get(format!("http://127.0.0.1:{port}/metrics"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let kind = res.headers()["content-type"].to_str().unwrap().to_string();
        assert!(kind.starts_with("application/openmetrics-text"), "{kind}");
        assert!(res.text().await.unwrap().ends_with("# EOF\n"));
    }
    let mut raw = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    tokio::io::AsyncWriteExt::write_all(&mut raw, b"NOT HTTP AT ALL\r\n\r\n")
        .await
        .unwrap();
    let mut answer = String::new();
    tokio::time::timeout(Duration::from_secs(10), raw.read_to_string(&mut answer))
        .await
        .expect("the server answers a malformed request and closes")
        .unwrap();
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer:?}");
    assert_eq!(get(port, "/nowhere").await.0, 404);

    stop_with(&mut child, "-TERM").await;
}

/// One `--watch --json` line: when its pass ran.
fn pass_span(line: &str) -> (DateTime<Utc>, DateTime<Utc>) {
    let v: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
    let at = |f: &str| {
        DateTime::parse_from_rfc3339(v[f].as_str().unwrap_or_else(|| panic!("{f} in {line}")))
            .unwrap()
            .with_timezone(&Utc)
    };
    (at("started_at"), at("finished_at"))
}

async fn all_stdout(child: &mut tokio::process::Child) -> String {
    let mut out = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .await
        .unwrap();
    out
}

/// Which of the two daemons is active, once one reports active with 3 passes and the other
/// standing by.
async fn one_active(ports: [u16; 2]) -> Option<usize> {
    let mut seen = Vec::new();
    for port in ports {
        seen.push((
            sample(port, "capctl_reconcile_active").await?,
            sample(port, "capctl_reconcile_passes_total").await?,
        ));
    }
    match seen[..] {
        [(a, p), (b, _)] if a == 1.0 && b == 0.0 && p >= 3.0 => Some(0),
        [(a, _), (b, p)] if a == 0.0 && b == 1.0 && p >= 3.0 => Some(1),
        _ => None,
    }
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn standby_takes_over_after_kill_9_and_passes_never_overlap(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("ev1", &["--max-viewers", "4"]);
    env.capctl("stream join --event ev1 --viewer v1").success();
    let ports = [free_port(), free_port()];
    let mut daemons: Vec<_> = ports
        .iter()
        .map(|port| {
            env.capctl(format!(
                "reconcile --watch --json --interval 100ms --metrics-addr 127.0.0.1:{port}"
            ))
            .spawn()
        })
        .collect();

    // Exactly one is active, and it passes; the other stands by and does not.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let active = loop {
        if let Some(i) = one_active(ports).await {
            break Some(i);
        }
        assert!(
            std::time::Instant::now() < deadline,
            "one daemon active and passing, the other standing by, within 30 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let first = active.unwrap();
    let second = 1 - first;
    assert_eq!(
        sample(ports[second], "capctl_reconcile_passes_total").await,
        Some(0.0),
        "the standby ran no pass"
    );

    // kill -9 the active one: PostgreSQL frees its lock when the socket closes, and the
    // standby takes over at its next try.
    daemons[first].start_kill().unwrap();
    daemons[first].wait().await.unwrap();
    eventually(30, "the standby takes over and passes", || async {
        sample(ports[second], "capctl_reconcile_active").await == Some(1.0)
            && sample(ports[second], "capctl_reconcile_passes_total")
                .await
                .is_some_and(|p| p >= 3.0)
    })
    .await;
    stop_with(&mut daemons[second], "-TERM").await;

    // Every pass either daemon ran, by time: none began before the one before it ended.
    let killed = all_stdout(&mut daemons[first]).await;
    let survivor = all_stdout(&mut daemons[second]).await;
    let mut spans: Vec<_> = killed
        .lines()
        .chain(survivor.lines())
        .map(pass_span)
        .collect();
    assert!(killed.lines().count() >= 3 && survivor.lines().count() >= 3);
    spans.sort();
    for w in spans.windows(2) {
        assert!(
            w[0].1 <= w[1].0,
            "passes overlapped: {:?} and {:?}",
            w[0],
            w[1]
        );
    }
    let mut stderr = String::new();
    daemons[second]
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .await
        .unwrap();
    assert!(stderr.contains("capctl: standing by"), "{stderr}");
    assert!(stderr.contains("capctl: active: took over"), "{stderr}");
    // The lease is PostgreSQL's: no lock is left behind once both are gone (a backend
    // releases its locks as it exits, just after the client hangs up).
    eventually(30, "no advisory lock left", || async {
        let locks: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database =
                (SELECT oid FROM pg_database WHERE datname = current_database())",
        )
        .fetch_one(&env.pool)
        .await
        .unwrap();
        locks == 0
    })
    .await;
}
