//! Registration import from a CSV file (`user_id,name,email`): every row is checked before
//! anything is written, then the whole file goes in one transaction, or nothing does.

use std::collections::HashSet;
use std::io::{BufReader, Read};
use std::path::Path;

use serde::Serialize;
use sqlx::PgPool;

use crate::ids::{shorten, validate_email, validate_id, validate_optional_text};
use crate::{Error, Result};

/// The only header accepted (case, surrounding spaces and a UTF-8 BOM are tolerated).
pub const HEADER: [&str; 3] = ["user_id", "name", "email"];
/// A field longer than this cannot be valid (ids are ≤128, names and emails ≤200 characters).
pub const MAX_FIELD_BYTES: usize = 1024;
/// A record longer than this is refused before it is buffered any further.
pub const MAX_RECORD_BYTES: usize = 64 * 1024;
/// How many bad rows the error message lists before saying "and N more".
const LISTED_BAD_ROWS: usize = 10;

/// One valid data row of the file.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRow {
    /// Line of the file the row starts on (the header is line 1).
    pub line: u64,
    pub user_id: String,
    pub name: Option<String>,
    pub email: Option<String>,
}

/// A file that passed every check: unique users in file order, and what was dropped.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedRegistrations {
    pub rows: Vec<ImportRow>,
    /// Data rows in the file, duplicates included.
    pub total_rows: u64,
    /// Rows repeating a user id seen earlier in the file (the first one wins).
    pub duplicates_in_file: u64,
}

/// What an import did.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ImportReport {
    pub event_id: String,
    /// Newly registered, including revived CANCELLED registrations.
    pub imported: u64,
    /// Already REGISTERED: left as they are.
    pub already_registered: u64,
    pub duplicates_in_file: u64,
    /// Data rows in the file.
    pub rows: u64,
}

/// A strict RFC 4180 reader: `"` only around whole fields (doubled inside), CRLF or LF line
/// ends, blank lines skipped, field and record sizes capped so a broken file cannot make it
/// buffer megabytes. Fields stay bytes; UTF-8 is checked per row so the row can be reported.
struct CsvReader<R: Read> {
    bytes: std::iter::Peekable<std::io::Bytes<BufReader<R>>>,
    line: u64,
    consumed: u64,
}

struct Record {
    line: u64,
    fields: Vec<Vec<u8>>,
}

impl<R: Read> CsvReader<R> {
    fn new(reader: R) -> Self {
        Self {
            bytes: BufReader::with_capacity(64 * 1024, reader)
                .bytes()
                .peekable(),
            line: 1,
            consumed: 0,
        }
    }

    fn next_byte(&mut self) -> Result<Option<u8>> {
        match self.bytes.next() {
            None => Ok(None),
            Some(Ok(b)) => {
                self.consumed += 1;
                Ok(Some(b))
            }
            Some(Err(e)) => Err(Error::invalid(format!(
                "cannot read line {}: {e}",
                self.line
            ))),
        }
    }

    /// True (and consumed) when the next byte is `\n`: a CR LF line end.
    fn crlf(&mut self) -> bool {
        if matches!(self.bytes.peek(), Some(Ok(b'\n'))) {
            self.bytes.next();
            self.consumed += 1;
            true
        } else {
            false
        }
    }

    fn malformed(&self, line: u64, what: impl std::fmt::Display) -> Error {
        Error::invalid(format!("line {line}: {what}"))
    }

