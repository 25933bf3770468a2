//! Logging to stderr: `-v` raises the level, `RUST_LOG` overrides it.

use tracing_subscriber::EnvFilter;

pub fn init(verbose: u8) {
    let level = match verbose {
        // sqlx warns on stderr about statements over 1s (a big import or export takes that long)
        // and about broken pooled connections (the error that follows says it on one line).
        // stderr is for errors; `-vv` shows them again.
        0 => "warn,sqlx=error,sqlx_core=error",
        1 => "capctl=info",
        2 => "capctl=debug,sqlx=info",
        _ => "trace",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(level));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(
            !crate::cli::output::no_color() && std::io::IsTerminal::is_terminal(&std::io::stderr()),
        )
        .try_init();
}
