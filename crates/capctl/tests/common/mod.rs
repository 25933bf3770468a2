//! Test harness: every test gets a fresh database (`#[sqlx::test(migrator = "capctl_core::MIGRATOR")]`)
//! and its own Redis key prefix, and drives the real `capctl` binary through [`TestEnv::run`].
#![allow(dead_code)]

use std::process::Output;

use capctl_core::backends::Backends;
use capctl_core::config::Settings;
use serde_json::Value;
use sqlx::PgPool;

pub const BIN: &str = env!("CARGO_BIN_EXE_capctl");

pub struct TestEnv {
    pub pool: PgPool,
    pub database_url: String,
    pub redis_url: String,
    pub prefix: String,
}

/// What one run of the binary left: exit code, stdout, stderr.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from_output(out: Output) -> Self {
        Self {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Asserts the exit code, showing both streams when it differs.
    #[track_caller]
    pub fn code(self, expected: i32) -> Self {
        assert_eq!(
            self.code, expected,
            "exit code {} (expected {expected})\nstdout: {}\nstderr: {}",
            self.code, self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub fn success(self) -> Self {
        self.code(0)
    }

    /// stdout parsed as the one JSON document `--json` promises.
    #[track_caller]
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not one JSON document ({e}):\n{}\nstderr: {}",
                self.stdout, self.stderr
            )
        })
    }

    /// Asserts a failure: exactly one line on stderr mentioning `needle`, nothing on stdout.
    #[track_caller]
    pub fn error_mentions(self, needle: &str) -> Self {
        let lines: Vec<&str> = self.stderr.lines().collect();
        assert_eq!(
            lines.len(),
            1,
            "expected a one-line error, got: {:?}",
            self.stderr
        );
        assert!(
            self.stderr.to_lowercase().contains(&needle.to_lowercase()),
            "error {:?} does not mention {needle:?}",
            self.stderr
        );
        assert!(
            self.stdout.is_empty(),
            "stdout should be empty on error, got {:?}",
            self.stdout
        );
        self
    }
}

impl TestEnv {
    /// Builds the environment around the pool `#[sqlx::test]` created for this test.
    pub async fn new(pool: PgPool) -> Self {
        let db: String = sqlx::query_scalar("SELECT current_database()")
            .fetch_one(&pool)
            .await
            .unwrap();
        let base =
            std::env::var("DATABASE_URL").expect("DATABASE_URL must point at the test server");
        let mut url = url::Url::parse(&base).expect("DATABASE_URL is a URL");
        url.set_path(&format!("/{db}"));
        Self {
            pool,
            database_url: url.to_string(),
            redis_url: std::env::var("REDIS_URL")
                .unwrap_or_else(|_| "redis://127.0.0.1:6379".into()),
            prefix: format!("capctl-test:{}", uuid::Uuid::new_v4().simple()),
        }
    }

    pub fn settings(&self) -> Settings {
        Settings {
            database_url: self.database_url.clone(),
            redis_url: self.redis_url.clone(),
            redis_prefix: self.prefix.clone(),
            ..Settings::default()
        }
    }

    /// Library access to the same backends the binary uses.
    pub fn backends(&self) -> Backends {
        Backends::from_pool(self.settings(), self.pool.clone())
    }

    /// A command for the real binary, pointed at this test's database and Redis prefix.
    pub fn command(&self) -> assert_cmd::Command {
        let mut cmd = assert_cmd::Command::new(BIN);
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("DATABASE_URL", &self.database_url)
            .env("REDIS_URL", &self.redis_url)
            .env("CAPCTL_REDIS_PREFIX", &self.prefix)
            .env("NO_COLOR", "1")
            .timeout(std::time::Duration::from_secs(120));
        cmd
    }

    /// Runs `capctl ARGS…` to completion.
    pub fn run(&self, args: &[&str]) -> Run {
        Run::from_output(self.command().args(args).output().expect("capctl runs"))
    }

    /// Same, with stdin.
    pub fn run_with_stdin(&self, args: &[&str], stdin: &str) -> Run {
        Run::from_output(
            self.command()
                .args(args)
                .write_stdin(stdin.to_string())
                .output()
                .expect("capctl runs"),
        )
    }

    /// An async child process, for tests that fire many processes at once.
    pub fn spawn(&self, args: &[&str]) -> tokio::process::Child {
        tokio::process::Command::new(BIN)
            .args(args)
            .env("DATABASE_URL", &self.database_url)
            .env("REDIS_URL", &self.redis_url)
            .env("CAPCTL_REDIS_PREFIX", &self.prefix)
            .env("NO_COLOR", "1")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("spawn capctl")
    }

    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string()))
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }

    /// A fingerprint of every row capctl can write, to prove a refused command wrote nothing.
    pub async fn snapshot(&self) -> String {
        sqlx::query_scalar(
            "SELECT md5(string_agg(t, '|' ORDER BY t)) FROM (
                SELECT 'e' || to_jsonb(e)::text AS t FROM events e
                UNION ALL SELECT 'r' || to_jsonb(r)::text FROM event_registrations r
                UNION ALL SELECT 's' || to_jsonb(s)::text FROM sessions s
                UNION ALL SELECT 'c' || to_jsonb(c)::text FROM session_capacity c
                UNION ALL SELECT 'v' || to_jsonb(v)::text FROM session_rsvps v
                UNION ALL SELECT 'b' || to_jsonb(b)::text FROM expo_booths b) x",
        )
        .fetch_one(&self.pool)
        .await
        .map(|h: Option<String>| h.unwrap_or_default())
        .unwrap()
    }

    /// Creates an event through the binary and returns its id.
    pub fn event(&self, id: &str, extra: &[&str]) -> String {
        let mut args = vec![
            "event",
            "create",
            "--json",
            "--id",
            id,
            "--name",
            "Test event",
            "--starts-at",
            "2030-06-01T08:00:00Z",
            "--ends-at",
            "2030-06-03T18:00:00Z",
        ];
        args.extend_from_slice(extra);
        self.run(&args).success();
        id.to_string()
    }

    /// Creates a session through the binary. `start`/`end` are hours on 2030-06-01 (e.g. 9, 10).
    pub fn session(&self, event: &str, id: &str, start: u32, end: u32, extra: &[&str]) -> String {
        let starts = format!("2030-06-01T{start:02}:00:00Z");
        let ends = format!("2030-06-01T{end:02}:00:00Z");
        let mut args = vec![
            "session",
            "create",
            "--json",
            "--event",
            event,
            "--id",
            id,
            "--title",
            "Test session",
            "--starts-at",
            &starts,
            "--ends-at",
            &ends,
        ];
        args.extend_from_slice(extra);
        self.run(&args).success();
        id.to_string()
    }

    /// Registers users `prefix-0 … prefix-(n-1)` for an event straight in the database.
    pub async fn register_many(&self, event: &str, prefix: &str, n: usize) -> Vec<String> {
        let users: Vec<String> = (0..n).map(|i| format!("{prefix}-{i}")).collect();
        sqlx::query(
            "INSERT INTO event_registrations (event_id, user_id, name, status)
             SELECT $1, u, 'User ' || u, 'REGISTERED' FROM unnest($2::text[]) u",
        )
        .bind(event)
        .bind(&users)
        .execute(&self.pool)
        .await
        .unwrap();
        users
    }
}
