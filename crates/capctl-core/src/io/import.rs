//! Registration import from a CSV file (`user_id,name,email`): every row is checked before
//! anything is written, then the whole file goes in through `capctl_register_many`, or nothing.

use std::cell::RefCell;
use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::rc::Rc;

use serde::Serialize;
use sqlx::PgPool;

use crate::ids::{
    EventId, UserId, shorten, text_enum, validate_email, validate_id, validate_optional_text,
};
use crate::{AtCapacity, Error, Result};

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
    pub user_id: UserId,
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
    pub event_id: EventId,
    /// Newly registered, including revived CANCELLED registrations.
    pub imported: u64,
    /// Already REGISTERED: left as they are.
    pub already_registered: u64,
    pub duplicates_in_file: u64,
    /// Data rows in the file.
    pub rows: u64,
}

/// Bytes the csv reader has taken from the file, kept from the start of the record being read:
/// the csv crate splits records and fields, and this raw copy lets [`check_quoting`] hold the
/// file to strict RFC 4180 quoting (the crate silently accepts `a"b` and `"a"b`).
#[derive(Default)]
struct Tapped {
    raw: Vec<u8>,
    /// File offset (after any BOM) of `raw[0]`.
    base: u64,
    /// Bytes read so far.
    consumed: u64,
}

/// How far the csv reader may read beyond a record's start (its buffer) before the record is
/// refused as too long: bounds what a broken file can make us buffer.
const READ_AHEAD: usize = 8 * 1024;

struct Tap<R> {
    inner: R,
    tapped: Rc<RefCell<Tapped>>,
}

impl<R: Read> Read for Tap<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let mut t = self.tapped.borrow_mut();
        if t.raw.len() > MAX_RECORD_BYTES + READ_AHEAD {
            return Err(std::io::Error::other(RecordTooLong));
        }
        let n = self.inner.read(out)?;
        t.raw.extend_from_slice(&out[..n]);
        t.consumed += n as u64;
        Ok(n)
    }
}

#[derive(Debug)]
struct RecordTooLong;

impl std::fmt::Display for RecordTooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("record too long")
    }
}

impl std::error::Error for RecordTooLong {}

/// The file as csv records, each with the line it starts on, checked for strict quoting and
/// for field and record sizes. Structural problems are returned as `line N: reason`.
struct Records<R: Read> {
    csv: csv::Reader<Tap<BufReader<R>>>,
    tapped: Rc<RefCell<Tapped>>,
    bom: u64,
    /// Line of the file at `Tapped::base` (counted here: the crate's own count skips blank lines
    /// differently from what an editor shows).
    line: u64,
    /// The last record ended in CR: a LF starting the next bytes belongs to that line end.
    after_cr: bool,
}

struct Record {
    line: u64,
    fields: Vec<Vec<u8>>,
}

impl<R: Read> Records<R> {
    fn new(reader: R) -> Self {
        let mut reader = BufReader::with_capacity(64 * 1024, reader);
        // A UTF-8 byte order mark, as spreadsheets write, is not part of the header.
        let bom = match reader.fill_buf() {
            Ok(head) if head.starts_with(b"\xEF\xBB\xBF") => 3,
            _ => 0,
        };
        reader.consume(bom);
        let tapped = Rc::new(RefCell::new(Tapped::default()));
        let csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .buffer_capacity(READ_AHEAD)
            .from_reader(Tap {
                inner: reader,
                tapped: Rc::clone(&tapped),
            });
        Self {
            csv,
            tapped,
            bom: bom as u64,
            line: 1,
            after_cr: false,
        }
    }

    fn consumed(&self) -> u64 {
        self.bom + self.tapped.borrow().consumed
    }

    /// Bytes from the end of the last record, less the LF of a CR LF it ended with.
    fn unread<'a>(&self, raw: &'a [u8]) -> &'a [u8] {
        match raw.strip_prefix(b"\n") {
            Some(rest) if self.after_cr => rest,
            _ => raw,
        }
    }

    /// The next non-blank record, or None at the end of the file.
    fn next_record(&mut self) -> Result<Option<Record>> {
        let mut record = csv::ByteRecord::new();
        let more = self.csv.read_byte_record(&mut record).map_err(|e| {
            let t = self.tapped.borrow();
            let (line, raw) = skip_blank_lines(self.line, self.unread(&t.raw));
            match e.kind() {
                csv::ErrorKind::Io(io) if io.get_ref().is_some_and(|i| i.is::<RecordTooLong>()) => {
                    match check_quoting(line, raw, false) {
                        Err(e) => e,
                        Ok(()) => malformed(
                            line,
                            format!("the row is longer than {MAX_RECORD_BYTES} bytes"),
                        ),
                    }
                }
                csv::ErrorKind::Io(io) => Error::invalid(format!("cannot read line {line}: {io}")),
                _ => malformed(line, e),
            }
        })?;
        if !more {
            return Ok(None);
        }
        let end = self.csv.position().byte();
        let mut t = self.tapped.borrow_mut();
        let to = (end - t.base) as usize;
        let (line, raw) = skip_blank_lines(self.line, self.unread(&t.raw[..to]));
        check_quoting(line, raw, true)?;
        self.line = line + line_ends(raw);
        self.after_cr = raw.last() == Some(&b'\r');
        t.raw.drain(..to);
        t.base = end;
        Ok(Some(Record {
            line,
            fields: record.iter().map(<[u8]>::to_vec).collect(),
        }))
    }
}

