//! The command tree. One module per command group; each leaf is an `Args` struct with `run()`.
//! Commands parse, call the library, render. No rule lives here.

use clap::{Args, Parser, Subcommand};

use capctl_core::Result;
use capctl_core::backends::Backends;
use capctl_core::config::{
    DEFAULT_DATABASE_URL, DEFAULT_REDIS_PREFIX, DEFAULT_REDIS_URL, Settings,
};
use std::time::Duration;

pub mod args;
pub mod bench;
pub mod booth;
pub mod completions;
pub mod config;
pub mod demo;
pub mod doctor;
pub mod door;
pub mod event;
pub mod export;
pub mod fit;
pub mod manpages;
pub mod migrate;
pub mod outbox;
pub mod output;
pub mod reconcile;
pub mod reminders;
pub mod schedule;
pub mod session;
pub mod signals;
pub mod stream;

pub use output::Output;

#[derive(Debug, Parser)]
#[command(
    name = "capctl",
    version,
    about = "Capacity enforcement for events: session RSVPs and waitlists, schedules, booth and stream limits",
    long_about = None,
    propagate_version = true,
    after_help = "Exit codes: 0 done, 1 internal error, 2 invalid input, 3 at capacity, 4 waitlisted, \
                  5 not found, 6 precondition failed, 7 backend unreachable or a wait ran out, \
                  8 drift found, 129/130/143 stopped by SIGHUP/SIGINT/SIGTERM"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
    /// Every setting a `capctl.toml` may hold: its value and where it came from.
    #[arg(skip)]
    pub effective: Vec<crate::settings_file::Effective>,
}

/// Options every command takes, shown under their own heading in every `--help`.
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// PostgreSQL URL
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL, global = true,
          hide_env_values = true, value_name = "URL")]
    pub database_url: String,
    /// Redis URL
    #[arg(long, env = "REDIS_URL", default_value = DEFAULT_REDIS_URL, global = true,
          hide_env_values = true, value_name = "URL")]
    pub redis_url: String,
    /// Prefix of every Redis key capctl writes
    #[arg(long, env = "CAPCTL_REDIS_PREFIX", default_value = DEFAULT_REDIS_PREFIX, global = true, value_name = "P")]
    pub redis_prefix: String,
    /// Print one JSON document on stdout instead of tables
    #[arg(long, global = true)]
    pub json: bool,
    /// More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    /// Longest wait for a connection to PostgreSQL or Redis
    #[arg(long, env = "CAPCTL_CONNECT_TIMEOUT", default_value = "5s", global = true,
          value_parser = args::duration_arg, value_name = "DUR")]
    pub connect_timeout: Duration,
    /// Longest a PostgreSQL statement may run (bulk import and export are exempt)
    #[arg(long, env = "CAPCTL_STATEMENT_TIMEOUT", default_value = "30s", global = true,
          value_parser = args::duration_arg, value_name = "DUR")]
    pub statement_timeout: Duration,
    /// Longest wait for a row another PostgreSQL client has locked
    #[arg(long, env = "CAPCTL_LOCK_TIMEOUT", default_value = "10s", global = true,
          value_parser = args::duration_arg, value_name = "DUR")]
    pub lock_timeout: Duration,
    /// Longest wait for Redis to answer one command
    #[arg(long, env = "CAPCTL_REDIS_TIMEOUT", default_value = "5s", global = true,
          value_parser = args::duration_arg, value_name = "DUR")]
    pub redis_timeout: Duration,
    /// Read settings from this TOML file [default: $XDG_CONFIG_HOME/capctl/capctl.toml]
    #[arg(long, env = "CAPCTL_CONFIG", global = true, value_name = "FILE")]
    pub config: Option<std::path::PathBuf>,
    /// Results only: no summaries, progress bars or warnings
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Colour in tables and logs: auto (a terminal and no NO_COLOR), always, never
    #[arg(long, env = "CAPCTL_COLOR", value_enum, default_value_t = ColorWhen::Auto,
          global = true, value_name = "WHEN")]
    pub color: ColorWhen,
    /// Log lines on stderr as text, or as one JSON object each (for daemons)
    #[arg(long, env = "CAPCTL_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text,
          global = true, value_name = "FORMAT")]
    pub log_format: LogFormat,
}

/// `--color`: when tables and logs carry ANSI colour and styles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorWhen {
    /// When the stream is a terminal and NO_COLOR is unset or empty
    Auto,
    /// Always, even piped and over NO_COLOR
    Always,
    /// Never
    Never,
}

