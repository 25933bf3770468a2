//! The bad-input corpus: every command fed hostile or broken input through the real binary.
//! Each case must fail with one clear line on stderr, the documented exit code, and leave the
//! database and the test's Redis keys exactly as they were.

mod common;

use common::TestEnv;
use common::redis::{keys_under, redis};
use sqlx::PgPool;

const HUGE: usize = 100 * 1024;

/// One bad input: the arguments, the exit code CLI.md promises, a word the error must contain.
struct Case {
    args: Vec<String>,
    code: i32,
    mentions: &'static str,
    stdin: Option<String>,
}

fn case(args: &[&str], code: i32, mentions: &'static str) -> Case {
    owned(args.iter().map(|s| s.to_string()).collect(), code, mentions)
}

/// A case given as a command line, split on whitespace.
fn line(args: &str, code: i32, mentions: &'static str) -> Case {
    owned(
        args.split_whitespace().map(str::to_string).collect(),
        code,
        mentions,
    )
}

fn owned(args: Vec<String>, code: i32, mentions: &'static str) -> Case {
    Case {
        args,
        code,
        mentions,
        stdin: None,
    }
}

const TS1: &str = "2030-06-01T09:00:00Z";
const TS2: &str = "2030-06-01T10:00:00Z";

fn event_create(extra: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = ["event", "create", "--name", "Bad input", "--starts-at", TS1]
        .iter()
        .map(|s| s.to_string())
        .collect();
    v.extend(["--ends-at".to_string(), TS2.to_string()]);
    v.extend(extra.iter().map(|s| s.to_string()));
    v
}

fn session_create(extra: &[&str]) -> Vec<String> {
    format!("session create --event evt_bad --title T --starts-at {TS1} --ends-at {TS2}")
        .split_whitespace()
        .chain(extra.iter().copied())
        .map(str::to_string)
        .collect()
}

/// `event create` with one flag's value replaced (clap refuses a repeated flag).
fn event_create_with(flag: &str, value: &str) -> Vec<String> {
    let mut base = vec![
        ("--name", "Bad input".to_string()),
        ("--starts-at", TS1.to_string()),
        ("--ends-at", TS2.to_string()),
    ];
    match base.iter_mut().find(|(f, _)| *f == flag) {
        Some(slot) => slot.1 = value.to_string(),
        None => base.push((flag, value.to_string())),
    }
    let mut v = vec!["event".to_string(), "create".to_string()];
    for (f, val) in base {
        v.push(f.to_string());
        v.push(val);
    }
    v
}

