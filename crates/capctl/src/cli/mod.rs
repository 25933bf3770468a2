//! The command tree. One module per command group; each leaf is an `Args` struct with `run()`.
//! Commands parse, call the library, render. No rule lives here.

use clap::{Args, Parser, Subcommand};

use capctl_core::Result;
use capctl_core::backends::Backends;
use capctl_core::config::{
    DEFAULT_DATABASE_URL, DEFAULT_REDIS_PREFIX, DEFAULT_REDIS_URL, Settings,
};

pub mod args;
pub mod bench;
pub mod booth;
pub mod completions;
pub mod demo;
pub mod event;
pub mod export;
pub mod migrate;
pub mod output;
pub mod reconcile;
pub mod schedule;
pub mod session;
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
                  5 not found, 6 precondition failed, 7 backend unreachable, 8 drift found"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
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
    /// Build a demo event and walk through every rule
    Demo(demo::DemoArgs),
    /// Measure throughput and latency, then check invariants
    #[command(subcommand)]
    Bench(bench::BenchCommand),
    /// Print a shell completion script
    Completions(completions::CompletionsArgs),
}

impl Cli {
    pub fn settings(&self) -> Settings {
        Settings {
            database_url: self.global.database_url.clone(),
            redis_url: self.global.redis_url.clone(),
            redis_prefix: self.global.redis_prefix.clone(),
            ..Settings::default()
        }
    }

    pub fn output(&self) -> Output {
        Output {
            json: self.global.json,
        }
    }

    pub async fn run(self) -> Result<()> {
        let out = self.output();
        // Commands that need no backend return before any settings are checked or used.
        if let Command::Completions(args) = &self.command {
            return args.run();
        }
        let settings = self.settings();
        settings.validate()?;
        match self.command {
            Command::Completions(_) => unreachable!("handled above"),
            Command::Migrate(args) => args.run(&settings, out).await,
            command => {
                let backends = Backends::new(settings);
                match command {
                    Command::Event(cmd) => cmd.run(&backends, out).await,
                    Command::Session(cmd) => cmd.run(&backends, out).await,
                    Command::Schedule(args) => args.run(&backends, out).await,
                    Command::Booth(cmd) => cmd.run(&backends, out).await,
                    Command::Stream(cmd) => cmd.run(&backends, out).await,
                    Command::ExportRsvps(args) => args.run(&backends, out).await,
                    Command::Reconcile(args) => args.run(&backends, out).await,
                    Command::Demo(args) => args.run(&backends, out).await,
                    Command::Bench(cmd) => cmd.run(&backends, out).await,
                    Command::Completions(_) | Command::Migrate(_) => unreachable!("handled above"),
                }
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
    let text = match err {
        capctl_core::Error::Internal(e) => format!("{e:#}"),
        other => other.to_string(),
    };
    let line = capctl_core::config::redact(&format!("{text}{}", hint(err))).replace('\n', " ");
    eprintln!("capctl: error: {line}");
    err.to_exit_code()
}

/// What the user can do about a refusal, in the CLI's own words (flags and commands).
fn hint(err: &capctl_core::Error) -> &'static str {
    use capctl_core::Error;
    match err {
        Error::NotRegistered { .. } => "; register first with `capctl event register`",
        Error::Overlap { .. } => "; pass --allow-overlap to confirm anyway",
        Error::BelowTaken { .. } => {
            "; pass --force to set it anyway (nobody is removed, nobody new is admitted until below)"
        }
        _ => "",
    }
}
