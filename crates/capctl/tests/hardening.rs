//! Hardening (issue 10): passwords never printed, every signal leaves nothing behind, every wait
//! classified and configurable, every error said once, README claims about output made true.
//! Real processes, signalled by PID with `kill -s`; each test checks the files and rows left.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{BIN, Run, TestEnv, file_names};
use sqlx::PgPool;

/// `capctl` pointed at this test's backends, as a plain process that can be signalled.
fn capctl(env: &TestEnv) -> Command {
    let mut cmd = env.std_command();
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

fn finish(child: Child) -> Run {
    Run::from_output(child.wait_with_output().expect("capctl exits"))
}

fn kill(child: &Child, signal: &str) {
    let status = Command::new("kill")
        .args(["-s", signal, &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success(), "kill -s {signal} failed");
}

/// Polls `ready` until it holds, failing the test after 60 s.
async fn until<F, Fut>(what: &str, mut ready: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + Duration::from_secs(60);
    while !ready().await {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

fn temp_file_size(dir: &Path) -> Option<u64> {
    std::fs::read_dir(dir).unwrap().flatten().find_map(|e| {
        let name = e.file_name().to_string_lossy().into_owned();
        name.starts_with(".capctl-export-")
            .then(|| e.metadata().map(|m| m.len()).unwrap_or(0))
    })
}

/// capctl connections to this test's database whose last statement is `like` (running it now,
/// with `active`).
async fn capctl_backends(pool: &PgPool, like: &str, active: bool) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM pg_stat_activity
          WHERE datname = current_database() AND application_name = 'capctl' AND query LIKE $1
            AND (state = 'active' OR NOT $2)",
    )
    .bind(like)
    .bind(active)
    .fetch_one(pool)
    .await
    .unwrap()
}

/// A one-line error with no piece of text said twice (`a: b: b` or a doubled message).
#[track_caller]
fn assert_said_once(stderr: &str) {
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line expected: {stderr:?}");
    let pieces: Vec<&str> = lines[0]
        .split([':', ';'])
        .map(str::trim)
        .filter(|p| p.len() > 12)
        .collect();
    for (i, p) in pieces.iter().enumerate() {
        assert!(
            !pieces[i + 1..]
                .iter()
                .any(|q| q.contains(p) || p.contains(q)),
            "{p:?} repeated in {stderr:?}"
        );
    }
}

// ---------------------------------------------------------------- secrets

const SECRET: &str = "Zq9Secret";

/// Malformed and odd URL shapes, each carrying [`SECRET`] as (or inside) the password.
fn url_corpus(scheme: &str, port: u16) -> Vec<String> {
    let s = SECRET;
    let bad = "127.0.0.1:1";
    let good = format!("127.0.0.1:{port}");
    let mut corpus = vec![
        format!("{scheme}//:{s}@{bad}"),
        format!("{scheme}//u:{s}@{bad}/db"),
        format!("{scheme}:/u:{s}@{bad}/db"),
        format!("{scheme}:u:{s}@{bad}/db"),
        format!("{scheme}://u:{s}@{bad}/0"),
        format!("{scheme}://:{s}@{bad}"),
        format!("{scheme}://u:{s}@{good}/0"),
        format!("{scheme}://:{s}@{good}"),
        format!("u:{s}@{bad}"),
        format!("{scheme}://u:p%40{s}%3A@{bad}/db"),
        format!("{scheme}://u:p@{s}@{bad}/db"),
        format!("{scheme}://u:p:{s}@{bad}/db"),
        format!("{scheme}://u:p/{s}@{bad}/db"),
        format!("{scheme}://{bad}/db?user=u&password={s}"),
        format!("{scheme}://{s}@{bad}"),
        format!("{scheme}://u:{s}"),
        format!("{scheme}:///u:{s}@/db"),
        format!("  {scheme}://u:{s}@{bad}/db  "),
    ];
    if scheme == "postgres" {
        corpus.push(format!("postgresql://u:{s}@{bad}/db"));
    } else {
        corpus.push(format!("rediss://u:{s}@{bad}/0"));
    }
    corpus
}

#[derive(Clone, Copy, Debug)]
enum Source {
    Flag,
    Env,
    DotEnv,
}

/// Runs one command with `url` given for `var` through `source`; returns everything printed.
fn printed_with(
    var: &str,
    flag: &str,
    url: &str,
    source: Source,
    json: bool,
    args: &[&str],
) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(BIN);
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("CAPCTL_CONNECT_TIMEOUT", "2s")
        .current_dir(dir.path())
        .stdin(Stdio::null());
    let mut argv: Vec<String> = Vec::new();
    match source {
        Source::Flag => argv.extend([flag.to_string(), url.to_string()]),
        Source::Env => {
            cmd.env(var, url);
        }
        Source::DotEnv => {
            std::fs::write(dir.path().join(".env"), format!("{var}='{url}'\n")).unwrap();
        }
    }
    if json {
        argv.extend(["--json".into(), "-vvv".into()]);
    }
    argv.extend(args.iter().map(|a| a.to_string()));
    let out = cmd.args(&argv).output().expect("capctl runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn assert_no_password_for(var: &'static str, flag: &'static str, scheme: &str, port: u16) {
    let cases: Vec<(String, Source, bool)> = url_corpus(scheme, port)
        .into_iter()
        .flat_map(|url| {
            [Source::Flag, Source::Env, Source::DotEnv]
                .into_iter()
                .flat_map(move |src| [(url.clone(), src, false), (url.clone(), src, true)])
        })
        .collect();
    assert!(cases.len() >= 15 * 3 * 2);
    let args: &[&str] = if scheme == "postgres" {
        &["event", "list"]
    } else {
        &["stream", "join", "--event", "e1", "--viewer", "v1"]
    };
    std::thread::scope(|scope| {
        for chunk in cases.chunks(cases.len().div_ceil(6)) {
            scope.spawn(move || {
                for (url, source, json) in chunk {
                    let run = printed_with(var, flag, url, *source, *json, args);
                    assert_ne!(run.code, 0, "{url} via {source:?} succeeded?");
                    for text in [&run.stdout, &run.stderr] {
                        assert!(
                            !text.contains(SECRET),
                            "password printed for {url:?} via {source:?} (json/-vvv: {json}):\n{text}"
                        );
                    }
                    if !*json {
                        assert_eq!(run.stderr.lines().count(), 1, "{url}: {}", run.stderr);
                    }
                }
            });
        }
    });
}

#[test]
fn no_database_password_is_printed_for_any_url_shape_or_source() {
    assert_no_password_for("DATABASE_URL", "--database-url", "postgres", 5432);
}

#[test]
fn no_redis_password_is_printed_for_any_url_shape_or_source() {
    assert_no_password_for("REDIS_URL", "--redis-url", "redis", 6379);
}

/// The success path too: a Redis user of its own (ACL, removed afterwards) with a password,
/// a join that works, and every log line at -vvv read.
#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn redis_password_is_not_printed_when_the_connection_works(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("ev", &["--max-viewers", "10"]);
    let user = format!("capctl-hardening-{}", uuid::Uuid::new_v4().simple());
    let client = redis::Client::open(env.redis_url.as_str()).unwrap();
    let mut admin = client.get_multiplexed_async_connection().await.unwrap();
    let pass = format!(">{SECRET}Redis");
    let _: () = redis::cmd("ACL")
        .arg(&["SETUSER", &user, "on", &pass, "~*", "&*", "+@all"])
        .query_async(&mut admin)
        .await
        .unwrap();
    let mut url = url::Url::parse(&env.redis_url).unwrap();
    url.set_username(&user).unwrap();
    url.set_password(Some(&format!("{SECRET}Redis"))).unwrap();
    let run = tokio::task::spawn_blocking({
        let mut cmd = capctl(&env);
        cmd.env("REDIS_URL", url.as_str()).args([
            "-vvv", "--json", "stream", "join", "--event", "ev", "--viewer", "v1",
        ]);
        move || finish(cmd.spawn().unwrap())
    })
    .await
    .unwrap();
    let _: i64 = redis::cmd("ACL")
        .arg(&["DELUSER", &user])
        .query_async(&mut admin)
        .await
        .unwrap();
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.json()["admitted"], true);
    assert!(
        !run.stdout.contains(SECRET) && !run.stderr.contains(SECRET),
        "{run:?}"
    );
}

