//! Things a test sets up through the binary (events, sessions, booths) and the seat commands
//! every seat test drives (`rsvp`, `cancel`, `set_capacity`), declared once.

use chrono::{Duration, Utc};

use super::cli::Capctl;
use super::{TestEnv, rfc3339};

impl TestEnv {
    /// Creates an event through the binary (2030-06-01 08:00 to 2030-06-03 18:00) and returns
    /// its id. `extra` are more flags, e.g. `&["--max-viewers", "1"]`.
    pub fn event(&self, id: &str, extra: &[&str]) -> String {
        self.capctl("event create --json --name")
            .arg("Test event")
            .args(["--id", id])
            .args(["--starts-at", "2030-06-01T08:00:00Z"])
            .args(["--ends-at", "2030-06-03T18:00:00Z"])
            .args(extra)
            .success();
        id.to_string()
    }

    /// Creates a session through the binary. `start`/`end` are hours on 2030-06-01 (e.g. 9, 10).
    pub fn session(&self, event: &str, id: &str, start: u32, end: u32, extra: &[&str]) -> String {
        self.capctl("session create --json --title")
            .arg("Test session")
            .args(["--event", event, "--id", id])
            .args(["--starts-at", &format!("2030-06-01T{start:02}:00:00Z")])
            .args(["--ends-at", &format!("2030-06-01T{end:02}:00:00Z")])
            .args(extra)
            .success();
        id.to_string()
    }

    /// A session titled "Live session" relative to now (for started and ended sessions).
    pub fn session_at(
        &self,
        event: &str,
        id: &str,
        starts: Duration,
        ends: Duration,
        extra: &[&str],
    ) {
        let now = Utc::now();
        self.capctl("session create --json --title")
            .arg("Live session")
            .args(["--event", event, "--id", id])
            .args(["--starts-at", &rfc3339(now + starts)])
            .args(["--ends-at", &rfc3339(now + ends)])
            .args(extra)
            .success();
    }

    /// Event `e1` with session `s1` (9:00 to 10:00, one seat) and users `u-0 … u-(users-1)`
    /// registered: the smallest room where the seat rules show.
    pub async fn one_seat(&self, users: usize) -> Vec<String> {
        self.event("e1", &[]);
        self.session("e1", "s1", 9, 10, &["--max-participants", "1"]);
        self.register_many("e1", "u", users).await
    }

    /// Creates a booth through the binary; `max_visitors` None is unlimited.
    pub fn booth(&self, event: &str, id: &str, max_visitors: Option<u32>) -> String {
        let mut cmd = self
            .capctl("booth create --name B")
            .args(["--event", event, "--id", id]);
        if let Some(max) = max_visitors {
            cmd = cmd.args(["--max-visitors", &max.to_string()]);
        }
        cmd.success();
        id.to_string()
    }

    /// `session rsvp --json --session SESSION --user USER`, to be run.
    pub fn rsvp(&self, session: &str, user: &str) -> Capctl<'_> {
        self.capctl("session rsvp --json")
            .args(["--session", session, "--user", user])
    }

    /// `session cancel --json --session SESSION --user USER`, to be run.
    pub fn cancel(&self, session: &str, user: &str) -> Capctl<'_> {
        self.capctl("session cancel --json")
            .args(["--session", session, "--user", user])
    }

    /// `session set-capacity --json --session SESSION EXTRA…`, to be run.
    pub fn set_capacity(&self, session: &str, extra: &[&str]) -> Capctl<'_> {
        self.capctl("session set-capacity --json")
            .args(["--session", session])
            .args(extra)
    }
}
