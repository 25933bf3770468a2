//! Delivery: POST each pending row to a webhook, at least once, in id order per session.
//!
//! A deliverer claims a batch of pending rows with FOR UPDATE SKIP LOCKED in one transaction,
//! sends them (sessions in parallel, each session's rows in order), writes the outcomes and
//! commits. Two deliverers never hold the same row; a crash rolls the claim back, so its rows are
//! sent again (at least once; the row id is the idempotency key). A row whose session has an
//! earlier row pending outside the claim waits, so a session's rows arrive in id order. None of
//! this runs inside a seat transaction: a dead webhook never blocks a seat change.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::hash::BuildHasher;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use futures::StreamExt;
use serde::Serialize;
use sqlx::PgPool;
use tokio::sync::watch;

use super::doorbell::{Doorbell, FALLBACK_WAKE};
use super::{DeliverMetrics, SIGNATURE_HEADER, signature};
use crate::daemon::Lease;
use crate::{Error, Result};

/// How to deliver. `Default` holds the production values; tests shorten the waits.
#[derive(Debug, Clone)]
pub struct DeliverOptions {
    pub webhook: url::Url,
    /// Signs each body when set.
    pub secret: Option<Vec<u8>>,
    /// Rows claimed per transaction.
    pub batch: i64,
    /// Tries per row within one run before it is left pending.
    pub attempts: u32,
    /// Wait before the second try; doubled after each, with jitter.
    pub backoff: Duration,
    /// No new try of a row starts after this long.
    pub retry_for: Duration,
    /// One request's time limit.
    pub timeout: Duration,
    /// Sessions sent to at once within a batch.
    pub concurrency: usize,
}

impl DeliverOptions {
    pub fn new(webhook: url::Url) -> Self {
        Self {
            webhook,
            secret: None,
            batch: 100,
            attempts: 5,
            backoff: Duration::from_millis(500),
            retry_for: Duration::from_secs(30),
            timeout: Duration::from_secs(10),
            concurrency: 16,
        }
    }

    pub fn validate(&self) -> Result<()> {
        if !matches!(self.webhook.scheme(), "http" | "https") {
            return Err(Error::invalid(format!(
                "the webhook must be an http or https URL, not {:?}",
                self.webhook.scheme()
            )));
        }
        if self.batch < 1 || self.batch > 10_000 {
            return Err(Error::invalid("the batch must be between 1 and 10000"));
        }
        if self.attempts < 1 {
            return Err(Error::invalid("at least one attempt is needed"));
        }
        Ok(())
    }
}

/// What a run did.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct DeliverReport {
    /// Rows answered with a 2xx.
    pub delivered: u64,
    /// Rows refused with a 4xx (other than 408/429): marked failed, never sent again.
    pub failed: u64,
    /// Rows this run tried and left pending (connection errors, timeouts, 5xx after retries).
    pub left_pending: u64,
    /// Rows pending in the table when the run ended (others' claims and new rows included).
    pub pending: i64,
}

impl DeliverReport {
    fn add(&mut self, other: &DeliverReport) {
        self.delivered += other.delivered;
        self.failed += other.failed;
        self.left_pending += other.left_pending;
    }

    /// True when this run left nothing it tried undelivered.
    pub fn complete(&self) -> bool {
        self.failed == 0 && self.left_pending == 0
    }

    pub fn summary(&self) -> String {
        format!(
            "{} delivered, {} failed, {} left pending by this run, {} pending in all",
            self.delivered, self.failed, self.left_pending, self.pending
        )
    }
}

/// The body sent for a row: the row as `outbox list` shows it, less the delivery state.
#[derive(Debug, Serialize, sqlx::FromRow)]
struct Message {
    id: i64,
    kind: String,
    event_id: String,
    session_id: String,
    user_id: Option<String>,
    created_at: DateTime<Utc>,
    payload: serde_json::Value,
    #[serde(skip)]
    ready: bool,
}

enum Outcome {
    Delivered,
    Failed(String),
    Pending(String),
}

/// Claims pending rows in id order, skipping rows another deliverer holds. `ready` is false
/// for a row whose session has an earlier pending row outside this claim (held by another
/// deliverer): it must wait for that one.
const CLAIM: &str = "
WITH claim AS (
    SELECT id FROM capctl_outbox
     WHERE state = 'pending' AND NOT (session_id = ANY($2))
     ORDER BY id
     LIMIT $1
       FOR UPDATE SKIP LOCKED
)
SELECT o.id, o.kind, o.event_id, o.session_id, o.user_id, o.created_at, o.payload,
       NOT EXISTS (SELECT 1 FROM capctl_outbox e
                    WHERE e.session_id = o.session_id AND e.state = 'pending' AND e.id < o.id
                      AND e.id NOT IN (SELECT id FROM claim)) AS ready
  FROM capctl_outbox o JOIN claim ON claim.id = o.id
 ORDER BY o.id";

