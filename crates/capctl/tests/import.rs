//! `capctl event import-registrations`: all or nothing, idempotent, max_attendees, strict CSV.

mod common;

use std::path::{Path, PathBuf};

use common::TestEnv;
use sqlx::PgPool;

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

async fn registrations(
    env: &TestEnv,
    event: &str,
) -> Vec<(String, Option<String>, Option<String>, String)> {
    sqlx::query_as(
        "SELECT user_id, name, email, status FROM event_registrations WHERE event_id = $1 ORDER BY user_id",
    )
    .bind(event)
    .fetch_all(&env.pool)
    .await
    .unwrap()
}

fn import(env: &TestEnv, event: &str, file: &Path) -> common::Run {
    env.capctl("--json event import-registrations --event")
        .arg(event)
        .arg(file.to_str().unwrap())
        .run()
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn import_registers_every_row(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("ev", &[]);
    let dir = tempfile::tempdir().unwrap();
    // A spreadsheet's export: BOM, CRLF, header in its own case, quoted fields, a blank line.
    let file = write(
        dir.path(),
        "people.csv",
        "\u{feff}User_Id, Name ,EMAIL\r\n\
         u1,\"Doe, Jane\",jane@example.com\r\n\
         u2,\"He said \"\"hi\"\"\",\r\n\
         \r\n\
         u3 , Zoë Çelik 日本 , zoe@example.org \r\n\
         u4,,\r\n"
            .as_bytes(),
    );
    let run = import(&env, "ev", &file).success();
    let json = run.json();
    assert_eq!(json["event_id"], "ev");
    assert_eq!(json["imported"], 4);
    assert_eq!(json["already_registered"], 0);
    assert_eq!(json["duplicates_in_file"], 0);
    assert_eq!(json["rows"], 4);
    let s = |v: &str| Some(v.to_string());
    assert_eq!(
        registrations(&env, "ev").await,
        [
            (
                "u1".into(),
                s("Doe, Jane"),
                s("jane@example.com"),
                "REGISTERED".into()
            ),
            ("u2".into(), s("He said \"hi\""), None, "REGISTERED".into()),
            (
                "u3".into(),
                s("Zoë Çelik 日本"),
                s("zoe@example.org"),
                "REGISTERED".into()
            ),
            ("u4".into(), None, None, "REGISTERED".into()),
        ]
    );
    // The human rendering says the same.
    let run = env
        .capctl("event import-registrations --event ev")
        .arg(file.to_str().unwrap())
        .success();
    assert!(
        run.stdout.contains("imported 0 registrations for ev"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.is_empty(),
        "no progress bar when stderr is not a terminal: {:?}",
        run.stderr
    );
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn a_header_alone_is_a_valid_empty_file(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("ev", &[]);
    let dir = tempfile::tempdir().unwrap();
    // A header alone is a valid, empty file.
    let empty = write(dir.path(), "header-only.csv", b"user_id,name,email\n");
    let json = import(&env, "ev", &empty).success().json();
    assert_eq!(
        (json["rows"].as_u64(), json["imported"].as_u64()),
        (Some(0), Some(0))
    );
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn import_is_idempotent_and_reports_duplicates_and_already_registered(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("ev", &["--max-attendees", "5"]);
    env.capctl("event register --event ev --user u1 --name")
        .arg("Kept Name")
        .success();
    env.capctl("event register --event ev --user u9").success();
    sqlx::query("UPDATE event_registrations SET status = 'CANCELLED' WHERE user_id = 'u9'")
        .execute(&env.pool)
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "f.csv",
        b"user_id,name,email\nu1,New Name,\nu2,Two,\nu2,Two again,\nu9,Nine,nine@example.com\nu3,,\n",
    );
    // 5 max, 1 registered: u2, u9 (revived), u3 are 3 new: 4 of 5, fits.
    let json = import(&env, "ev", &file).success().json();
    assert_eq!(
        (
            json["imported"].as_u64(),
            json["already_registered"].as_u64(),
            json["duplicates_in_file"].as_u64(),
            json["rows"].as_u64()
        ),
        (Some(3), Some(1), Some(1), Some(5))
    );
    let regs = registrations(&env, "ev").await;
    assert_eq!(regs.len(), 4);
    assert!(regs.iter().all(|r| r.3 == "REGISTERED"));
    // Already registered users are left alone; the first of duplicate rows wins.
    assert_eq!(regs[0].1.as_deref(), Some("Kept Name"));
    assert_eq!(regs[1].1.as_deref(), Some("Two"));
    assert_eq!(regs[3].2.as_deref(), Some("nine@example.com"));

    let before = env.snapshot().await;
    let json = import(&env, "ev", &file).success().json();
    assert_eq!(
        (
            json["imported"].as_u64(),
            json["already_registered"].as_u64(),
            json["duplicates_in_file"].as_u64()
        ),
        (Some(0), Some(4), Some(1))
    );
    assert_eq!(env.snapshot().await, before, "a re-import changes nothing");
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn import_refuses_a_file_over_max_attendees_saying_by_how_much(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("ev", &["--max-attendees", "5"]);
    env.register_many("ev", "old", 2).await;
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "f.csv",
        b"user_id,name,email\nold-0,,\nn1,,\nn2,,\nn3,,\nn4,,\nn5,,\n",
    );
    let before = env.snapshot().await;
    import(&env, "ev", &file).refused(
        3,
        "5 new attendees but event \"ev\" has 3 of 5 places left: 2 over max_attendees",
    );
    assert_eq!(env.snapshot().await, before);

    // Exactly filling the event is fine.
    let file = write(
        dir.path(),
        "g.csv",
        b"user_id,name,email\nold-1,,\nn1,,\nn2,,\nn3,,\n",
    );
    let json = import(&env, "ev", &file).success().json();
    assert_eq!(json["imported"], 3);
    assert_eq!(
        env.count("SELECT count(*) FROM event_registrations WHERE status = 'REGISTERED'")
            .await,
        5
    );
    // And then one more is over by one.
    let file = write(dir.path(), "h.csv", b"user_id,name,email\nn9,,\n");
    import(&env, "ev", &file).refused(3, "1 over max_attendees");
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn import_checks_every_row_first_and_lists_bad_rows_by_line(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("ev", &[]);
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "f.csv",
        b"user_id,name,email\nok1,Fine,\n,No Id,\nbad id,,\nok2,,not-an-email\nok3,Fine,\n",
    );
    let before = env.snapshot().await;
    let run = import(&env, "ev", &file).code(2);
    let run = run.error_mentions("3 bad rows, nothing imported");
    assert!(
        run.stderr.contains("line 3: user_id must not be empty"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("line 4: user_id \"bad id\" contains ' '"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("line 5: email \"not-an-email\" is not an email address"),
        "{}",
        run.stderr
    );
    assert_eq!(env.snapshot().await, before);

    // Many bad rows: ten listed, the rest counted, still one line.
    let mut text = String::from("user_id,name,email\n");
    for i in 0..25 {
        text.push_str(&format!("u{i},,bad{i}\n"));
    }
    let file = write(dir.path(), "many.csv", text.as_bytes());
    let run = import(&env, "ev", &file).refused(2, "25 bad rows");
    assert!(
        run.stderr.contains("line 11:") && !run.stderr.contains("line 12:"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("and 15 more"), "{}", run.stderr);
    assert_eq!(env.snapshot().await, before);
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn import_refuses_malformed_csv_and_writes_nothing(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("ev", &[]);
    env.register_many("ev", "old", 2).await;
    let dir = tempfile::tempdir().unwrap();
    let mut big = b"user_id,name,email\nu1,\"".to_vec();
    big.extend(std::iter::repeat_n(b'x', 10 * 1024 * 1024));
    big.extend(b"\",\n");
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty", b"".to_vec(), "is empty"),
        ("blank-lines", b"\n\r\n\n".to_vec(), "is empty"),
        (
            "wrong-header",
            b"id,name,email\nu1,,\n".to_vec(),
            "line 1: the header must be user_id,name,email",
        ),
        (
            "header-order",
            b"name,user_id,email\nA,u1,\n".to_vec(),
            "the header must be",
        ),
        (
            "missing-columns",
            b"user_id,name,email\nu1,Name\nu2\n".to_vec(),
            "line 2: 2 fields, expected 3",
        ),
        (
            "extra-columns",
            b"user_id,name,email\nu1,a,b@c.de,x\n".to_vec(),
            "line 2: 4 fields",
        ),
        (
            "unclosed-quote",
            b"user_id,name,email\nu1,\"Jane,\nu2,,\n".to_vec(),
            "line 2: a quoted field is never closed",
        ),
        (
            "quote-in-plain",
            b"user_id,name,email\nu1,Ja\"ne,\n".to_vec(),
            "line 2: a quote inside an unquoted field",
        ),
        (
            "junk-after-quote",
            b"user_id,name,email\nu1,\"Jane\"x,\n".to_vec(),
            "line 2: unexpected 'x' after a closing quote",
        ),
        (
            "invalid-utf8",
            b"user_id,name,email\nu1,Caf\xe9,\n".to_vec(),
            "line 2: not valid UTF-8",
        ),
        (
            "ten-mb-field",
            big,
            "line 2: field 2 is longer than 1024 bytes",
        ),
    ];
    let before = env.snapshot().await;
    for (name, bytes, needle) in cases {
        let file = write(dir.path(), &format!("{name}.csv"), &bytes);
        let run = import(&env, "ev", &file);
        assert_eq!(run.code, 2, "{name}: {run:?}");
        run.error_mentions(needle);
        assert_eq!(env.snapshot().await, before, "{name} wrote something");
    }
    import(&env, "ev", &dir.path().join("missing.csv")).refused(2, "cannot read");
    import(
        &env,
        "nope",
        &write(dir.path(), "ok.csv", b"user_id,name,email\nu1,,\n"),
    )
    .refused(5, "event \"nope\" not found");
    assert_eq!(env.snapshot().await, before);
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn import_of_100k_rows_in_one_go(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("ev", &["--max-attendees", "100000"]);
    let mut text = String::from("user_id,name,email\n");
    for i in 0..100_000 {
        text.push_str(&format!(
            "user-{i},\"Attendee {i}, Esq.\",user{i}@example.com\n"
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "100k.csv", text.as_bytes());
    let run = import(&env, "ev", &file).success();
    assert!(run.stderr.is_empty(), "stderr: {}", run.stderr);
    let json = run.json();
    assert_eq!(json["imported"], 100_000);
    assert_eq!(json["rows"], 100_000);
    assert_eq!(
        env.count("SELECT count(*) FROM event_registrations WHERE event_id = 'ev' AND status = 'REGISTERED' AND name LIKE 'Attendee %, Esq.'").await,
        100_000
    );
    // The event is now full: a register is refused, a re-import is a no-op.
    env.capctl("event register --event ev --user late").code(3);
    let json = import(&env, "ev", &file).success().json();
    assert_eq!(
        (
            json["imported"].as_u64(),
            json["already_registered"].as_u64()
        ),
        (Some(0), Some(100_000))
    );
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn import_and_concurrent_registers_never_overshoot_max_attendees(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("ev", &["--max-attendees", "50"]);
    let mut text = String::from("user_id,name,email\n");
    for i in 0..30 {
        text.push_str(&format!("imp-{i},,\n"));
    }
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "f.csv", text.as_bytes());
    let file = file.to_str().unwrap().to_string();
    let mut children = vec![
        env.capctl("event import-registrations --event ev")
            .arg(&file)
            .spawn(),
    ];
    for i in 0..30 {
        let user = format!("reg-{i}");
        children.push(
            env.capctl(format!("event register --event ev --user {user}"))
                .spawn(),
        );
    }
    let mut codes = Vec::new();
    for c in children {
        codes.push(c.wait_with_output().await.unwrap().status.code().unwrap());
    }
    assert!(codes.iter().all(|c| *c == 0 || *c == 3), "{codes:?}");
    let registered = env
        .count("SELECT count(*) FROM event_registrations WHERE status = 'REGISTERED'")
        .await;
    assert!(registered <= 50, "{registered} registered over max 50");
    let imported = env
        .count("SELECT count(*) FROM event_registrations WHERE user_id LIKE 'imp-%'")
        .await;
    // All or nothing: the file went in whole or not at all.
    assert!(imported == 0 || imported == 30, "{imported} of 30 imported");
    assert_eq!(imported == 30, codes[0] == 0);
}