// One case a line, as a table reads.
#[rustfmt::skip]
fn argument_cases() -> Vec<Case> {
    let huge = "x".repeat(HUGE);
    let huge_id = "a".repeat(129);
    vec![
        // Event create: names, ids, times, numbers.
        owned(event_create_with("--name", ""), 2, "empty"),
        owned(event_create_with("--name", "   "), 2, "empty"),
        owned(event_create_with("--name", &huge), 2, "at most 200"),
        owned(event_create_with("--name", "tab\there"), 2, "control"),
        owned(event_create_with("--name", "bell\u{7}"), 2, "control"),
        owned(event_create(&["--id", "'; DROP TABLE events; --"]), 2, "contains"),
        owned(event_create(&["--id", "$(rm -rf /)"]), 2, "contains"),
        owned(event_create(&["--id", "`reboot`"]), 2, "contains"),
        owned(event_create(&["--id", "évt_1"]), 2, "contains"),
        owned(event_create(&["--id", "evt\u{202E}gnp.exe"]), 2, "contains"),
        owned(event_create(&["--id", "evt\u{200B}1"]), 2, "contains"),
        owned(event_create(&["--id", "ｅｖｔ"]), 2, "contains"),
        owned(event_create(&["--id", "_leading"]), 2, "start with"),
        owned(event_create(&["--id", &huge_id]), 2, "at most 128"),
        owned(event_create(&["--id", "{stream:x}"]), 2, "contains"),
        owned(event_create_with("--starts-at", "tomorrow"), 2, "RFC 3339"),
        owned(event_create_with("--starts-at", "2030-13-01T09:00:00Z"), 2, "RFC 3339"),
        owned(event_create_with("--starts-at", "2030-02-30T09:00:00Z"), 2, "RFC 3339"),
        owned(event_create_with("--starts-at", "2030-06-01 09:00"), 2, "RFC 3339"),
        owned(event_create_with("--starts-at", "99999-01-01T00:00:00Z"), 2, "RFC 3339"),
        owned(event_create_with("--ends-at", "2030-06-01T08:00:00Z"), 2, "after"),
        owned(event_create(&["--max-attendees", "-5"]), 2, "negative"),
        owned(event_create(&["--max-attendees", "99999999999"]), 2, "absurd"),
        owned(event_create(&["--max-attendees", "99999999999999999999999"]), 2, "invalid value"),
        owned(event_create(&["--max-attendees", "1e9"]), 2, "invalid value"),
        owned(event_create(&["--max-viewers", "１０"]), 2, "invalid value"),
        owned(event_create(&["--max-viewers", "-1"]), 2, "negative"),
        // Lookups with broken ids never reach the database.
        case(&["event", "show", ""], 2, "empty"),
        line("event show ../../etc/passwd", 2, "contains"),
        case(&["event", "register", "--event", "evt_bad", "--user", "u 1"], 2, "contains"),
        line("event register --event evt_bad --user u9 --email not-an-email", 2, "email"),
        owned(
            vec![
                "event".into(),
                "register".into(),
                "--event".into(),
                "evt_bad".into(),
                "--user".into(),
                "u9".into(),
                "--name".into(),
                huge.clone(),
            ],
            2,
            "at most 200",
        ),
        // Sessions: durations and capacities.
        owned(session_create(&["--offer-ttl", "0s"]), 2, "more than zero"),
        owned(session_create(&["--offer-ttl", "31days"]), 2, "30 days"),
        owned(session_create(&["--offer-ttl=-5m"]), 2, "duration"),
        owned(session_create(&["--offer-ttl", "forever"]), 2, "duration"),
        owned(session_create(&["--offer-ttl", "1e3s"]), 2, "duration"),
        owned(session_create(&["--offer-ttl", "99999999999999999999h"]), 2, "duration"),
        owned(session_create(&["--max-participants", "-1"]), 2, "negative"),
        owned(session_create(&["--room", "a\nb"]), 2, "control"),
        line("session set-capacity --session ses_bad --max -1", 2, "negative"),
        line("session set-capacity --session ses_bad --max 5 --unlimited", 2, "cannot be used with"),
        line("session set-capacity --session ses_bad", 2, "required"),
        case(
            &[
                "session",
                "rsvp",
                "--session",
                "ses_bad",
                "--user",
                "'; DROP TABLE events; --",
            ],
            2,
            "contains",
        ),
        case(
            &[
                "session",
                "cancel",
                "--session",
                "ses_bad",
                "--user",
                "$(rm -rf /)",
            ],
            2,
            "contains",
        ),
        line("session waitlist --session *", 2, "contains"),
        case(&["schedule", "--event", "evt_bad", "--user", ""], 2, "empty"),
        // Booths and streams: ids that would break a Redis hash tag, absurd leases.
        line("booth create --event evt_bad --name B --max-visitors -3", 2, "negative"),
        line("booth enter --booth booth_bad --user u1 --ttl 0s", 2, "more than zero"),
        line("booth enter --booth booth_bad --user u1 --ttl 999999h", 2, "30 days"),
        line("booth heartbeat --booth a{b} --user u1", 2, "contains"),
        line("stream join --event evt_bad} --viewer v1", 2, "contains"),
        case(&["stream", "join", "--event", "evt_bad", "--viewer", "v\n1"], 2, "contains"),
        line("stream set-limit --event evt_bad --max 1e99", 2, "invalid value"),
        line("stream viewers --interval 0s", 2, "more than zero"),
        line("reconcile --interval=-1s", 2, "duration"),
        line("reconcile --metrics-addr not-an-address", 2, "invalid value"),
        line("export-rsvps --event evt_bad;rm --output x.csv", 2, "contains"),
        // Benchmarks refuse nonsense sizes before touching anything.
        line("bench rsvp --users=-1", 2, "invalid value"),
        line("bench rsvp --concurrency 0", 2, "at least 1"),
        line("bench export --rows 0", 2, "at least 1"),
        line("bench stream --drop 1.5", 2, "between 0 and 1"),
        // Global options and unknown things.
        case(&["--redis-prefix", "bad prefix", "event", "list"], 2, "prefix"),
        case(&["--database-url", "not a url", "event", "list"], 2, "URL"),
        line("completions klingon", 2, "invalid value"),
        line("session teleport", 2, "unrecognized subcommand"),
        line("event list --frobnicate", 2, "unexpected argument"),
    ]
}

/// Cases that pass parsing and are refused by the library: nothing may be written either.
// One case a line, as a table reads.
#[rustfmt::skip]
fn request_cases() -> Vec<Case> {
    vec![
        line("session rsvp --session ses_nope --user u1", 5, "not found"),
        line("session rsvp --session ses_bad --user stranger", 6, "registered"),
        line("session cancel --session ses_nope --user u1", 5, "not found"),
        line("session set-capacity --session ses_bad --max 99999999999", 2, "absurd"),
        line("event show evt_nope", 5, "not found"),
        line(&format!("session create --event evt_nope --title T --starts-at {TS1} --ends-at {TS2}"), 5, "not found"),
        line("stream join --event evt_nope --viewer v1", 5, "not found"),
        line("booth enter --booth booth_nope --user u1", 5, "not found"),
        line("export-rsvps --event evt_nope", 5, "not found"),
        line("export-rsvps --event evt_bad --status BOGUS", 2, "BOGUS"),
        line("event import-registrations --event evt_bad /nonexistent/file.csv", 2, "file.csv"),
    ]
}

