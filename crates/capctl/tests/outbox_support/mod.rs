//! Shared by the outbox, delivery and reminder tests: the real binary against the test's own
//! database, sessions made in SQL relative to now, an independent log of RSVP transitions, and
//! a real HTTP receiver on 127.0.0.1:0.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use serde_json::Value;
use sqlx::PgPool;

pub const BIN: &str = env!("CARGO_BIN_EXE_capctl");

/// The test database's URL, for the binary.
pub async fn database_url(pool: &PgPool) -> String {
    let db: String = sqlx::query_scalar("SELECT current_database()")
        .fetch_one(pool)
        .await
        .unwrap();
    let base = std::env::var("DATABASE_URL").expect("DATABASE_URL must point at the test server");
    let mut url = url::Url::parse(&base).expect("DATABASE_URL is a URL");
    url.set_path(&format!("/{db}"));
    url.to_string()
}

pub struct Capctl {
    pub database_url: String,
    pub prefix: String,
}

#[derive(Debug)]
pub struct Ran {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Ran {
    #[track_caller]
    pub fn code(self, expected: i32) -> Self {
        assert_eq!(
            self.code, expected,
            "exit {} (expected {expected})\nstdout: {}\nstderr: {}",
            self.code, self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}\nstderr: {}", self.stdout, self.stderr))
    }
}

impl Capctl {
    pub async fn new(pool: &PgPool) -> Self {
        Self {
            database_url: database_url(pool).await,
            prefix: format!("capctl-test:{}", uuid::Uuid::new_v4().simple()),
        }
    }

    pub fn command(&self, args: &[&str]) -> tokio::process::Command {
        let mut cmd = tokio::process::Command::new(BIN);
        cmd.args(args)
            .env_remove("CAPCTL_WEBHOOK_SECRET")
            .env("DATABASE_URL", &self.database_url)
            .env(
                "REDIS_URL",
                std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into()),
            )
            .env("CAPCTL_REDIS_PREFIX", &self.prefix)
            .env("NO_COLOR", "1")
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true);
        cmd
    }

    pub async fn run(&self, args: &[&str]) -> Ran {
        let out = tokio::time::timeout(Duration::from_secs(120), self.command(args).output())
            .await
            .expect("capctl finishes within 2 minutes")
            .expect("capctl runs");
        Ran {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

/// An event with `sessions` sessions starting `starts_in` from now (one hour long each, room
/// "Room <i>", capacity `capacity`), and `users` registered users `u0…` with names and emails.
pub async fn world(
    pool: &PgPool,
    event: &str,
    sessions: usize,
    capacity: Option<i32>,
    users: usize,
    starts_in: Duration,
) -> (Vec<String>, Vec<String>) {
    sqlx::query(
        "INSERT INTO events (id, name, starts_at, ends_at)
         VALUES ($1, 'Outbox event', now() - interval '1 day', now() + interval '30 days')",
    )
    .bind(event)
    .execute(pool)
    .await
    .unwrap();
    let session_ids: Vec<String> = (0..sessions).map(|i| format!("{event}-s{i}")).collect();
    let starts = sqlx::postgres::types::PgInterval::try_from(starts_in).unwrap();
    sqlx::query(
        "INSERT INTO sessions (id, event_id, title, starts_at, ends_at, room, max_participants)
         SELECT s, $1, 'Talk ' || s, now() + $3, now() + $3 + interval '1 hour',
                'Room ' || ord, $4
           FROM unnest($2::text[]) WITH ORDINALITY AS t(s, ord)",
    )
    .bind(event)
    .bind(&session_ids)
    .bind(starts)
    .bind(capacity)
    .execute(pool)
    .await
    .unwrap();
    let user_ids: Vec<String> = (0..users).map(|i| format!("u{i}")).collect();
    sqlx::query(
        "INSERT INTO event_registrations (event_id, user_id, name, email)
         SELECT $1, u, 'Name ' || u, u || '@example.org' FROM unnest($2::text[]) u",
    )
    .bind(event)
    .bind(&user_ids)
    .execute(pool)
    .await
    .unwrap();
    (session_ids, user_ids)
}

/// An independent record of every RSVP status change, kept by the test's own trigger (named
/// to fire after the outbox's), to compare the outbox with one to one.
pub async fn log_transitions(pool: &PgPool) {
    for sql in [
        "CREATE TABLE test_transitions (id bigserial PRIMARY KEY, session_id text, user_id text,
                                        old_status text, new_status text)",
        "CREATE FUNCTION test_log_transition() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
             IF TG_OP = 'INSERT' OR OLD.status IS DISTINCT FROM NEW.status THEN
                 INSERT INTO test_transitions (session_id, user_id, old_status, new_status)
                 VALUES (NEW.session_id, NEW.user_id,
                         CASE WHEN TG_OP = 'UPDATE' THEN OLD.status END, NEW.status);
             END IF;
             RETURN NULL;
         END $$",
        "CREATE TRIGGER zz_test_log AFTER INSERT OR UPDATE ON session_rsvps
         FOR EACH ROW EXECUTE FUNCTION test_log_transition()",
    ] {
        sqlx::query(sql).execute(pool).await.unwrap();
    }
}

/// The kind the outbox must write for a new RSVP status.
pub fn kind_of(status: &str) -> &'static str {
    match status {
        "CONFIRMED" => "confirmed",
        "WAITLISTED" => "waitlisted",
        "OFFERED" => "offer_made",
        "EXPIRED" => "offer_expired",
        "CANCELLED" => "cancelled",
        other => panic!("unexpected status {other}"),
    }
}

