//! Logging to stderr, as text or (`--log-format json`) one JSON object per line: `-v` raises
//! the level, `RUST_LOG` overrides it. Every line goes through
//! [`capctl_core::config::redact`], so no log line (of capctl or of a library) shows a password.

use std::io::Write;

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

pub fn init(verbose: u8, format: crate::cli::LogFormat, color: crate::cli::ColorWhen) {
    let level = match verbose {
        // sqlx warns on stderr about statements over 1s (a big import or export takes that long)
        // and about broken pooled connections (the error that follows says it on one line).
        // The Redis Cluster client warns about each seed or node it cannot reach, which a
        // command that then succeeds (or fails with its own one line) need not repeat.
        // stderr is for errors; `-vv` shows them again.
        0 => "warn,sqlx=error,sqlx_core=error,redis=error",
        1 => "capctl=info",
        2 => "capctl=debug,sqlx=info",
        _ => "trace",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(level));
    let ansi = match color {
        crate::cli::ColorWhen::Always => true,
        crate::cli::ColorWhen::Never => false,
        crate::cli::ColorWhen::Auto => {
            !crate::cli::output::no_color() && std::io::IsTerminal::is_terminal(&std::io::stderr())
        }
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(RedactedStderr);
    let _ = match format {
        crate::cli::LogFormat::Text => builder.with_ansi(ansi).try_init(),
        // One object per line: time, level, target, fields (message included), the span list.
        crate::cli::LogFormat::Json => builder.json().with_ansi(false).try_init(),
    };
}

/// Hands out one buffer per log event; the event is redacted whole when it is dropped, so a
/// URL split across several writes is still seen as one.
struct RedactedStderr;

impl<'a> MakeWriter<'a> for RedactedStderr {
    type Writer = RedactedLine;

    fn make_writer(&'a self) -> Self::Writer {
        RedactedLine(Vec::new())
    }
}

struct RedactedLine(Vec<u8>);

impl Write for RedactedLine {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for RedactedLine {
    fn drop(&mut self) {
        if self.0.is_empty() {
            return;
        }
        let text = capctl_core::config::redact(&String::from_utf8_lossy(&self.0));
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
    }
}
