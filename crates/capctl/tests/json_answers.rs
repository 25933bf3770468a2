//! Every `--json` answer of CLI.md as a contract: the documented fields with the documented
//! nulls, RFC 3339 `Z` times, one JSON document on stdout; global options on either side of the
//! subcommand; the documented print-then-exit answers (JSON on stdout, one error line on stderr).

mod common;

use std::collections::BTreeMap;

use common::{Run, SESSION_LIST_FIELDS, TestEnv, has_fields};
use serde_json::Value;
use sqlx::PgPool;

/// `--json` output: one JSON document, its times in RFC 3339 with Z.
#[track_caller]
fn doc(run: &Run) -> Value {
    run.json_doc()
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

/// e1 (one viewer at most) and e2 (unlimited); in e1: s1 (one seat, 9-10), s2 (unlimited, 9-11,
/// overlaps s1), s0 (8-9, touches s1 without overlapping); users u-0 and u-1 registered for e1.
async fn seated(env: &TestEnv) {
    env.event("e1", &["--max-viewers", "1"]);
    env.event("e2", &[]);
    env.session("e1", "s1", 9, 10, &["--max-participants", "1"]);
    env.session("e1", "s2", 9, 11, &[]);
    env.session("e1", "s0", 8, 9, &[]);
    env.register_many("e1", "u", 2).await;
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn every_json_answer_carries_the_documented_fields(pool: PgPool) {
    // session rsvp / cancel
    let env = TestEnv::new(pool).await;
    seated(&env).await;
    let ok = doc(&env
        .capctl("session rsvp --json --session s1 --user u-0")
        .success());
    has_fields(&ok, RSVP_FIELDS);
    assert_eq!(
        (&ok["status"], &ok["waitlist_position"]),
        (&"CONFIRMED".into(), &Value::Null)
    );
    let queued = printed_then_failed(
        env.capctl("session rsvp --json --session s1 --user u-1")
            .run(),
        4,
        "waitlisted",
    );
    has_fields(&queued, RSVP_FIELDS);
    assert_eq!(
        (&queued["status"], &queued["waitlist_position"]),
        (&"WAITLISTED".into(), &1.into())
    );
    let cancelled = doc(&env
        .capctl("--json session cancel --session s1 --user u-1")
        .success());
    has_fields(&cancelled, RSVP_FIELDS);
    assert_eq!(
        (&cancelled["status"], &cancelled["waitlist_position"]),
        (&"CANCELLED".into(), &Value::Null)
    );
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn json_is_a_global_option_on_either_side_of_the_subcommand(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    seated(&env).await;
    // after the subcommand's own flags, and between the group and the leaf
    let o = doc(&env
        .capctl("session rsvp --session s2 --user u-0 --allow-overlap --json")
        .success());
    assert_eq!(o["status"], "CONFIRMED");
    doc(&env
        .capctl("session --json rsvp --session s0 --user u-0")
        .success());
    // before the group (as in the cancel of the first test)
    doc(&env
        .capctl("--json session rsvp --session s1 --user u-1")
        .success());
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn session_list_json_has_null_capacity_and_available_when_unlimited(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    seated(&env).await;
    env.rsvp("s1", "u-0").success();
    let list = doc(&env.capctl("session list --event e1 --json").success());
    let by_id: BTreeMap<String, Value> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["session_id"].as_str().unwrap().to_string(), s.clone()))
        .collect();
    for s in by_id.values() {
        has_fields(s, SESSION_LIST_FIELDS);
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
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn schedule_json_is_sorted_by_start_with_overlaps_as_arrays(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    seated(&env).await;
    env.rsvp("s1", "u-0").success();
    env.rsvp("s2", "u-0").arg("--allow-overlap").success();
    env.rsvp("s0", "u-0").success();
    let sched = doc(&env
        .capctl("schedule --event e1 --user u-0 --json")
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
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn stream_join_heartbeat_leave_json_and_the_printed_refusals(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    seated(&env).await;
    let join = |v: &str| {
        env.capctl(format!("stream join --json --event e1 --viewer {v}"))
            .run()
    };
    let j = doc(&join("v1").success());
    has_fields(&j, PRESENCE_FIELDS);
    assert_eq!(
        (&j["admitted"], &j["count"], &j["limit"]),
        (&true.into(), &1.into(), &1.into())
    );
    // refused: printed, then exit 3
    let full = printed_then_failed(join("v2"), 3, "full");
    assert_eq!(
        (&full["admitted"], &full["count"], &full["limit"]),
        (&false.into(), &1.into(), &1.into())
    );
    let hb = doc(&env
        .capctl("stream heartbeat --json --event e1 --viewer v1 --ttl 2m")
        .success());
    has_fields(&hb, PRESENCE_FIELDS);
    assert_eq!(hb["admitted"], true);
    let lost = printed_then_failed(
        env.capctl("stream heartbeat --json --event e1 --viewer v2")
            .run(),
        5,
        "rejoin",
    );
    assert_eq!(
        (&lost["admitted"], &lost["count"]),
        (&false.into(), &1.into())
    );
    let unlimited = doc(&env
        .capctl("stream join --json --event e2 --viewer v1")
        .success());
    assert_eq!(
        (&unlimited["admitted"], &unlimited["limit"]),
        (&true.into(), &Value::Null)
    );
    let left = doc(&env
        .capctl("stream leave --json --event e2 --viewer v1")
        .success());
    has_fields(&left, PRESENCE_FIELDS);
    assert_eq!(
        (&left["admitted"], &left["count"], &left["limit"]),
        (&false.into(), &0.into(), &Value::Null)
    );
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn stream_viewers_json_lists_every_stream_with_its_limit(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    seated(&env).await;
    env.capctl("stream join --event e1 --viewer v1").success();
    env.capctl("stream join --event e2 --viewer v1").success();
    env.capctl("stream leave --event e2 --viewer v1").success();
    let viewers = doc(&env.capctl("stream viewers --json").success());
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
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn booth_enter_heartbeat_leave_visitors_json(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    seated(&env).await;
    env.capctl("booth create --event e1 --id b1 --name B1 --max-visitors 1")
        .success();
    env.capctl("booth create --event e1 --id b2 --name B2")
        .success();
    let booth = |op: &str, u: &str| {
        env.capctl(format!("booth {op} --json --booth b1 --user {u}"))
            .run()
    };
    let e = doc(&booth("enter", "u-0").success());
    has_fields(&e, PRESENCE_FIELDS);
    assert_eq!(
        (&e["admitted"], &e["count"], &e["limit"]),
        (&true.into(), &1.into(), &1.into())
    );
    printed_then_failed(booth("enter", "u-1"), 3, "full");
    has_fields(&doc(&booth("heartbeat", "u-0").success()), PRESENCE_FIELDS);
    let visitors = doc(&env.capctl("booth visitors --event e1 --json").success());
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
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn reconcile_json_carries_every_count(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    seated(&env).await;
    let rec = doc(&env.capctl("reconcile --json").success());
    has_fields(&rec, RECONCILE_FIELDS);
    let chk = doc(&env.capctl("reconcile --check --json").success());
    has_fields(&chk, RECONCILE_FIELDS);
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn the_other_data_commands_answer_one_json_document(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    seated(&env).await;
    env.booth("e1", "b2", None);
    // each answers one JSON document with RFC 3339 times
    for line in [
        "event list --json",
        "event show e1 --json",
        "session waitlist --session s1 --json",
        "booth visitors --json",
        "stream set-limit --event e2 --max 3 --json",
        "booth set-capacity --booth b2 --unlimited --json",
        "session set-capacity --session s2 --max 5 --json",
        "event register --event e2 --user x --json",
    ] {
        doc(&env.capctl(line).success());
    }
}