    /// The next non-blank record, or None at the end of the file.
    fn next_record(&mut self) -> Result<Option<Record>> {
        loop {
            let start = self.line;
            let mut fields: Vec<Vec<u8>> = Vec::with_capacity(3);
            let mut field: Vec<u8> = Vec::new();
            let mut record_len = 0usize;
            let mut quoted_any = false;
            // States: start of field, unquoted, inside quotes, just after a quote inside quotes.
            #[derive(PartialEq)]
            enum S {
                Start,
                Plain,
                Quoted,
                QuoteSeen,
            }
            let mut state = S::Start;
            let ended_at_eof;
            loop {
                let Some(b) = self.next_byte()? else {
                    if state == S::Quoted {
                        return Err(
                            self.malformed(start, "a quoted field is never closed (unbalanced \")")
                        );
                    }
                    ended_at_eof = true;
                    break;
                };
                let newline = b == b'\n' || (b == b'\r' && state != S::Quoted && self.crlf());
                match state {
                    S::Start | S::Plain | S::QuoteSeen if newline => {
                        self.line += 1;
                        ended_at_eof = false;
                        break;
                    }
                    S::Start | S::Plain | S::QuoteSeen if b == b',' => {
                        fields.push(std::mem::take(&mut field));
                        state = S::Start;
                        continue;
                    }
                    S::Start if b == b'"' => {
                        quoted_any = true;
                        state = S::Quoted;
                        continue;
                    }
                    S::Plain if b == b'"' => {
                        return Err(self.malformed(
                            self.line,
                            "a quote inside an unquoted field (quote the whole field and double inner quotes: \"a \"\"b\"\"\")",
                        ));
                    }
                    S::QuoteSeen if b == b'"' => state = S::Quoted,
                    S::QuoteSeen => {
                        return Err(self.malformed(
                            self.line,
                            format!(
                                "unexpected {:?} after a closing quote (a field is either fully quoted or not at all)",
                                char::from(b)
                            ),
                        ));
                    }
                    S::Quoted if b == b'"' => {
                        state = S::QuoteSeen;
                        continue;
                    }
                    S::Quoted => {
                        if b == b'\n' {
                            self.line += 1;
                        }
                    }
                    S::Start | S::Plain => state = S::Plain,
                }
                field.push(b);
                record_len += 1;
                if field.len() > MAX_FIELD_BYTES {
                    return Err(self.malformed(
                        start,
                        format!(
                            "field {} is longer than {MAX_FIELD_BYTES} bytes",
                            fields.len() + 1
                        ),
                    ));
                }
                if record_len > MAX_RECORD_BYTES {
                    return Err(self.malformed(
                        start,
                        format!("the row is longer than {MAX_RECORD_BYTES} bytes"),
                    ));
                }
            }
            let blank = fields.is_empty() && field.is_empty() && !quoted_any;
            if blank {
                if ended_at_eof {
                    return Ok(None);
                }
                continue;
            }
            fields.push(field);
            return Ok(Some(Record {
                line: start,
                fields,
            }));
        }
    }
}

/// Checks one data row; `Err` is the reason, without the line number.
fn check_row(
    fields: &[Vec<u8>],
) -> std::result::Result<(String, Option<String>, Option<String>), String> {
    if fields.len() != HEADER.len() {
        return Err(format!(
            "{} fields, expected {} ({})",
            fields.len(),
            HEADER.len(),
            HEADER.join(",")
        ));
    }
    let text: Vec<&str> = fields
        .iter()
        .map(|f| std::str::from_utf8(f))
        .collect::<std::result::Result<_, _>>()
        .map_err(|_| "not valid UTF-8 (save the file as UTF-8)".to_string())?;
    let user_id = text[0].trim();
    validate_id("user_id", user_id).map_err(|e| e.to_string())?;
    let name = validate_optional_text("name", Some(text[1])).map_err(|e| e.to_string())?;
    let email = validate_email(Some(text[2])).map_err(|e| e.to_string())?;
    Ok((user_id.to_string(), name, email))
}