/// Asserts the outbox's RSVP rows equal the logged transitions one to one, in the same order
/// per (session, user); returns the number of transitions.
pub async fn assert_outbox_matches_log(pool: &PgPool) -> usize {
    let logged: Vec<(String, String, String)> =
        sqlx::query_as("SELECT session_id, user_id, new_status FROM test_transitions ORDER BY id")
            .fetch_all(pool)
            .await
            .unwrap();
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT session_id, user_id, kind FROM capctl_outbox
          WHERE kind NOT IN ('capacity_changed', 'reminder') ORDER BY id",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let mut want: BTreeMap<(String, String), Vec<&'static str>> = BTreeMap::new();
    for (s, u, status) in &logged {
        want.entry((s.clone(), u.clone()))
            .or_default()
            .push(kind_of(status));
    }
    let mut got: BTreeMap<(String, String), Vec<&str>> = BTreeMap::new();
    for (s, u, kind) in &rows {
        got.entry((s.clone(), u.clone()))
            .or_default()
            .push(kind.as_str());
    }
    assert_eq!(rows.len(), logged.len(), "one outbox row per transition");
    for (key, kinds) in &want {
        assert_eq!(
            got.get(key).map(Vec::as_slice).unwrap_or_default(),
            kinds.as_slice(),
            "outbox rows of {key:?} in id order"
        );
    }
    // Counts per kind equal the transitions into each status.
    let per_kind: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT k, (SELECT count(*) FROM capctl_outbox o WHERE o.kind = k),
                (SELECT count(*) FROM test_transitions t
                  WHERE CASE t.new_status WHEN 'CONFIRMED' THEN 'confirmed' WHEN 'WAITLISTED' THEN 'waitlisted'
                        WHEN 'OFFERED' THEN 'offer_made' WHEN 'EXPIRED' THEN 'offer_expired'
                        WHEN 'CANCELLED' THEN 'cancelled' END = k)
           FROM unnest(ARRAY['confirmed','waitlisted','offer_made','offer_expired','cancelled']) k",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    for (kind, outbox, transitions) in per_kind {
        assert_eq!(outbox, transitions, "rows of kind {kind}");
    }
    // And the last row of each RSVP says its status now.
    let stale: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM session_rsvps r
          WHERE (SELECT o.payload->>'status' FROM capctl_outbox o
                  WHERE o.session_id = r.session_id AND o.user_id = r.user_id
                    AND o.kind NOT IN ('capacity_changed', 'reminder')
                  ORDER BY o.id DESC LIMIT 1) IS DISTINCT FROM r.status",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(stale, 0, "every RSVP's last outbox row carries its status");
    logged.len()
}

/// Polls `check` until true or the deadline passes.
pub async fn eventually<F, Fut>(what: &str, within: Duration, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + within;
    while !check().await {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// One request the receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    pub idempotency_key: Option<String>,
    pub signature: Option<String>,
    pub body: Bytes,
    /// The status it answered.
    pub status: u16,
}

impl Received {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("the body is JSON")
    }
}

