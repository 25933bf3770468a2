//! The command surface of CLI.md as a contract: every `--json` answer carries the documented
//! fields with the documented nulls and RFC 3339 `Z` times, global options work on either side
//! of the subcommand, failures are one line on stderr with nothing on stdout (except the
//! documented print-then-exit answers), Redis keys live under the configured prefix with one
//! hash tag per room, and `reconcile --check` changes nothing in either store.

mod common;
mod presence_support;

use std::collections::BTreeMap;

use capctl_core::presence::Room;
use common::{Run, TestEnv};
use presence_support::{keys_under, redis};
use serde_json::Value;
use sqlx::PgPool;

/// Asserts every string in `v` that looks like a time is RFC 3339 in UTC with a `Z`.
#[track_caller]
fn times_are_rfc3339_z(v: &Value) {
    match v {
        Value::String(s) => {
            let looks_like_time = s.len() >= 20
                && s.as_bytes()[4] == b'-'
                && s.as_bytes()[10] == b'T'
                && s[..4].bytes().all(|c| c.is_ascii_digit());
            if looks_like_time {
                assert!(
                    chrono::DateTime::parse_from_rfc3339(s).is_ok() && s.ends_with('Z'),
                    "{s:?} is not RFC 3339 with Z"
                );
            }
        }
        Value::Array(a) => a.iter().for_each(times_are_rfc3339_z),
        Value::Object(o) => o.values().for_each(times_are_rfc3339_z),
        _ => {}
    }
}

/// The object has every one of `fields`.
#[track_caller]
fn has_fields(v: &Value, fields: &[&str]) {
    for f in fields {
        assert!(v.get(f).is_some(), "missing {f:?} in {v}");
    }
}

/// `--json` output: one JSON document, its times in RFC 3339 with Z.
#[track_caller]
fn doc(run: &Run) -> Value {
    let v = run.json();
    times_are_rfc3339_z(&v);
    v
}

/// A documented print-then-exit answer: the JSON on stdout and one error line on stderr.
#[track_caller]
fn printed_then_failed(run: Run, code: i32, needle: &str) -> Value {
    let run = run.code(code);
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one error line, got {:?}", run.stderr);
    assert!(lines[0].starts_with("capctl: error: "), "{}", run.stderr);
    assert!(
        run.stderr.contains(needle),
        "{} lacks {needle:?}",
        run.stderr
    );
    doc(&run)
}