// ---------------------------------------------------------------- signals: export

const EXPORT_ROWS: u64 = 150_000;

async fn seeded_export_env(pool: PgPool) -> TestEnv {
    let env = TestEnv::new(pool).await;
    env.event("ev", &[]);
    capctl_core::bench::seed_synthetic(&env.pool, "ev", EXPORT_ROWS)
        .await
        .unwrap();
    env
}

/// Where in an export the signal is sent.
#[derive(Debug, Clone, Copy)]
enum ExportPoint {
    /// Connected to PostgreSQL, before or while the temporary file is made.
    Connected,
    /// The temporary file exists.
    TempFileMade,
    /// Rows are being written (the temporary file holds over 256 KiB).
    MidWay,
}

async fn interrupted_export_leaves_nothing(pool: PgPool, signal: &str, code: i32) {
    let env = seeded_export_env(pool).await;
    let before = env.snapshot().await;
    for point in [
        ExportPoint::Connected,
        ExportPoint::TempFileMade,
        ExportPoint::MidWay,
    ] {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("rsvps.csv");
        let child = capctl(&env)
            .args(["export-rsvps", "--event", "ev", "--output"])
            .arg(&target)
            .spawn()
            .unwrap();
        match point {
            ExportPoint::Connected => {
                until("capctl to connect", || async {
                    capctl_backends(&env.pool, "%", false).await > 0
                })
                .await
            }
            ExportPoint::TempFileMade => {
                until("the temporary file", || async {
                    temp_file_size(dir.path()).is_some()
                })
                .await
            }
            ExportPoint::MidWay => {
                until("rows in the temporary file", || async {
                    temp_file_size(dir.path()).unwrap_or(0) > 256 * 1024
                })
                .await
            }
        }
        kill(&child, signal);
        let run = finish(child);
        assert_eq!(run.code, code, "{signal} at {point:?}: {run:?}");
        assert!(
            run.stderr.contains(&format!("interrupted by SIG{signal}")),
            "{run:?}"
        );
        assert_said_once(&run.stderr);
        assert_eq!(
            file_names(dir.path()),
            Vec::<String>::new(),
            "{signal} at {point:?} left files behind"
        );
    }
    assert_eq!(
        env.snapshot().await,
        before,
        "an export changed the database"
    );
}