/// Registration files that must be refused whole.
fn csv_cases() -> Vec<(&'static str, String)> {
    let huge = "y".repeat(HUGE);
    vec![
        ("no header", "u1,Ann,ann@example.com\n".into()),
        (
            "wrong header",
            "id,name,mail\nu1,Ann,ann@example.com\n".into(),
        ),
        ("empty file", String::new()),
        (
            "bad id",
            "user_id,name,email\nok1,Ann,\n'; DROP TABLE events; --,Bob,\n".into(),
        ),
        ("shell id", "user_id,name,email\n$(rm -rf /),Bob,\n".into()),
        ("huge name", format!("user_id,name,email\nu1,{huge},\n")),
        ("bad email", "user_id,name,email\nu1,Ann,nope\n".into()),
        (
            "unbalanced quote",
            "user_id,name,email\nu1,\"Ann,ann@example.com\n".into(),
        ),
        (
            "too many fields",
            "user_id,name,email\nu1,Ann,a@example.com,extra\n".into(),
        ),
        (
            "control char",
            "user_id,name,email\nu1,An\u{1b}[31mn,\n".into(),
        ),
    ]
}

/// Every key under this test's Redis prefix, sorted.
async fn redis_keys(env: &TestEnv) -> Vec<String> {
    let mut keys = keys_under(&mut redis(env).await, &format!("{}*", env.prefix)).await;
    keys.sort();
    keys
}

async fn fixture(env: &TestEnv) {
    env.event("evt_bad", &["--max-viewers", "5"]);
    env.session("evt_bad", "ses_bad", 9, 10, &["--max-participants", "2"]);
    env.capctl("booth create --event evt_bad --id booth_bad --name Booth --max-visitors 3")
        .success();
    env.register_many("evt_bad", "u", 1).await;
}