const RECORD: &str = "
UPDATE capctl_outbox o
   SET state = u.state,
       attempts = o.attempts + u.tries,
       last_error = u.error,
       delivered_at = CASE WHEN u.state = 'delivered' THEN now() END,
       failed_at = CASE WHEN u.state = 'failed' THEN now() END
  FROM unnest($1::bigint[], $2::text[], $3::integer[], $4::text[]) AS u(id, state, tries, error)
 WHERE o.id = u.id";

/// Delivers what is pending now and returns. Rows left pending (receiver down, 5xx) are in
/// `left_pending`; their sessions' later rows wait for the next run.
pub async fn deliver(pool: &PgPool, opts: &DeliverOptions) -> Result<DeliverReport> {
    opts.validate()?;
    let client = client(opts)?;
    let (_keep, stop) = watch::channel(false);
    let mut report = drain(pool, &client, opts, &stop).await?;
    report.pending = pending(pool).await?;
    Ok(report)
}

/// Delivers, then follows new rows (LISTEN) until `stop` resolves; a batch under way then is
/// finished, with its waits between retries cut short. `each` sees what every round did.
/// Only while `lease` is held: a deliverer without it stands by and tries for it on every wake
/// (a new row, or every 5 s), and gives it up when it stops.
pub async fn deliver_watch(
    pool: &PgPool,
    opts: &DeliverOptions,
    lease: &mut Lease,
    metrics: &DeliverMetrics,
    stop: impl Future<Output = ()>,
    mut each: impl FnMut(&DeliverReport) -> Result<()>,
) -> Result<DeliverReport> {
    opts.validate()?;
    let client = client(opts)?;
    let mut bell = Doorbell::open(pool).await?;
    let (stopper, stopped) = watch::channel(false);
    let rounds = async {
        let mut total = DeliverReport::default();
        let mut stopped = stopped.clone();
        let mut was_active = None;
        loop {
            let active = lease.hold().await;
            metrics.set_active(active);
            match (was_active, active) {
                (_, false) if was_active != Some(false) => tracing::warn!(
                    "standing by: another deliverer holds the lease {} (or PostgreSQL does not answer)",
                    lease.name()
                ),
                (Some(false), true) => {
                    tracing::warn!("active: took over the lease {}", lease.name())
                }
                _ => {}
            }
            was_active = Some(active);
            let round = if active {
                drain(pool, &client, opts, &stopped).await
            } else {
                Ok(DeliverReport::default())
            };
            match round {
                Ok(round) if round != DeliverReport::default() => {
                    metrics.record(&round);
                    total.add(&round);
                    each(&round)?;
                }
                Ok(_) => {}
                // The watcher outlives a database outage, as reconcile --watch does; the
                // claim under way rolled back, so its rows are sent again later.
                Err(e @ Error::Unavailable(_)) => {
                    metrics.record_failure();
                    tracing::warn!("outbox delivery round failed: {e}");
                }
                Err(e) => return Err(e),
            }
            if *stopped.borrow() {
                break;
            }
            // New rows notify; rows left pending are tried again after the fallback wake.
            tokio::select! {
                _ = stopped.changed() => break,
                () = bell.wait(pool, FALLBACK_WAKE) => {}
            }
        }
        bell.close().await;
        total.pending = pending(pool).await?;
        Ok::<_, Error>(total)
    };
    let result = {
        tokio::pin!(rounds);
        tokio::pin!(stop);
        tokio::select! {
            r = &mut rounds => r,
            () = &mut stop => {
                let _ = stopper.send(true);
                rounds.await
            }
        }
    };
    lease.release().await;
    result
}

fn client(opts: &DeliverOptions) -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .timeout(opts.timeout)
        .connect_timeout(opts.timeout.min(Duration::from_secs(5)))
        .pool_max_idle_per_host(opts.concurrency)
        .user_agent(concat!("capctl/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| Error::Internal(anyhow::anyhow!("cannot build the HTTP client: {e}")))
}

async fn pending(pool: &PgPool) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT count(*) FROM capctl_outbox WHERE state = 'pending'")
            .fetch_one(pool)
            .await?,
    )
}