const RSVP_FIELDS: &[&str] = &["session_id", "user_id", "status", "waitlist_position"];
const PRESENCE_FIELDS: &[&str] = &["admitted", "count", "limit"];
const RECONCILE_FIELDS: &[&str] = &[
    "leases_expired",
    "counters_fixed",
    "sessions_fixed",
    "offers_expired",
    "offers_sent",
];

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn every_json_answer_carries_the_documented_fields(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &["--max-viewers", "1"]);
    env.event("e2", &[]);
    env.session("e1", "s1", 9, 10, &["--max-participants", "1"]);
    env.session("e1", "s2", 9, 11, &[]); // unlimited, overlaps s1
    env.session("e1", "s0", 8, 9, &[]); // starts first, touches s1 without overlapping
    env.register_many("e1", "u", 2).await;

    // session rsvp / cancel
    let ok = doc(&env
        .run(&[
            "session",
            "rsvp",
            "--json",
            "--session",
            "s1",
            "--user",
            "u-0",
        ])
        .success());
    has_fields(&ok, RSVP_FIELDS);
    assert_eq!(
        (&ok["status"], &ok["waitlist_position"]),
        (&"CONFIRMED".into(), &Value::Null)
    );
    let queued = printed_then_failed(
        env.run(&[
            "session",
            "rsvp",
            "--json",
            "--session",
            "s1",
            "--user",
            "u-1",
        ]),
        4,
        "waitlisted",
    );
    has_fields(&queued, RSVP_FIELDS);
    assert_eq!(
        (&queued["status"], &queued["waitlist_position"]),
        (&"WAITLISTED".into(), &1.into())
    );
    // global options after the subcommand's own flags, and between the group and the leaf
    let o = doc(&env
        .run(&[
            "session",
            "rsvp",
            "--session",
            "s2",
            "--user",
            "u-0",
            "--allow-overlap",
            "--json",
        ])
        .success());
    assert_eq!(o["status"], "CONFIRMED");
    doc(&env
        .run(&[
            "session",
            "--json",
            "rsvp",
            "--session",
            "s0",
            "--user",
            "u-0",
        ])
        .success());
    let cancelled = doc(&env
        .run(&[
            "--json",
            "session",
            "cancel",
            "--session",
            "s1",
            "--user",
            "u-1",
        ])
        .success());
    has_fields(&cancelled, RSVP_FIELDS);
    assert_eq!(
        (&cancelled["status"], &cancelled["waitlist_position"]),
        (&"CANCELLED".into(), &Value::Null)
    );

    // session list: capacity and available null when unlimited
    let list = doc(&env
        .run(&["session", "list", "--event", "e1", "--json"])
        .success());
    let by_id: BTreeMap<String, Value> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["session_id"].as_str().unwrap().to_string(), s.clone()))
        .collect();
    for s in by_id.values() {
        has_fields(
            s,
            &[
                "session_id",
                "title",
                "starts_at",
                "ends_at",
                "capacity",
                "confirmed",
                "offered",
                "waitlisted",
                "available",
                "is_full",
            ],
        );
    }
    let s1 = &by_id["s1"];
    assert_eq!(
        (
            &s1["capacity"],
            &s1["confirmed"],
            &s1["available"],
            &s1["is_full"]
        ),
        (&1.into(), &1.into(), &0.into(), &true.into())
    );
    let s2 = &by_id["s2"];
    assert_eq!(
        (&s2["capacity"], &s2["available"], &s2["is_full"]),
        (&Value::Null, &Value::Null, &false.into())
    );

    // schedule: sorted by starts_at, overlaps as arrays of session ids
    let sched = doc(&env
        .run(&["schedule", "--event", "e1", "--user", "u-0", "--json"])
        .success());
    let rows = sched.as_array().unwrap();
    for r in rows {
        has_fields(
            r,
            &[
                "session_id",
                "title",
                "starts_at",
                "ends_at",
                "status",
                "overlaps",
            ],
        );
        assert!(r["overlaps"].is_array());
    }
    let order: Vec<&str> = rows
        .iter()
        .map(|r| r["session_id"].as_str().unwrap())
        .collect();
    assert_eq!(order, ["s0", "s1", "s2"]);
    assert_eq!(rows[0]["overlaps"], serde_json::json!([]));
    assert_eq!(rows[1]["overlaps"], serde_json::json!(["s2"]));

    // stream join | heartbeat | leave, and the refusal printed then exit 3
    let join = |v: &str| env.run(&["stream", "join", "--json", "--event", "e1", "--viewer", v]);
    let j = doc(&join("v1").success());
    has_fields(&j, PRESENCE_FIELDS);
    assert_eq!(
        (&j["admitted"], &j["count"], &j["limit"]),
        (&true.into(), &1.into(), &1.into())
    );
    let full = printed_then_failed(join("v2"), 3, "full");
    assert_eq!(
        (&full["admitted"], &full["count"], &full["limit"]),
        (&false.into(), &1.into(), &1.into())
    );
    let hb = doc(&env
        .run(&[
            "stream",
            "heartbeat",
            "--json",
            "--event",
            "e1",
            "--viewer",
            "v1",
            "--ttl",
            "2m",
        ])
        .success());
    has_fields(&hb, PRESENCE_FIELDS);
    assert_eq!(hb["admitted"], true);
    let lost = printed_then_failed(
        env.run(&[
            "stream",
            "heartbeat",
            "--json",
            "--event",
            "e1",
            "--viewer",
            "v2",
        ]),
        5,
        "rejoin",
    );
    assert_eq!(
        (&lost["admitted"], &lost["count"]),
        (&false.into(), &1.into())
    );
    let unlimited = doc(&env
        .run(&[
            "stream", "join", "--json", "--event", "e2", "--viewer", "v1",
        ])
        .success());
    assert_eq!(
        (&unlimited["admitted"], &unlimited["limit"]),
        (&true.into(), &Value::Null)
    );
    let left = doc(&env
        .run(&[
            "stream", "leave", "--json", "--event", "e2", "--viewer", "v1",
        ])
        .success());
    has_fields(&left, PRESENCE_FIELDS);
    assert_eq!(
        (&left["admitted"], &left["count"], &left["limit"]),
        (&false.into(), &0.into(), &Value::Null)
    );

    // stream viewers
    let viewers = doc(&env.run(&["stream", "viewers", "--json"]).success());
    let v: Vec<(Value, Value, Value)> = viewers
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["event_id"].clone(),
                r["viewers"].clone(),
                r["limit"].clone(),
            )
        })
        .collect();
    assert_eq!(
        v,
        [
            ("e1".into(), 1.into(), 1.into()),
            ("e2".into(), 0.into(), Value::Null)
        ]
    );

    // booth enter | heartbeat | leave | visitors
    env.run(&[
        "booth",
        "create",
        "--event",
        "e1",
        "--id",
        "b1",
        "--name",
        "B1",
        "--max-visitors",
        "1",
    ])
    .success();
    env.run(&[
        "booth", "create", "--event", "e1", "--id", "b2", "--name", "B2",
    ])
    .success();
    let booth = |op: &str, u: &str| env.run(&["booth", op, "--json", "--booth", "b1", "--user", u]);
    let e = doc(&booth("enter", "u-0").success());
    has_fields(&e, PRESENCE_FIELDS);
    assert_eq!(
        (&e["admitted"], &e["count"], &e["limit"]),
        (&true.into(), &1.into(), &1.into())
    );
    printed_then_failed(booth("enter", "u-1"), 3, "full");
    has_fields(&doc(&booth("heartbeat", "u-0").success()), PRESENCE_FIELDS);
    let visitors = doc(&env
        .run(&["booth", "visitors", "--event", "e1", "--json"])
        .success());
    let v: Vec<(Value, Value, Value, Value)> = visitors
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["booth_id"].clone(),
                r["event_id"].clone(),
                r["visitors"].clone(),
                r["max_visitors"].clone(),
            )
        })
        .collect();
    assert_eq!(
        v,
        [
            ("b1".into(), "e1".into(), 1.into(), 1.into()),
            ("b2".into(), "e1".into(), 0.into(), Value::Null)
        ]
    );
    let out = doc(&booth("leave", "u-0").success());
    assert_eq!(
        (&out["admitted"], &out["count"]),
        (&false.into(), &0.into())
    );

    // reconcile
    let rec = doc(&env.run(&["reconcile", "--json"]).success());
    has_fields(&rec, RECONCILE_FIELDS);
    let chk = doc(&env.run(&["reconcile", "--check", "--json"]).success());
    has_fields(&chk, RECONCILE_FIELDS);

    // the rest of the data commands answer one JSON document with RFC 3339 times
    for args in [
        &["event", "list", "--json"][..],
        &["event", "show", "e1", "--json"],
        &["session", "waitlist", "--session", "s1", "--json"],
        &["booth", "visitors", "--json"],
        &[
            "stream",
            "set-limit",
            "--event",
            "e2",
            "--max",
            "3",
            "--json",
        ],
        &[
            "booth",
            "set-capacity",
            "--booth",
            "b2",
            "--unlimited",
            "--json",
        ],
        &[
            "session",
            "set-capacity",
            "--session",
            "s2",
            "--max",
            "5",
            "--json",
        ],
        &[
            "event", "register", "--event", "e2", "--user", "x", "--json",
        ],
    ] {
        doc(&env.run(args).success());
    }
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn failures_are_one_line_on_stderr_with_the_documented_code(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &["--max-attendees", "2"]);
    env.session(
        "e1",
        "s1",
        9,
        10,
        &["--max-participants", "1", "--no-waitlist"],
    );
    env.session("e1", "s2", 9, 10, &[]);
    env.run(&["event", "register", "--event", "e1", "--user", "u1"])
        .success();
    env.run(&["event", "register", "--event", "e1", "--user", "u2"])
        .success();
    env.run(&["session", "rsvp", "--session", "s1", "--user", "u1"])
        .success();
    let before = env.snapshot().await;
    let cases: Vec<(i32, Vec<&str>, &str)> = vec![
        // 5: not found, for every kind of thing a command names
        (5, vec!["event", "show", "nope"], "not found"),
        (
            5,
            vec!["event", "register", "--event", "nope", "--user", "u"],
            "not found",
        ),
        (
            5,
            vec![
                "session",
                "create",
                "--event",
                "nope",
                "--title",
                "T",
                "--starts-at",
                "2030-06-01T09:00:00Z",
                "--ends-at",
                "2030-06-01T10:00:00Z",
            ],
            "not found",
        ),
        (5, vec!["session", "list", "--event", "nope"], "not found"),
        (
            5,
            vec!["session", "rsvp", "--session", "nope", "--user", "u1"],
            "not found",
        ),
        (
            5,
            vec!["session", "cancel", "--session", "nope", "--user", "u1"],
            "not found",
        ),
        (
            5,
            vec!["session", "cancel", "--session", "s2", "--user", "u1"],
            "no rsvp",
        ),
        (
            5,
            vec!["session", "waitlist", "--session", "nope"],
            "not found",
        ),
        (
            5,
            vec!["session", "set-capacity", "--session", "nope", "--max", "3"],
            "not found",
        ),
        (
            5,
            vec!["schedule", "--event", "nope", "--user", "u1"],
            "not found",
        ),
        (
            5,
            vec!["booth", "create", "--event", "nope", "--name", "B"],
            "not found",
        ),
        (
            5,
            vec!["booth", "set-capacity", "--booth", "nope", "--max", "3"],
            "not found",
        ),
        (
            5,
            vec!["booth", "enter", "--booth", "nope", "--user", "u1"],
            "not found",
        ),
        (5, vec!["booth", "visitors", "--booth", "nope"], "not found"),
        (
            5,
            vec!["stream", "set-limit", "--event", "nope", "--unlimited"],
            "not found",
        ),
        (5, vec!["stream", "viewers", "--event", "nope"], "not found"),
        (5, vec!["export-rsvps", "--event", "nope"], "not found"),
        // 3: at capacity; 6: preconditions
        (
            3,
            vec!["event", "register", "--event", "e1", "--user", "u3"],
            "full",
        ),
        (
            3,
            vec!["session", "rsvp", "--session", "s1", "--user", "u2"],
            "no waitlist",
        ),
        (
            6,
            vec!["session", "rsvp", "--session", "s2", "--user", "u1"],
            "--allow-overlap",
        ),
        (
            6,
            vec!["session", "rsvp", "--session", "s2", "--user", "stranger"],
            "not registered",
        ),
        (
            6,
            vec!["session", "set-capacity", "--session", "s1", "--max", "0"],
            "--force",
        ),
        // 2: invalid arguments, before or after the subcommand
        (
            2,
            vec!["session", "set-capacity", "--session", "s1"],
            "--max",
        ),
        (
            2,
            vec![
                "session",
                "set-capacity",
                "--session",
                "s1",
                "--max",
                "2",
                "--unlimited",
            ],
            "--unlimited",
        ),
        (
            2,
            vec![
                "stream", "join", "--event", "e1", "--viewer", "v", "--ttl", "soon",
            ],
            "duration",
        ),
        (
            2,
            vec![
                "event",
                "create",
                "--name",
                "X",
                "--starts-at",
                "2030-06-02T09:00:00Z",
                "--ends-at",
                "2030-06-01T09:00:00Z",
            ],
            "2030-06-01T09:00:00Z",
        ),
        (
            2,
            vec!["--redis-prefix", "a{b}", "stream", "viewers"],
            "--redis-prefix",
        ),
        (
            2,
            vec!["stream", "viewers", "--redis-prefix", "a{b}"],
            "--redis-prefix",
        ),
        (
            2,
            vec!["booth", "visitors", "--booth", "b", "--event", "e1"],
            "cannot be used",
        ),
        (2, vec!["no-such-command"], "no-such-command"),
        // 7: a backend that is not there, named by a flag before or after the subcommand
        (
            7,
            vec![
                "--database-url",
                "postgres://u:hunter2@127.0.0.1:1/x",
                "event",
                "list",
            ],
            "PostgreSQL",
        ),
        (
            7,
            vec![
                "event",
                "list",
                "--database-url",
                "postgres://u:hunter2@127.0.0.1:1/x",
            ],
            "PostgreSQL",
        ),
        (
            7,
            vec![
                "stream",
                "viewers",
                "--redis-url",
                "redis://:hunter2@127.0.0.1:1",
            ],
            "Redis",
        ),
    ];
    for (code, args, needle) in &cases {
        for json in [false, true] {
            let mut argv = args.clone();
            if json {
                argv.push("--json");
            }
            let run = env.run(&argv);
            assert_eq!(run.code, *code, "{argv:?}: {run:?}");
            let run = run.error_mentions(needle);
            assert!(
                run.stderr.starts_with("capctl: error: "),
                "{argv:?}: {}",
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
async fn human_output_is_a_plain_table_with_a_summary(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &["--max-viewers", "2"]);
    env.session("e1", "s1", 9, 10, &["--max-participants", "1"]);
    env.register_many("e1", "u", 2).await;
    env.run(&["session", "rsvp", "--session", "s1", "--user", "u-0"])
        .success();
    env.run(&["stream", "join", "--event", "e1", "--viewer", "v1"])
        .success();
    env.run(&[
        "booth",
        "create",
        "--event",
        "e1",
        "--id",
        "b1",
        "--name",
        "B",
        "--max-visitors",
        "1",
    ])
    .success();
    env.run(&["booth", "enter", "--booth", "b1", "--user", "u-0"])
        .success();
    for (args, summary) in [
        (
            &["session", "list", "--event", "e1"][..],
            "1 session(s), 1 full: 1 confirmed, 0 offered, 0 waitlisted",
        ),
        (
            &["stream", "viewers"],
            "1 viewer(s) over 1 stream(s), 0 at the limit",
        ),
        (
            &["booth", "visitors", "--event", "e1"],
            "1 visitor(s) in 1 booth(s), 1 full",
        ),
        (
            &["session", "waitlist", "--session", "s1"],
            "s1: 0 waitlisted, 0 holding an offer",
        ),
        (
            &["schedule", "--event", "e1", "--user", "u-0"],
            "u-0: 1 session(s) on the schedule",
        ),
        (&["event", "list"], "e1"),
        (&["reconcile"], "done:"),
    ] {
        let run = env.run(args).success();
        assert!(run.stdout.contains(summary), "{args:?}:\n{}", run.stdout);
        // NO_COLOR is set and stdout is a pipe: no escape sequences, no progress on stderr
        assert!(!run.stdout.contains('\x1b'), "{args:?}: {:?}", run.stdout);
        assert!(run.stderr.is_empty(), "{args:?}: {:?}", run.stderr);
    }
    env.event("e2", &[]);
    assert_eq!(
        env.run(&["booth", "visitors", "--event", "e2"])
            .success()
            .stdout,
        "no booths\n"
    );
}

/// Every key under `prefix`, with its type and value, to compare before and after.
async fn redis_state(env: &TestEnv, prefix: &str) -> BTreeMap<String, String> {
    let mut conn = redis(env).await;
    let mut state = BTreeMap::new();
    for key in keys_under(&mut conn, &format!("{prefix}:*")).await {
        let kind: String = redis::cmd("TYPE")
            .arg(&key)
            .query_async(&mut conn)
            .await
            .unwrap();
        let value = match kind.as_str() {
            "string" => redis::cmd("GET")
                .arg(&key)
                .query_async::<String>(&mut conn)
                .await
                .unwrap(),
            "zset" => format!(
                "{:?}",
                redis::cmd("ZRANGE")
                    .arg(&key)
                    .arg(0)
                    .arg(-1)
                    .arg("WITHSCORES")
                    .query_async::<Vec<String>>(&mut conn)
                    .await
                    .unwrap()
            ),
            "hash" => format!(
                "{:?}",
                redis::cmd("HGETALL")
                    .arg(&key)
                    .query_async::<BTreeMap<String, String>>(&mut conn)
                    .await
                    .unwrap()
            ),
            other => panic!("unexpected {other} key {key}"),
        };
        let ttl: i64 = redis::cmd("PTTL")
            .arg(&key)
            .query_async(&mut conn)
            .await
            .unwrap();
        state.insert(key, format!("{kind} {value} ttl={}", ttl.signum()));
    }
    state
}

async fn delete_keys(env: &TestEnv, prefix: &str) {
    let mut conn = redis(env).await;
    for key in keys_under(&mut conn, &format!("{prefix}:*")).await {
        let _: () = redis::cmd("DEL")
            .arg(&key)
            .query_async(&mut conn)
            .await
            .unwrap();
    }
}

/// The hash tag Redis Cluster hashes: what is between the first `{` and the next `}`.
fn hash_tag(key: &str) -> &str {
    let open = key.find('{').expect("a hash tag");
    let close = open + key[open..].find('}').expect("a closed hash tag");
    &key[open + 1..close]
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn redis_keys_start_with_the_prefix_and_share_a_hash_tag_per_room(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &["--max-viewers", "5"]);
    env.run(&[
        "booth",
        "create",
        "--event",
        "e1",
        "--id",
        "b1",
        "--name",
        "B",
        "--max-visitors",
        "2",
    ])
    .success();
    // the flag wins over CAPCTL_REDIS_PREFIX (which the harness sets to env.prefix)
    let flagged = format!("{}-flag", env.prefix);
    let mut conn = redis(&env).await;
    let now_ms = |t: (i64, i64)| t.0 * 1000 + t.1 / 1000;
    let before: (i64, i64) = redis::cmd("TIME").query_async(&mut conn).await.unwrap();
    let joined = doc(&env
        .run(&[
            "stream",
            "join",
            "--json",
            "--event",
            "e1",
            "--viewer",
            "v1",
            "--ttl",
            "90s",
            "--redis-prefix",
            &flagged,
        ])
        .success());
    let after: (i64, i64) = redis::cmd("TIME").query_async(&mut conn).await.unwrap();
    env.run(&[
        "--redis-prefix",
        &flagged,
        "booth",
        "enter",
        "--booth",
        "b1",
        "--user",
        "u1",
    ])
    .success();
    env.run(&[
        "booth",
        "heartbeat",
        "--booth",
        "b1",
        "--user",
        "u1",
        "--redis-prefix",
        &flagged,
    ])
    .success();

    let keys: Vec<String> = redis_state(&env, &flagged).await.into_keys().collect();
    let mut expected: Vec<String> = ["stream:e1", "booth:b1"]
        .iter()
        .flat_map(|tag| {
            ["leases", "count", "limit", "ttl"].map(|k| format!("{flagged}:{{{tag}}}:{k}"))
        })
        .collect();
    expected.sort();
    assert_eq!(keys, expected);
    for room in [Room::stream("e1").unwrap(), Room::booth("b1").unwrap()] {
        let k = room.keys(&flagged);
        let tags = k.as_array().map(hash_tag);
        assert_eq!(tags, [format!("{}:{}", room.kind(), room.id()).as_str(); 4]);
    }
    assert!(
        redis_state(&env, &env.prefix).await.is_empty(),
        "nothing written under the environment's prefix"
    );

    // the lease is scored by the Redis server's clock: expiry = TIME + ttl
    let score: f64 = redis::cmd("ZSCORE")
        .arg(Room::stream("e1").unwrap().keys(&flagged).leases)
        .arg("v1")
        .query_async(&mut conn)
        .await
        .unwrap();
    let score = score as i64;
    assert!(
        (now_ms(before) + 90_000..=now_ms(after) + 90_000).contains(&score),
        "{score} not within server TIME + 90 s"
    );
    let reported =
        chrono::DateTime::parse_from_rfc3339(joined["lease_expires_at"].as_str().unwrap())
            .unwrap()
            .timestamp_millis();
    assert_eq!(reported, score);

    // a reconcile under one prefix leaves another prefix's keys alone, even wrong ones
    let other = Room::stream("e1").unwrap().keys(&env.prefix);
    let _: () = redis::cmd("SET")
        .arg(&other.count)
        .arg(42)
        .query_async(&mut conn)
        .await
        .unwrap();
    let fixed = doc(&env
        .run(&["reconcile", "--json", "--redis-prefix", &flagged])
        .success());
    assert_eq!(fixed["counters_fixed"], 0);
    let untouched: Option<i64> = redis::cmd("GET")
        .arg(&other.count)
        .query_async(&mut conn)
        .await
        .unwrap();
    assert_eq!(untouched, Some(42));
    assert_eq!(
        env.run(&["reconcile", "--check", "--json"]).code(8).json()["counters_fixed"],
        1,
        "the environment's prefix is reconciled on its own"
    );
    delete_keys(&env, &flagged).await;
    delete_keys(&env, &env.prefix).await;
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn reconcile_check_changes_nothing_in_either_store(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &["--max-viewers", "5"]);
    env.event("e2", &["--max-viewers", "4"]);
    env.run(&[
        "booth",
        "create",
        "--event",
        "e1",
        "--id",
        "b1",
        "--name",
        "B",
        "--max-visitors",
        "2",
    ])
    .success();
    env.session("e1", "s1", 9, 10, &["--max-participants", "1"]);
    env.session("e1", "s2", 11, 12, &[]);
    env.register_many("e1", "u", 3).await;
    for u in ["u-0", "u-1", "u-2"] {
        env.run(&["session", "rsvp", "--session", "s1", "--user", u]);
    }
    env.run(&["session", "rsvp", "--session", "s2", "--user", "u-0"])
        .success();
    env.run(&["session", "cancel", "--session", "s1", "--user", "u-0"])
        .success(); // u-1 offered
    env.run(&["stream", "join", "--event", "e1", "--viewer", "v1"])
        .success();
    env.run(&["booth", "enter", "--booth", "b1", "--user", "u-0"])
        .success();
    env.run(&["reconcile"]).success();
    env.run(&["reconcile", "--check"]).success();

    // every kind of drift at once
    sqlx::query("UPDATE session_rsvps SET offer_expires_at = now() - interval '1 minute' WHERE status = 'OFFERED'")
        .execute(&env.pool)
        .await
        .unwrap();
    sqlx::query("UPDATE session_capacity SET current_attendance = 7 WHERE session_id = 's2'")
        .execute(&env.pool)
        .await
        .unwrap();
    let mut conn = redis(&env).await;
    let stream = Room::stream("e1").unwrap().keys(&env.prefix);
    let booth = Room::booth("b1").unwrap().keys(&env.prefix);
    let gone = Room::booth("gone").unwrap().keys(&env.prefix);
    let e2 = Room::stream("e2").unwrap().keys(&env.prefix);
    let _: () = redis::pipe()
        .cmd("ZADD")
        .arg(&stream.leases)
        .arg(1_000)
        .arg("ghost")
        .ignore() // expired long ago
        .cmd("INCR")
        .arg(&stream.count)
        .ignore() // counter says 2, one live lease
        .cmd("SET")
        .arg(&booth.limit)
        .arg("9")
        .ignore() // PostgreSQL says 2
        .cmd("SET")
        .arg(&gone.limit)
        .arg("3")
        .ignore() // no such booth
        .cmd("DEL")
        .arg(&e2.limit)
        .ignore() // not cached
        .query_async(&mut conn)
        .await
        .unwrap();
    let pg_before = env.snapshot().await;
    let redis_before = redis_state(&env, &env.prefix).await;

    for args in [
        &["reconcile", "--check", "--json"][..],
        &["reconcile", "--check"],
        &["--json", "reconcile", "--check"],
    ] {
        let run = env.run(args).code(8);
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
        assert!(run.stderr.contains("drift"), "{}", run.stderr);
        assert_eq!(
            env.snapshot().await,
            pg_before,
            "{args:?} wrote to PostgreSQL"
        );
        assert_eq!(
            redis_state(&env, &env.prefix).await,
            redis_before,
            "{args:?} wrote to Redis"
        );
    }
    let found = env.run(&["reconcile", "--check", "--json"]).code(8).json();
    for (field, n) in [
        ("leases_expired", 1),
        ("counters_fixed", 1),
        ("limits_fixed", 2),
        ("sessions_fixed", 1),
        ("offers_expired", 1),
        ("offers_sent", 1), // what a pass would send: u-2 takes the lapsed offer's seat
    ] {
        assert_eq!(found[field], n, "{field}: {found}");
    }
    assert_eq!(found["drift"], true);

    // a real pass fixes all of it, and leaves nothing for --check
    let fixed = env.run(&["reconcile", "--json"]).success().json();
    for (field, n) in [
        ("leases_expired", 1),
        ("counters_fixed", 1),
        ("limits_fixed", 2),
        ("sessions_fixed", 1),
        ("offers_expired", 1),
        ("offers_sent", 1),
    ] {
        assert_eq!(fixed[field], n, "{field}: {fixed}");
    }
    let after = redis_state(&env, &env.prefix).await;
    assert_eq!(after[&stream.count], "string 1 ttl=-1");
    assert!(after[&stream.leases].contains("v1") && !after[&stream.leases].contains("ghost"));
    assert_eq!(after[&booth.limit], "string 2 ttl=-1");
    assert!(!after.contains_key(&gone.limit));
    assert_eq!(after[&e2.limit], "string 4 ttl=-1");
    let seats: Vec<(String, String)> = sqlx::query_as(
        "SELECT user_id, status FROM session_rsvps WHERE session_id = 's1' ORDER BY user_id",
    )
    .fetch_all(&env.pool)
    .await
    .unwrap();
    let seats: Vec<(&str, &str)> = seats
        .iter()
        .map(|(u, s)| (u.as_str(), s.as_str()))
        .collect();
    assert_eq!(
        seats,
        [("u-0", "CANCELLED"), ("u-1", "EXPIRED"), ("u-2", "OFFERED")]
    );
    assert_eq!(
        env.count(
            "SELECT current_attendance::bigint FROM session_capacity WHERE session_id = 's2'"
        )
        .await,
        1
    );
    env.run(&["reconcile", "--check"]).success();
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn reconcile_check_finds_free_seats_a_pass_would_offer(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &[]);
    env.session("e1", "s1", 9, 10, &["--max-participants", "1"]);
    env.session("e1", "s3", 13, 14, &["--max-participants", "1"]);
    env.session("e1", "s4", 13, 14, &[]);
    env.register_many("e1", "u", 3).await;
    let rsvp = |s: &str, u: &str| env.run(&["session", "rsvp", "--session", s, "--user", u]);
    let status = |s: &'static str, u: &'static str| {
        let pool = env.pool.clone();
        async move {
            sqlx::query_scalar::<_, String>(
                "SELECT status FROM session_rsvps WHERE session_id = $1 AND user_id = $2",
            )
            .bind(s)
            .bind(u)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    // s1: full with two waiting; then its capacity is raised behind capctl's back
    rsvp("s1", "u-0").success();
    rsvp("s1", "u-1").code(4);
    rsvp("s1", "u-2").code(4);
    sqlx::query("UPDATE session_capacity SET maximum_capacity = 3 WHERE session_id = 's1'")
        .execute(&env.pool)
        .await
        .unwrap();
    // s3: the seat freed while the only waiting user clashed (s4); then the clash goes away
    rsvp("s3", "u-0").success();
    rsvp("s4", "u-1").success();
    rsvp("s3", "u-1").code(4);
    let freed = env.run(&[
        "session",
        "cancel",
        "--json",
        "--session",
        "s3",
        "--user",
        "u-0",
    ]);
    assert_eq!(
        freed.success().json()["offers_sent"],
        0,
        "u-1 clashes: keeps the place"
    );
    env.run(&["session", "cancel", "--session", "s4", "--user", "u-1"])
        .success();
    assert_eq!(status("s3", "u-1").await, "WAITLISTED");

    let before = env.snapshot().await;
    let found = env.run(&["reconcile", "--check", "--json"]).code(8);
    assert!(
        found.stderr.contains("3 free seats to offer"),
        "{}",
        found.stderr
    );
    let found = found.json();
    assert_eq!(
        (&found["offers_sent"], &found["drift"]),
        (&3.into(), &true.into())
    );
    assert_eq!(env.snapshot().await, before, "--check wrote nothing");

    let fixed = env.run(&["reconcile", "--json"]).success().json();
    assert_eq!(
        (&fixed["offers_sent"], &fixed["drift"]),
        (&3.into(), &true.into())
    );
    for (s, u) in [("s1", "u-1"), ("s1", "u-2"), ("s3", "u-1")] {
        assert_eq!(status(s, u).await, "OFFERED", "{u} in {s}");
    }
    env.run(&["reconcile", "--check"]).success();
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn the_viewer_limit_lives_in_virtual_settings_beside_other_settings(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &[]);
    let settings = |v: &'static str| {
        let pool = env.pool.clone();
        async move {
            sqlx::query("UPDATE events SET virtual_settings = $1::jsonb WHERE id = 'e1'")
                .bind(v)
                .execute(&pool)
                .await
                .unwrap();
        }
    };
    let stored = || {
        let pool = env.pool.clone();
        async move {
            sqlx::query_scalar::<_, Value>("SELECT virtual_settings FROM events WHERE id = 'e1'")
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    // the platform's own settings, and a JSON null limit: unlimited
    settings(r#"{"theme": "dark", "max_concurrent_viewers": null}"#).await;
    let join = |v: &str| env.run(&["stream", "join", "--json", "--event", "e1", "--viewer", v]);
    assert_eq!(join("v1").success().json()["limit"], Value::Null);

    let set = env
        .run(&[
            "stream",
            "set-limit",
            "--json",
            "--event",
            "e1",
            "--max",
            "1",
        ])
        .success()
        .json();
    assert_eq!((&set["limit"], &set["count"]), (&1.into(), &1.into()));
    assert_eq!(
        stored().await,
        serde_json::json!({"theme": "dark", "max_concurrent_viewers": 1})
    );
    join("v2").code(3);

    env.run(&["stream", "set-limit", "--event", "e1", "--unlimited"])
        .success();
    assert_eq!(stored().await, serde_json::json!({"theme": "dark"}));
    assert_eq!(join("v2").success().json()["count"], 2);
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn only_a_live_registration_may_rsvp(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &[]);
    env.event("e2", &[]);
    env.session("e1", "s1", 9, 10, &[]);
    env.register_many("e1", "u", 1).await;
    env.register_many("e2", "w", 1).await;
    sqlx::query("UPDATE event_registrations SET status = 'CANCELLED' WHERE user_id = 'u-0'")
        .execute(&env.pool)
        .await
        .unwrap();
    let before = env.snapshot().await;
    for user in ["u-0", "w-0"] {
        env.run(&["session", "rsvp", "--session", "s1", "--user", user])
            .code(6)
            .error_mentions("not registered");
    }
    assert_eq!(env.snapshot().await, before, "nothing written");
    assert_eq!(env.count("SELECT count(*) FROM session_rsvps").await, 0);
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn an_offer_holder_who_clashes_meanwhile_keeps_the_offer_until_they_allow_the_overlap(
    pool: PgPool,
) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &[]);
    env.session("e1", "s1", 9, 10, &["--max-participants", "1"]);
    env.session("e1", "s2", 9, 10, &[]);
    env.register_many("e1", "u", 2).await;
    let rsvp = |s: &str, u: &str, extra: &[&str]| {
        let mut args = vec!["session", "rsvp", "--json", "--session", s, "--user", u];
        args.extend_from_slice(extra);
        env.run(&args)
    };
    rsvp("s1", "u-0", &[]).success();
    rsvp("s1", "u-1", &[]).code(4);
    env.run(&["session", "cancel", "--session", "s1", "--user", "u-0"])
        .success();
    // holding the offer, u-1 confirms a session at the same time: an offer is no clash
    rsvp("s2", "u-1", &[]).success();

    let before = env.snapshot().await;
    rsvp("s1", "u-1", &[])
        .code(6)
        .error_mentions("the offer held for them expires at");
    assert_eq!(env.snapshot().await, before, "the offer is still held");
    let status: String = sqlx::query_scalar(
        "SELECT status FROM session_rsvps WHERE session_id = 's1' AND user_id = 'u-1'",
    )
    .fetch_one(&env.pool)
    .await
    .unwrap();
    assert_eq!(status, "OFFERED");

    let ok = rsvp("s1", "u-1", &["--allow-overlap"]).success().json();
    assert_eq!(
        (&ok["status"], &ok["waitlist_position"], &ok["repeat"]),
        (&"CONFIRMED".into(), &Value::Null, &false.into())
    );
    let list = env
        .run(&["session", "list", "--json", "--event", "e1"])
        .success()
        .json();
    assert_eq!(
        (
            &list[0]["session_id"],
            &list[0]["confirmed"],
            &list[0]["offered"]
        ),
        (&"s1".into(), &1.into(), &0.into())
    );
    assert_eq!(
        env.count(
            "SELECT current_attendance::bigint FROM session_capacity WHERE session_id = 's1'"
        )
        .await,
        1
    );
}
