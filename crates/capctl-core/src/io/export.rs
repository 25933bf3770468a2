//! RSVP export as CSV: the columns, order and neutralisation ([`ExportFilter::query`] is their
//! specification), and the file handling. The rows are read one session at a time in export
//! order and rendered in Rust (`export_rows`), byte for byte what `COPY (query) TO STDOUT CSV
//! HEADER` writes, so memory stays flat and the cost is close to reading the bare rows.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use sqlx::PgPool;

use crate::ids::{EventId, SessionId};
use crate::{Error, Missing, Result};

/// Every RSVP status, in the order rows of one session are exported.
pub const STATUSES: [&str; 6] = [
    "CONFIRMED",
    "OFFERED",
    "WAITLISTED",
    "CANCELLED",
    "EXPIRED",
    "NO_SHOW",
];

/// The rank of an RSVP's status in export order; the index `session_rsvps_export_order`
/// (migration 20261201000002) is on `(session_id, <this>, waitlist_seq, rsvp_at, id)`.
pub const STATUS_ORDER: &str =
    "array_position('{CONFIRMED,OFFERED,WAITLISTED,CANCELLED,EXPIRED,NO_SHOW}'::text[], r.status)";

/// The CSV header, in column order.
pub const COLUMNS: [&str; 16] = [
    "rsvp_id",
    "event_id",
    "session_id",
    "session_title",
    "session_starts_at",
    "user_id",
    "name",
    "email",
    "status",
    "waitlist_position",
    "rsvp_at",
    "cancelled_at",
    "checked_in_at",
    "checked_out_at",
    "no_show_at",
    "walk_in",
];

/// Which RSVPs to export.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportFilter {
    pub event_id: EventId,
    pub session_id: Option<SessionId>,
    /// `None`: every status.
    pub statuses: Option<Vec<String>>,
}

impl ExportFilter {
    /// Validates ids and the comma-separated status list before anything touches the database.
    pub fn new(event_id: &str, session_id: Option<&str>, statuses: Option<&str>) -> Result<Self> {
        Ok(Self {
            event_id: event_id.parse()?,
            session_id: session_id.map(str::parse).transpose()?,
            statuses: statuses.map(parse_statuses).transpose()?,
        })
    }

    /// The WHERE clause on `session_rsvps r`.
    fn conditions(&self) -> String {
        let mut conditions = vec![format!("r.event_id = {}", literal(&self.event_id))];
        if let Some(s) = &self.session_id {
            conditions.push(format!("r.session_id = {}", literal(s)));
        }
        if let Some(list) = &self.statuses {
            let list: Vec<String> = list.iter().map(|s| literal(s)).collect();
            conditions.push(format!("r.status IN ({})", list.join(", ")));
        }
        conditions.join(" AND ")
    }

    /// The SELECT behind the export. `psql -c "\copy (QUERY) to FILE csv header"` writes the
    /// same bytes, which is what the benchmark compares against.
    pub fn query(&self) -> String {
        // The waitlist position is a running count of WAITLISTED rows in export order within
        // the session; waitlisted rows are ordered by waitlist_seq there, so it equals their
        // gapless rank. The window and the final ORDER BY share one sort key: one sort.
        format!(
            "SELECT r.id AS rsvp_id, r.event_id, r.session_id,
                    {title} AS session_title,
                    {starts} AS session_starts_at,
                    r.user_id, {name} AS name, {email} AS email, r.status,
                    CASE WHEN r.status = 'WAITLISTED'
                         THEN count(*) FILTER (WHERE r.status = 'WAITLISTED') OVER w END AS waitlist_position,
                    {rsvp_at} AS rsvp_at,
                    {cancelled_at} AS cancelled_at,
                    {checked_in_at} AS checked_in_at,
                    {checked_out_at} AS checked_out_at,
                    {no_show_at} AS no_show_at,
                    CASE WHEN r.walk_in THEN 'true' ELSE 'false' END AS walk_in
               FROM session_rsvps r
               JOIN sessions s ON s.id = r.session_id
               LEFT JOIN event_registrations g ON g.event_id = r.event_id AND g.user_id = r.user_id
              WHERE {conditions}
             WINDOW w AS (PARTITION BY s.starts_at, r.session_id
                          ORDER BY {STATUS_ORDER}, r.waitlist_seq, r.rsvp_at, r.id
                          ROWS UNBOUNDED PRECEDING)
              ORDER BY s.starts_at, r.session_id, {STATUS_ORDER}, r.waitlist_seq, r.rsvp_at, r.id",
            title = inert("s.title"),
            starts = rfc3339("s.starts_at"),
            name = inert("g.name"),
            email = inert("g.email"),
            rsvp_at = rfc3339("r.rsvp_at"),
            cancelled_at = rfc3339("r.cancelled_at"),
            checked_in_at = rfc3339("r.checked_in_at"),
            checked_out_at = rfc3339("r.checked_out_at"),
            no_show_at = rfc3339("r.no_show_at"),
            conditions = self.conditions(),
        )
    }
}

