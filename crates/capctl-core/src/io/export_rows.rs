//! The export's rows, read one session at a time in export order (an index yields it, so
//! PostgreSQL neither sorts nor formats) and rendered as CSV here, byte for byte what
//! `COPY (ExportFilter::query()) TO STDOUT CSV HEADER` writes.

use std::collections::HashMap;
use std::io::Write;

use futures::TryStreamExt;
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, Row, ValueRef};

use super::export::{COLUMNS, ExportFilter, STATUS_ORDER, inert, rfc3339};
use crate::{Error, Result};

/// Events with at most this many registrations have their names and e-mails looked up in
/// memory (a few MiB); bigger ones are joined by PostgreSQL, row by row (slower, same bytes).
pub const MAX_CACHED_REGISTRATIONS: usize = 100_000;

/// One session of the export, with its columns already rendered by PostgreSQL.
struct Session {
    id: String,
    title: Option<String>,
    starts_at: Option<String>,
}

/// Name and e-mail (neutralised) of each registered user of the event.
type Registrations = HashMap<String, (Option<String>, Option<String>)>;

fn write_failed(e: std::io::Error) -> Error {
    Error::Internal(anyhow::Error::new(e).context("writing the CSV"))
}

/// Writes the header and every row of `filter` into `out`, reading inside the caller's
/// transaction (one snapshot for the whole export). Returns the rows written.
pub(super) async fn write_rows<W: Write + Send>(
    conn: &mut PgConnection,
    filter: &ExportFilter,
    out: &mut W,
    on_rows: &mut (dyn FnMut(u64) + Send),
) -> Result<u64> {
    let sessions = sessions(conn, filter).await?;
    let registrations = registrations(conn, filter).await?;
    let mut line = Vec::with_capacity(512);
    for (i, c) in COLUMNS.iter().enumerate() {
        if i > 0 {
            line.push(b',');
        }
        field(&mut line, c.as_bytes());
    }
    line.push(b'\n');
    out.write_all(&line).map_err(write_failed)?;

    let statuses = filter.statuses.clone();
    let join_names = registrations.is_none();
    let query = rows_query(join_names);
    let (mut rows, mut reported) = (0u64, 0u64);
    for session in &sessions {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(query.as_str()))
            .bind(&session.id)
            .bind(&statuses);
        if join_names {
            q = q.bind(&filter.event_id);
        }
        let mut stream = q.fetch(&mut *conn);
        let mut waitlisted = 0u64;
        while let Some(row) = stream.try_next().await? {
            line.clear();
            render(
                &mut line,
                filter,
                session,
                registrations.as_ref(),
                &row,
                &mut waitlisted,
            )?;
            out.write_all(&line).map_err(write_failed)?;
            rows += 1;
            if rows >= reported + 1000 {
                reported = rows;
                on_rows(rows);
            }
        }
    }
    Ok(rows)
}

/// The sessions of the export in its order (start, then id).
async fn sessions(conn: &mut PgConnection, filter: &ExportFilter) -> Result<Vec<Session>> {
    let rows: Vec<(String, Option<String>, Option<String>)> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT s.id, {title}, {starts} FROM sessions s
              WHERE s.event_id = $1 AND ($2::text IS NULL OR s.id = $2)
              ORDER BY s.starts_at, s.id",
            title = inert("s.title"),
            starts = rfc3339("s.starts_at"),
        )))
        .bind(&filter.event_id)
        .bind(&filter.session_id)
        .fetch_all(&mut *conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, title, starts_at)| Session {
            id,
            title,
            starts_at,
        })
        .collect())
}

/// The event's registrations, when there are few enough to hold in memory.
async fn registrations(
    conn: &mut PgConnection,
    filter: &ExportFilter,
) -> Result<Option<Registrations>> {
    let mut map = Registrations::new();
    let query = format!(
        "SELECT g.user_id, {name}, {email} FROM event_registrations g WHERE g.event_id = $1 LIMIT $2",
        name = inert("g.name"),
        email = inert("g.email"),
    );
    let mut stream =
        sqlx::query_as::<_, (String, Option<String>, Option<String>)>(sqlx::AssertSqlSafe(query))
            .bind(&filter.event_id)
            .bind(MAX_CACHED_REGISTRATIONS as i64 + 1)
            .fetch(&mut *conn);
    while let Some((user, name, email)) = stream.try_next().await? {
        map.insert(user, (name, email));
    }
    Ok((map.len() <= MAX_CACHED_REGISTRATIONS).then_some(map))
}

