//! `capctl export-rsvps`: CSV shape, quoting, order, filters, formula neutralisation, atomic
//! `--output`, and flat memory on a large export.

mod common;

use std::path::Path;

use common::{BIN, TestEnv, file_names};
use sqlx::PgPool;

const HEADER: &str = "rsvp_id,event_id,session_id,session_title,session_starts_at,user_id,name,email,status,waitlist_position,rsvp_at,cancelled_at,checked_in_at,checked_out_at,no_show_at,walk_in";

fn records(csv_text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv_text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

async fn set_title(env: &TestEnv, session: &str, title: &str) {
    sqlx::query("UPDATE sessions SET title = $2 WHERE id = $1")
        .bind(session)
        .bind(title)
        .execute(&env.pool)
        .await
        .unwrap();
}

/// Event `ev` with three sessions: `s-late` at 11:00, `s-b` and `s-a` both at 09:00 (capacity 2),
/// and in `s-a`: u1 confirmed, u2 cancelled, u3 offered (u2's seat), u4 and u5 waitlisted.
async fn fixture(env: &TestEnv) {
    env.event("ev", &[]);
    env.session("ev", "s-late", 11, 12, &[]);
    env.session("ev", "s-b", 9, 10, &[]);
    env.session("ev", "s-a", 9, 10, &["--max-participants", "2"]);
    set_title(env, "s-a", "Rust, \"fearless\" & Zoë's talk").await;
    env.register_named("ev", "u1", "Doe, Jane", Some("jane@example.com"))
        .await;
    env.register_named("ev", "u2", "He said \"hi\"", None).await;
    env.register_named("ev", "u3", "Zoë Çelik 日本", Some("zoe@example.org"))
        .await;
    env.register_named("ev", "u4", "Plain Four", None).await;
    env.register_named("ev", "u5", "Plain Five", None).await;
    for u in ["u1", "u2", "u3", "u4", "u5"] {
        env.rsvp_in_sql("s-a", u).await;
    }
    env.cancel_in_sql("s-a", "u2").await;
    assert_eq!(env.rsvp_in_sql("s-late", "u1").await, "CONFIRMED");
    assert_eq!(env.rsvp_in_sql("s-b", "u4").await, "CONFIRMED");
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn export_has_header_columns_rfc4180_quoting_and_stable_order(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    fixture(&env).await;
    let run = env.capctl("export-rsvps --event ev").success();
    assert!(
        run.stderr.is_empty(),
        "nothing on stderr when piped: {:?}",
        run.stderr
    );
    assert_eq!(run.stdout.lines().next().unwrap(), HEADER);
    // RFC 4180: fields with commas or quotes are quoted, inner quotes doubled, UTF-8 kept.
    assert!(
        run.stdout.contains(r#""Rust, ""fearless"" & Zoë's talk""#),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains(r#""Doe, Jane""#));
    assert!(run.stdout.contains(r#""He said ""hi""""#));
    assert!(run.stdout.contains(",Zoë Çelik 日本,"));
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn export_orders_rows_by_session_start_then_status(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    fixture(&env).await;
    let run = env.capctl("export-rsvps --event ev").success();
    let rows = records(&run.stdout);
    assert_eq!(rows[0].join(","), HEADER);
    let got: Vec<(String, String, String, String)> = rows[1..]
        .iter()
        .map(|r| (r[2].clone(), r[5].clone(), r[8].clone(), r[9].clone()))
        .collect();
    let want = [
        // 09:00 sessions by id; inside one: confirmed, offered, waitlisted by place, cancelled.
        ("s-a", "u1", "CONFIRMED", ""),
        ("s-a", "u3", "OFFERED", ""),
        ("s-a", "u4", "WAITLISTED", "1"),
        ("s-a", "u5", "WAITLISTED", "2"),
        ("s-a", "u2", "CANCELLED", ""),
        ("s-b", "u4", "CONFIRMED", ""),
        ("s-late", "u1", "CONFIRMED", ""),
    ];
    let want: Vec<(String, String, String, String)> = want
        .iter()
        .map(|(a, b, c, d)| (a.to_string(), b.to_string(), c.to_string(), d.to_string()))
        .collect();
    assert_eq!(got, want);
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn every_export_column_agrees_with_the_database(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    fixture(&env).await;
    let run = env.capctl("export-rsvps --event ev").success();
    // Every column agrees with the database.
    let rows = records(&run.stdout);
    let u2 = &rows[5];
    let (id, rsvp_at, cancelled_at): (String, String, String) = sqlx::query_as(
        "SELECT id, to_char(rsvp_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),
                to_char(cancelled_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')
           FROM session_rsvps WHERE session_id = 's-a' AND user_id = 'u2'",
    )
    .fetch_one(&env.pool)
    .await
    .unwrap();
    assert_eq!(
        u2,
        &vec![
            id,
            "ev".into(),
            "s-a".into(),
            "Rust, \"fearless\" & Zoë's talk".into(),
            "2030-06-01T09:00:00Z".into(),
            "u2".into(),
            "He said \"hi\"".into(),
            "".into(),
            "CANCELLED".into(),
            "".into(),
            rsvp_at,
            cancelled_at,
            // Never at the door.
            "".into(),
            "".into(),
            "".into(),
            "false".into(),
        ]
    );
    assert!(u2[10].ends_with('Z') && u2[11].ends_with('Z'));
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn export_is_stable_and_output_writes_the_same_bytes(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    fixture(&env).await;
    let run = env.capctl("export-rsvps --event ev").success();
    // Stable: a second export is byte for byte the same, and --output writes the same bytes.
    let again = env.capctl("export-rsvps --event ev").success();
    assert_eq!(again.stdout, run.stdout);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("rsvps.csv");
    let run_file = env
        .capctl("export-rsvps --event ev --output")
        .arg(file.to_str().unwrap())
        .success();
    assert!(
        run_file.stdout.contains("exported 7 rows"),
        "{}",
        run_file.stdout
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), run.stdout);
    assert_eq!(file_names(dir.path()), ["rsvps.csv"]);
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn export_filters_by_session_and_status(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    fixture(&env).await;
    let run = env
        .capctl("export-rsvps --event ev --session s-a")
        .success();
    let rows = records(&run.stdout);
    assert_eq!(rows.len(), 6);
    assert!(rows[1..].iter().all(|r| r[2] == "s-a"));

    // Positions stay the waitlist places when only the waitlist is exported; the list is
    // case-insensitive and may repeat.
    let run = env
        .capctl("export-rsvps --event ev --status")
        .arg("waitlisted, WAITLISTED")
        .success();
    let rows = records(&run.stdout);
    let got: Vec<(&str, &str)> = rows[1..]
        .iter()
        .map(|r| (r[5].as_str(), r[9].as_str()))
        .collect();
    assert_eq!(got, [("u4", "1"), ("u5", "2")]);

    let run = env
        .capctl("export-rsvps --event ev --session s-a --status CONFIRMED,CANCELLED")
        .success();
    let got: Vec<(String, String)> = records(&run.stdout)[1..]
        .iter()
        .map(|r| (r[5].clone(), r[8].clone()))
        .collect();
    assert_eq!(
        got,
        [
            ("u1".into(), "CONFIRMED".into()),
            ("u2".into(), "CANCELLED".into())
        ]
    );

    // Status EXPIRED exists but nobody has it: header only.
    let run = env
        .capctl("export-rsvps --event ev --status EXPIRED")
        .success();
    assert_eq!(run.stdout, format!("{HEADER}\n"));
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn export_neutralises_spreadsheet_formulas(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("ev", &[]);
    env.session("ev", "s1", 9, 10, &[]);
    set_title(&env, "s1", "=HYPERLINK(\"http://evil\",\"x\")").await;
    // capctl refuses control characters in names; another service writing the platform's
    // table might not. Drop the check in this test's own database to prove the export copes.
    sqlx::query("ALTER TABLE event_registrations DROP CONSTRAINT event_registrations_name_check")
        .execute(&env.pool)
        .await
        .unwrap();
    let hostile = [
        ("h1", "=cmd|' /C calc'!A0", Some("=1+1@evil.com")),
        ("h2", "+1", Some("+x@example.com")),
        ("h3", "-1", Some("-x@example.com")),
        ("h4", "@SUM(A1:A9)", None),
        ("h5", "\tcmd", None),
        ("h6", "\r=1+1", None),
        ("h7", "safe = fine", Some("a=b@example.com")),
    ];
    for (u, name, email) in hostile {
        env.register_named("ev", u, name, email).await;
        env.rsvp_in_sql("s1", u).await;
    }
    let run = env.capctl("export-rsvps --event ev").success();
    let rows = records(&run.stdout);
    let by_user = |u: &str| rows.iter().find(|r| r[5] == u).unwrap().clone();
    assert_eq!(by_user("h1")[6], "'=cmd|' /C calc'!A0");
    assert_eq!(by_user("h1")[7], "'=1+1@evil.com");
    assert_eq!(by_user("h2")[6], "'+1");
    assert_eq!(by_user("h2")[7], "'+x@example.com");
    assert_eq!(by_user("h3")[6], "'-1");
    assert_eq!(by_user("h4")[6], "'@SUM(A1:A9)");
    assert_eq!(by_user("h5")[6], "'\tcmd");
    assert_eq!(by_user("h6")[6], "'\r=1+1");
    assert_eq!(by_user("h7")[6], "safe = fine");
    assert_eq!(by_user("h7")[7], "a=b@example.com");
    for r in &rows[1..] {
        assert_eq!(r[3], "'=HYPERLINK(\"http://evil\",\"x\")");
        for field in r {
            assert!(
                !field.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "live formula {field:?} in {r:?}"
            );
        }
    }
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn export_output_is_atomic_and_bad_input_leaves_nothing(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    fixture(&env).await;
    env.event("other", &[]);
    env.session("other", "s-other", 9, 10, &[]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("out.csv");
    let f = file.to_str().unwrap();

    for (args, code, needle) in [
        (
            vec!["--event", "ev", "--status", "CONFIRMED,MAYBE"],
            2,
            "unknown status \"MAYBE\"",
        ),
        (
            vec!["--event", "ev", "--status", ""],
            2,
            "allowed are CONFIRMED, OFFERED, WAITLISTED, CANCELLED, EXPIRED",
        ),
        (vec!["--event", "nope"], 5, "event \"nope\" not found"),
        (
            vec!["--event", "ev", "--session", "nope"],
            5,
            "session \"nope\" not found",
        ),
        (
            vec!["--event", "ev", "--session", "s-other"],
            5,
            "not found in event \"ev\"",
        ),
    ] {
        let full = env.capctl("export-rsvps --output").arg(f).args(&args);
        let shown = format!("{full:?}");
        full.code(code).error_mentions(needle);
        assert!(
            file_names(dir.path()).is_empty(),
            "{shown} left {:?}",
            file_names(dir.path())
        );
    }
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn a_failed_export_leaves_an_existing_file_and_a_good_one_replaces_it(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    fixture(&env).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("out.csv");
    let f = file.to_str().unwrap();
    // A failed export leaves an existing file exactly as it was.
    std::fs::write(&file, "precious\n").unwrap();
    env.capctl("export-rsvps --event nope --output")
        .arg(f)
        .code(5);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "precious\n");
    assert_eq!(file_names(dir.path()), ["out.csv"]);
    // A successful one replaces it whole.
    env.capctl("--json export-rsvps --event ev --output")
        .arg(f)
        .success();
    assert_eq!(records(&std::fs::read_to_string(&file).unwrap()).len(), 8);
    assert_eq!(file_names(dir.path()), ["out.csv"]);
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn unwritable_output_paths_are_refused_and_create_nothing(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    fixture(&env).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("out.csv");
    std::fs::write(&file, "precious\n").unwrap();
    // Unwritable paths: invalid input (2), one line, nothing created.
    let missing = dir.path().join("no/such/dir/out.csv");
    env.capctl("export-rsvps --event ev --output")
        .arg(missing.to_str().unwrap())
        .refused(2, "does not exist");
    let under_file = dir.path().join("out.csv/x.csv");
    env.capctl("export-rsvps --event ev --output")
        .arg(under_file.to_str().unwrap())
        .refused(2, "cannot write --output");
    env.capctl("export-rsvps --event ev --output")
        .arg(dir.path().to_str().unwrap())
        .refused(2, "is a directory");
    assert_eq!(file_names(dir.path()), ["out.csv"]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let locked = dir.path().join("locked");
        std::fs::create_dir(&locked).unwrap();
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
        // root ignores directory permissions; the check only means something for other users.
        if std::fs::write(locked.join("probe"), "").is_err() {
            env.capctl("export-rsvps --event ev --output")
                .arg(locked.join("x.csv").to_str().unwrap())
                .refused(2, "permission denied");
            assert!(file_names(&locked).is_empty());
        }
    }
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn export_of_event_without_rsvps_is_header_only(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("empty", &[]);
    env.session("empty", "s1", 9, 10, &[]);
    env.register_many("empty", "u", 3).await;
    let run = env.capctl("export-rsvps --event empty").success();
    assert_eq!(run.stdout, format!("{HEADER}\n"));
    assert!(run.stderr.is_empty());

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("empty.csv");
    let run = env
        .capctl("--json export-rsvps --event empty -o")
        .arg(file.to_str().unwrap())
        .success();
    let json = run.json();
    assert_eq!(json["rows"], 0);
    assert_eq!(json["output"], file.to_str().unwrap());
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        format!("{HEADER}\n")
    );
}

/// Peak resident set of `capctl ARGS` in KiB, from `/usr/bin/time -v` when installed, else
/// from VmHWM polled in /proc while it runs.
fn peak_rss_kib(env: &TestEnv, args: &[&str]) -> (u64, std::process::Output) {
    let time = Path::new("/usr/bin/time");
    let mut cmd = if time.exists() {
        let mut c = std::process::Command::new(time);
        c.arg("-v").arg(BIN);
        c
    } else {
        std::process::Command::new(BIN)
    };
    cmd.args(args)
        .env("DATABASE_URL", &env.database_url)
        .env("REDIS_URL", &env.redis_url)
        .env("CAPCTL_REDIS_PREFIX", &env.prefix)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let child = cmd.spawn().unwrap();
    if time.exists() {
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let kib = stderr
            .lines()
            .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes):"))
            .map(|v| v.trim().parse().unwrap())
            .unwrap_or_else(|| panic!("no RSS in {stderr}"));
        return (kib, out);
    }
    let status = format!("/proc/{}/status", child.id());
    let peak = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let watcher = {
        let peak = peak.clone();
        std::thread::spawn(move || {
            while let Ok(text) = std::fs::read_to_string(&status) {
                let Some(kib) = text
                    .lines()
                    .find_map(|l| l.strip_prefix("VmHWM:"))
                    .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
                else {
                    break;
                };
                peak.fetch_max(kib, std::sync::atomic::Ordering::Relaxed);
                // The sampling interval of the measurement, not a wait for readiness.
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
        })
    };
    let out = child.wait_with_output().unwrap();
    watcher.join().unwrap();
    (peak.load(std::sync::atomic::Ordering::Relaxed), out)
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn export_of_200k_rows_streams_in_flat_memory(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("big", &[]);
    let seeded = capctl_core::bench::seed_synthetic(&env.pool, "big", 200_000)
        .await
        .unwrap();
    assert_eq!(seeded.rsvps, 200_000);
    assert_eq!(seeded.sessions, 100);
    // The seed leaves the counters true: reconcile in check mode finds nothing to fix.
    let fixed: i32 =
        sqlx::query_scalar("SELECT sessions_fixed FROM capctl_reconcile_sessions(true)")
            .fetch_one(&env.pool)
            .await
            .unwrap();
    assert_eq!(fixed, 0);
    let statuses: Vec<(String, i64)> = sqlx::query_as(
        "SELECT status, count(*) FROM session_rsvps GROUP BY status ORDER BY status",
    )
    .fetch_all(&env.pool)
    .await
    .unwrap();
    assert_eq!(statuses.len(), 5, "{statuses:?}");

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("big.csv");
    let (kib, out) = peak_rss_kib(
        &env,
        &[
            "--json",
            "export-rsvps",
            "--event",
            "big",
            "--output",
            file.to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["rows"], 200_000);
    eprintln!("export of 200k rows: peak RSS {} KiB", kib);
    assert!(
        kib > 0 && kib <= 64 * 1024,
        "peak RSS {kib} KiB is over 64 MiB"
    );

    // The file holds every row once, in order, with a header.
    let text = std::fs::read_to_string(&file).unwrap();
    let rows = records(&text);
    assert_eq!(rows.len(), 200_001);
    assert_eq!(rows[0].join(","), HEADER);
    let ids: std::collections::HashSet<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(ids.len(), 200_000);
    let starts: Vec<&str> = rows[1..].iter().map(|r| r[4].as_str()).collect();
    assert!(
        starts.windows(2).all(|w| w[0] <= w[1]),
        "sessions out of order"
    );
    assert_eq!(file_names(dir.path()), ["big.csv"]);

    // `capctl export-rsvps … | head -1`: a reader that goes away early is not an error.
    let mut child = env
        .std_command()
        .args(["export-rsvps", "--event", "big"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut first,
    )
    .unwrap();
    assert_eq!(first.trim_end(), HEADER);
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