/// `--log-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// One human line per event
    Text,
    /// One JSON object per line (tracing-subscriber's JSON format)
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create or upgrade the database schema
    Migrate(migrate::MigrateArgs),
    /// Events and their registrations
    #[command(subcommand)]
    Event(event::EventCommand),
    /// Sessions, RSVPs, waitlists and capacities
    #[command(subcommand)]
    Session(session::SessionCommand),
    /// A user's personal schedule for an event
    Schedule(schedule::ScheduleArgs),
    /// Expo booths and their visitors
    #[command(subcommand)]
    Booth(booth::BoothCommand),
    /// Viewers of an event's live stream
    #[command(subcommand)]
    Stream(stream::StreamCommand),
    /// Export RSVPs as CSV
    ExportRsvps(export::ExportArgs),
    /// Repair counters, expire leases and offers; --check only reports
    Reconcile(reconcile::ReconcileArgs),
    /// Notifications of seat changes: list them, deliver them to a webhook
    #[command(subcommand)]
    Outbox(outbox::OutboxCommand),
    /// Queue one reminder per confirmed RSVP of sessions starting soon (once each)
    Reminders(reminders::RemindersArgs),
    /// Build a demo event and walk through every rule
    Demo(demo::DemoArgs),
    /// Measure throughput and latency, then check invariants
    #[command(subcommand)]
    Bench(bench::BenchCommand),
    /// Print a shell completion script
    Completions(completions::CompletionsArgs),
    /// Check both backends, the schema, the Redis scripts, the clocks and the cached limits
    Doctor(doctor::DoctorArgs),
    /// The effective settings and where each came from
    #[command(subcommand)]
    Config(config::ConfigCommand),
    /// Write the man pages into a directory (packaging)
    #[command(hide = true)]
    Manpages(manpages::ManpagesArgs),
}

impl Cli {
    /// A `metrics_addr` from `capctl.toml` is for the daemon: a one-off `reconcile` pass ignores
    /// it (the flag itself still needs --watch).
    pub fn adopt_file_defaults(&mut self, matches: &clap::ArgMatches) {
        if let Command::Reconcile(args) = &mut self.command {
            let typed = matches
                .subcommand_matches("reconcile")
                .and_then(|m| m.value_source("metrics_addr"))
                .is_some_and(|s| s != clap::parser::ValueSource::DefaultValue);
            if !args.watch && !typed {
                args.metrics_addr = None;
            }
        }
    }

    pub fn settings(&self) -> Settings {
        Settings {
            database_url: self.global.database_url.clone(),
            redis_url: self.global.redis_url.clone(),
            redis_prefix: self.global.redis_prefix.clone(),
            connect_timeout: self.global.connect_timeout,
            statement_timeout: self.global.statement_timeout,
            lock_timeout: self.global.lock_timeout,
            redis_timeout: self.global.redis_timeout,
        }
    }

    /// Watchers stop by themselves on a signal (finishing the step under way, exit 0); every
    /// other command is dropped by the run loop when a signal comes.
    fn stops_by_itself(&self) -> bool {
        match &self.command {
            Command::Reconcile(args) => args.watch,
            Command::Stream(stream::StreamCommand::Viewers(args)) => args.watch,
            Command::Outbox(outbox::OutboxCommand::List(args)) => args.follow,
            Command::Outbox(outbox::OutboxCommand::Deliver(args)) => args.watch,
            _ => false,
        }
    }

    /// One-shot commands run on a current-thread runtime: no worker threads to start, no work
    /// handed between threads. Daemons, followers, bulk and benchmark commands keep the
    /// multi-thread runtime.
    pub fn one_shot(&self) -> bool {
        !self.stops_by_itself()
            && matches!(
                self.command,
                Command::Session(_)
                    | Command::Booth(_)
                    | Command::Stream(_)
                    | Command::Schedule(_)
                    | Command::Migrate(_)
                    | Command::Completions(_)
                    | Command::Manpages(_)
            )
    }

    pub fn output(&self) -> Output {
        Output {
            json: self.global.json,
        }
    }

    /// Runs the command, raced against the first of SIGINT, SIGTERM and SIGHUP (the one race
    /// against signals): a signal drops the command, which rolls back its transaction and
    /// removes its temporary files, and the result is [`capctl_core::Error::Interrupted`].
    pub async fn run(self) -> Result<()> {
        let stops_by_itself = self.stops_by_itself();
        signals::listen((!stops_by_itself).then_some(signals::GRACE))?;
        let settings = self.settings();
        let result = if stops_by_itself {
            self.dispatch(&settings).await
        } else {
            tokio::select! {
                biased;
                result = self.dispatch(&settings) => result,
                signal = signals::received() => Err(capctl_core::Error::Interrupted(signal)),
            }
        };
        result.map_err(|e| e.with_wait_limits(&settings))
    }

