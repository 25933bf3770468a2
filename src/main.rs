use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = match capctl::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return capctl::cli::usage_error(e),
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
