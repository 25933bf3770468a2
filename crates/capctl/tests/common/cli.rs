//! The fluent builder over the real binary: `env.capctl("session rsvp --session s1 --user u1")`
//! then `.code(4).json()`, `.success().stdout()`, `.error_mentions("full")`.

use std::ffi::OsString;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use tokio::io::AsyncBufReadExt;

use serde_json::Value;

use super::TestEnv;

pub const BIN: &str = env!("CARGO_BIN_EXE_capctl");

/// Long enough for the 100k-row import and the 200k-row export on a loaded machine.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);

/// One `capctl` invocation being built: arguments, environment, stdin, timeout.
#[must_use = "a Capctl does nothing until it is run (.run(), .success(), .code(n), .spawn())"]
pub struct Capctl<'a> {
    env: &'a TestEnv,
    args: Vec<OsString>,
    vars: Vec<(OsString, Option<OsString>)>,
    stdin: Option<Vec<u8>>,
    timeout: Duration,
    dir: Option<std::path::PathBuf>,
}

impl TestEnv {
    /// `capctl` with `line` split on whitespace, pointed at this test's database and Redis prefix.
    /// An argument with spaces in it goes through [`Capctl::arg`].
    pub fn capctl(&self, line: impl AsRef<str>) -> Capctl<'_> {
        Capctl {
            env: self,
            args: line
                .as_ref()
                .split_whitespace()
                .map(OsString::from)
                .collect(),
            vars: Vec::new(),
            stdin: None,
            timeout: DEFAULT_TIMEOUT,
            dir: None,
        }
    }

    /// Runs `capctl ARGS…` to completion (the argument-slice form of [`TestEnv::capctl`]).
    pub fn run(&self, args: &[&str]) -> Run {
        self.capctl("").args(args).run()
    }

    /// Same, with stdin.
    pub fn run_with_stdin(&self, args: &[&str], stdin: &str) -> Run {
        self.capctl("").args(args).stdin(stdin).run()
    }

    /// Runs `line` against a Redis nobody listens on: exit 7 naming Redis, quickly (the promise
    /// is about 5 seconds; the bound is generous because a loaded machine may add some).
    pub fn assert_unreachable_redis_fails_fast(&self, line: &str) {
        let started = Instant::now();
        let run = self
            .capctl(format!("--redis-url redis://127.0.0.1:1 {line}"))
            .run();
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "{:?}",
            started.elapsed()
        );
        run.code(7).error_mentions("redis");
    }

    /// An async child process, for tests that fire many processes at once.
    pub fn spawn(&self, args: &[&str]) -> tokio::process::Child {
        self.capctl("").args(args).spawn()
    }

    /// The variables every run gets: this test's backends, and no colour.
    fn base_vars(&self) -> [(&'static str, &str); 4] {
        [
            ("DATABASE_URL", self.database_url.as_str()),
            ("REDIS_URL", self.redis_url.as_str()),
            ("CAPCTL_REDIS_PREFIX", self.prefix.as_str()),
            ("NO_COLOR", "1"),
        ]
    }

    /// The binary as a plain std command with this test's environment (for tests that need the
    /// child itself: signals, pipes read line by line, `/usr/bin/time`).
    pub fn std_command(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(BIN);
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default());
        for (k, v) in self.base_vars() {
            cmd.env(k, v);
        }
        cmd
    }
}

impl std::fmt::Debug for Capctl<'_> {
    /// The command line as run, e.g. `capctl session rsvp --session s1` (for failure messages).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "capctl")?;
        for a in &self.args {
            write!(f, " {a:?}")?;
        }
        Ok(())
    }
}

impl<'a> Capctl<'a> {
    /// One more argument, taken as is (spaces and all).
    pub fn arg(mut self, arg: impl Into<OsString>) -> Self {
        self.args.push(arg.into());
        self
    }

    /// More arguments, each taken as is.
    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Asks for the machine-readable answer (`--json`, last on the line).
    pub fn json(self) -> Self {
        self.arg("--json")
    }

    /// Sets an environment variable for this run (over the test's own).
    pub fn env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Self {
        self.vars.push((key.into(), Some(value.into())));
        self
    }

    /// Removes an environment variable the harness would set (e.g. `DATABASE_URL`).
    pub fn env_remove(mut self, key: impl Into<OsString>) -> Self {
        self.vars.push((key.into(), None));
        self
    }

    pub fn stdin(mut self, input: impl Into<Vec<u8>>) -> Self {
        self.stdin = Some(input.into());
        self
    }

    /// Runs in `dir` (e.g. where a `.env` file is).
    pub fn current_dir(mut self, dir: impl Into<std::path::PathBuf>) -> Self {
        self.dir = Some(dir.into());
        self
    }

    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The std command this builder describes: the test's environment, the extra variables,
    /// the arguments and the working directory (stdin and timeout are the runner's part).
    fn std_command(&self) -> std::process::Command {
        let mut cmd = self.env.std_command();
        for (k, v) in &self.vars {
            match v {
                Some(v) => cmd.env(k, v),
                None => cmd.env_remove(k),
            };
        }
        cmd.args(&self.args);
        if let Some(dir) = &self.dir {
            cmd.current_dir(dir);
        }
        cmd
    }

