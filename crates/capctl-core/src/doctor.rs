//! Health checks for smoke tests and on-call: both backends answer (round-trip times), the
//! schema is at this build's migration version, the presence scripts load, the PostgreSQL and
//! Redis clocks agree within a second, the limits cached in Redis match PostgreSQL, and on a
//! Redis Cluster every slot is served.
//! Nothing is written to either store (SCRIPT LOAD only fills Redis's script cache).

use std::time::Instant;

use serde::Serialize;

use crate::backends::Backends;
use crate::presence::PresenceScript;
use crate::reconcile::{ReconcileOptions, reconcile_pass};
use crate::{Error, Result};

/// The most the two clocks may differ.
pub const MAX_CLOCK_SKEW_SECS: f64 = 1.0;

/// Why a check failed: a backend that does not answer (exit 7) or a state that is off (exit 8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Failure {
    Unreachable,
    Drift,
}

#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub name: &'static str,
    pub ok: bool,
    pub detail: String,
    /// Round-trip time of the backend checks, in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rtt_ms: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<Failure>,
}

impl Check {
    fn pass(name: &'static str, detail: String) -> Self {
        Self {
            name,
            ok: true,
            detail,
            rtt_ms: None,
            failure: None,
        }
    }

    fn fail(name: &'static str, failure: Failure, detail: String) -> Self {
        Self {
            name,
            ok: false,
            detail,
            rtt_ms: None,
            failure: Some(failure),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct DoctorReport {
    pub ok: bool,
    pub checks: Vec<Check>,
}

impl DoctorReport {
    /// `Ok` when every check passed; else the error whose exit code says why (7 when a backend
    /// is unreachable, 8 otherwise).
    pub fn verdict(&self) -> Result<()> {
        let failed: Vec<&Check> = self.checks.iter().filter(|c| !c.ok).collect();
        if failed.is_empty() {
            return Ok(());
        }
        let names: Vec<&str> = failed.iter().map(|c| c.name).collect();
        let line = format!(
            "{} of {} checks failed: {}",
            failed.len(),
            self.checks.len(),
            names.join(", ")
        );
        if failed
            .iter()
            .any(|c| c.failure == Some(Failure::Unreachable))
        {
            Err(Error::Unavailable(line))
        } else {
            Err(Error::Drift(line))
        }
    }
}

fn ms(since: Instant) -> f64 {
    (since.elapsed().as_secs_f64() * 1e6).round() / 1e3
}

/// Runs every check; a check that needs a backend that did not answer fails as unreachable.
pub async fn doctor(b: &Backends) -> DoctorReport {
    let mut checks = Vec::new();
    let pg = match b.pg().await {
        Ok(pool) => {
            // The first query also prepares the connection; the second is the round trip.
            let _ = sqlx::query_scalar::<_, i32>("SELECT 1")
                .fetch_one(pool)
                .await;
            let started = Instant::now();
            match sqlx::query_scalar::<_, i32>("SELECT 1")
                .fetch_one(pool)
                .await
            {
                Ok(_) => {
                    let mut c = Check::pass("postgres", "answered".into());
                    c.rtt_ms = Some(ms(started));
                    c.detail = format!("answered in {} ms", c.rtt_ms.unwrap_or_default());
                    checks.push(c);
                    Some(pool)
                }
                Err(e) => {
                    checks.push(Check::fail(
                        "postgres",
                        Failure::Unreachable,
                        Error::from(e).to_string(),
                    ));
                    None
                }
            }
        }
        Err(e) => {
            checks.push(Check::fail("postgres", Failure::Unreachable, e.to_string()));
            None
        }
    };
    let redis = match b.redis().await {
        Ok(conn) => {
            let mut conn = conn.clone();
            let started = Instant::now();
            match redis::cmd("PING").query_async::<String>(&mut conn).await {
                Ok(_) => {
                    let rtt = ms(started);
                    let mut c = Check::pass("redis", format!("answered in {rtt} ms"));
                    c.rtt_ms = Some(rtt);
                    checks.push(c);
                    Some(conn)
                }
                Err(e) => {
                    checks.push(Check::fail(
                        "redis",
                        Failure::Unreachable,
                        format!("PING failed: {e}"),
                    ));
                    None
                }
            }
        }
        Err(e) => {
            checks.push(Check::fail("redis", Failure::Unreachable, e.to_string()));
            None
        }
    };
    if let Some(crate::backends::RedisConn::Cluster(c)) = &redis {
        checks.push(cluster(c).await);
    }
    let skipped = |name, backend: &str| {
        Check::fail(
            name,
            Failure::Unreachable,
            format!("not checked: {backend} unreachable"),
        )
    };

    checks.push(match pg {
        Some(pool) => schema(pool).await,
        None => skipped("schema", "PostgreSQL"),
    });
    checks.push(match &redis {
        Some(conn) => scripts(conn.clone()).await,
        None => skipped("scripts", "Redis"),
    });
    checks.push(match (pg, &redis) {
        (Some(pool), Some(conn)) => clocks(pool, conn.clone()).await,
        (None, _) => skipped("clock", "PostgreSQL"),
        (_, None) => skipped("clock", "Redis"),
    });
    checks.push(match (pg, &redis) {
        (Some(_), Some(_)) => limits(b).await,
        (None, _) => skipped("limits", "PostgreSQL"),
        (_, None) => skipped("limits", "Redis"),
    });
    for c in &checks {
        tracing::info!(check = c.name, ok = c.ok, rtt_ms = c.rtt_ms, detail = %c.detail, "health check");
    }
    DoctorReport {
        ok: checks.iter().all(|c| c.ok),
        checks,
    }
}

/// On a Redis Cluster: every slot served by a primary (a slot nobody serves refuses its
/// rooms' joins with exit 7).
async fn cluster(c: &crate::backends::redis::Cluster) -> Check {
    match c.topology().await {
        Ok(t) if t.unserved_slots() == 0 => Check::pass(
            "cluster",
            format!(
                "Redis Cluster: {} primaries serve all 16384 slots",
                t.primaries.len()
            ),
        ),
        Ok(t) => Check::fail(
            "cluster",
            Failure::Unreachable,
            format!(
                "Redis Cluster: {} of 16384 slots served by no primary",
                t.unserved_slots()
            ),
        ),
        Err(e) => Check::fail(
            "cluster",
            Failure::Unreachable,
            format!("CLUSTER SLOTS failed: {e}"),
        ),
    }
}

async fn schema(pool: &sqlx::PgPool) -> Check {
    let applied = match crate::backends::postgres::applied_versions(pool).await {
        Ok(v) => v,
        Err(e) => return Check::fail("schema", Failure::Unreachable, e.to_string()),
    };
    let known: Vec<i64> = crate::MIGRATOR.iter().map(|m| m.version).collect();
    let latest = known.iter().max().copied().unwrap_or_default();
    let missing = known.iter().filter(|v| !applied.contains(v)).count();
    let unknown = applied.iter().filter(|v| !known.contains(v)).count();
    match (missing, unknown) {
        (0, 0) => Check::pass(
            "schema",
            format!("at version {latest} ({} migrations)", known.len()),
        ),
        (0, n) => Check::fail(
            "schema",
            Failure::Drift,
            format!(
                "{n} migrations applied that this build does not know (a newer capctl migrated it)"
            ),
        ),
        (n, _) => Check::fail(
            "schema",
            Failure::Drift,
            format!(
                "{n} of {} migrations not applied (this build expects version {latest})",
                known.len()
            ),
        ),
    }
}

async fn scripts(mut conn: crate::backends::RedisConn) -> Check {
    for script in PresenceScript::ALL {
        let loaded: std::result::Result<String, _> = redis::cmd("SCRIPT")
            .arg("LOAD")
            .arg(script.source())
            .query_async(&mut conn)
            .await;
        match loaded {
            Ok(sha) if sha == script.sha() => {}
            Ok(sha) => {
                return Check::fail(
                    "scripts",
                    Failure::Drift,
                    format!(
                        "{} loaded as {sha}, expected {}",
                        script.name(),
                        script.sha()
                    ),
                );
            }
            Err(e) => {
                return Check::fail(
                    "scripts",
                    Failure::Drift,
                    format!("{} does not load: {e}", script.name()),
                );
            }
        }
    }
    Check::pass(
        "scripts",
        format!("{} presence scripts load", PresenceScript::ALL.len()),
    )
}

/// Each clock is read once and compared with the local clock at the middle of its round trip;
/// the skew is the difference of the two offsets.
async fn clocks(pool: &sqlx::PgPool, mut conn: crate::backends::RedisConn) -> Check {
    let local = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs_f64()
    };
    let before = local();
    let pg: std::result::Result<f64, _> =
        sqlx::query_scalar("SELECT extract(epoch FROM clock_timestamp())::float8")
            .fetch_one(pool)
            .await;
    let pg_offset = pg.map(|t| t - (before + local()) / 2.0);
    let before = local();
    let redis: std::result::Result<(u64, u64), _> = redis::cmd("TIME").query_async(&mut conn).await;
    let redis_offset = redis.map(|(s, us)| s as f64 + us as f64 / 1e6 - (before + local()) / 2.0);
    match (pg_offset, redis_offset) {
        (Ok(p), Ok(r)) => {
            let skew = (p - r).abs();
            let detail = format!("PostgreSQL and Redis differ by {:.3} s", skew);
            if skew <= MAX_CLOCK_SKEW_SECS {
                Check::pass("clock", detail)
            } else {
                Check::fail(
                    "clock",
                    Failure::Drift,
                    format!("{detail} (more than {MAX_CLOCK_SKEW_SECS} s)"),
                )
            }
        }
        (Err(e), _) => Check::fail("clock", Failure::Unreachable, Error::from(e).to_string()),
        (_, Err(e)) => Check::fail("clock", Failure::Unreachable, format!("TIME failed: {e}")),
    }
}

/// The reconciler's read-only pass, counting the cached limits that differ from PostgreSQL.
async fn limits(b: &Backends) -> Check {
    let opts = ReconcileOptions {
        check: true,
        ..ReconcileOptions::default()
    };
    match reconcile_pass(b, &opts).await {
        Ok(r) if r.limits_fixed == 0 => Check::pass(
            "limits",
            format!("cached limits match PostgreSQL ({} rooms)", r.rooms),
        ),
        Ok(r) => Check::fail(
            "limits",
            Failure::Drift,
            format!("{} cached limits differ from PostgreSQL", r.limits_fixed),
        ),
        Err(e @ (Error::Unavailable(_) | Error::Timeout { .. })) => {
            Check::fail("limits", Failure::Unreachable, e.to_string())
        }
        Err(e) => Check::fail("limits", Failure::Drift, e.to_string()),
    }
}
