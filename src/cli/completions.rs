use clap::{Args, CommandFactory};
use clap_complete::Shell;

use crate::Result;
use crate::cli::Cli;

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

/// The completion script for `shell`, as checked into `completions/`.
pub fn script(shell: Shell) -> Vec<u8> {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "capctl", &mut buf);
    buf
}
