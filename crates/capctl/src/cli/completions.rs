use clap::{Args, CommandFactory};
use clap_complete::Shell;

use crate::cli::Cli;
use capctl_core::Result;

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// bash, zsh, fish, powershell or elvish
    pub shell: Shell,
}

impl CompletionsArgs {
    pub fn run(&self) -> Result<()> {
        clap_complete::generate(
            self.shell,
            &mut Cli::command(),
            "capctl",
            &mut std::io::stdout(),
        );
        Ok(())
    }
}
