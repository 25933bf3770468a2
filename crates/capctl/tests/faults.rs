//! Fault injection: processes killed mid-write, PostgreSQL and Redis restarted mid-storm, both
//! backends unreachable. Servers are started and stopped only when the test started them itself
//! (a private PostgreSQL cluster in a temporary directory, a private redis-server child); the
//! machine's shared servers are never touched.

mod common;

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use capctl_core::presence::Room;
use common::{BIN, Run, TestEnv, finish, free_port, wait_until};
use sqlx::{Connection, PgPool};

/// The server binaries of the newest PostgreSQL installed the Debian way
/// (`/usr/lib/postgresql/<major>/bin`), whichever major version the machine has.
fn pg_bin() -> std::path::PathBuf {
    let newest = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL server packages are installed (scripts/services installs them)")
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .max()
        .expect("a PostgreSQL major version under /usr/lib/postgresql");
    std::path::PathBuf::from(format!("/usr/lib/postgresql/{newest}/bin"))
}

fn listening(port: u16) -> bool {
    std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
}

/// A PostgreSQL 15 cluster of our own, in a temporary directory, on a free port. Stopped
/// (immediately) when dropped, so a failing test leaves no server behind.
struct PrivatePg {
    dir: tempfile::TempDir,
    port: u16,
}

