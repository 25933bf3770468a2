//! Human tables at a real terminal: `session list` (the organizer dashboard) rendered in tmux
//! panes of 80 and 120 columns, captured, and every line checked to fit; the header and each
//! session take one line. Each test starts its own tmux server (its own socket) and kills it.
//! Skipped, saying so, only when tmux is not installed (.ci/run installs it).

mod common;

use std::process::Command;

use common::{BIN, TestEnv, wait_until};
use sqlx::PgPool;

/// A tmux server of this test's own, killed when dropped.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn start() -> Option<Self> {
        if Command::new("tmux").arg("-V").output().is_err() {
            eprintln!(
                "SKIPPED: tmux is not installed (apt-get install -y tmux); .ci/run installs it"
            );
            return None;
        }
        Some(Self {
            socket: format!("capctl-test-{}", uuid::Uuid::new_v4().simple()),
        })
    }

    fn tmux(&self, args: &[&str]) -> std::process::Output {
        Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .output()
            .unwrap()
    }

    /// Runs `command` in a fresh detached window `width` columns wide and returns the pane's
    /// text once the command has finished.
    fn capture(&self, env: &TestEnv, width: u16, command: &str) -> String {
        self.capture_with(env, width, command, false)
    }

    /// [`Tmux::capture`] with the pane's whole history (long outputs).
    fn capture_all(&self, env: &TestEnv, width: u16, command: &str) -> String {
        self.capture_with(env, width, command, true)
    }

    fn capture_with(&self, env: &TestEnv, width: u16, command: &str, history: bool) -> String {
        let name = format!("w{width}");
        let done = format!("__done_{width}__");
        let shell = format!(
            "DATABASE_URL='{}' REDIS_URL='{}' CAPCTL_REDIS_PREFIX='{}' NO_COLOR=1 {BIN} {command}; echo {done}; sleep 600",
            env.database_url, env.redis_url, env.prefix
        );
        // The history limit is set in the same invocation as the window it applies to: a
        // server started on its own exits as soon as it finds itself without sessions, and a
        // command racing that exit fails with "server exited unexpectedly".
        let out = self.tmux(&[
            "set-option",
            "-g",
            "history-limit",
            "20000",
            ";",
            "new-session",
            "-d",
            "-s",
            &name,
            "-x",
            &width.to_string(),
            "-y",
            "50",
            &shell,
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut text = String::new();
        wait_until(
            "the command in tmux",
            std::time::Duration::from_secs(60),
            || {
                let mut args = vec!["capture-pane", "-p", "-J", "-t", &name];
                if history {
                    args.extend(["-S", "-"]);
                }
                let out = self.tmux(&args);
                text = String::from_utf8_lossy(&out.stdout).into_owned();
                text.contains(&done)
            },
        );
        let width_seen = self.tmux(&["display-message", "-p", "-t", &name, "#{pane_width}"]);
        assert_eq!(
            String::from_utf8_lossy(&width_seen.stdout).trim(),
            width.to_string()
        );
        text.split(&done).next().unwrap().to_string()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.tmux(&["kill-server"]);
    }
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn the_dashboard_fits_80_and_120_columns_one_line_per_session(pool: PgPool) {
    let Some(tmux) = Tmux::start() else { return };
    let env = TestEnv::new(pool).await;
    env.event("evt_conf", &[]);
    let sessions = [
        (
            "ses_opening_keynote",
            "Opening keynote: the state of capacity planning",
            "Main hall",
            "250",
        ),
        (
            "ses_rust_workshop",
            "Hands-on Rust workshop for operations teams",
            "Room 2",
            "30",
        ),
        ("ses_lunch", "Lunch", "Atrium", ""),
    ];
    for (i, (id, title, room, max)) in sessions.iter().enumerate() {
        let mut cmd = env
            .capctl("session create --event evt_conf --id")
            .arg(id)
            .arg("--title")
            .arg(title)
            .args(["--room", room])
            .args(["--starts-at", &format!("2030-06-01T{:02}:00:00Z", 9 + i)])
            .args(["--ends-at", &format!("2030-06-01T{:02}:30:00Z", 9 + i)]);
        if !max.is_empty() {
            cmd = cmd.args(["--max-participants", max]);
        }
        cmd.success();
    }
    for width in [80u16, 120] {
        let pane = tmux.capture(&env, width, "session list --event evt_conf");
        let lines: Vec<&str> = pane.lines().filter(|l| !l.trim().is_empty()).collect();
        for line in &lines {
            assert!(
                line.chars().count() <= usize::from(width),
                "{width} columns: a line is {} wide:\n{pane}",
                line.chars().count()
            );
        }
        // Border, header, separator, one line per session, border, summary.
        let header: Vec<&&str> = lines
            .iter()
            .filter(|l| l.contains("session") && l.contains("title"))
            .collect();
        assert_eq!(header.len(), 1, "header on one line at {width}:\n{pane}");
        for (id, ..) in sessions {
            let rows = lines.iter().filter(|l| l.contains(id)).count();
            assert_eq!(rows, 1, "{id} on one line at {width}:\n{pane}");
        }
        assert_eq!(lines.len(), 3 + sessions.len() + 2, "{width}:\n{pane}");
        assert!(pane.contains("06-01 09:00-09:30"), "compact times:\n{pane}");
        assert!(
            !pane.contains("T09:00:00Z"),
            "no RFC 3339 in the table:\n{pane}"
        );
        if width == 120 {
            assert!(
                pane.contains("Main hall") && pane.contains("room"),
                "{pane}"
            );
        }
    }
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn the_demos_tables_fit_80_and_120_columns(pool: PgPool) {
    let Some(tmux) = Tmux::start() else { return };
    let env = TestEnv::new(pool).await;
    for width in [80u16, 120] {
        let pane = tmux.capture_all(&env, width, "demo --attendees 60");
        let tables: Vec<&str> = pane
            .lines()
            .filter(|l| l.starts_with(['│', '┌', '└', '╞', '├']))
            .collect();
        assert!(
            tables.len() > 20,
            "{width}: the demo drew its tables:\n{pane}"
        );
        for line in tables {
            assert!(
                line.chars().count() <= usize::from(width),
                "{width} columns: a table line is {} wide:\n{line}\n{pane}",
                line.chars().count()
            );
        }
        // Readable ids: no 32-hex-digit generated ids in the tables.
        assert!(
            !pane
                .split(|c: char| !c.is_ascii_alphanumeric())
                .any(|w| w.len() >= 32),
            "{pane}"
        );
    }
}
