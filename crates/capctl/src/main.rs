//! capctl: read the settings (flags, env, `.env`, `capctl.toml`), parse, run, print the error
//! once on stderr, exit with its code.

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

mod cli;
mod logging;
mod settings_file;

fn main() -> ExitCode {
    // Settings from a .env file in the working directory, never overriding the real environment.
    let dotenv = settings_file::load_dotenv();
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let command = cli::Cli::command();
    let file = match settings_file::load(&args, &command) {
        Ok(file) => file,
        Err(line) => {
            eprintln!(
                "capctl: error: {}",
                capctl_core::config::redact(&line).replace('\n', " ")
            );
            return ExitCode::from(2);
        }
    };
    let mut command = settings_file::apply(command, &file);
    let matches = match command.try_get_matches_from_mut(&args) {
        Ok(m) => m,
        Err(err) => return cli::report_usage_error(err),
    };
    let mut cli = match cli::Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(err) => return cli::report_usage_error(err.with_cmd(&command)),
    };
    cli.adopt_file_defaults(&matches);
    // Only `config show` prints the effective settings; working them out builds every command's
    // flags, a third of a one-shot command's own CPU.
    if matches!(cli.command, cli::Command::Config(_)) {
        cli.effective = settings_file::effective(&command, &matches, &file, &dotenv);
    }
    // The command tree and the parse are not used past this point. Left to the exit: freeing
    // them one by one costs a one-shot command more than everything it does before connecting.
    std::mem::forget((command, matches));
    logging::init(cli.global.verbose, cli.global.log_format, cli.global.color);
    cli::output::init_style(cli.global.color, cli.global.quiet);
    let mut runtime = if cli.one_shot() {
        tokio::runtime::Builder::new_current_thread()
    } else {
        tokio::runtime::Builder::new_multi_thread()
    };
    let runtime = runtime.enable_all().build().expect("tokio runtime");
    let code = match runtime.block_on(cli.run()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => cli::report(&err),
    };
    // A command stopped by a signal may leave a blocking read behind; do not wait for it.
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    code
}