impl PrivatePg {
    fn start() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("capctl-faults-pg-")
            .tempdir()
            .unwrap();
        let status = Command::new("chown")
            .args(["-R", "postgres:postgres"])
            .arg(dir.path())
            .status()
            .unwrap();
        assert!(status.success(), "chown to postgres");
        let data = dir.path().join("data");
        let out = as_postgres(&[
            pg_bin().join("initdb").to_str().unwrap(),
            "-D",
            data.to_str().unwrap(),
            "-A",
            "trust",
            "-U",
            "postgres",
            "--no-sync",
        ]);
        assert!(
            out.status.success(),
            "initdb: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let pg = Self {
            dir,
            port: free_port(),
        };
        pg.pg_ctl_start();
        pg
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn pg_ctl_start(&self) {
        let opts = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
            self.port,
            self.dir.path().display()
        );
        let log = self.dir.path().join("log");
        let out = as_postgres(&[
            pg_bin().join("pg_ctl").to_str().unwrap(),
            "-D",
            self.data().to_str().unwrap(),
            "-l",
            log.to_str().unwrap(),
            "-o",
            &opts,
            "-w",
            "start",
        ]);
        assert!(
            out.status.success(),
            "pg_ctl start: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Stops the cluster abruptly (in-flight transactions are lost, as in a crash).
    fn stop(&self) {
        let _ = as_postgres(&[
            pg_bin().join("pg_ctl").to_str().unwrap(),
            "-D",
            self.data().to_str().unwrap(),
            "-m",
            "immediate",
            "-w",
            "stop",
        ]);
    }

    fn url(&self, db: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{db}", self.port)
    }
}

impl Drop for PrivatePg {
    fn drop(&mut self) {
        self.stop();
    }
}

fn as_postgres(argv: &[&str]) -> std::process::Output {
    Command::new("runuser")
        .args(["-u", "postgres", "--"])
        .args(argv)
        .current_dir("/")
        .stdin(Stdio::null())
        .output()
        .expect("runuser")
}

/// A redis-server child of this test, no persistence, on a free port. Killed when dropped.
struct PrivateRedis {
    child: std::process::Child,
    port: u16,
}

impl PrivateRedis {
    fn start_on(port: u16) -> Self {
        let child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no", "--daemonize", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server");
        wait_until("private redis", Duration::from_secs(10), || listening(port));
        Self { child, port }
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// SIGKILL: every lease in memory is gone.
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

/// A TestEnv pointed at a database of our private cluster, migrated by the real binary.
async fn private_env(pg: &PrivatePg, redis_url: &str) -> TestEnv {
    let url = pg.url("capctl");
    let out = Command::new(BIN)
        .args(["migrate", "--create-database", "--database-url", &url])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "migrate: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(4)
        .connect(&url)
        .await
        .unwrap();
    TestEnv {
        pool,
        database_url: url,
        redis_url: redis_url.to_string(),
        prefix: format!("capctl-test:{}", uuid::Uuid::new_v4().simple()),
    }
}

async fn assert_seats_hold(env: &TestEnv, event: &str) {
    let scope = capctl_core::audit::Scope::Event(event.parse().unwrap());
    let violations = capctl_core::audit::seat_violations(&env.pool, &scope)
        .await
        .unwrap();
    assert!(violations.is_empty(), "invariants broken: {violations:?}");
}

/// Polls (on a connection of its own) until the session holds at least `rows` RSVPs: the storm is
/// writing.
async fn wait_for_rsvps(env: &TestEnv, session: &str, rows: i64) {
    let mut watcher = sqlx::PgConnection::connect(&env.database_url)
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while sqlx::query_scalar::<_, i64>("SELECT count(*) FROM session_rsvps WHERE session_id = $1")
        .bind(session)
        .fetch_one(&mut watcher)
        .await
        .unwrap()
        < rows
    {
        assert!(
            Instant::now() < deadline,
            "the storm never wrote {rows} RSVPs"
        );
        tokio::time::sleep(Duration::from_millis(2)).await; // poll interval, under the deadline
    }
}

/// Ok outcomes of `session rsvp`: confirmed (0) or waitlisted (4).
fn rsvp_ok(code: i32) -> bool {
    code == 0 || code == 4
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn kill_9_mid_rsvp_storm_leaves_no_half_written_rsvp(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    let event = env.event("evt_kill", &[]);
    let session = env.session(&event, "ses_kill", 9, 10, &["--max-participants", "10"]);
    let users = env.register_many(&event, "k", 40).await;

    let mut children: Vec<_> = users
        .iter()
        .map(|u| env.rsvp(&session, u).spawn())
        .collect();
    // Kill every other process at a different moment, from "just started" to "probably done".
    let mut killed = Vec::new();
    for (i, child) in children.iter_mut().enumerate() {
        if i % 2 == 0 {
            // The jitter is the scenario: each kill lands at another point of the write.
            tokio::time::sleep(Duration::from_millis((i as u64 * 7) % 40)).await;
            let _ = child.start_kill();
            killed.push(i);
        }
    }
    let mut codes = Vec::new();
    for child in children {
        let Run { code, stderr, .. } = finish(child).await;
        codes.push((code, stderr));
    }
    for (i, (code, stderr)) in codes.iter().enumerate() {
        if !killed.contains(&i) {
            assert!(rsvp_ok(*code), "survivor {i} exited {code}: {stderr}");
        }
    }
    assert_seats_hold(&env, &event).await;

    // Rerunning the killed ones completes them; rerunning everyone then changes nothing.
    for &i in &killed {
        let run = env.rsvp(&session, &users[i]).run();
        assert!(rsvp_ok(run.code), "rerun of {i}: {run:?}");
    }
    assert_seats_hold(&env, &event).await;
    assert_eq!(rsvps_of(&env, "ses_kill").await, (10, 30, 40));
    let before = env.snapshot().await;
    for u in &users {
        assert!(rsvp_ok(env.rsvp(&session, u).run().code));
    }
    assert_eq!(
        env.snapshot().await,
        before,
        "a repeat RSVP changed something"
    );
}

#[tokio::test]
async fn postgres_restart_mid_rsvp_storm_fails_cleanly_and_reruns_idempotently() {
    let pg = PrivatePg::start();
    let env = private_env(&pg, "redis://127.0.0.1:1").await;
    let event = env.event("evt_pgr", &[]);
    let session = env.session(&event, "ses_pgr", 9, 10, &["--max-participants", "15"]);
    let users = env.register_many(&event, "p", 60).await;
    env.pool.close().await;

    let children: Vec<_> = users
        .iter()
        .map(|u| env.rsvp(&session, u).spawn())
        .collect();
    // Stop the server once the storm is writing (the first RSVP row is there), not after a guess.
    wait_for_rsvps(&env, &session, 1).await;
    pg.stop();
    let mut results = Vec::new();
    for child in children {
        let Run { code, stderr, .. } = finish(child).await;
        results.push((code, stderr));
    }
    pg.pg_ctl_start();

    let mut failed = Vec::new();
    for (i, (code, stderr)) in results.iter().enumerate() {
        match code {
            0 | 4 => {}
            7 => {
                assert_eq!(stderr.lines().count(), 1, "one-line error: {stderr:?}");
                assert!(
                    stderr.contains("PostgreSQL"),
                    "names the backend: {stderr:?}"
                );
                failed.push(i);
            }
            other => panic!("user {i}: exit {other} during the restart: {stderr}"),
        }
    }
    let env = reconnected(env).await;
    assert_seats_hold(&env, &event).await;
    for &i in &failed {
        let run = env.rsvp(&session, &users[i]).run();
        assert!(rsvp_ok(run.code), "rerun of {i}: {run:?}");
    }
    // Anyone never reached (killed before connecting) still gets exactly one RSVP.
    for u in &users {
        assert!(rsvp_ok(env.rsvp(&session, u).run().code));
    }
    assert_seats_hold(&env, &event).await;
    assert_eq!(rsvps_of(&env, "ses_pgr").await, (15, 45, 60));
}

/// The same storm from tasks of one process, whose requests go together a turn at a time: when
/// PostgreSQL stops mid-rush every caller is answered (an RSVP, or the backend's error, exit 7)
/// within seconds; none hangs. After the restart the callers that failed RSVP again: every seat
/// rule holds, and nobody holds two RSVPs or none.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_stopping_mid_task_rush_answers_every_caller() {
    // Enough callers for several turns (a turn takes at most 512 requests).
    const USERS: usize = 3000;
    let pg = PrivatePg::start();
    let env = private_env(&pg, "redis://127.0.0.1:1").await;
    let event = env.event("evt_pgt", &[]);
    let session = env.session(&event, "ses_pgt", 9, 10, &["--max-participants", "40"]);
    let users = env.register_many(&event, "t", USERS).await;
    let pool = capctl_core::backends::postgres::connect(&env.settings(), 16)
        .await
        .unwrap();
    let rush = common::storm::rush_on(&pool, &session, &users);
    let stopper = async {
        wait_for_rsvps(&env, &session, 20).await;
        pg.stop();
        Instant::now()
    };
    let (results, stopped_at) = tokio::join!(rush, stopper);
    // Callers queued behind a turn that met the stopped server get its error with it, instead of
    // waiting for the server a turn each: all are answered within one connect timeout.
    assert!(
        stopped_at.elapsed() < Duration::from_secs(10),
        "every caller answered within seconds of the stop: {:?}",
        stopped_at.elapsed()
    );
    let mut failed = Vec::new();
    for (user, r) in &results {
        match r {
            Ok(_) => {}
            Err(e) => {
                assert_eq!(e.exit_code(), 7, "{user}: {e:#}");
                assert!(format!("{e:#}").contains("PostgreSQL"), "{user}: {e:#}");
                failed.push(user.clone());
            }
        }
    }
    assert!(
        !failed.is_empty(),
        "the stop came mid-rush: some callers failed"
    );
    pool.close().await;
    pg.pg_ctl_start();
    let env = reconnected(env).await;
    // The failed callers again, together as before: each gets its RSVP (or, if its request was
    // settled after all, a repeat of it).
    let pool = capctl_core::backends::postgres::connect(&env.settings(), 16)
        .await
        .unwrap();
    for (user, r) in common::storm::rush_on(&pool, &session, &failed).await {
        r.unwrap_or_else(|e| panic!("rerun of {user}: {e:#}"));
    }
    pool.close().await;
    capctl_core::seats::requests::settle_stale(&env.pool)
        .await
        .unwrap();
    assert_seats_hold(&env, &event).await;
    assert_eq!(
        rsvps_of(&env, "ses_pgt").await,
        (40, USERS as i64 - 40, USERS as i64)
    );
}

/// Commands and whether they need a backend. Those that do must fail with exit 7, quickly.
fn commands_needing_a_backend() -> Vec<Vec<&'static str>> {
    [
        "migrate",
        "event list",
        "event show evt_x",
        "event create --name X --starts-at 2030-06-01T09:00:00Z --ends-at 2030-06-01T10:00:00Z",
        "event register --event evt_x --user u1",
        "session list --event evt_x",
        "session rsvp --session ses_x --user u1",
        "session cancel --session ses_x --user u1",
        "session waitlist --session ses_x",
        "session set-capacity --session ses_x --max 3",
        "schedule --event evt_x --user u1",
        "booth visitors --event evt_x",
        "booth enter --booth booth_x --user u1",
        "booth leave --booth booth_x --user u1",
        "stream join --event evt_x --viewer v1",
        "stream heartbeat --event evt_x --viewer v1",
        "stream leave --event evt_x --viewer v1",
        "stream viewers",
        "stream set-limit --event evt_x --max 3",
        "export-rsvps --event evt_x",
        "reconcile",
        "reconcile --check",
        "bench rsvp --users 10",
        "bench export --rows 10",
    ]
    .iter()
    .map(|line| line.split_whitespace().collect())
    .collect()
}

fn unreachable(args: &[&str]) -> (i32, String, String, Duration) {
    let started = Instant::now();
    let out = Command::new(BIN)
        .args(["--database-url", "postgres://postgres@127.0.0.1:1/x"])
        .args(["--redis-url", "redis://127.0.0.1:1"])
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("REDIS_URL")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        started.elapsed(),
    )
}

