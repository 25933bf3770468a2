//! capctl: parse, run, print the error once on stderr, exit with its code.

use std::process::ExitCode;

use clap::Parser;

mod cli;
mod logging;

fn main() -> ExitCode {
    // Settings from a .env file in the working directory, never overriding the real environment.
    let _ = dotenvy::dotenv();
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => return cli::report_usage_error(err),
    };
    logging::init(cli.global.verbose);
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
