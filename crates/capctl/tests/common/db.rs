//! What PostgreSQL holds: RSVP statuses, the queue, the counters, and a fingerprint of every row.

use chrono::{SecondsFormat, Utc};

use super::TestEnv;

impl TestEnv {
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

    /// Registers users `prefix-0 … prefix-(n-1)` for an event straight in the database.
    pub async fn register_many(&self, event: &str, prefix: &str, n: usize) -> Vec<String> {
        let users = super::numbered(prefix, n);
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

    /// One registration with a name and maybe an email, straight in the database.
    pub async fn register_named(&self, event: &str, user: &str, name: &str, email: Option<&str>) {
        sqlx::query(
            "INSERT INTO event_registrations (event_id, user_id, name, email) VALUES ($1, $2, $3, $4)",
        )
        .bind(event)
        .bind(user)
        .bind(name)
        .bind(email)
        .execute(&self.pool)
        .await
        .unwrap();
    }

    /// An RSVP through the SQL function itself (no binary), allowing overlap; returns the status.
    pub async fn rsvp_in_sql(&self, session: &str, user: &str) -> String {
        sqlx::query_scalar("SELECT status FROM capctl_rsvp($1, $2, true)")
            .bind(session)
            .bind(user)
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }

    /// A cancel through the SQL function itself (no binary).
    pub async fn cancel_in_sql(&self, session: &str, user: &str) {
        sqlx::query("SELECT * FROM capctl_cancel($1, $2)")
            .bind(session)
            .bind(user)
            .execute(&self.pool)
            .await
            .unwrap();
    }

    /// `user → status` of every RSVP row of a session, sorted by user.
    pub async fn statuses(&self, session: &str) -> Vec<(String, String)> {
        statuses(&self.pool, session).await
    }

    /// [`TestEnv::statuses`] as one line, `"u-0 CONFIRMED, u-1 WAITLISTED"`.
    pub async fn status_line(&self, session: &str) -> String {
        status_line(&self.pool, session).await
    }

    pub async fn status_of(&self, session: &str, user: &str) -> Option<String> {
        sqlx::query_scalar(
            "SELECT status FROM session_rsvps WHERE session_id = $1 AND user_id = $2",
        )
        .bind(session)
        .bind(user)
        .fetch_optional(&self.pool)
        .await
        .unwrap()
    }

    /// Users still waiting, in queue order.
    pub async fn queue(&self, session: &str) -> Vec<String> {
        sqlx::query_scalar(
            "SELECT user_id FROM session_rsvps WHERE session_id = $1 AND status = 'WAITLISTED'
              ORDER BY waitlist_seq",
        )
        .bind(session)
        .fetch_all(&self.pool)
        .await
        .unwrap()
    }

    /// `session_capacity` of a session: (current_attendance, waitlist_length), after checking
    /// both equal the RSVP rows.
    pub async fn counters(&self, session: &str) -> (i32, i32) {
        let (attendance, waiting, taken, queued): (i32, i32, i64, i64) = sqlx::query_as(
            "SELECT sc.current_attendance, sc.waitlist_length,
                    (SELECT count(*) FROM session_rsvps r
                      WHERE r.session_id = sc.session_id AND r.status IN ('CONFIRMED', 'OFFERED')),
                    (SELECT count(*) FROM session_rsvps r
                      WHERE r.session_id = sc.session_id AND r.status = 'WAITLISTED')
               FROM session_capacity sc WHERE sc.session_id = $1",
        )
        .bind(session)
        .fetch_one(&self.pool)
        .await
        .unwrap();
        assert_eq!(attendance as i64, taken, "current_attendance of {session}");
        assert_eq!(waiting as i64, queued, "waitlist_length of {session}");
        (attendance, waiting)
    }

    /// `current_attendance` of a session as stored, unchecked.
    pub async fn attendance(&self, session: &str) -> i64 {
        sqlx::query_scalar(
            "SELECT current_attendance::bigint FROM session_capacity WHERE session_id = $1",
        )
        .bind(session)
        .fetch_one(&self.pool)
        .await
        .unwrap()
    }

    /// Sends one raw statement as another writer would and asserts PostgreSQL refuses it with
    /// SQLSTATE `code`; returns the error for the caller's further checks.
    pub async fn refused_sql(&self, sql: &str, code: &str) -> sqlx::Error {
        let err = sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
            .execute(&self.pool)
            .await
            .unwrap_err();
        assert_eq!(
            err.as_database_error().and_then(|e| e.code()).as_deref(),
            Some(code),
            "{err}"
        );
        err
    }

    /// Runs one statement the platform (not capctl) would write: drift, raw writers, settings.
    pub async fn exec(&self, sql: &str) {
        sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
            .execute(&self.pool)
            .await
            .unwrap();
    }
}

pub fn rfc3339(t: chrono::DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// `user → status` of every RSVP row of a session, sorted by user (for tests holding a pool
/// only).
pub async fn statuses(pool: &sqlx::PgPool, session: &str) -> Vec<(String, String)> {
    sqlx::query_as(
        "SELECT user_id, status FROM session_rsvps WHERE session_id = $1 ORDER BY user_id",
    )
    .bind(session)
    .fetch_all(pool)
    .await
    .unwrap()
}

/// [`statuses`] as one line, `"u-0 CONFIRMED, u-1 WAITLISTED"`.
pub async fn status_line(pool: &sqlx::PgPool, session: &str) -> String {
    statuses(pool, session)
        .await
        .iter()
        .map(|(user, status)| format!("{user} {status}"))
        .collect::<Vec<_>>()
        .join(", ")
}