/// Parses `CONFIRMED,waitlisted` into canonical statuses; unknown or empty items are refused.
pub fn parse_statuses(list: &str) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for item in list.split(',').map(str::trim) {
        let upper = item.to_ascii_uppercase();
        match STATUSES.iter().find(|s| **s == upper) {
            Some(s) if !out.iter().any(|o| o == s) => out.push((*s).to_string()),
            Some(_) => {}
            None => {
                return Err(Error::invalid(format!(
                    "--status: unknown status {:?}; allowed are {}",
                    crate::ids::shorten(item),
                    STATUSES.join(", ")
                )));
            }
        }
    }
    Ok(out)
}

/// A SQL string literal. Ids are validated to a safe alphabet already; doubling quotes keeps
/// the statement safe even if that ever changes. (COPY takes no bind parameters.)
fn literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// OWASP CSV-injection advice: a text field starting with `=`, `+`, `-`, `@`, tab or carriage
/// return gets a leading `'`, so a spreadsheet shows it as text instead of running a formula.
pub(super) fn inert(column: &str) -> String {
    format!(
        "CASE WHEN left({column}, 1) IN ('=', '+', '-', '@', E'\\t', E'\\r') THEN '''' || {column} ELSE {column} END"
    )
}

/// RFC 3339 in UTC with seconds precision, as everywhere in capctl.
pub(super) fn rfc3339(column: &str) -> String {
    format!("to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')")
}

/// Fails with NotFound unless the event exists and, when given, the session belongs to it.
pub async fn check_filter(pool: &PgPool, filter: &ExportFilter) -> Result<()> {
    crate::catalog::events::require_event(pool, &filter.event_id).await?;
    if let Some(session) = &filter.session_id {
        let owner: Option<EventId> =
            sqlx::query_scalar("SELECT event_id FROM sessions WHERE id = $1")
                .bind(session)
                .fetch_optional(pool)
                .await?;
        match owner {
            None => return Err(Error::NotFound(Missing::Session(session.clone()))),
            Some(owner) if owner != filter.event_id => {
                return Err(Error::NotFound(Missing::SessionOfOtherEvent {
                    session: session.clone(),
                    event: filter.event_id.clone(),
                    owner,
                }));
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// How many rows an export would write (for a progress bar's length).
pub async fn count_rows(pool: &PgPool, filter: &ExportFilter) -> Result<u64> {
    // Every RSVP row is exported once (the joins are to parents), so no sort is needed here.
    let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT count(*) FROM session_rsvps r WHERE {}",
        filter.conditions()
    )))
    .fetch_one(pool)
    .await?;
    Ok(n as u64)
}

fn write_failed(e: std::io::Error) -> Error {
    Error::Internal(anyhow::Error::new(e).context("writing the CSV"))
}

/// Streams the CSV (header first) into `out` and returns the number of data rows.
/// `on_rows` is called with the running row count as rows arrive. The caller checks the
/// filter first ([`check_filter`]); an unknown event here just gives a header-only CSV.
pub async fn write_csv<W: Write + Send>(
    pool: &PgPool,
    filter: &ExportFilter,
    out: &mut W,
    on_rows: &mut (dyn FnMut(u64) + Send),
) -> Result<u64> {
    let mut conn = pool.acquire().await?;
    let result = stream_rows(&mut conn, filter, out, on_rows).await;
    if result.is_err() {
        // A query may not have been read to the end; such a connection is not reusable.
        conn.close_on_drop();
    }
    let rows = result?;
    on_rows(rows);
    Ok(rows)
}

async fn stream_rows<W: Write + Send>(
    conn: &mut sqlx::PgConnection,
    filter: &ExportFilter,
    out: &mut W,
    on_rows: &mut (dyn FnMut(u64) + Send),
) -> Result<u64> {
    use sqlx::Connection;
    let mut tx = conn.begin().await?;
    // One snapshot for every session's query: the file is the event as of one instant, like
    // the single COPY it replaces.
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute(&mut *tx)
        .await?;
    // A big export may run longer than the interactive statement timeout; it only reads.
    sqlx::query("SET LOCAL statement_timeout = 0")
        .execute(&mut *tx)
        .await?;
    let rows = super::export_rows::write_rows(&mut tx, filter, out, on_rows).await?;
    out.flush().map_err(write_failed)?;
    tx.commit().await?;
    Ok(rows)
}

/// Temporary files of [`export_to_file`] are `.capctl-export-<pid>-<random>.tmp`.
const TEMP_PREFIX: &str = ".capctl-export-";
const TEMP_SUFFIX: &str = ".tmp";

/// Removes the temporary files in `dir` that an export left when it could not clean up
/// (SIGKILL, power loss): those whose writer's PID is no longer alive, whatever their age.
/// Returns how many were removed. Errors are ignored: this is housekeeping.
pub fn remove_stale_temp_files(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(TEMP_PREFIX))
            .filter(|rest| rest.ends_with(TEMP_SUFFIX))
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if !process_alive(pid) && std::fs::remove_file(entry.path()).is_ok() {
            tracing::info!("removed stale temporary file {}", entry.path().display());
            removed += 1;
        }
    }
    removed
}