/// How the receiver answers request number `n` (0-based) carrying row `id`.
pub type Answer = Arc<dyn Fn(usize, i64) -> u16 + Send + Sync>;

#[derive(Clone)]
struct ReceiverState {
    log: Arc<Mutex<Vec<Received>>>,
    answer: Answer,
    delay: Duration,
}

/// A real HTTP server on 127.0.0.1:0 that records every POST.
pub struct Receiver {
    pub url: String,
    pub log: Arc<Mutex<Vec<Received>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Receiver {
    pub async fn start(answer: Answer, delay: Duration) -> Self {
        let log = Arc::new(Mutex::new(Vec::new()));
        let state = ReceiverState {
            log: log.clone(),
            answer,
            delay,
        };
        let app = Router::new()
            .route("/hook", post(receive))
            .with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Self { url, log, task }
    }

    pub fn received(&self) -> Vec<Received> {
        self.log.lock().unwrap().clone()
    }

    /// Requests answered 2xx.
    pub fn accepted(&self) -> Vec<Received> {
        self.received()
            .into_iter()
            .filter(|r| (200..300).contains(&r.status))
            .collect()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn receive(State(st): State<ReceiverState>, headers: HeaderMap, body: Bytes) -> StatusCode {
    if !st.delay.is_zero() {
        tokio::time::sleep(st.delay).await;
    }
    let header = |name: &str| headers.get(name).map(|v| v.to_str().unwrap().to_string());
    let id = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| v["id"].as_i64())
        .unwrap_or(-1);
    let mut log = st.log.lock().unwrap();
    let status = (st.answer)(log.len(), id);
    log.push(Received {
        idempotency_key: header("idempotency-key"),
        signature: header("x-capctl-signature"),
        body,
        status,
    });
    StatusCode::from_u16(status).unwrap()
}

/// The signature a receiver expects, computed here independently of capctl.
pub fn expected_signature(secret: &str, body: &[u8]) -> String {
    use hmac::{Hmac, KeyInit, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Outbox rows by state.
pub async fn states(pool: &PgPool) -> BTreeMap<String, i64> {
    sqlx::query_as::<_, (String, i64)>("SELECT state, count(*) FROM capctl_outbox GROUP BY state")
        .fetch_all(pool)
        .await
        .unwrap()
        .into_iter()
        .collect()
}

/// The library's RSVP with plain strings (the tests name sessions and users as text).
pub async fn rsvp(
    pool: &PgPool,
    session: &str,
    user: &str,
    allow_overlap: bool,
) -> capctl_core::Result<()> {
    capctl_core::seats::rsvp(pool, &session.parse()?, &user.parse()?, allow_overlap)
        .await
        .map(drop)
}

/// The library's cancel with plain strings.
pub async fn cancel(pool: &PgPool, session: &str, user: &str) -> capctl_core::Result<()> {
    capctl_core::seats::cancel(pool, &session.parse()?, &user.parse()?)
        .await
        .map(drop)
}

/// Sends SIGTERM to a spawned capctl (a watcher), which the test then waits for.
pub fn terminate(child: &tokio::process::Child) {
    let pid = child.id().unwrap().to_string();
    let sent = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(sent.success(), "kill -TERM {pid}");
}

/// [`terminate`], then asserts the watcher stops with exit 0 within `within`; returns what it
/// printed.
pub async fn stop_within(child: tokio::process::Child, within: Duration) -> std::process::Output {
    terminate(&child);
    let out = tokio::time::timeout(within, child.wait_with_output())
        .await
        .unwrap_or_else(|_| panic!("stops within {within:?}"))
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// [`terminate`], then asserts the watcher stops with exit 0 within 30 s.
pub async fn stop(child: &mut tokio::process::Child) {
    terminate(child);
    let status = tokio::time::timeout(Duration::from_secs(30), child.wait())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(status.code(), Some(0));
}

/// The fields of every outbox event, in `outbox list --json` and in a webhook body alike.
pub const EVENT_FIELDS: [&str; 7] = [
    "id",
    "kind",
    "event_id",
    "session_id",
    "user_id",
    "created_at",
    "payload",
];
