//! Failures as a contract: one line on stderr starting `capctl: error: `, nothing on stdout, the
//! exit code CLI.md documents (2 invalid, 3 full, 5 not found, 6 precondition, 7 backend), with
//! or without `--json`, never a password in the message, and nothing written.

mod common;

use common::TestEnv;
use sqlx::PgPool;

/// e1 (two attendees at most) with s1 (one seat, no waitlist) and s2 at the same time; u1 and u2
/// registered, u1 holding s1's seat.
async fn fixture(env: &TestEnv) {
    env.event("e1", &["--max-attendees", "2"]);
    env.session(
        "e1",
        "s1",
        9,
        10,
        &["--max-participants", "1", "--no-waitlist"],
    );
    env.session("e1", "s2", 9, 10, &[]);
    env.capctl("event register --event e1 --user u1").success();
    env.capctl("event register --event e1 --user u2").success();
    env.capctl("session rsvp --session s1 --user u1").success();
}

/// Runs every `(code, command line, what the error names)` with and without `--json` and checks
/// the one-line error, the code, no password, and that nothing was written.
async fn refusals(env: &TestEnv, cases: &[(i32, &str, &str)]) {
    let before = env.snapshot().await;
    for &(code, line, needle) in cases {
        for json in [false, true] {
            let mut cmd = env.capctl(line);
            if json {
                cmd = cmd.json();
            }
            let run = cmd.run();
            assert_eq!(run.code, code, "{line} (json: {json}): {run:?}");
            let run = run.error_mentions(needle);
            assert!(
                run.stderr.starts_with("capctl: error: "),
                "{line}: {}",
                run.stderr
            );
            assert!(!run.stderr.contains("hunter2"), "{}", run.stderr);
        }
    }
    assert_eq!(
        env.snapshot().await,
        before,
        "a refused command wrote something"
    );
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn failures_are_one_line_on_stderr_with_the_documented_code(pool: PgPool) {
    // 5: not found, for every kind of thing a command names
    let env = TestEnv::new(pool).await;
    fixture(&env).await;
    refusals(
        &env,
        &[
            (5, "event show nope", "not found"),
            (5, "event register --event nope --user u", "not found"),
            (
                5,
                "session create --event nope --title T \
                 --starts-at 2030-06-01T09:00:00Z --ends-at 2030-06-01T10:00:00Z",
                "not found",
            ),
            (5, "session list --event nope", "not found"),
            (5, "session rsvp --session nope --user u1", "not found"),
            (5, "session cancel --session nope --user u1", "not found"),
            (5, "session cancel --session s2 --user u1", "no rsvp"),
            (5, "session waitlist --session nope", "not found"),
            (
                5,
                "session set-capacity --session nope --max 3",
                "not found",
            ),
            (5, "schedule --event nope --user u1", "not found"),
            (5, "booth create --event nope --name B", "not found"),
            (5, "booth set-capacity --booth nope --max 3", "not found"),
            (5, "booth enter --booth nope --user u1", "not found"),
            (5, "booth visitors --booth nope", "not found"),
            (5, "stream set-limit --event nope --unlimited", "not found"),
            (5, "stream viewers --event nope", "not found"),
            (5, "export-rsvps --event nope", "not found"),
        ],
    )
    .await;
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn full_and_precondition_failures_are_exit_3_and_6(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    fixture(&env).await;
    refusals(
        &env,
        &[
            (3, "event register --event e1 --user u3", "full"),
            (3, "session rsvp --session s1 --user u2", "no waitlist"),
            (6, "session rsvp --session s2 --user u1", "--allow-overlap"),
            (
                6,
                "session rsvp --session s2 --user stranger",
                "not registered",
            ),
            (6, "session set-capacity --session s1 --max 0", "--force"),
        ],
    )
    .await;
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn invalid_arguments_are_exit_2_before_or_after_the_subcommand(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    fixture(&env).await;
    refusals(
        &env,
        &[
            (2, "session set-capacity --session s1", "--max"),
            (
                2,
                "session set-capacity --session s1 --max 2 --unlimited",
                "--unlimited",
            ),
            (
                2,
                "stream join --event e1 --viewer v --ttl soon",
                "duration",
            ),
            (
                2,
                "event create --name X \
                 --starts-at 2030-06-02T09:00:00Z --ends-at 2030-06-01T09:00:00Z",
                "2030-06-01T09:00:00Z",
            ),
            (2, "--redis-prefix a{b} stream viewers", "--redis-prefix"),
            (2, "stream viewers --redis-prefix a{b}", "--redis-prefix"),
            (2, "booth visitors --booth b --event e1", "cannot be used"),
            (2, "no-such-command", "no-such-command"),
        ],
    )
    .await;
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn a_missing_backend_is_exit_7_without_its_password(pool: PgPool) {
    // named by a flag before or after the subcommand
    let env = TestEnv::new(pool).await;
    fixture(&env).await;
    refusals(
        &env,
        &[
            (
                7,
                "--database-url postgres://u:hunter2@127.0.0.1:1/x event list",
                "PostgreSQL",
            ),
            (
                7,
                "event list --database-url postgres://u:hunter2@127.0.0.1:1/x",
                "PostgreSQL",
            ),
            (
                7,
                "stream viewers --redis-url redis://:hunter2@127.0.0.1:1",
                "Redis",
            ),
        ],
    )
    .await;
}
