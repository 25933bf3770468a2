//! The data a benchmark runs on, made fast and removed afterwards: one event per run (its own
//! users, sessions and Redis sub-prefix, so runs never collide), and synthetic RSVPs in bulk.
//! Every date lies within its event's span.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{PgPool, Postgres, Transaction};

use crate::backends::Backends;
use crate::catalog::events::{self, NewEvent};
use crate::config::Settings;
use crate::ids::validate_id;
use crate::presence::Room;
use crate::{Error, Missing, Result};

/// A unique id for the data of one run, e.g. `evt_bench_3f2a…`.
pub fn bench_event_id() -> String {
    crate::ids::new_id("evt_bench")
}

/// When a run's event starts: 30 days ahead, so offers and waitlists behave as before a session.
pub fn bench_start() -> DateTime<Utc> {
    Utc::now() + chrono::Duration::days(30)
}

/// Creates the run's event over `[starts_at, ends_at)`.
pub async fn create_bench_event(
    pool: &PgPool,
    id: &str,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
) -> Result<()> {
    events::create_event(
        pool,
        NewEvent {
            id: Some(id.parse()?),
            name: "capctl benchmark".into(),
            starts_at,
            ends_at,
            max_attendees: None,
            max_viewers: None,
        },
    )
    .await?;
    Ok(())
}