/// Whether a process with this PID exists. Where that cannot be told, every writer counts as
/// alive, so a live export's file is never removed.
fn process_alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        true
    }
}

/// What [`export_to_file`] wrote.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ExportSummary {
    pub rows: u64,
    pub output: PathBuf,
}

/// Writes the export to `path` atomically: a temporary file in the same directory, fsync, then
/// rename over `path`. On any error (unknown event, database failure, disk full, interrupted)
/// neither a partial `path` nor the temporary file is left behind. A path that cannot be
/// written (missing directory, no permission, a directory) is invalid input.
pub async fn export_to_file(
    pool: &PgPool,
    filter: &ExportFilter,
    path: &Path,
    on_rows: &mut (dyn FnMut(u64) + Send),
) -> Result<ExportSummary> {
    check_filter(pool, filter).await?;
    let cannot = |e: &dyn std::fmt::Display| {
        Error::invalid(format!("cannot write --output {}: {e}", path.display()))
    };
    if path.is_dir() {
        return Err(cannot(&"it is a directory"));
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    remove_stale_temp_files(dir);
    // Same permissions as a file made by `> FILE` (0666 minus the umask), not tempfile's 0600.
    // The name carries our PID, so a later export can tell a file whose writer is gone.
    let prefix = format!("{TEMP_PREFIX}{}-", std::process::id());
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(TEMP_SUFFIX);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    // The temporary file is removed when `tmp` is dropped: on an error, or when the caller
    // drops this future (a signal), so nothing is left behind.
    let mut tmp = builder.tempfile_in(dir).map_err(|e| {
        if !dir.exists() {
            return cannot(&format!("directory {} does not exist", dir.display()));
        }
        if !dir.is_dir() {
            return cannot(&format!("{} is not a directory", dir.display()));
        }
        if e.kind() == std::io::ErrorKind::PermissionDenied {
            return cannot(&format!("permission denied in {}", dir.display()));
        }
        // tempfile names its own path in the message; the user only knows theirs.
        let os = e.raw_os_error().map_or_else(
            || std::io::Error::from(e.kind()),
            std::io::Error::from_raw_os_error,
        );
        cannot(&format!(
            "cannot create a temporary file in {}: {os}",
            dir.display()
        ))
    })?;
    let rows = {
        let mut w = BufWriter::with_capacity(256 * 1024, tmp.as_file_mut());
        write_csv(pool, filter, &mut w, on_rows).await?
    };
    tmp.as_file().sync_all().map_err(write_failed)?;
    tmp.persist(path).map_err(|e| cannot(&e.error))?;
    // Make the rename itself durable.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(ExportSummary {
        rows,
        output: path.to_path_buf(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_parse_case_insensitively_and_refuse_unknown() {
        assert_eq!(
            parse_statuses("confirmed, WAITLISTED,confirmed").unwrap(),
            vec!["CONFIRMED", "WAITLISTED"]
        );
        let err = parse_statuses("CONFIRMED,MAYBE").unwrap_err().to_string();
        assert!(
            err.contains("\"MAYBE\"") && err.contains("EXPIRED"),
            "{err}"
        );
        assert!(parse_statuses("").is_err());
        assert!(parse_statuses("CONFIRMED,").is_err());
    }

    #[test]
    fn literals_double_quotes() {
        assert_eq!(literal("a'b"), "'a''b'");
    }
}