/// Reads and checks a whole registration file. `source` names it in messages; `on_bytes` gets
/// the running count of bytes read. Structural problems (bad quoting, a huge field, no header)
/// stop at the first; row problems are all collected and reported in one line.
pub fn parse_registrations<R: Read>(
    reader: R,
    source: &str,
    on_bytes: &mut dyn FnMut(u64),
) -> Result<ParsedRegistrations> {
    let in_file = |e: Error| match e {
        Error::InvalidInput(m) => Error::invalid(format!("{source}: {m}; nothing imported")),
        other => other,
    };
    let mut csv = CsvReader::new(reader);
    // A UTF-8 byte order mark, as spreadsheets write, is not part of the header.
    let bom = [0xEF, 0xBB, 0xBF]
        .iter()
        .take_while(|m| {
            csv.bytes
                .next_if(|b| matches!(b, Ok(x) if x == *m))
                .is_some()
        })
        .count();
    csv.consumed += bom as u64;
    let Some(header) = csv.next_record().map_err(in_file)? else {
        return Err(Error::invalid(format!(
            "{source} is empty: expected the header {} and one row per attendee",
            HEADER.join(",")
        )));
    };
    let names: Vec<String> = header
        .fields
        .iter()
        .map(|f| String::from_utf8_lossy(f).trim().to_ascii_lowercase())
        .collect();
    if names != HEADER {
        let got = header
            .fields
            .iter()
            .map(|f| String::from_utf8_lossy(f).into_owned())
            .collect::<Vec<_>>()
            .join(",");
        return Err(Error::invalid(format!(
            "{source}: line {}: the header must be {} (got {:?}); nothing imported",
            header.line,
            HEADER.join(","),
            shorten(&got)
        )));
    }
    let mut rows = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut bad: Vec<String> = Vec::new();
    let mut bad_count = 0usize;
    let mut total_rows = 0u64;
    let mut duplicates_in_file = 0u64;
    while let Some(record) = csv.next_record().map_err(in_file)? {
        total_rows += 1;
        if total_rows.is_multiple_of(1000) {
            on_bytes(csv.consumed);
        }
        match check_row(&record.fields) {
            Err(reason) => {
                bad_count += 1;
                if bad.len() < LISTED_BAD_ROWS {
                    bad.push(format!("line {}: {reason}", record.line));
                }
            }
            Ok((user_id, name, email)) => {
                if seen.contains(&user_id) {
                    duplicates_in_file += 1;
                } else {
                    seen.insert(user_id.clone());
                    rows.push(ImportRow {
                        line: record.line,
                        user_id,
                        name,
                        email,
                    });
                }
            }
        }
    }
    on_bytes(csv.consumed);
    if bad_count > 0 {
        let more = if bad_count > bad.len() {
            format!("; and {} more", bad_count - bad.len())
        } else {
            String::new()
        };
        let noun = if bad_count == 1 { "row" } else { "rows" };
        return Err(Error::invalid(format!(
            "{source}: {bad_count} bad {noun}, nothing imported: {}{more}",
            bad.join("; ")
        )));
    }
    Ok(ParsedRegistrations {
        rows,
        total_rows,
        duplicates_in_file,
    })
}

/// Registers every row for the event in one transaction, or none. Users already REGISTERED are
/// left as they are; CANCELLED registrations are revived (and count as imported). The event
/// row is locked as [`crate::catalog::events::register`] locks it, so concurrent registrations and
/// imports cannot together overshoot `max_attendees`; a file that would is refused whole.
pub async fn import_registrations(
    pool: &PgPool,
    event_id: &str,
    parsed: &ParsedRegistrations,
) -> Result<ImportReport> {
    validate_id("event id", event_id)?;
    let user_ids: Vec<&str> = parsed.rows.iter().map(|r| r.user_id.as_str()).collect();
    let names: Vec<Option<&str>> = parsed.rows.iter().map(|r| r.name.as_deref()).collect();
    let emails: Vec<Option<&str>> = parsed.rows.iter().map(|r| r.email.as_deref()).collect();

    let mut tx = pool.begin().await?;
    // A large file may take longer than the interactive statement timeout; it is one unit.
    sqlx::query("SET LOCAL statement_timeout = 0")
        .execute(&mut *tx)
        .await?;
    let max_attendees = crate::catalog::events::lock_for_registrations(&mut tx, event_id).await?;
    let (registered, already): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM event_registrations WHERE event_id = $1 AND status = 'REGISTERED'),
                (SELECT count(*) FROM event_registrations r
                   JOIN unnest($2::text[]) AS u(user_id) ON r.user_id = u.user_id
                  WHERE r.event_id = $1 AND r.status = 'REGISTERED')",
    )
    .bind(event_id)
    .bind(&user_ids)
    .fetch_one(&mut *tx)
    .await?;
    let new = user_ids.len() as i64 - already;
    if let Some(max) = max_attendees {
        let max = i64::from(max);
        if registered + new > max {
            return Err(Error::full(format!(
                "importing would register {new} new attendees but event {event_id:?} has {} of {max} places left: {} over max_attendees; nothing imported",
                (max - registered).max(0),
                registered + new - max
            )));
        }
    }
    let imported = sqlx::query(
        "INSERT INTO event_registrations AS r (event_id, user_id, name, email, status)
         SELECT $1, u.user_id, u.name, u.email, 'REGISTERED'
           FROM unnest($2::text[], $3::text[], $4::text[]) AS u(user_id, name, email)
         ON CONFLICT (event_id, user_id) DO UPDATE
            SET status = 'REGISTERED', registered_at = now(),
                name = COALESCE(EXCLUDED.name, r.name),
                email = COALESCE(EXCLUDED.email, r.email)
          WHERE r.status <> 'REGISTERED'",
    )
    .bind(event_id)
    .bind(&user_ids)
    .bind(&names)
    .bind(&emails)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if imported as i64 != new {
        // Impossible under the event lock; refuse rather than commit a surprise.
        return Err(Error::Internal(anyhow::anyhow!(
            "import expected {new} new registrations but wrote {imported}; nothing imported"
        )));
    }
    tx.commit().await?;
    Ok(ImportReport {
        event_id: event_id.to_string(),
        imported,
        already_registered: already as u64,
        duplicates_in_file: parsed.duplicates_in_file,
        rows: parsed.total_rows,
    })
}