/// One test per signal and scenario (test names as before), each with its documented code.
macro_rules! per_signal {
    ($($test:ident => $scenario:ident($signal:literal, $code:literal);)*) => {$(
        #[sqlx::test(migrator = "capctl_core::MIGRATOR")]
        async fn $test(pool: PgPool) {
            $scenario(pool, $signal, $code).await;
        }
    )*};
}

per_signal! {
    sigint_during_export_leaves_no_file_and_exits_130 => interrupted_export_leaves_nothing("INT", 130);
    sigterm_during_export_leaves_no_file_and_exits_143 => interrupted_export_leaves_nothing("TERM", 143);
    sighup_during_export_leaves_no_file_and_exits_129 => interrupted_export_leaves_nothing("HUP", 129);
    sigint_during_import_writes_nothing_and_exits_130 => interrupted_import_writes_nothing("INT", 130);
    sigterm_during_import_writes_nothing_and_exits_143 => interrupted_import_writes_nothing("TERM", 143);
    sighup_during_import_writes_nothing_and_exits_129 => interrupted_import_writes_nothing("HUP", 129);
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn stale_temp_file_of_a_killed_export_is_removed_by_the_next_export(pool: PgPool) {
    let env = seeded_export_env(pool).await;
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("rsvps.csv");
    let mut child = capctl(&env)
        .args(["export-rsvps", "--event", "ev", "--output"])
        .arg(&target)
        .spawn()
        .unwrap();
    until("rows in the temporary file", || async {
        temp_file_size(dir.path()).unwrap_or(0) > 0
    })
    .await;
    child.kill().unwrap(); // SIGKILL: no chance to clean up
    child.wait().unwrap();
    let stale = file_names(dir.path());
    assert_eq!(stale.len(), 1, "{stale:?}");
    assert!(
        stale[0].starts_with(&format!(".capctl-export-{}-", child.id()))
            && stale[0].ends_with(".tmp"),
        "the temporary file names its writer's PID: {stale:?}"
    );
    // A temporary file whose writer is alive (this test process) is not stale.
    let live = format!(".capctl-export-{}-abcdef.tmp", std::process::id());
    std::fs::write(dir.path().join(&live), "in progress").unwrap();

    let run = finish(
        capctl(&env)
            .args([
                "export-rsvps",
                "--event",
                "ev",
                "--status",
                "confirmed",
                "--output",
            ])
            .arg(&target)
            .spawn()
            .unwrap(),
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(file_names(dir.path()), vec![live, "rsvps.csv".to_string()]);
}

// ---------------------------------------------------------------- signals: import

async fn interrupted_import_writes_nothing(pool: PgPool, signal: &str, code: i32) {
    let env = TestEnv::new(pool).await;
    env.event("ev", &[]);
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("attendees.csv");
    let mut text = String::from("user_id,name,email\n");
    for i in 0..200_000 {
        text.push_str(&format!("user-{i},Attendee {i},a{i}@example.com\n"));
    }
    std::fs::write(&csv, text).unwrap();
    let before = env.snapshot().await;
    // Before the file is read (connected: the event is being checked), and while the rows are
    // being written in the import's transaction.
    for insert_running in [false, true] {
        let child = capctl(&env)
            .args(["event", "import-registrations", "--event", "ev"])
            .arg(&csv)
            .spawn()
            .unwrap();
        let like = if insert_running {
            // The import writes its rows with one call of capctl_register_many.
            "%capctl_register_many%"
        } else {
            "%"
        };
        until("the import to reach PostgreSQL", || async {
            capctl_backends(&env.pool, like, insert_running).await > 0
        })
        .await;
        kill(&child, signal);
        let run = finish(child);
        assert_eq!(
            run.code, code,
            "{signal}, insert running {insert_running}: {run:?}"
        );
        assert_said_once(&run.stderr);
        // The server ends the aborted transaction once it notices the client is gone.
        until("the import's connection to end", || async {
            capctl_backends(&env.pool, "%", false).await == 0
        })
        .await;
        assert_eq!(
            env.count("SELECT count(*) FROM event_registrations").await,
            0
        );
        assert_eq!(env.snapshot().await, before);
    }
    assert_eq!(file_names(dir.path()), vec!["attendees.csv".to_string()]);
}

/// An import blocked opening a FIFO with no writer never reaches a point where it could be
/// dropped: it still stops on a signal, within the grace period, with the documented code.
#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn sigterm_while_import_waits_on_a_fifo_exits_143(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("ev", &[]);
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("attendees.csv");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let child = capctl(&env)
        .args(["event", "import-registrations", "--event", "ev"])
        .arg(&fifo)
        .spawn()
        .unwrap();
    // Blocked in open(2) until a writer comes (Linux names that wait `wait_for_partner`).
    let wchan = format!("/proc/{}/wchan", child.id());
    until("the import to block on the FIFO", || async {
        std::fs::read_to_string(&wchan).is_ok_and(|w| w.contains("partner") || w.contains("fifo"))
    })
    .await;
    let signalled = Instant::now();
    kill(&child, "TERM");
    let run = finish(child);
    assert_eq!(run.code, 143, "{run:?}");
    assert!(
        signalled.elapsed() < Duration::from_secs(10),
        "{:?}",
        signalled.elapsed()
    );
    assert_said_once(&run.stderr);
    assert_eq!(
        env.count("SELECT count(*) FROM event_registrations").await,
        0
    );
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn reconcile_watch_stops_cleanly_on_sighup(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    let mut child = capctl(&env)
        .args(["reconcile", "--watch", "--interval", "100ms", "--json"])
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.contains("leases_expired"), "{first}");
    kill(&child, "HUP");
    let run = finish(child);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stderr, "");
}

