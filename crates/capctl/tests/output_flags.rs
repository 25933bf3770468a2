//! `--quiet` (results only), `--color auto|always|never` beside NO_COLOR, and
//! `--log-format json` (one JSON object per log line, passwords still redacted).

mod common;

use common::TestEnv;
use sqlx::PgPool;

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn quiet_prints_results_without_summaries(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &[]);
    env.session("e1", "s1", 9, 10, &["--max-participants", "2"]);
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("r.csv");
    std::fs::write(&csv, "user_id,name,email\nu1,,\n").unwrap();
    for (line, summary) in [
        ("session list --event e1", "session(s)"),
        ("reconcile", "done:"),
        (
            "session set-capacity --session s1 --max 3",
            "capacity of s1 set",
        ),
        (
            "session set-capacity --session s1 --max 4 --dry-run",
            "dry run",
        ),
    ] {
        let loud = env.capctl(line).success();
        assert!(loud.stdout().contains(summary), "{line}: {}", loud.stdout());
        let quiet = env.capctl(format!("{line} --quiet")).success();
        assert!(
            !quiet.stdout().contains(summary),
            "{line}: {}",
            quiet.stdout()
        );
        assert!(
            quiet.stdout().contains("+-"),
            "the table stays: {}",
            quiet.stdout()
        );
        assert!(quiet.stderr().is_empty(), "{}", quiet.stderr());
    }
    let quiet = env
        .capctl("-q event import-registrations --event e1")
        .arg(&csv)
        .success();
    assert!(!quiet.stdout().contains("imported 1"), "{}", quiet.stdout());
    assert_eq!(
        env.count("SELECT count(*) FROM event_registrations").await,
        1
    );
    // --json is untouched by --quiet.
    let json = env
        .capctl("session list --event e1 --quiet --json")
        .success()
        .json();
    assert_eq!(json[0]["session_id"], "s1");
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn color_always_never_and_auto_beside_no_color(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &[]);
    env.session("e1", "s1", 9, 10, &[]);
    let has_escape = |run: &common::Run| run.stdout().contains('\x1b');
    // Piped, NO_COLOR set by the harness: auto and never are plain; always colours anyway.
    assert!(!has_escape(
        &env.capctl("session list --event e1").success()
    ));
    assert!(!has_escape(
        &env.capctl("session list --event e1 --color never")
            .success()
    ));
    assert!(has_escape(
        &env.capctl("session list --event e1 --color always")
            .success()
    ));
    // Without NO_COLOR, auto still follows the terminal: a pipe is plain.
    assert!(!has_escape(
        &env.capctl("session list --event e1 --color auto")
            .env_remove("NO_COLOR")
            .success()
    ));
    // The setting comes from CAPCTL_COLOR too, and the flag beats it.
    assert!(has_escape(
        &env.capctl("session list --event e1")
            .env("CAPCTL_COLOR", "always")
            .success()
    ));
    assert!(!has_escape(
        &env.capctl("session list --event e1 --color never")
            .env("CAPCTL_COLOR", "always")
            .success()
    ));
    env.capctl("session list --event e1 --color sometimes")
        .refused(2, "sometimes");
    // JSON never carries colour.
    let json = env
        .capctl("session list --event e1 --color always --json")
        .success();
    assert!(!has_escape(&json));
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn json_logs_are_one_object_per_line_and_redacted(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    let run = env.capctl("-v --log-format json doctor").success();
    let lines: Vec<&str> = run.stderr().lines().collect();
    assert_eq!(lines.len(), 6, "{}", run.stderr());
    for line in &lines {
        let v: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert_eq!(v["level"], "INFO");
        assert_eq!(v["fields"]["message"], "health check");
        assert!(
            v["timestamp"].is_string() && v["fields"]["check"].is_string(),
            "{line}"
        );
    }
    // The text format is the default.
    let text = env.capctl("-v doctor").success();
    assert!(text.stderr().contains("INFO") && !text.stderr().starts_with('{'));
    // A password in a logged error stays hidden in JSON too.
    let run = env
        .capctl("-v --log-format json doctor")
        .env("REDIS_URL", "redis://:Sekr3t@127.0.0.1:1")
        .code(7);
    assert!(!run.stderr().contains("Sekr3t") && !run.stdout().contains("Sekr3t"));
    for line in run.stderr().lines().filter(|l| l.starts_with('{')) {
        serde_json::from_str::<serde_json::Value>(line).unwrap();
    }
    env.capctl("--log-format xml doctor").refused(2, "xml");
}