/// One session's rows in export order: status (in [`STATUS_ORDER`]), waitlist order, RSVP time,
/// id. The index `session_rsvps_export_order` has exactly this key, so no sort runs.
/// `$1` session, `$2` statuses (NULL = all), and with `join_names` `$3` the event, whose
/// registrations give the last two columns.
fn rows_query(join_names: bool) -> String {
    let (names, join) = if join_names {
        (
            ", g.name, g.email",
            format!(
                "LEFT JOIN LATERAL (SELECT {name} AS name, {email} AS email
                                      FROM event_registrations g
                                     WHERE g.event_id = $3 AND g.user_id = r.user_id LIMIT 1) g ON true",
                name = inert("g.name"),
                email = inert("g.email"),
            ),
        )
    } else {
        ("", String::new())
    };
    format!(
        "SELECT r.id, r.user_id, r.status, r.rsvp_at, r.cancelled_at, r.checked_in_at,
                r.checked_out_at, r.no_show_at, r.walk_in{names}
           FROM session_rsvps r
           {join}
          WHERE r.session_id = $1 AND ($2::text[] IS NULL OR r.status = ANY($2))
          ORDER BY {STATUS_ORDER}, r.waitlist_seq, r.rsvp_at, r.id"
    )
}

/// Renders one row (16 fields and a newline) into `line`.
fn render(
    line: &mut Vec<u8>,
    filter: &ExportFilter,
    session: &Session,
    registrations: Option<&Registrations>,
    row: &PgRow,
    waitlisted: &mut u64,
) -> Result<()> {
    let text = |i: usize| -> Result<Option<&[u8]>> {
        let v = row.try_get_raw(i)?;
        if v.is_null() {
            return Ok(None);
        }
        Ok(Some(v.as_bytes().map_err(sqlx::Error::Decode)?))
    };
    let user = text(1)?.unwrap_or_default();
    let status = text(2)?.unwrap_or_default();
    let (name, email): (Option<&[u8]>, Option<&[u8]>) = match registrations {
        Some(map) => match std::str::from_utf8(user).ok().and_then(|u| map.get(u)) {
            Some((n, e)) => (
                n.as_deref().map(str::as_bytes),
                e.as_deref().map(str::as_bytes),
            ),
            None => (None, None),
        },
        None => (text(9)?, text(10)?),
    };
    opt_field(line, text(0)?);
    line.push(b',');
    field(line, filter.event_id.as_bytes());
    line.push(b',');
    field(line, session.id.as_bytes());
    line.push(b',');
    opt_field(line, session.title.as_deref().map(str::as_bytes));
    line.push(b',');
    opt_field(line, session.starts_at.as_deref().map(str::as_bytes));
    line.push(b',');
    field(line, user);
    line.push(b',');
    opt_field(line, name);
    line.push(b',');
    opt_field(line, email);
    line.push(b',');
    field(line, status);
    line.push(b',');
    if status == b"WAITLISTED" {
        *waitlisted += 1;
        line.extend_from_slice(waitlisted.to_string().as_bytes());
    }
    for i in 3..=7 {
        line.push(b',');
        if let Some(raw) = text(i)? {
            timestamp(line, raw)?;
        }
    }
    line.push(b',');
    let walk_in = text(8)?.is_some_and(|b| b.first() == Some(&1));
    line.extend_from_slice(if walk_in { b"true" } else { b"false" });
    line.push(b'\n');
    Ok(())
}

/// A NULL is an empty field, unquoted (COPY CSV's NULL).
fn opt_field(line: &mut Vec<u8>, value: Option<&[u8]>) {
    if let Some(v) = value {
        field(line, v);
    }
}