// ---------------------------------------------------------------- waits

/// Runs `args` while the test holds session `s1`'s capacity row locked in an open transaction.
async fn rsvp_under_held_lock(env: &TestEnv, cmd: Command) -> Run {
    let mut lock = env.pool.begin().await.unwrap();
    sqlx::query("SELECT 1 FROM session_capacity WHERE session_id = 's1' FOR UPDATE")
        .execute(&mut *lock)
        .await
        .unwrap();
    let mut cmd = cmd;
    let started = Instant::now();
    let run = tokio::task::spawn_blocking(move || finish(cmd.spawn().unwrap()))
        .await
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "gave up after {:?}, not after the configured wait",
        started.elapsed()
    );
    lock.rollback().await.unwrap();
    run
}

async fn session_env(pool: PgPool) -> TestEnv {
    let env = TestEnv::new(pool).await;
    env.event("ev", &[]);
    env.session("ev", "s1", 9, 10, &["--max-participants", "5"]);
    env.register_many("ev", "u", 1).await;
    env
}

/// Runs `session rsvp --session s1 --user u-0` (after `flags`, with `vars` set) while the
/// row is locked, and asserts exit 7 whose one error names the wait that `ran_out`, and no RSVP.
async fn held_lock_runs_out(pool: PgPool, vars: &[(&str, &str)], flags: &[&str], ran_out: &str) {
    let env = session_env(pool).await;
    let mut cmd = capctl(&env);
    cmd.envs(vars.iter().copied()).args(flags).args([
        "session",
        "rsvp",
        "--session",
        "s1",
        "--user",
        "u-0",
    ]);
    let run = rsvp_under_held_lock(&env, cmd).await;
    assert_eq!(run.code, 7, "{run:?}");
    assert!(run.stderr.contains(ran_out), "{run:?}");
    assert!(run.stdout.is_empty());
    assert_said_once(&run.stderr);
    assert_eq!(env.count("SELECT count(*) FROM session_rsvps").await, 0);
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn lock_held_beyond_lock_timeout_is_exit_7_naming_the_wait(pool: PgPool) {
    held_lock_runs_out(
        pool,
        &[],
        &["--lock-timeout", "300ms"],
        "lock timeout (300ms) ran out",
    )
    .await;
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn statement_timeout_from_the_environment_is_exit_7_naming_the_wait(pool: PgPool) {
    held_lock_runs_out(
        pool,
        &[("CAPCTL_STATEMENT_TIMEOUT", "400ms")],
        &["--json"],
        "statement timeout (400ms) ran out",
    )
    .await;
}

/// A TCP port that accepts connections and never says a word.
fn silent_server() -> (std::net::TcpListener, u16) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    (listener, port)
}

/// A fake Redis that answers the connection handshake (CLIENT SETINFO, PING, SELECT…) and then
/// never answers a real command.
fn stalling_redis() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            std::thread::spawn(move || {
                use std::io::{Read, Write};
                let mut writer = conn.try_clone().unwrap();
                let mut reader = BufReader::new(conn);
                let mut line = String::new();
                let mut read_line = |line: &mut String| {
                    line.clear();
                    reader
                        .read_line(line)
                        .ok()
                        .filter(|n| *n > 0)
                        .map(|_| line.trim_end().to_string())
                };
                while let Some(head) = read_line(&mut line) {
                    let Some(n) = head.strip_prefix('*').and_then(|n| n.parse::<usize>().ok())
                    else {
                        continue;
                    };
                    let mut args = Vec::new();
                    for _ in 0..n {
                        let _len = read_line(&mut line);
                        args.extend(read_line(&mut line));
                    }
                    let reply = match args.first().map(|a| a.to_ascii_uppercase()).as_deref() {
                        Some("PING") => "+PONG\r\n",
                        Some("CLIENT" | "SELECT" | "AUTH" | "READONLY") => "+OK\r\n",
                        Some("HELLO") => "-ERR unknown command\r\n",
                        _ => continue, // a real command: never answered
                    };
                    let _ = writer.write_all(reply.as_bytes());
                }
                let _ = reader.read(&mut [0u8; 1]);
            });
        }
    });
    port
}