/// Line ends in raw bytes: LF, CR LF or a lone CR (the csv crate's terminators).
fn line_ends(raw: &[u8]) -> u64 {
    raw.iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && raw.get(i + 1) != Some(&b'\n')))
        .count() as u64
}

fn malformed(line: u64, what: impl std::fmt::Display) -> Error {
    Error::invalid(format!("line {line}: {what}"))
}

/// Skips the blank lines the csv reader skipped before a record, counting them.
fn skip_blank_lines(mut line: u64, mut raw: &[u8]) -> (u64, &[u8]) {
    while let Some(rest) = raw
        .strip_prefix(b"\r\n")
        .or_else(|| raw.strip_prefix(b"\n"))
        .or_else(|| raw.strip_prefix(b"\r"))
    {
        line += 1;
        raw = rest;
    }
    (line, raw)
}

/// Strict RFC 4180 quoting over one record's raw bytes (`complete` = the record ended): `"`
/// only around whole fields and doubled inside them, and the field and record size caps.
fn check_quoting(line: u64, raw: &[u8], complete: bool) -> Result<()> {
    #[derive(PartialEq)]
    enum S {
        Start,
        Plain,
        Quoted,
        QuoteSeen,
    }
    let mut state = S::Start;
    let (mut field, mut field_len, mut newlines) = (1usize, 0usize, 0u64);
    for (i, &b) in raw.iter().enumerate() {
        let here = line + newlines;
        match (&state, b) {
            (S::Quoted, b'"') => state = S::QuoteSeen,
            (S::Quoted, _) => field_len += 1,
            (_, b'\n' | b'\r') => break,
            (_, b',') => (state, field, field_len) = (S::Start, field + 1, 0),
            (S::Start, b'"') => state = S::Quoted,
            (S::QuoteSeen, b'"') => (state, field_len) = (S::Quoted, field_len + 1),
            (S::Plain, b'"') => {
                return Err(malformed(
                    here,
                    "a quote inside an unquoted field (quote the whole field and double inner quotes: \"a \"\"b\"\"\")",
                ));
            }
            (S::QuoteSeen, other) => {
                return Err(malformed(
                    here,
                    format!(
                        "unexpected {:?} after a closing quote (a field is either fully quoted or not at all)",
                        char::from(other)
                    ),
                ));
            }
            (S::Start | S::Plain, _) => (state, field_len) = (S::Plain, field_len + 1),
        }
        if b == b'\n' {
            newlines += 1;
        }
        if field_len > MAX_FIELD_BYTES {
            return Err(malformed(
                line,
                format!("field {field} is longer than {MAX_FIELD_BYTES} bytes"),
            ));
        }
        if i >= MAX_RECORD_BYTES {
            return Err(malformed(
                line,
                format!("the row is longer than {MAX_RECORD_BYTES} bytes"),
            ));
        }
    }
    if complete && state == S::Quoted {
        return Err(malformed(
            line,
            "a quoted field is never closed (unbalanced \")",
        ));
    }
    Ok(())
}