#[test]
fn unreachable_backends_fail_with_exit_7_and_offline_commands_still_work() {
    let handles: Vec<_> = commands_needing_a_backend()
        .into_iter()
        .map(|args| std::thread::spawn(move || (args.clone(), unreachable(&args))))
        .collect();
    let mut failures = Vec::new();
    for h in handles {
        let (args, (code, stdout, stderr, elapsed)) = h.join().unwrap();
        // A bound on a hang, not a speed claim.
        if code != 7
            || stderr.lines().count() != 1
            || !stdout.is_empty()
            || elapsed >= Duration::from_secs(8)
        {
            failures.push(format!(
                "{args:?}: exit {code} after {elapsed:?}, stderr {stderr:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    for args in [
        vec!["--help"],
        vec!["--version"],
        vec!["completions", "bash"],
        vec!["session", "rsvp", "--help"],
    ] {
        let (code, stdout, stderr, _) = unreachable(&args);
        assert_eq!(code, 0, "{args:?}: {stderr}");
        assert!(!stdout.is_empty(), "{args:?} printed nothing");
    }
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn redis_restart_mid_viewer_storm_converges_under_the_limit(pool: PgPool) {
    let mut redis = PrivateRedis::start_on(free_port());
    let env = TestEnv {
        redis_url: redis.url(),
        ..TestEnv::new(pool).await
    };
    let event = env.event("evt_rr", &["--max-viewers", "5"]);
    let viewers: Vec<String> = (0..30).map(|i| format!("v{i}")).collect();
    let join = |v: &str| {
        env.capctl(format!(
            "stream join --json --event {event} --viewer {v} --ttl 60s"
        ))
    };
    let children: Vec<_> = viewers.iter().map(|v| join(v).spawn()).collect();
    // Kill Redis once the storm is admitting viewers (a lease is there), not after a guess.
    let leases = Room::stream(&event).unwrap().keys(&env.prefix).leases;
    let mut conn = redis::Client::open(redis.url())
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while redis::cmd("ZCARD")
        .arg(&leases)
        .query_async::<i64>(&mut conn)
        .await
        .unwrap()
        == 0
    {
        assert!(
            Instant::now() < deadline,
            "the join storm never admitted anyone"
        );
        tokio::time::sleep(Duration::from_millis(2)).await; // poll interval, under the deadline
    }
    drop(conn);
    let port = redis.port;
    redis.kill();
    let redis = PrivateRedis::start_on(port);
    let mut admitted_during = 0;
    for child in children {
        let Run { code, stderr, .. } = finish(child).await;
        match code {
            0 => admitted_during += 1,
            3 => {}
            7 => assert!(stderr.contains("Redis"), "names the backend: {stderr:?}"),
            other => panic!("join exited {other} during the restart: {stderr}"),
        }
    }
    // At most one full room before the crash and one after it.
    assert!(admitted_during <= 10, "{admitted_during} admitted");

    // Clients rejoin through the capacity check: exactly the limit is admitted.
    let mut admitted = 0;
    for v in &viewers {
        let run = join(v).run();
        match run.code {
            0 => admitted += 1,
            3 => {}
            _ => panic!("rejoin of {v}: {run:?}"),
        }
    }
    assert_eq!(admitted, 5, "rejoins admitted");
    let viewers_now = |env: &TestEnv| {
        let list = env
            .capctl(format!("stream viewers --json --event {event}"))
            .success()
            .json();
        list[0]["viewers"].as_i64().unwrap()
    };
    assert_eq!(viewers_now(&env), 5);
    env.capctl("reconcile --json").success();
    env.capctl("reconcile --check").success();
    assert_eq!(viewers_now(&env), 5);
    drop(redis);
}

/// A session's RSVP rows: confirmed, waitlisted, all.
async fn rsvps_of(env: &TestEnv, session: &str) -> (i64, i64, i64) {
    sqlx::query_as(
        "SELECT count(*) FILTER (WHERE status = 'CONFIRMED'),
                count(*) FILTER (WHERE status = 'WAITLISTED'), count(*)
           FROM session_rsvps WHERE session_id = $1",
    )
    .bind(session)
    .fetch_one(&env.pool)
    .await
    .unwrap()
}

/// The same test environment with a new pool: the old one's connections died with the server.
async fn reconnected(env: TestEnv) -> TestEnv {
    TestEnv {
        pool: sqlx::postgres::PgPoolOptions::new()
            .max_connections(2)
            .connect(&env.database_url)
            .await
            .unwrap(),
        ..env
    }
}
