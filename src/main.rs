use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // Settings from a .env file in the working directory, never overriding the real environment.
    let _ = dotenvy::dotenv();
    let cli = match capctl::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => return capctl::cli::report_usage_error(err),
    };
    capctl::logging::init(cli.global.verbose);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    match runtime.block_on(cli.run()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => capctl::report(&err),
    }
}