    async fn dispatch(self, settings: &Settings) -> Result<()> {
        let out = self.output();
        // Commands that need no backend return before any settings are checked or used.
        if let Command::Completions(args) = &self.command {
            return args.run();
        }
        if let Command::Config(cmd) = &self.command {
            return cmd.run(&self.effective, out);
        }
        if let Command::Manpages(args) = &self.command {
            return args.run();
        }
        let settings = settings.clone();
        settings.validate()?;
        match self.command {
            Command::Completions(_) | Command::Config(_) | Command::Manpages(_) => {
                unreachable!("handled above")
            }
            Command::Migrate(args) => args.run(&settings, out).await,
            command => {
                let backends = Backends::new(settings);
                let result = match command {
                    Command::Event(cmd) => cmd.run(&backends, out).await,
                    Command::Session(cmd) => cmd.run(&backends, out).await,
                    Command::Schedule(args) => args.run(&backends, out).await,
                    Command::Booth(cmd) => cmd.run(&backends, out).await,
                    Command::Stream(cmd) => cmd.run(&backends, out).await,
                    Command::ExportRsvps(args) => args.run(&backends, out).await,
                    Command::Reconcile(args) => args.run(&backends, out).await,
                    Command::Outbox(cmd) => cmd.run(&backends, out).await,
                    Command::Reminders(args) => args.run(&backends, out).await,
                    Command::Demo(args) => args.run(&backends, out).await,
                    Command::Bench(cmd) => cmd.run(&backends, out).await,
                    Command::Doctor(args) => args.run(&backends, out).await,
                    Command::Completions(_)
                    | Command::Config(_)
                    | Command::Manpages(_)
                    | Command::Migrate(_) => {
                        unreachable!("handled above")
                    }
                };
                backends.close().await;
                result
            }
        }
    }
}

/// `--max N` or `--unlimited`, exactly one: shared by every set-capacity command.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct LimitArgs {
    /// New limit
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub max: Option<i64>,
    /// Remove the limit
    #[arg(long)]
    pub unlimited: bool,
}

impl LimitArgs {
    /// `None` means unlimited.
    pub fn limit(&self) -> Option<i64> {
        if self.unlimited { None } else { self.max }
    }
}

/// Help and version go to stdout with exit 0; a usage error becomes one line on stderr, exit 2.
pub fn report_usage_error(err: clap::Error) -> std::process::ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        err.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
    ) {
        let _ = err.print();
        return std::process::ExitCode::SUCCESS;
    }
    if err.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        let _ = err.print();
        return std::process::ExitCode::from(2);
    }
    let rendered = err.render().to_string();
    let line = rendered
        .lines()
        .take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more information"))
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let line = line.strip_prefix("error: ").unwrap_or(&line);
    eprintln!(
        "capctl: error: {} (see --help)",
        capctl_core::config::redact(line)
    );
    std::process::ExitCode::from(2)
}

/// Prints an error once on stderr, as one line, and returns its exit code.
pub fn report(err: &capctl_core::Error) -> std::process::ExitCode {
    eprintln!("capctl: error: {}", error_line(err));
    err.to_exit_code()
}

/// The one rendering of an error: one line, each text once, the CLI's advice appended, every
/// password redacted.
pub fn error_line(err: &capctl_core::Error) -> String {
    let text = match err {
        capctl_core::Error::Internal(e) => chain_once(e.chain()),
        other => other.to_string(),
    };
    capctl_core::config::redact(&format!("{text}{}", hint(err))).replace('\n', " ")
}

/// An error and its causes as `outer: inner: root`, each text once: a cause whose text the
/// line already holds (sqlx's "error returned from database: X" over X, a context that quotes
/// its source) adds nothing and is left out.
fn chain_once<'a>(chain: impl Iterator<Item = &'a (dyn std::error::Error + 'static)>) -> String {
    let mut line = String::new();
    for cause in chain {
        let text = cause.to_string();
        let text = text.trim();
        if text.is_empty() || line.contains(text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(text);
    }
    line
}

/// What the user can do about a refusal, in the CLI's own words (flags and commands).
fn hint(err: &capctl_core::Error) -> std::borrow::Cow<'static, str> {
    use capctl_core::error::{Backend, Wait};
    use capctl_core::{Error, Missing};
    if let Error::NotFound(Missing::EventIsSession { owner, .. }) = err {
        return format!("; use --event {owner}").into();
    }
    let advice = match err {
        Error::NotRegistered { .. } => "; register first with `capctl event register`",
        Error::Overlap { .. } => "; pass --allow-overlap to confirm anyway",
        Error::BelowTaken { .. } => {
            "; pass --force to set it anyway (nobody is removed, nobody new is admitted until below)"
        }
        Error::BadUrl { backend, .. } => match backend {
            Backend::Postgres => "; check --database-url (or DATABASE_URL, .env)",
            Backend::Redis => "; check --redis-url (or REDIS_URL, .env)",
        },
        Error::Timeout { wait, .. } => match wait {
            Wait::PostgresConnect | Wait::RedisConnect => {
                "; set --connect-timeout (CAPCTL_CONNECT_TIMEOUT) to wait longer"
            }
            Wait::Statement => {
                "; set --statement-timeout (CAPCTL_STATEMENT_TIMEOUT) to wait longer"
            }
            Wait::Lock => "; set --lock-timeout (CAPCTL_LOCK_TIMEOUT) to wait longer",
            Wait::RedisResponse => "; set --redis-timeout (CAPCTL_REDIS_TIMEOUT) to wait longer",
        },
        _ => "",
    };
    advice.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cause_already_in_the_line_is_not_repeated() {
        let err = capctl_core::Error::Internal(
            anyhow::anyhow!("canceling statement due to lock timeout")
                .context("error returned from database: canceling statement due to lock timeout")
                .context("database error"),
        );
        assert_eq!(
            error_line(&err),
            "database error: error returned from database: canceling statement due to lock timeout"
        );
    }
}
