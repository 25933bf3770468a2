//! Rendering: comfy-table for people, one JSON document for scripts. Stdout only carries results.

use std::io::{IsTerminal, Write};
use std::sync::OnceLock;

use comfy_table::presets::{ASCII_FULL_CONDENSED, UTF8_FULL_CONDENSED};
use comfy_table::{Cell, ContentArrangement, Table};
use serde::Serialize;

use capctl_core::Result;

#[derive(Debug, Clone, Copy)]
pub struct Output {
    pub json: bool,
}

impl Output {
    /// Prints `value` as one JSON document, or the human rendering.
    pub fn emit<T: Serialize + ?Sized>(
        &self,
        value: &T,
        human: impl FnOnce() -> String,
    ) -> Result<()> {
        self.print(value, human, serde_json::to_string_pretty)
    }

    /// One compact JSON object per line (watch modes), or the human rendering.
    pub fn emit_line<T: Serialize + ?Sized>(
        &self,
        value: &T,
        human: impl FnOnce() -> String,
    ) -> Result<()> {
        self.print(value, human, serde_json::to_string)
    }

    /// [`Output::emit`] for a command that may be a dry run: the same JSON plus
    /// `"dry_run": true`, and a last human line saying nothing was changed.
    pub fn emit_maybe_dry<T: Serialize>(
        &self,
        value: &T,
        dry_run: bool,
        human: impl FnOnce() -> String,
    ) -> Result<()> {
        #[derive(Serialize)]
        struct Dry<'a, T> {
            #[serde(flatten)]
            value: &'a T,
            #[serde(skip_serializing_if = "std::ops::Not::not")]
            dry_run: bool,
        }
        self.emit(&Dry { value, dry_run }, || {
            let text = human();
            if dry_run {
                with_summary(text, "dry run: nothing was changed")
            } else {
                text
            }
        })
    }

    fn print<T: Serialize + ?Sized>(
        &self,
        value: &T,
        human: impl FnOnce() -> String,
        to_json: fn(&T) -> serde_json::Result<String>,
    ) -> Result<()> {
        let text = if self.json {
            to_json(value).map_err(anyhow::Error::from)?
        } else {
            human()
        };
        print_line(&text)
    }
}

fn print_line(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    // A closed pipe (`capctl … | head`) is not an error worth a stack of messages.
    match writeln!(out, "{text}").and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.map_err(|e| anyhow::Error::from(e).into()),
    }
}

/// `--color` and `--quiet`, set once at start.
static STYLE: OnceLock<(crate::cli::ColorWhen, bool)> = OnceLock::new();

pub fn init_style(color: crate::cli::ColorWhen, quiet: bool) {
    let _ = STYLE.set((color, quiet));
}

fn color_when() -> crate::cli::ColorWhen {
    STYLE.get().map_or(crate::cli::ColorWhen::Auto, |s| s.0)
}

/// `--quiet`: results only, no summaries, progress bars or warnings.
pub fn quiet() -> bool {
    STYLE.get().is_some_and(|s| s.1)
}

/// Whether a stream that is (or is not) a terminal gets ANSI colour: `--color always` yes,
/// `never` no, `auto` on a terminal unless NO_COLOR is set.
pub fn color_for(terminal: bool) -> bool {
    match color_when() {
        crate::cli::ColorWhen::Always => true,
        crate::cli::ColorWhen::Never => false,
        crate::cli::ColorWhen::Auto => terminal && !no_color(),
    }
}

/// A table with the house style: box drawing, colour and width only when stdout is a terminal;
/// plain ASCII when it is piped or redirected (grep, awk and old terminals read it as is).
pub fn table<I, S>(header: I) -> Table
where
    I: IntoIterator<Item = S>,
    S: Into<Cell>,
{
    let mut t = Table::new();
    let terminal = std::io::stdout().is_terminal();
    t.load_preset(if terminal {
        UTF8_FULL_CONDENSED
    } else {
        ASCII_FULL_CONDENSED
    })
    .set_content_arrangement(ContentArrangement::Dynamic);
    let color = color_for(terminal);
    if color {
        t.enforce_styling();
    } else {
        t.force_no_tty();
    }
    t.set_header(header.into_iter().map(|h| {
        let cell: Cell = h.into();
        if color {
            cell.add_attribute(comfy_table::Attribute::Bold)
        } else {
            cell
        }
    }));
    t
}

/// `NO_COLOR` set to anything but the empty string (https://no-color.org).
pub fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// `-` for an absent value, `∞` for an absent limit.
pub fn or_dash<T: ToString>(v: Option<T>) -> String {
    v.map_or_else(|| "-".into(), |v| v.to_string())
}

pub fn or_unlimited<T: ToString>(v: Option<T>) -> String {
    v.map_or_else(|| "unlimited".into(), |v| v.to_string())
}

/// RFC 3339 with a `Z`, seconds precision: what CLI.md promises.
pub fn ts(t: &chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A result with its summary line under it; `--quiet` keeps the result only.
pub fn with_summary(result: impl std::fmt::Display, summary: impl std::fmt::Display) -> String {
    if quiet() {
        result.to_string()
    } else {
        format!("{result}\n{summary}")
    }
}

/// A compact time span for tables (UTC): `06-01 09:00-10:00`, the end's date only when it is
/// another day. Full RFC 3339 (with the year) stays in --json and CSV.
pub fn span(start: &chrono::DateTime<chrono::Utc>, end: &chrono::DateTime<chrono::Utc>) -> String {
    let end_text = if end.date_naive() == start.date_naive() {
        end.format("%H:%M").to_string()
    } else {
        end.format("%m-%d %H:%M").to_string()
    };
    format!("{}-{end_text}", start.format("%m-%d %H:%M"))
}

/// True when progress bars and spinners may be drawn (stderr is a terminal).
pub fn progress_allowed() -> bool {
    !quiet() && std::io::stderr().is_terminal()
}
