//! README.md's command examples, followed top to bottom as a new user would: every line of the
//! `sh` blocks under "## Commands" runs against a fresh database and succeeds. Lines that never
//! end by themselves (`--watch`), take minutes (`bench`, `demo`) or write outside the working
//! directory (`completions`, `scripts/`) are left out.

mod common;

use common::{BIN, TestEnv};
use sqlx::PgPool;

/// The example lines of README's "## Commands" section, continuations (`\`) joined and
/// trailing comments dropped.
fn example_lines() -> Vec<String> {
    let readme = include_str!("../../../README.md");
    let start = readme
        .find("\n## Commands")
        .expect("README has a Commands section");
    let rest = &readme[start + 1..];
    let section = &rest[..rest[3..].find("\n## ").map_or(rest.len(), |i| i + 3)];
    let mut lines = Vec::new();
    let mut in_sh = false;
    let mut pending = String::new();
    for line in section.lines() {
        if line.starts_with("```") {
            in_sh = !in_sh && line == "```sh";
            continue;
        }
        if !in_sh || line.trim().is_empty() {
            continue;
        }
        let code = line.find(" #").map_or(line, |i| &line[..i]).trim_end();
        match code.strip_suffix('\\') {
            Some(head) => pending.push_str(head),
            None => {
                pending.push_str(code);
                lines.push(std::mem::take(&mut pending).trim().to_string());
            }
        }
    }
    lines
}

fn runnable(line: &str) -> bool {
    let skipped = [
        "--watch",
        "capctl bench",
        "capctl --json bench",
        "capctl demo",
    ];
    !(line.starts_with("scripts/")
        || line.starts_with("capctl completions")
        || skipped.iter().any(|s| line.contains(s)))
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn readme_examples_run_in_order(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    let lines: Vec<String> = example_lines()
        .into_iter()
        .filter(|l| runnable(l))
        .collect();
    assert!(
        lines.len() > 30,
        "the README should show many commands, found {lines:?}"
    );
    let dir = tempfile::tempdir().unwrap();
    let bin_dir = std::path::Path::new(BIN).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for line in &lines {
        let out = std::process::Command::new("sh")
            .args(["-c", line])
            .current_dir(dir.path())
            .env_clear()
            .env("PATH", &path)
            .env("DATABASE_URL", &env.database_url)
            .env("REDIS_URL", &env.redis_url)
            .env("CAPCTL_REDIS_PREFIX", &env.prefix)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "README example failed ({}): {line}\nstdout: {}\nstderr: {}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // What the examples built is there: the keynote and panel, the booth, the export files.
    assert_eq!(
        env.count("SELECT count(*) FROM sessions WHERE id IN ('ses_keynote', 'ses_panel')")
            .await,
        2
    );
    assert_eq!(
        env.count("SELECT count(*) FROM expo_booths WHERE id = 'booth_acme'")
            .await,
        1
    );
    assert_eq!(
        env.count(
            "SELECT count(*) FROM event_registrations WHERE user_id IN ('u123', 'u200', 'u201')"
        )
        .await,
        3
    );
    for file in ["attendees.csv", "u123.ics", "rsvps.csv"] {
        assert!(dir.path().join(file).exists(), "{file} was not written");
    }
}