/// One value as COPY CSV writes it: quoted when empty (to tell it from NULL) or holding a
/// comma, quote, CR or LF; quotes inside doubled.
pub(super) fn field(line: &mut Vec<u8>, value: &[u8]) {
    let quote = value.is_empty()
        || memchr::memchr3(b',', b'"', b'\n', value).is_some()
        || memchr::memchr(b'\r', value).is_some();
    if !quote {
        line.extend_from_slice(value);
        return;
    }
    line.push(b'"');
    for &b in value {
        if b == b'"' {
            line.push(b'"');
        }
        line.push(b);
    }
    line.push(b'"');
}

/// Microseconds between the Unix epoch and PostgreSQL's (2000-01-01).
const PG_EPOCH_SECS: i64 = 946_684_800;

/// A binary `timestamptz` (µs since 2000-01-01 UTC) as `to_char(ts AT TIME ZONE 'UTC',
/// 'YYYY-MM-DD"T"HH24:MI:SS"Z"')` writes it: seconds truncated, infinities NULL.
fn timestamp(line: &mut Vec<u8>, raw: &[u8]) -> Result<()> {
    let bytes: [u8; 8] = raw.try_into().map_err(|_| {
        Error::Internal(anyhow::anyhow!(
            "a timestamp of {} bytes from PostgreSQL",
            raw.len()
        ))
    })?;
    let micros = i64::from_be_bytes(bytes);
    if micros == i64::MAX || micros == i64::MIN {
        return Ok(());
    }
    let secs = micros.div_euclid(1_000_000) + PG_EPOCH_SECS;
    let (days, day_secs) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    // to_char's YYYY of a year BC is the year's number (1 BC is 0001).
    let y = if y <= 0 { 1 - y } else { y };
    digits(line, y as u64, 4);
    line.push(b'-');
    digits(line, m, 2);
    line.push(b'-');
    digits(line, d, 2);
    line.push(b'T');
    digits(line, (day_secs / 3600) as u64, 2);
    line.push(b':');
    digits(line, (day_secs / 60 % 60) as u64, 2);
    line.push(b':');
    digits(line, (day_secs % 60) as u64, 2);
    line.push(b'Z');
    Ok(())
}

/// `n` in decimal, zero-padded to at least `width` digits.
fn digits(line: &mut Vec<u8>, n: u64, width: usize) {
    let mut buf = [b'0'; 20];
    let mut i = buf.len();
    let mut n = n;
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let start = i.min(buf.len() - width);
    line.extend_from_slice(&buf[start..]);
}

/// (year, month, day) of a day count since 1970-01-01, proleptic Gregorian (Howard Hinnant's
/// `civil_from_days`).
fn civil_from_days(z: i64) -> (i64, u64, u64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u64;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u64;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(pg_micros: i64) -> String {
        let mut line = Vec::new();
        timestamp(&mut line, &pg_micros.to_be_bytes()).unwrap();
        String::from_utf8(line).unwrap()
    }

    #[test]
    fn timestamps_render_as_to_char_does() {
        assert_eq!(ts(0), "2000-01-01T00:00:00Z");
        assert_eq!(
            ts(999_999),
            "2000-01-01T00:00:00Z",
            "truncated, not rounded"
        );
        assert_eq!(ts(-1), "1999-12-31T23:59:59Z");
        // 2030-06-01T09:00:00.5Z
        let secs = 1_906_534_800 - PG_EPOCH_SECS;
        assert_eq!(ts(secs * 1_000_000 + 500_000), "2030-06-01T09:00:00Z");
        assert_eq!(ts(i64::MAX), "");
        assert_eq!(ts(i64::MIN), "");
        let leap = 951_782_400 - PG_EPOCH_SECS; // 2000-02-29
        assert_eq!(ts(leap * 1_000_000), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn fields_are_quoted_as_copy_csv_quotes_them() {
        let f = |v: &str| {
            let mut line = Vec::new();
            field(&mut line, v.as_bytes());
            String::from_utf8(line).unwrap()
        };
        assert_eq!(f("plain"), "plain");
        assert_eq!(f(""), "\"\"");
        assert_eq!(f("Doe, Jane"), "\"Doe, Jane\"");
        assert_eq!(f("He said \"hi\""), "\"He said \"\"hi\"\"\"");
        assert_eq!(f("a\nb"), "\"a\nb\"");
        assert_eq!(f("'\r=1"), "\"'\r=1\"");
        assert_eq!(f("Zoë 日本"), "Zoë 日本");
    }
}