/// Runs the binary (`line` split on whitespace) with no environment but `vars`, and asserts the failure said once with
/// `code`; returns stderr and how long the run took.
fn bare(vars: &[(&str, &str)], line: &str, code: i32) -> (String, Duration) {
    let started = Instant::now();
    let out = Command::new(BIN)
        .env_clear()
        .envs(vars.iter().copied())
        .args(line.split_whitespace())
        .output()
        .unwrap();
    let elapsed = started.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(code), "{stderr}");
    assert_said_once(&stderr);
    (stderr, elapsed)
}

/// [`bare`] expecting exit 7 whose error says `says`, within `within`.
fn wait_ran_out(vars: &[(&str, &str)], line: &str, says: &str, within: Duration) {
    let (stderr, elapsed) = bare(vars, line, 7);
    assert!(stderr.contains(says), "{stderr}");
    assert!(elapsed < within, "took {elapsed:?}");
}

#[test]
fn postgres_that_never_answers_is_the_connect_wait_exit_7() {
    let (_server, port) = silent_server();
    let url = format!("postgres://u@127.0.0.1:{port}/db");
    wait_ran_out(
        &[],
        &format!("--connect-timeout 700ms --database-url {url} event list"),
        "PostgreSQL connect timeout (700ms) ran out",
        Duration::from_secs(5),
    );
}

