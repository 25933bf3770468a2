//! The RSVP rush: many users RSVP at once, on one hot session or spread over several.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use sqlx::PgPool;

use super::fixtures::{bench_event_id, bench_start, bench_user, cleanup, create_bench_event};
use super::harness::{BenchReport, Progress, drive, require_counts};
use crate::audit::{self, Scope};
use crate::catalog::sessions::{self, NewSession};
use crate::config::Settings;
use crate::{Error, Result};

#[derive(Debug, Clone)]
pub struct RsvpBench {
    pub users: u32,
    pub capacity: u32,
    pub sessions: u32,
    pub concurrency: u32,
    pub keep: bool,
}

/// Minutes between the starts of consecutive sessions, and each session's length.
const SESSION_STEP_MINUTES: i64 = 1;
const SESSION_MINUTES: i64 = 30;

/// `users` RSVP at once: all on one hot session, or spread round-robin over `sessions`.
pub async fn rsvp(
    settings: &Settings,
    cfg: &RsvpBench,
    progress: Arc<dyn Progress>,
) -> Result<BenchReport> {
    require_counts(&[
        ("users", cfg.users.into()),
        ("sessions", cfg.sessions.into()),
        ("concurrency", cfg.concurrency.into()),
    ])?;
    crate::ids::validate_capacity("capacity", i64::from(cfg.capacity))?;
    let pool = crate::backends::postgres::connect(settings, cfg.concurrency + 1).await?;
    let event_id = bench_event_id();
    progress.phase("setting up", u64::from(cfg.sessions));
    // The event spans its sessions: two days, or longer when there are very many.
    let day = bench_start();
    let last_end = day
        + chrono::Duration::minutes(
            i64::from(cfg.sessions - 1) * SESSION_STEP_MINUTES + SESSION_MINUTES,
        );
    let ends = last_end.max(day + chrono::Duration::days(2));
    create_bench_event(&pool, &event_id, day, ends).await?;
    let mut session_ids = Vec::with_capacity(cfg.sessions as usize);
    for s in 0..cfg.sessions {
        let id = format!(
            "ses_bench_{}_{s}",
            event_id.trim_start_matches("evt_bench_")
        );
        let starts_at = day + chrono::Duration::minutes(i64::from(s) * SESSION_STEP_MINUTES);
        sessions::create_session(
            &pool,
            NewSession {
                event_id: event_id.parse()?,
                id: Some(id.parse()?),
                title: format!("Bench session {s}"),
                starts_at,
                ends_at: starts_at + chrono::Duration::minutes(SESSION_MINUTES),
                max_participants: Some(i64::from(cfg.capacity)),
                room: None,
                waitlist_enabled: true,
                offer_ttl: sessions::DEFAULT_OFFER_TTL,
                format: crate::seats::virtual_sessions::SessionFormat::InPerson,
                no_show_grace: None,
            },
        )
        .await?;
        session_ids.push(id);
        progress.inc(1);
    }
    super::fixtures::register_users(&pool, &event_id, u64::from(cfg.users)).await?;

    progress.phase("RSVP rush", u64::from(cfg.users));
    let outcomes = Arc::new(OutcomeCounts::default());
    let result = {
        let (pool, session_ids, outcomes) = (pool.clone(), Arc::new(session_ids), outcomes.clone());
        let event = Arc::new(event_id.clone());
        drive(
            u64::from(cfg.users),
            cfg.concurrency,
            progress.clone(),
            move |i| {
                let (pool, session_ids, outcomes, event) = (
                    pool.clone(),
                    session_ids.clone(),
                    outcomes.clone(),
                    event.clone(),
                );
                async move {
                    let session = &session_ids[(i % session_ids.len() as u64) as usize];
                    let status = rsvp_once(&pool, session, &bench_user(&event, i)).await?;
                    outcomes.count(status);
                    Ok(())
                }
            },
        )
        .await
    };
    progress.finish();
    let timing = match result {
        Ok(t) => t,
        Err(e) => {
            cleanup(&pool, &event_id, cfg.keep).await;
            return Err(e);
        }
    };

    let outcome = check(&pool, &event_id, cfg).await;
    let violations = match outcome {
        Ok(v) => v,
        Err(e) => {
            cleanup(&pool, &event_id, cfg.keep).await;
            return Err(e);
        }
    };
    // How many settling transactions (commits) answered the rush: each settled request row was
    // last written by the transaction that settled it.
    let settlements: i64 = sqlx::query_scalar(
        "SELECT count(DISTINCT q.xmin::text) FROM capctl_seat_requests q
           JOIN sessions s ON s.id = q.session_id WHERE s.event_id = $1",
    )
    .bind(&event_id)
    .fetch_one(&pool)
    .await
    .unwrap_or_default();
    let mut report = BenchReport::new(&event_id, &timing, violations);
    report.detail("settlements", settlements);
    report.detail("confirmed", outcomes.confirmed.load(Ordering::Relaxed));
    report.detail("waitlisted", outcomes.waitlisted.load(Ordering::Relaxed));
    report.detail("other", outcomes.other.load(Ordering::Relaxed));
    report.detail("sessions", cfg.sessions);
    report.detail("concurrency", cfg.concurrency);
    cleanup(&pool, &event_id, cfg.keep).await;
    pool.close().await;
    Ok(report)
}

/// The seat invariants, and what this rush must have left: per session, the first `capacity`
/// RSVPs confirmed and the rest waitlisted.
async fn check(pool: &PgPool, event_id: &str, cfg: &RsvpBench) -> Result<Vec<String>> {
    let scope = Scope::Event(event_id.parse()?);
    let mut violations: Vec<String> = audit::seat_violations(pool, &scope)
        .await?
        .iter()
        .map(ToString::to_string)
        .collect();
    let (users, sessions) = (u64::from(cfg.users), u64::from(cfg.sessions));
    let asked = |s: u64| (users / sessions + u64::from(s < users % sessions)) as i64;
    for (idx, row) in audit::seat_counts(pool, &scope).await?.iter().enumerate() {
        let asked = asked(idx as u64);
        let expect_confirmed = asked.min(i64::from(cfg.capacity));
        if row.confirmed != expect_confirmed || row.waitlisted != asked - expect_confirmed {
            violations.push(format!(
                "session {}: {} confirmed and {} waitlisted after {asked} RSVPs with capacity {} (expected {expect_confirmed} and {})",
                row.session_id,
                row.confirmed,
                row.waitlisted,
                cfg.capacity,
                asked - expect_confirmed
            ));
        }
    }
    Ok(violations)
}

#[derive(Default)]
struct OutcomeCounts {
    confirmed: AtomicU64,
    waitlisted: AtomicU64,
    other: AtomicU64,
}

impl OutcomeCounts {
    fn count(&self, status: &str) {
        let slot = match status {
            "CONFIRMED" => &self.confirmed,
            "WAITLISTED" => &self.waitlisted,
            _ => &self.other,
        };
        slot.fetch_add(1, Ordering::Relaxed);
    }
}

/// One RSVP through the seat ledger, as `session rsvp` makes it; returns the resulting status.
/// Waitlisted is an outcome here; a refusal as full counts as one too.
async fn rsvp_once(pool: &PgPool, session: &str, user: &str) -> Result<&'static str> {
    match crate::seats::rsvp(pool, &session.parse()?, &user.parse()?, false).await {
        Ok(outcome) => Ok(outcome.status.as_str()),
        Err(Error::Full(_)) => Ok("FULL"),
        Err(e) => Err(e),
    }
}