/// Checks the event, reads and checks the file, then imports it (see [`import_registrations`]).
pub async fn import_file(
    pool: &PgPool,
    event_id: &str,
    path: &Path,
    on_bytes: &mut dyn FnMut(u64),
) -> Result<ImportReport> {
    crate::catalog::events::require_event(pool, event_id).await?;
    let file = std::fs::File::open(path)
        .map_err(|e| Error::invalid(format!("cannot read {}: {e}", path.display())))?;
    let parsed = parse_registrations(file, &path.display().to_string(), on_bytes)?;
    import_registrations(pool, event_id, &parsed).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &[u8]) -> Result<ParsedRegistrations> {
        parse_registrations(text, "f.csv", &mut |_| {})
    }

    #[test]
    fn reads_quoted_fields_bom_crlf_and_blank_lines() {
        let p = parse(
            b"\xEF\xBB\xBF User_ID , Name,EMAIL\r\nu1,\"Doe, Jane \"\"JD\"\"\",j@x.io\r\n\r\nu2,,\nu1,again,\n",
        )
        .unwrap();
        assert_eq!(p.total_rows, 3);
        assert_eq!(p.duplicates_in_file, 1);
        assert_eq!(p.rows[0].name.as_deref(), Some("Doe, Jane \"JD\""));
        assert_eq!(p.rows[1].line, 4);
        assert_eq!(p.rows[1].name, None);
    }

    #[test]
    fn refuses_malformed_files() {
        for (text, needle) in [
            (&b""[..], "empty"),
            (b"user,name,email\n", "header"),
            (b"user_id,name\n", "header"),
            (b"user_id,name,email\nu1,\"open,x\n", "never closed"),
            (b"user_id,name,email\nu1,a\"b,x\n", "quote inside"),
            (
                b"user_id,name,email\nu1,\"a\"b,x\n",
                "after a closing quote",
            ),
            (b"user_id,name,email\nu1,\xff,x\n", "UTF-8"),
            (b"user_id,name,email\nu1\n", "1 fields"),
        ] {
            let err = parse(text).unwrap_err().to_string();
            assert!(
                err.contains(needle),
                "{:?}: {err}",
                String::from_utf8_lossy(text)
            );
        }
        let huge = format!(
            "user_id,name,email\nu1,{},x\n",
            "a".repeat(MAX_FIELD_BYTES + 1)
        );
        assert!(
            parse(huge.as_bytes())
                .unwrap_err()
                .to_string()
                .contains("line 2: field 2")
        );
    }

    #[test]
    fn lists_at_most_ten_bad_rows() {
        let mut text = String::from("user_id,name,email\n");
        for _ in 0..12 {
            text.push_str(",x,\n");
        }
        let err = parse(text.as_bytes()).unwrap_err().to_string();
        assert!(
            err.contains("12 bad rows") && err.contains("and 2 more"),
            "{err}"
        );
        assert!(!err.contains('\n'));
    }
}