#[test]
fn redis_that_never_answers_is_the_connect_wait_exit_7() {
    let (_server, port) = silent_server();
    let url = format!("redis://127.0.0.1:{port}");
    wait_ran_out(
        &[("CAPCTL_CONNECT_TIMEOUT", "700ms")],
        &format!("--redis-url {url} stream join --event e --viewer v"),
        "Redis connect timeout (700ms) ran out",
        // No bound was asked of this one: the 120 s default of the harness is the only limit.
        Duration::from_secs(120),
    );
}

#[test]
fn redis_that_stops_answering_is_the_response_wait_exit_7() {
    let url = format!("redis://127.0.0.1:{}", stalling_redis());
    wait_ran_out(
        &[],
        &format!("--redis-timeout 400ms --redis-url {url} stream leave --event e --viewer v"),
        "Redis response timeout (400ms) ran out",
        Duration::from_secs(4),
    );
}

#[test]
fn refused_redis_connection_fails_fast_with_exit_7() {
    // The connection manager's retries used to make this about 0.55 s.
    wait_ran_out(
        &[],
        "--redis-url redis://127.0.0.1:1 stream join --event e --viewer v",
        "refused",
        Duration::from_millis(450),
    );
}

#[test]
fn a_bad_wait_value_is_exit_2() {
    bare(&[], "--lock-timeout soon event list", 2);
}

// ---------------------------------------------------------------- README claims

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn json_export_without_output_is_refused(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("ev", &[]);
    env.capctl("--json export-rsvps --event ev")
        .refused(2, "--output FILE");
    env.capctl("--json export-rsvps --event ev --output -")
        .refused(2, "stdout carries the CSV");
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn piped_tables_are_plain_ascii(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("ev", &[]);
    env.session("ev", "s1", 9, 10, &[]);
    let run = env.capctl("session list --event ev").success();
    assert!(run.stdout.contains("s1"), "{}", run.stdout);
    assert!(
        run.stdout.is_ascii(),
        "box drawing in a pipe:\n{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("+-") && run.stdout.contains('|'),
        "{}",
        run.stdout
    );
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn tables_at_a_terminal_keep_their_box_drawing_without_colour(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("ev", &[]);
    env.session("ev", "s1", 9, 10, &[]);
    // script(1) gives the command a real pseudo-terminal as stdout.
    let out = Command::new("script")
        .args([
            "-qec",
            &format!("{BIN} session list --event ev"),
            "/dev/null",
        ])
        .env("DATABASE_URL", &env.database_url)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("script(1) runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains('│') && stdout.contains("s1"), "{stdout}");
    assert!(
        !stdout.contains('\x1b'),
        "NO_COLOR: no escape sequences in {stdout:?}"
    );
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn export_into_a_file_that_cannot_hold_a_temporary_file_says_why(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("ev", &[]);
    let run = env
        .capctl("export-rsvps --event ev --output /proc/version")
        .refused(2, "cannot create a temporary file in /proc");
    assert!(!run.stderr.contains("does not exist"), "{}", run.stderr);
}