/// Checks one data row; `Err` is the reason, without the line number.
fn check_row(
    fields: &[Vec<u8>],
) -> std::result::Result<(UserId, Option<String>, Option<String>), String> {
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
    // Checked under the file's column name, so the message says `user_id`.
    validate_id("user_id", user_id).map_err(|e| e.to_string())?;
    let user_id: UserId = user_id.parse().map_err(|e: Error| e.to_string())?;
    let name = validate_optional_text("name", Some(text[1])).map_err(|e| e.to_string())?;
    let email = validate_email(Some(text[2])).map_err(|e| e.to_string())?;
    Ok((user_id, name, email))
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
    let mut csv = Records::new(reader);
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
    let mut seen: HashSet<UserId> = HashSet::new();
    let mut bad: Vec<String> = Vec::new();
    let mut bad_count = 0usize;
    let mut total_rows = 0u64;
    let mut duplicates_in_file = 0u64;
    while let Some(record) = csv.next_record().map_err(in_file)? {
        total_rows += 1;
        if total_rows.is_multiple_of(1000) {
            on_bytes(csv.consumed());
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
    on_bytes(csv.consumed());
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

text_enum! {
    /// What `capctl_register_many` did.
    enum RegisterManyResult {
        Ok = "OK",
        Full = "FULL",
        NotFound = "NOT_FOUND",
    }
}

#[derive(sqlx::FromRow)]
struct RegisterManyRow {
    #[sqlx(try_from = "String")]
    outcome: RegisterManyResult,
    new_registrations: i32,
    already_registered: i32,
    registered: Option<i64>,
    max_attendees: Option<i32>,
}

/// Registers every row for the event, or none: one call of `capctl_register_many`, the SQL
/// function `event register` goes through too (one home for the cap and the upsert). Users
/// already REGISTERED are left as they are; CANCELLED registrations are revived (and count as
/// imported). Concurrent registrations and imports serialize on the event row and together
/// never overshoot `max_attendees`; a file that would is refused whole.
pub async fn import_registrations(
    pool: &PgPool,
    event_id: &EventId,
    parsed: &ParsedRegistrations,
) -> Result<ImportReport> {
    register_all(pool, event_id, parsed, Commit::Yes).await
}

/// Whether an import keeps what it did (`No`: a dry run, rolled back at the end).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Commit {
    Yes,
    No,
}

async fn register_all(
    pool: &PgPool,
    event_id: &EventId,
    parsed: &ParsedRegistrations,
    commit: Commit,
) -> Result<ImportReport> {
    let user_ids: Vec<&str> = parsed.rows.iter().map(|r| r.user_id.as_str()).collect();
    let names: Vec<Option<&str>> = parsed.rows.iter().map(|r| r.name.as_deref()).collect();
    let emails: Vec<Option<&str>> = parsed.rows.iter().map(|r| r.email.as_deref()).collect();

    let mut tx = pool.begin().await?;
    // A large file may take longer than the interactive statement timeout; it is one unit.
    sqlx::query("SET LOCAL statement_timeout = 0")
        .execute(&mut *tx)
        .await?;
    let row: RegisterManyRow = sqlx::query_as("SELECT * FROM capctl_register_many($1, $2, $3, $4)")
        .bind(event_id)
        .bind(&user_ids)
        .bind(&names)
        .bind(&emails)
        .fetch_one(&mut *tx)
        .await?;
    match row.outcome {
        RegisterManyResult::Ok => {}
        RegisterManyResult::NotFound => {
            return Err(crate::catalog::events::event_not_found(event_id));
        }
        RegisterManyResult::Full => {
            return Err(Error::Full(AtCapacity::Import {
                event: event_id.clone(),
                new: row.new_registrations.into(),
                registered: row.registered.unwrap_or_default(),
                max: row.max_attendees.unwrap_or_default().into(),
            }));
        }
    }
    match commit {
        Commit::Yes => tx.commit().await?,
        Commit::No => tx.rollback().await?,
    }
    Ok(ImportReport {
        event_id: event_id.clone(),
        imported: row.new_registrations as u64,
        already_registered: row.already_registered as u64,
        duplicates_in_file: parsed.duplicates_in_file,
        rows: parsed.total_rows,
    })
}

/// Checks the event, reads and checks the file, then imports it (see [`import_registrations`]).
pub async fn import_file(
    pool: &PgPool,
    event_id: &EventId,
    path: &Path,
    on_bytes: &mut dyn FnMut(u64),
) -> Result<ImportReport> {
    import_file_with(pool, event_id, path, on_bytes, Commit::Yes).await
}

/// [`import_file`], kept (`Commit::Yes`) or rolled back at the end (`Commit::No`, a dry run:
/// every check and the same SQL call, nothing left behind).
pub async fn import_file_with(
    pool: &PgPool,
    event_id: &EventId,
    path: &Path,
    on_bytes: &mut dyn FnMut(u64),
    commit: Commit,
) -> Result<ImportReport> {
    crate::catalog::events::require_event(pool, event_id).await?;
    let file = std::fs::File::open(path)
        .map_err(|e| Error::invalid(format!("cannot read {}: {e}", path.display())))?;
    let parsed = parse_registrations(file, &path.display().to_string(), on_bytes)?;
    register_all(pool, event_id, &parsed, commit).await
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