    /// Runs to completion and returns what it left, asserting nothing.
    pub fn run(self) -> Run {
        let mut cmd = assert_cmd::Command::from_std(self.std_command());
        cmd.timeout(self.timeout);
        if let Some(input) = self.stdin {
            cmd.write_stdin(input);
        }
        Run::from_output(cmd.output().expect("capctl runs"))
    }

    /// Runs and asserts the exit code.
    #[track_caller]
    pub fn code(self, expected: i32) -> Run {
        self.run().code(expected)
    }

    /// Runs and asserts a refusal: exit `code`, one line on stderr mentioning `says`, nothing
    /// on stdout.
    #[track_caller]
    pub fn refused(self, code: i32, says: &str) -> Run {
        self.run().refused(code, says)
    }

    /// Runs and asserts exit 0.
    #[track_caller]
    pub fn success(self) -> Run {
        self.run().success()
    }

    /// Starts it as an async child (stdout and stderr piped, killed on drop), for tests that
    /// fire many processes at once. Stdin is not supported here.
    pub fn spawn(self) -> tokio::process::Child {
        tokio::process::Command::from(self.std_command())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("spawn capctl")
    }
}

/// What one run of the binary left: exit code, stdout, stderr.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn from_output(out: Output) -> Self {
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

    /// [`Run::json`], also asserting every string in it that looks like a time is RFC 3339 in
    /// UTC with a `Z` (as CLI.md promises for every `--json` answer).
    #[track_caller]
    pub fn json_doc(&self) -> Value {
        let v = self.json();
        times_are_rfc3339_z(&v);
        v
    }

    pub fn stdout(&self) -> &str {
        &self.stdout
    }

    pub fn stderr(&self) -> &str {
        &self.stderr
    }

    /// Asserts stderr is exactly one line and mentions `needle` (case-insensitive).
    #[track_caller]
    pub fn stderr_line_mentions(self, needle: &str) -> Self {
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
        self
    }

    /// Asserts exit `code` and [`Run::error_mentions`] `says`.
    #[track_caller]
    pub fn refused(self, code: i32, says: &str) -> Self {
        self.code(code).error_mentions(says)
    }

    /// Asserts a failure: exactly one line on stderr mentioning `needle`, nothing on stdout.
    #[track_caller]
    pub fn error_mentions(self, needle: &str) -> Self {
        let run = self.stderr_line_mentions(needle);
        assert!(
            run.stdout.is_empty(),
            "stdout should be empty on error, got {:?}",
            run.stdout
        );
        run
    }
}

/// The fields every row of `session list --json` carries (CLI.md).
pub const SESSION_LIST_FIELDS: &[&str] = &[
    "session_id",
    "title",
    "starts_at",
    "ends_at",
    "capacity",
    "confirmed",
    "offered",
    "waitlisted",
    "available",
    "is_full",
];

/// Asserts `v` has every one of `fields` (null counts as present).
#[track_caller]
pub fn has_fields(v: &Value, fields: &[&str]) {
    for f in fields {
        assert!(v.get(f).is_some(), "missing {f:?} in {v}");
    }
}

/// The object of `fields` (names split on whitespace) picked from `v`, a missing one as null:
/// several fields of an answer compared with one `json!({…})`.
pub fn pick(v: &Value, fields: &str) -> Value {
    fields
        .split_whitespace()
        .map(|f| (f.to_string(), v[f].clone()))
        .collect::<serde_json::Map<_, _>>()
        .into()
}

/// The next line a spawned capctl prints, within 30 s (`what` names the line for the failure).
pub async fn next_line(
    lines: &mut tokio::io::Lines<tokio::io::BufReader<tokio::process::ChildStdout>>,
    what: &str,
) -> String {
    tokio::time::timeout(Duration::from_secs(30), lines.next_line())
        .await
        .unwrap_or_else(|_| panic!("{what} within 30 s"))
        .unwrap()
        .unwrap_or_else(|| panic!("{what}: stdout ended"))
}

/// Sends `signal` (e.g. `-INT`) to a spawned capctl and asserts it stops cleanly (exit 0)
/// within 30 s.
pub async fn stop_with(child: &mut tokio::process::Child, signal: &str) {
    let pid = child.id().unwrap().to_string();
    let killed = std::process::Command::new("kill")
        .args([signal, &pid])
        .status()
        .unwrap();
    assert!(killed.success(), "kill {signal} {pid}");
    let status = tokio::time::timeout(Duration::from_secs(30), child.wait())
        .await
        .expect("stops")
        .unwrap();
    assert_eq!(status.code(), Some(0), "clean stop on {signal}");
}

/// Waits for an async child and returns what it left.
pub async fn finish(child: tokio::process::Child) -> Run {
    Run::from_output(child.wait_with_output().await.expect("capctl finishes"))
}

#[track_caller]
fn times_are_rfc3339_z(v: &Value) {
    match v {
        Value::String(s) => {
            let looks_like_time = s.len() >= 20
                && s.as_bytes()[4] == b'-'
                && s.as_bytes()[10] == b'T'
                && s[..4].bytes().all(|c| c.is_ascii_digit());
            if looks_like_time {
                assert!(
                    chrono::DateTime::parse_from_rfc3339(s).is_ok() && s.ends_with('Z'),
                    "{s:?} is not RFC 3339 with Z"
                );
            }
        }
        Value::Array(a) => a.iter().for_each(times_are_rfc3339_z),
        Value::Object(o) => o.values().for_each(times_are_rfc3339_z),
        _ => {}
    }
}
