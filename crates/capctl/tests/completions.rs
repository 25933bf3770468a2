//! The completion scripts in completions/ must match what the binary generates.
//! Regenerate with `CAPCTL_UPDATE_COMPLETIONS=1 cargo test --test completions`.

use clap_complete::Shell;

fn file_for(shell: Shell) -> &'static str {
    match shell {
        Shell::Bash => "completions/capctl.bash",
        Shell::Zsh => "completions/_capctl",
        Shell::Fish => "completions/capctl.fish",
        Shell::PowerShell => "completions/_capctl.ps1",
        Shell::Elvish => "completions/capctl.elv",
        _ => unreachable!("no file for {shell}"),
    }
}

#[test]
fn checked_in_completions_are_current() {
    let update = std::env::var_os("CAPCTL_UPDATE_COMPLETIONS").is_some();
    let mut stale = Vec::new();
    for shell in [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::PowerShell,
        Shell::Elvish,
    ] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../..")
            .join(file_for(shell));
        let out = assert_cmd::Command::new(env!("CARGO_BIN_EXE_capctl"))
            .args(["completions", &shell.to_string()])
            .output()
            .unwrap();
        assert!(out.status.success());
        let generated = out.stdout;
        if update {
            std::fs::write(&path, &generated).unwrap();
        } else if std::fs::read(&path).ok().as_deref() != Some(&generated[..]) {
            stale.push(file_for(shell));
        }
    }
    assert!(
        stale.is_empty(),
        "stale completion files {stale:?}: run `CAPCTL_UPDATE_COMPLETIONS=1 cargo test --test completions`"
    );
}

#[test]
fn completions_command_needs_no_backend() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = assert_cmd::Command::new(env!("CARGO_BIN_EXE_capctl"))
            .args(["completions", shell])
            .env("DATABASE_URL", "postgres://nobody@127.0.0.1:1/nothing")
            .env("REDIS_URL", "redis://127.0.0.1:1")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{shell}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("capctl"));
    }
}
