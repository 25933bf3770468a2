//! Human output: a plain table and a one-line summary on stdout, no colour or progress when
//! NO_COLOR is set and stdout is a pipe; the wording of the seat answers.

mod common;

use common::TestEnv;
use sqlx::PgPool;

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn human_output_is_a_table_and_a_summary(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.one_seat(2).await;

    let ok = env.capctl("session rsvp --session s1 --user u-0").success();
    assert!(
        ok.stdout.contains("CONFIRMED") && ok.stdout.contains("u-0 has a seat in s1"),
        "{}",
        ok.stdout
    );
    let queued = env.capctl("session rsvp --session s1 --user u-1").code(4);
    assert!(
        queued
            .stdout
            .contains("u-1 is waitlisted for s1 at position 1"),
        "{}",
        queued.stdout
    );
    assert_eq!(queued.stderr.lines().count(), 1);
    let wl = env.capctl("session waitlist --session s1").success();
    assert!(
        wl.stdout.contains("s1: 1 waitlisted, 0 holding an offer"),
        "{}",
        wl.stdout
    );
    let sched = env.capctl("schedule --event e1 --user u-0").success();
    assert!(
        sched.stdout.contains("u-0: 1 session(s) on the schedule"),
        "{}",
        sched.stdout
    );
    assert_eq!(env.counters("s1").await, (1, 1));
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn human_output_is_a_plain_table_with_a_summary(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &["--max-viewers", "2"]);
    env.session("e1", "s1", 9, 10, &["--max-participants", "1"]);
    env.register_many("e1", "u", 2).await;
    env.capctl("session rsvp --session s1 --user u-0").success();
    env.capctl("stream join --event e1 --viewer v1").success();
    env.capctl("booth create --event e1 --id b1 --name B --max-visitors 1")
        .success();
    env.capctl("booth enter --booth b1 --user u-0").success();
    for (args, summary) in [
        (
            "session list --event e1",
            "1 session(s), 1 full: 1 confirmed, 0 offered, 0 waitlisted",
        ),
        (
            "stream viewers",
            "1 viewer(s) over 1 stream(s), 0 at the limit",
        ),
        (
            "booth visitors --event e1",
            "1 visitor(s) in 1 booth(s), 1 full",
        ),
        (
            "session waitlist --session s1",
            "s1: 0 waitlisted, 0 holding an offer",
        ),
        (
            "schedule --event e1 --user u-0",
            "u-0: 1 session(s) on the schedule",
        ),
        ("event list", "e1"),
        ("reconcile", "done:"),
    ] {
        let run = env.capctl(args).success();
        assert!(run.stdout.contains(summary), "{args:?}:\n{}", run.stdout);
        // NO_COLOR is set and stdout is a pipe: no escape sequences, no progress on stderr
        assert!(!run.stdout.contains('\x1b'), "{args:?}: {:?}", run.stdout);
        assert!(run.stderr.is_empty(), "{args:?}: {:?}", run.stderr);
    }
    env.event("e2", &[]);
    assert_eq!(
        env.capctl("booth visitors --event e2").success().stdout,
        "no booths\n"
    );
}