/// Removes a run's event and everything hanging off it (RSVPs, sessions, registrations).
/// Dependents go first and explicitly; when the role may, per-row triggers are skipped for this
/// transaction, since the rows and their counters all go together.
pub async fn drop_bench_event(pool: &PgPool, event_id: &str) -> Result<()> {
    let mut tx = begin_untimed(pool).await?;
    let superuser: bool = sqlx::query_scalar("SELECT current_setting('is_superuser') = 'on'")
        .fetch_one(&mut *tx)
        .await?;
    if superuser {
        sqlx::query("SET LOCAL session_replication_role = replica")
            .execute(&mut *tx)
            .await?;
    }
    for sql in [
        "DELETE FROM session_rsvps WHERE event_id = $1",
        "DELETE FROM session_capacity WHERE session_id IN (SELECT id FROM sessions WHERE event_id = $1)",
        "DELETE FROM sessions WHERE event_id = $1",
        "DELETE FROM event_registrations WHERE event_id = $1",
        "DELETE FROM expo_booths WHERE event_id = $1",
        "DELETE FROM events WHERE id = $1",
    ] {
        sqlx::query(sql).bind(event_id).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// A transaction without a statement timeout, for removing a run's data: a million RSVPs, or the
/// 10k events of a reconcile run and their cascade, take longer than a command's statement.
async fn begin_untimed(pool: &PgPool) -> Result<Transaction<'static, Postgres>> {
    let mut tx = pool.begin().await?;
    sqlx::query("SET LOCAL statement_timeout = 0")
        .execute(&mut *tx)
        .await?;
    Ok(tx)
}

/// Removes the run's event unless asked to keep it; a failure is logged, not raised, so it
/// never hides the run's own outcome.
pub async fn cleanup(pool: &PgPool, event_id: &str, keep: bool) {
    if !keep && let Err(e) = drop_bench_event(pool, event_id).await {
        tracing::warn!("could not remove benchmark event {event_id}: {e}");
    }
}

/// The id of bench user `i` of a run: unique to the run, since user ids are global and a
/// user's confirmed sessions elsewhere would clash with the run's.
pub fn bench_user(event_id: &str, i: u64) -> String {
    format!("u{i}.{}", run_tag(event_id))
}

fn run_tag(event_id: &str) -> &str {
    let tag = event_id.trim_start_matches("evt_bench_");
    &tag[..tag.len().min(12)]
}

/// Registers `n` users ([`bench_user`] 0 … n-1) for an event in one statement (bench setup,
/// not a rule).
pub async fn register_users(pool: &PgPool, event_id: &str, n: u64) -> Result<()> {
    sqlx::query(
        "INSERT INTO event_registrations (event_id, user_id, name, status)
         SELECT $1, 'u' || g || '.' || $3, 'Bench user ' || g, 'REGISTERED'
           FROM generate_series(0, $2::bigint - 1) g",
    )
    .bind(event_id)
    .bind(n as i64)
    .bind(run_tag(event_id))
    .execute(pool)
    .await?;
    Ok(())
}

/// Presence backends of one run: its own Redis sub-prefix, so nothing else is swept or counted.
pub fn presence_backends(settings: &Settings, pool_size: u32) -> Result<Backends> {
    let mut settings = settings.clone();
    let tag = &uuid::Uuid::new_v4().simple().to_string()[..12];
    settings.redis_prefix = format!("{}:bench-{tag}", settings.redis_prefix);
    crate::ids::validate_redis_prefix(&settings.redis_prefix)?;
    Ok(Backends::with_pool_size(settings, pool_size))
}

/// Creates `n` events `<base>_s<i>`, each one stream with `limit` viewers, in one statement.
pub async fn create_stream_events(
    pool: &PgPool,
    base: &str,
    n: u32,
    limit: Option<u32>,
) -> Result<Vec<Room>> {
    sqlx::query(
        "INSERT INTO events (id, name, starts_at, ends_at, virtual_settings)
         SELECT $1 || '_s' || g, 'capctl benchmark stream ' || g, $3, $3 + interval '2 days',
                CASE WHEN $4::integer IS NULL THEN '{}'::jsonb
                     ELSE jsonb_build_object('max_concurrent_viewers', $4::integer) END
           FROM generate_series(0, $2::integer - 1) g",
    )
    .bind(base)
    .bind(n as i32)
    .bind(bench_start())
    .bind(limit.map(|l| l as i32))
    .execute(pool)
    .await?;
    (0..n)
        .map(|i| Room::stream(&format!("{base}_s{i}")))
        .collect()
}

/// Removes the run's stream events and every Redis key under its sub-prefix.
pub async fn drop_stream_bench(b: &Backends, base: &str) -> Result<()> {
    let mut tx = begin_untimed(b.pg().await?).await?;
    sqlx::query("DELETE FROM events WHERE id LIKE $1 || '\\_s%'")
        .bind(base)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    let mut conn = b.redis().await?.clone();
    let pattern = format!("{}:*", b.redis_prefix());
    let keys = crate::reconcile::scan_keys(&conn, &pattern, 1000).await?;
    for batch in keys.chunks(1000) {
        redis::cmd("UNLINK")
            .arg(batch)
            .query_async::<()>(&mut conn)
            .await?;
    }
    Ok(())
}

/// [`drop_stream_bench`] unless asked to keep the data; a failure is logged, not raised.
pub async fn cleanup_streams(b: &Backends, base: &str, keep: bool) {
    if !keep && let Err(e) = drop_stream_bench(b, base).await {
        tracing::warn!("could not remove benchmark data of {base}: {e}");
    }
}

/// A temporary directory removed on drop.
pub struct TempDir(pub std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What [`seed_synthetic`] created.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SeedReport {
    pub event_id: String,
    pub sessions: u64,
    pub registrations: u64,
    pub rsvps: u64,
}

/// RSVPs per synthetic session: a large breakout room.
const SEED_PER_SESSION: u64 = 2000;

/// Creates `rows` synthetic RSVPs for an existing event, fast, for benchmarks and tests:
/// sessions of up to 2000 RSVPs each, all within the event's span (see [`session_slots`]), the
/// registrations they need, and per
/// session 70% CONFIRMED, 5% OFFERED, 10% WAITLISTED, 12% CANCELLED, 3% EXPIRED, capacity at
/// exactly the seats taken. Some names carry commas, quotes and non-ASCII letters.
///
/// Per-row counter triggers would update each session's counter row once per RSVP (quadratic in
/// a transaction), so when the role may set `session_replication_role` the triggers are skipped
/// for this transaction and the counters written once from the rows, as reconcile would; the
/// data are consistent by construction. Otherwise the triggers run (slower, same result).
pub async fn seed_synthetic(pool: &PgPool, event_id: &str, rows: u64) -> Result<SeedReport> {
    validate_id("event id", event_id)?;
    if rows == 0 {
        return Ok(SeedReport {
            event_id: event_id.to_string(),
            sessions: 0,
            registrations: 0,
            rsvps: 0,
        });
    }
    let sessions = rows.div_ceil(SEED_PER_SESSION);
    let users = rows.min(SEED_PER_SESSION);
    // Ids unique to this call and increasing in insert order, which keeps the index inserts
    // sequential (random uuids make the PK inserts several times slower).
    let tag = &uuid::Uuid::new_v4().simple().to_string()[..8];
    let mut tx = pool.begin().await?;
    sqlx::query("SET LOCAL statement_timeout = 0")
        .execute(&mut *tx)
        .await?;
    let span: Option<(DateTime<Utc>, DateTime<Utc>)> =
        sqlx::query_as("SELECT starts_at, ends_at FROM events WHERE id = $1 FOR NO KEY UPDATE")
            .bind(event_id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((starts, ends)) = span else {
        return Err(Error::NotFound(Missing::Event(event_id.parse()?)));
    };
    let (session_length, slot) = session_slots(starts, ends, sessions);
    let may_skip_triggers: bool = sqlx::query_scalar(
        "SELECT rolsuper OR has_parameter_privilege('session_replication_role', 'SET')
           FROM pg_roles WHERE rolname = current_user",
    )
    .fetch_optional(&mut *tx)
    .await?
    .unwrap_or(false);
    let registrations = sqlx::query(
        "INSERT INTO event_registrations (event_id, user_id, name, email, registered_at)
         SELECT $1, 'seed-' || $2 || '-' || lpad(u::text, 6, '0'),
                (ARRAY['Ada Lovelace', 'O''Brien, Pat', 'Zoë \"Zo\" Çelik', 'Grace Hopper'])[1 + u % 4] || ' ' || u,
                'seed-' || $2 || '-' || lpad(u::text, 6, '0') || '@example.com',
                $3 - interval '30 days' + u * interval '1 second'
           FROM generate_series(1, $4::bigint) u
         ON CONFLICT (event_id, user_id) DO NOTHING",
    )
    .bind(event_id)
    .bind(tag)
    .bind(starts)
    .bind(users as i64)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    // Session k starts k - 1 slots after the event; capacity is set below from the rows.
    sqlx::query(
        "INSERT INTO sessions (id, event_id, title, starts_at, ends_at, room)
         SELECT 'ses_seed_' || $2 || '_' || lpad(k::text, 6, '0'), $1, 'Synthetic session ' || k,
                $3 + (k - 1) * $6 * interval '1 microsecond',
                $3 + ((k - 1) * $6 + $5) * interval '1 microsecond',
                'Room ' || (1 + k % 10)
           FROM generate_series(1, $4::bigint) k",
    )
    .bind(event_id)
    .bind(tag)
    .bind(starts)
    .bind(sessions as i64)
    .bind(session_length)
    .bind(slot)
    .execute(&mut *tx)
    .await
    .map_err(|e| crate::catalog::events::duplicate_as_invalid(e, "synthetic session", tag))?;
    // After the sessions: their capacity rows come from a trigger.
    if may_skip_triggers {
        sqlx::query("SET LOCAL session_replication_role = replica")
            .execute(&mut *tx)
            .await?;
    }
    // Position p (1-based) within its session decides the status.
    let rsvps = sqlx::query(
        "INSERT INTO session_rsvps (id, session_id, user_id, event_id, status, rsvp_at, cancelled_at,
                                    waitlist_seq, offered_at, offer_expires_at, confirmed_at)
         SELECT 'srsvp_' || $2 || lpad(to_hex(k), 8, '0') || lpad(to_hex(p), 16, '0'),
                'ses_seed_' || $2 || '_' || lpad(k::text, 6, '0'), 'seed-' || $2 || '-' || lpad(p::text, 6, '0'), $1, st,
                $3 - interval '20 days' + p * interval '1 second',
                CASE WHEN st = 'CANCELLED' THEN $3 - interval '10 days' + p * interval '1 second' END,
                CASE WHEN st = 'WAITLISTED' THEN p END,
                CASE WHEN st IN ('OFFERED', 'EXPIRED') THEN now() END,
                CASE WHEN st = 'OFFERED' THEN now() + interval '30 minutes'
                     WHEN st = 'EXPIRED' THEN now() - interval '1 minute' END,
                CASE WHEN st = 'CONFIRMED' THEN $3 - interval '20 days' + p * interval '1 second' END
           FROM generate_series(1, $4::bigint) k
           CROSS JOIN LATERAL generate_series(1, least($5::bigint, $6::bigint - (k - 1) * $5::bigint)) p
           CROSS JOIN LATERAL (SELECT CASE WHEN p % 100 < 70 THEN 'CONFIRMED'
                                           WHEN p % 100 < 75 THEN 'OFFERED'
                                           WHEN p % 100 < 85 THEN 'WAITLISTED'
                                           WHEN p % 100 < 97 THEN 'CANCELLED'
                                           ELSE 'EXPIRED' END AS st) x",
    )
    .bind(event_id)
    .bind(tag)
    .bind(starts)
    .bind(sessions as i64)
    .bind(SEED_PER_SESSION as i64)
    .bind(rows as i64)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if may_skip_triggers {
        sqlx::query("SET LOCAL session_replication_role = origin")
            .execute(&mut *tx)
            .await?;
    }
    // Full sessions: capacity equals the seats taken, counters equal the rows.
    sqlx::query(
        "UPDATE session_capacity c
            SET maximum_capacity = t.taken, current_attendance = t.taken,
                waitlist_length = t.waiting, updated_at = now()
           FROM (SELECT session_id,
                        count(*) FILTER (WHERE capctl_holds_seat(status))::integer AS taken,
                        count(*) FILTER (WHERE status = 'WAITLISTED')::integer AS waiting
                   FROM session_rsvps WHERE session_id LIKE 'ses\\_seed\\_' || $1 || '\\_%'
                  GROUP BY session_id) t
          WHERE c.session_id = t.session_id",
    )
    .bind(tag)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE sessions s SET max_participants = c.maximum_capacity
           FROM session_capacity c
          WHERE c.session_id = s.id AND s.id LIKE 'ses\\_seed\\_' || $1 || '\\_%'",
    )
    .bind(tag)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(SeedReport {
        event_id: event_id.to_string(),
        sessions,
        registrations,
        rsvps,
    })
}

/// Length and start-to-start distance of `n` synthetic sessions inside `[starts, ends)`, in
/// microseconds: an hour each (shorter if the event is), half-hour slots while they fit, packed
/// closer when not, so the last one still ends by the event's end.
fn session_slots(starts: DateTime<Utc>, ends: DateTime<Utc>, n: u64) -> (i64, i64) {
    const HOUR: i64 = 3_600_000_000;
    let span = (ends - starts)
        .num_microseconds()
        .unwrap_or(i64::MAX)
        .max(0);
    let length = span.min(HOUR);
    let room = span - length;
    let slot = (room / (n.saturating_sub(1).max(1) as i64)).min(HOUR / 2);
    (length, slot)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthetic_sessions_lie_within_their_event() {
        const MIN: i64 = 60_000_000;
        let starts = Utc::now();
        let two_days = starts + chrono::Duration::days(2);
        // Few sessions: half-hour slots of an hour each.
        assert_eq!(session_slots(starts, two_days, 50), (60 * MIN, 30 * MIN));
        // 1M rows = 500 sessions: packed closer, the last one ends by the event's end.
        let (length, slot) = session_slots(starts, two_days, 500);
        assert_eq!(length, 60 * MIN);
        assert!(499 * slot + length <= 2 * 24 * 60 * MIN);
        // An event shorter than an hour: sessions as long as the event, all at its start.
        let short = starts + chrono::Duration::minutes(20);
        assert_eq!(session_slots(starts, short, 3), (20 * MIN, 0));
        assert_eq!(session_slots(starts, two_days, 1), (60 * MIN, 30 * MIN));
    }
}