/// Batches until nothing is claimable. Sessions with a row left pending are not claimed again
/// in this drain. A session waiting behind another deliverer's claim is left out of the next
/// claim only; when nothing else is claimable, the drain waits a moment for that claim to end
/// (the holder of a session's lowest pending row is always free to send it, so this ends).
async fn drain(
    pool: &PgPool,
    client: &reqwest::Client,
    opts: &DeliverOptions,
    stop: &watch::Receiver<bool>,
) -> Result<DeliverReport> {
    let mut report = DeliverReport::default();
    let mut left: HashSet<String> = HashSet::new();
    let mut waiting: HashSet<String> = HashSet::new();
    loop {
        if *stop.borrow() {
            return Ok(report);
        }
        let skip_list: Vec<String> = left.union(&waiting).cloned().collect();
        waiting.clear();
        let mut tx = pool.begin().await?;
        let rows: Vec<Message> = sqlx::query_as(CLAIM)
            .bind(opts.batch)
            .bind(&skip_list)
            .fetch_all(&mut *tx)
            .await?;
        if rows.is_empty() {
            tx.commit().await?;
            if skip_list.len() > left.len() {
                tokio::time::sleep(Duration::from_millis(25)).await;
                continue;
            }
            return Ok(report);
        }
        // Each session's ready rows, in id order; sessions in order of their first row.
        let mut chains: Vec<Vec<Message>> = Vec::new();
        let mut chain_of: HashMap<String, usize> = HashMap::new();
        for row in rows {
            if !row.ready || waiting.contains(&row.session_id) {
                waiting.insert(row.session_id.clone());
                continue;
            }
            let i = *chain_of.entry(row.session_id.clone()).or_insert_with(|| {
                chains.push(Vec::new());
                chains.len() - 1
            });
            chains[i].push(row);
        }
        let results: Vec<Vec<(i64, String, Outcome, u32)>> = futures::stream::iter(chains)
            .map(|chain| send_chain(client, opts, chain, stop))
            .buffer_unordered(opts.concurrency.max(1))
            .collect()
            .await;
        let (mut ids, mut states, mut tries, mut errors) = (vec![], vec![], vec![], vec![]);
        for (id, session, outcome, n) in results.into_iter().flatten() {
            let (state, error) = match outcome {
                Outcome::Delivered => {
                    report.delivered += 1;
                    ("delivered", None)
                }
                Outcome::Failed(e) => {
                    report.failed += 1;
                    ("failed", Some(e))
                }
                Outcome::Pending(e) => {
                    report.left_pending += 1;
                    left.insert(session);
                    ("pending", Some(e))
                }
            };
            ids.push(id);
            states.push(state);
            tries.push(n as i32);
            errors.push(error);
        }
        sqlx::query(RECORD)
            .bind(&ids)
            .bind(&states)
            .bind(&tries)
            .bind(&errors)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
    }
}

/// One session's rows in order; stops at the first row left pending (the rest keep waiting).
async fn send_chain(
    client: &reqwest::Client,
    opts: &DeliverOptions,
    chain: Vec<Message>,
    stop: &watch::Receiver<bool>,
) -> Vec<(i64, String, Outcome, u32)> {
    let mut done = Vec::with_capacity(chain.len());
    for row in chain {
        let body = serde_json::to_vec(&row).expect("a row serializes");
        let (outcome, tries) = send(client, opts, row.id, body, stop.clone()).await;
        let pending = matches!(outcome, Outcome::Pending(_));
        done.push((row.id, row.session_id, outcome, tries));
        if pending {
            break;
        }
    }
    done
}

/// One row, retried on connection errors, timeouts, 408, 429 and 5xx with exponential backoff
/// and jitter, within `attempts` and `retry_for`.
async fn send(
    client: &reqwest::Client,
    opts: &DeliverOptions,
    id: i64,
    body: Vec<u8>,
    mut stop: watch::Receiver<bool>,
) -> (Outcome, u32) {
    let started = Instant::now();
    let signed = opts.secret.as_deref().map(|s| signature(s, &body));
    let mut wait = opts.backoff;
    let mut tries = 0;
    loop {
        tries += 1;
        let mut request = client
            .post(opts.webhook.clone())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("Idempotency-Key", id.to_string())
            .body(body.clone());
        if let Some(sig) = &signed {
            request = request.header(SIGNATURE_HEADER, sig);
        }
        let error = match request.send().await {
            Ok(answer) => {
                let status = answer.status();
                if status.is_success() {
                    return (Outcome::Delivered, tries);
                }
                let text = answer.text().await.unwrap_or_default();
                let line = format!("HTTP {}: {}", status.as_u16(), clip(&text));
                if status.is_client_error() && status.as_u16() != 408 && status.as_u16() != 429 {
                    return (Outcome::Failed(line), tries);
                }
                line
            }
            Err(e) => describe(&e),
        };
        let jittered = wait.mul_f64(0.5 + 0.5 * unit_random());
        if tries >= opts.attempts || started.elapsed() + jittered > opts.retry_for || *stop.borrow()
        {
            return (Outcome::Pending(error), tries);
        }
        tokio::select! {
            () = tokio::time::sleep(jittered) => {}
            _ = stop.changed() => return (Outcome::Pending(error), tries),
        }
        wait = wait.saturating_mul(2);
    }
}

/// The error and its causes on one line (reqwest's own text omits "connection refused").
fn describe(e: &reqwest::Error) -> String {
    let mut text = if e.is_timeout() {
        "timed out".to_string()
    } else {
        e.to_string()
    };
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    clip(&text)
}

fn clip(s: &str) -> String {
    let one_line = s.replace(['\n', '\r'], " ");
    match one_line.char_indices().nth(500) {
        Some((i, _)) => format!("{}…", &one_line[..i]),
        None => one_line,
    }
}

/// A number in [0, 1) for jitter: no rand dependency needed for this.
fn unit_random() -> f64 {
    let bits = std::collections::hash_map::RandomState::new().hash_one(Instant::now());
    (bits >> 11) as f64 / (1u64 << 53) as f64
}