/// Runs each case and checks the one-line error, the exit code and that nothing changed.
async fn check_cases(env: &TestEnv, cases: Vec<Case>) {
    let mut failures = Vec::new();
    for c in cases {
        let before = (env.snapshot().await, redis_keys(env).await);
        let mut cmd = env.capctl("").args(&c.args);
        if let Some(input) = &c.stdin {
            cmd = cmd.stdin(input.as_str());
        }
        let run = cmd.run();
        let after = (env.snapshot().await, redis_keys(env).await);
        let shown: Vec<String> = c.args.iter().map(|a| common_shorten(a)).collect();
        let lines = run.stderr.lines().count();
        if run.code != c.code
            || lines != 1
            || !run.stdout.is_empty()
            || !run.stderr.starts_with("capctl: error: ")
            || !run
                .stderr
                .to_lowercase()
                .contains(&c.mentions.to_lowercase())
        {
            failures.push(format!(
                "{shown:?}: exit {} (want {}), stderr {:?} (want one line mentioning {:?}), stdout {:?}",
                run.code,
                c.code,
                common_shorten(&run.stderr),
                c.mentions,
                common_shorten(&run.stdout)
            ));
        }
        if before != after {
            failures.push(format!("{shown:?}: the database or Redis changed"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} bad inputs misbehaved:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn common_shorten(s: &str) -> String {
    if s.chars().count() <= 120 {
        s.to_string()
    } else {
        format!(
            "{}… ({} bytes)",
            s.chars().take(120).collect::<String>(),
            s.len()
        )
    }
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn bad_arguments_are_refused_and_change_nothing(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    fixture(&env).await;
    let cases = argument_cases();
    assert!(cases.len() >= 40, "the corpus shrank to {}", cases.len());
    check_cases(&env, cases).await;
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn refused_requests_change_nothing(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    fixture(&env).await;
    check_cases(&env, request_cases()).await;
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn bad_registration_files_import_nothing(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    fixture(&env).await;
    let dir = tempfile::tempdir().unwrap();
    let mut cases = Vec::new();
    for (i, (what, content)) in csv_cases().into_iter().enumerate() {
        let path = dir.path().join(format!("bad-{i}.csv"));
        std::fs::write(&path, content).unwrap();
        let _ = what;
        cases.push(owned(
            vec![
                "event".into(),
                "import-registrations".into(),
                "--event".into(),
                "evt_bad".into(),
                path.display().to_string(),
            ],
            2,
            "",
        ));
    }
    // Not UTF-8 at all.
    let path = dir.path().join("binary.csv");
    std::fs::write(&path, b"user_id,name,email\nu1,\xff\xfe\xfd,\n").unwrap();
    cases.push(owned(
        vec![
            "event".into(),
            "import-registrations".into(),
            "--event".into(),
            "evt_bad".into(),
            path.display().to_string(),
        ],
        2,
        "",
    ));
    check_cases(&env, cases).await;
}

mod parsers {
    //! Property tests (durations, timestamps, ids, the CSV import): the parsers never panic, accept exactly what they document, and agree
    //! with the database's own checks.
    use capctl_core::Error;
    use capctl_core::ids::{parse_duration, parse_timestamp, validate_id};
    use capctl_core::io::import::parse_registrations;
    use proptest::prelude::*;
    use std::time::Duration;

    /// The id rule written independently of the implementation (and of the SQL regex).
    fn id_oracle(s: &str) -> bool {
        let ok_char = |c: char| c.is_ascii_alphanumeric() || "_-.:@+".contains(c);
        !s.is_empty()
            && s.len() <= 128
            && s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
            && s.chars().all(ok_char)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn any_string_as_id_is_accepted_exactly_by_the_rule(s in ".{0,140}") {
            let got = validate_id("id", &s);
            prop_assert_eq!(got.is_ok(), id_oracle(&s), "{:?}", s);
            if let Err(e) = got {
                prop_assert!(matches!(e, Error::InvalidInput(_)));
                prop_assert!(!e.to_string().contains('\n'));
            }
        }

        #[test]
        fn well_formed_ids_pass(s in "[A-Za-z0-9][A-Za-z0-9_.:@+-]{0,127}") {
            prop_assert!(validate_id("id", &s).is_ok());
        }

        #[test]
        fn any_string_as_duration_never_panics(s in "\\PC{0,40}") {
            match parse_duration(&s) {
                Ok(d) => prop_assert!(d > Duration::ZERO && d <= Duration::from_secs(30 * 86400)),
                Err(e) => prop_assert!(matches!(e, Error::InvalidInput(_))),
            }
        }

        #[test]
        fn durations_round_trip(secs in 1u64..=30 * 86400) {
            prop_assert_eq!(parse_duration(&format!("{secs}s")).unwrap(), Duration::from_secs(secs));
            let human = humantime::format_duration(Duration::from_secs(secs)).to_string();
            prop_assert_eq!(parse_duration(&human).unwrap(), Duration::from_secs(secs));
        }

        #[test]
        fn too_long_durations_are_refused(secs in 30 * 86400 + 1..u64::MAX / 1000) {
            let text = format!("{secs}s");
            prop_assert!(parse_duration(&text).is_err());
        }

        #[test]
        fn any_string_as_timestamp_never_panics(s in "\\PC{0,40}") {
            if let Err(e) = parse_timestamp(&s) {
                prop_assert!(matches!(e, Error::InvalidInput(_)));
            }
        }

        #[test]
        fn any_bytes_as_a_registration_file_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            match parse_registrations(&bytes[..], "f.csv", &mut |_| {}) {
                Ok(parsed) => {
                    for row in &parsed.rows {
                        prop_assert!(validate_id("user id", &row.user_id).is_ok());
                    }
                }
                Err(e) => {
                    prop_assert!(matches!(e, Error::InvalidInput(_)), "{e:?}");
                    prop_assert!(!e.to_string().contains('\n'));
                }
            }
        }

        #[test]
        fn well_formed_registration_files_parse_back(
            rows in proptest::collection::btree_map(
                "[a-z0-9][a-z0-9_.-]{0,20}",
                ("[A-Za-z][A-Za-z ,\"'é-]{0,30}[A-Za-z]", proptest::option::of("[a-z]{1,8}@[a-z]{1,8}\\.org")),
                1..20,
            )
        ) {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(["user_id", "name", "email"]).unwrap();
            for (id, (name, email)) in &rows {
                w.write_record([id.as_str(), name.as_str(), email.as_deref().unwrap_or("")]).unwrap();
            }
            let bytes = w.into_inner().unwrap();
            let parsed = parse_registrations(&bytes[..], "f.csv", &mut |_| {}).unwrap();
            prop_assert_eq!(parsed.rows.len(), rows.len());
            for (row, (id, (name, email))) in parsed.rows.iter().zip(&rows) {
                prop_assert_eq!(&row.user_id, id);
                prop_assert_eq!(row.name.as_deref(), Some(name.trim()));
                prop_assert_eq!(&row.email, email);
            }
        }

        #[test]
        fn rfc3339_timestamps_round_trip(secs in 0i64..4_000_000_000) {
            let t = chrono::DateTime::from_timestamp(secs, 0).unwrap();
            let text = t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            prop_assert_eq!(parse_timestamp(&text).unwrap(), t);
        }
    }
}
