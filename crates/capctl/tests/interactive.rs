//! At a terminal, `session set-capacity` below the seats taken asks (default No) instead of
//! refusing outright. `script` gives the command a real pseudo-terminal.

mod common;

use common::TestEnv;
use sqlx::PgPool;

fn at_terminal(env: &TestEnv, command: &str, answer: &str) -> common::Run {
    let out = std::process::Command::new("script")
        .args(["-qec", command, "/dev/null"])
        .env("DATABASE_URL", &env.database_url)
        .env("CAPCTL_REDIS_PREFIX", &env.prefix)
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(answer.as_bytes())?;
            child.wait_with_output()
        })
        .expect("script(1) runs");
    common::Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn forcing_a_capacity_cut_is_asked_at_a_terminal(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("evt_i", &[]);
    env.session("evt_i", "ses_i", 9, 10, &["--max-participants", "2"]);
    for u in env.register_many("evt_i", "u", 2).await {
        env.capctl(format!("session rsvp --session ses_i --user {u}"))
            .success();
    }
    let cmd = format!(
        "{} session set-capacity --session ses_i --max 1",
        common::BIN
    );
    let cap = || async {
        sqlx::query_scalar::<_, Option<i32>>(
            "SELECT maximum_capacity FROM session_capacity WHERE session_id = 'ses_i'",
        )
        .fetch_one(&env.pool)
        .await
        .unwrap()
    };

    // The default is No: Enter alone refuses, exit 6, nothing changed.
    let no = at_terminal(&env, &cmd, "\n");
    assert_eq!(no.code, 6, "{no:?}");
    assert!(no.stdout.contains("Set it anyway?"), "{no:?}");
    assert_eq!(cap().await, Some(2));

    let yes = at_terminal(&env, &cmd, "y\n");
    assert_eq!(yes.code, 0, "{yes:?}");
    assert_eq!(cap().await, Some(1));
    assert_eq!(
        env.count("SELECT count(*) FROM session_rsvps WHERE status = 'CONFIRMED'")
            .await,
        2
    );

    // Without a terminal nothing is asked: the documented exit 6.
    env.capctl("session set-capacity --session ses_i --max 0")
        .refused(6, "--force");
}
