//! A user's schedule: overlapping sessions refused unless allowed, `schedule` in start order
//! with the overlaps named, and the `--ics` calendar stable across runs.

mod common;

use common::TestEnv;
use serde_json::{Value, json};
use sqlx::PgPool;

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn overlap_is_refused_unless_allowed(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &[]);
    env.session("e1", "morning", 9, 11, &[]);
    env.session("e1", "keynote", 10, 12, &[]);
    env.session("e1", "lunch", 12, 13, &[]);
    env.register_many("e1", "u", 1).await;
    env.rsvp("morning", "u-0").success();
    env.rsvp("lunch", "u-0").success(); // touching end and start is no overlap

    let before = env.snapshot().await;
    env.rsvp("keynote", "u-0")
        .refused(6, "overlaps session \"morning\"");
    assert_eq!(env.snapshot().await, before);

    let out = env
        .capctl("session rsvp --json --session keynote --user u-0 --allow-overlap")
        .success()
        .json();
    assert_eq!(out["status"], "CONFIRMED");
    assert_eq!(env.counters("keynote").await, (1, 0));

    let sched = env
        .capctl("schedule --json --event e1 --user u-0")
        .success()
        .json();
    let got: Vec<(Value, Value)> = sched
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["session_id"].clone(), e["overlaps"].clone()))
        .collect();
    assert_eq!(
        got,
        [
            (json!("morning"), json!(["keynote"])),
            (json!("keynote"), json!(["morning"])),
            (json!("lunch"), json!([])),
        ]
    );
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn schedule_lists_the_users_sessions_by_start(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &[]);
    env.event("e2", &[]);
    env.session("e1", "late", 15, 16, &["--room", "Hall B"]);
    env.session("e1", "early", 9, 10, &["--max-participants", "1"]);
    env.session("e1", "dropped", 11, 12, &[]);
    env.session("e2", "elsewhere", 9, 10, &[]);
    env.register_many("e1", "u", 2).await;
    env.register_many("e2", "u", 2).await;
    env.rsvp("early", "u-1").success();
    env.rsvp("late", "u-0").success();
    env.rsvp("early", "u-0").code(4);
    env.rsvp("dropped", "u-0").success();
    env.cancel("dropped", "u-0").success();
    env.rsvp("elsewhere", "u-0").success();

    let sched = env
        .capctl("schedule --json --event e1 --user u-0")
        .success()
        .json();
    let rows = sched.as_array().unwrap();
    assert_eq!(rows.len(), 2, "{sched}");
    assert_eq!(
        rows[0],
        json!({
            "session_id": "early", "title": "Test session",
            "starts_at": "2030-06-01T09:00:00Z", "ends_at": "2030-06-01T10:00:00Z",
            "room": null, "status": "WAITLISTED", "waitlist_position": 1,
            "offer_expires_at": null, "overlaps": [],
            "rsvp_id": rows[0]["rsvp_id"], "updated_at": rows[0]["updated_at"],
            "checked_in_at": null, "checked_out_at": null,
        })
    );
    assert_eq!(
        (
            rows[1]["session_id"].clone(),
            rows[1]["status"].clone(),
            rows[1]["room"].clone()
        ),
        (json!("late"), json!("CONFIRMED"), json!("Hall B"))
    );

    // Someone with no RSVPs has an empty schedule; an unknown event is an error.
    assert_eq!(
        env.capctl("schedule --json --event e1 --user stranger")
            .success()
            .json(),
        json!([])
    );
    env.capctl("schedule --json --event nope --user u-0")
        .refused(5, "event \"nope\" not found");
}

/// e1 with s1 (09:00, "Hall A", one seat), s2 (11:00, one seat, u-1's), s3 (13:00): u-0 has s1,
/// waits for s2, and cancelled s3.
async fn calendar_fixture(env: &TestEnv) {
    env.event("e1", &[]);
    env.session(
        "e1",
        "s1",
        9,
        10,
        &["--room", "Hall A", "--max-participants", "1"],
    );
    env.session("e1", "s2", 11, 12, &["--max-participants", "1"]);
    env.session("e1", "s3", 13, 14, &[]);
    env.register_many("e1", "u", 2).await;
    env.rsvp("s2", "u-1").success();
    env.rsvp("s1", "u-0").success();
    env.rsvp("s2", "u-0").code(4);
    env.rsvp("s3", "u-0").success();
    env.cancel("s3", "u-0").success();
}

/// `schedule --event e1 --user u-0 --ics`: u-0's calendar.
fn u0_calendar(env: &TestEnv) -> String {
    env.capctl("schedule --event e1 --user u-0 --ics")
        .success()
        .stdout
}

/// The ids of u-0's RSVPs to s1 and s2, in that order (a calendar UID is `ID@capctl`).
async fn u0_rsvp_ids(env: &TestEnv) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT id FROM session_rsvps WHERE user_id = 'u-0' AND session_id IN ('s1', 's2')
          ORDER BY session_id",
    )
    .fetch_all(&env.pool)
    .await
    .unwrap()
}

/// The value of `key` in one VEVENT of a calendar.
fn ics_prop(ev: &str, key: &str) -> String {
    ev.lines()
        .find_map(|l| l.strip_prefix(&format!("{key}:")))
        .unwrap_or_else(|| panic!("{key} missing in {ev}"))
        .trim_end()
        .to_string()
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn schedule_ics_is_a_stable_calendar(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    calendar_fixture(&env).await;
    let ics = || u0_calendar(&env);
    let first = ics();
    let second = ics();
    assert_eq!(first, second, "same RSVPs, same calendar");
    assert!(
        first.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"),
        "{first}"
    );
    assert!(first.ends_with("END:VCALENDAR\r\n"));
    assert!(!first.replace("\r\n", "").contains('\n'), "CRLF line ends");
    assert_eq!(
        first.matches("BEGIN:VEVENT\r\n").count(),
        2,
        "one VEVENT per listed session"
    );

    let ids = u0_rsvp_ids(&env).await;
    let events: Vec<&str> = first.split("BEGIN:VEVENT").skip(1).collect();
    assert_eq!(ics_prop(events[0], "UID"), format!("{}@capctl", ids[0]));
    assert_eq!(ics_prop(events[1], "UID"), format!("{}@capctl", ids[1]));
    assert_eq!(ics_prop(events[0], "DTSTART"), "20300601T090000Z");
    assert_eq!(ics_prop(events[0], "DTEND"), "20300601T100000Z");
    assert!(ics_prop(events[0], "DTSTAMP").ends_with('Z'));
    assert_eq!(ics_prop(events[0], "SUMMARY"), "Test session");
    assert_eq!(ics_prop(events[0], "LOCATION"), "Hall A");
    assert_eq!(ics_prop(events[0], "STATUS"), "CONFIRMED");
    assert_eq!(ics_prop(events[1], "STATUS"), "TENTATIVE");
    assert!(ics_prop(events[1], "DTSTART").ends_with('Z'));
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn a_promoted_rsvp_keeps_its_calendar_uid(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    calendar_fixture(&env).await;
    let ics = || u0_calendar(&env);
    let ids = u0_rsvp_ids(&env).await;
    // Promoted from the waitlist: same UID, now confirmed.
    env.cancel("s2", "u-1").success();
    env.rsvp("s2", "u-0").success();
    let third = ics();
    let ev = third.split("BEGIN:VEVENT").nth(2).unwrap();
    assert_eq!(ics_prop(ev, "UID"), format!("{}@capctl", ids[1]));
    assert_eq!(ics_prop(ev, "STATUS"), "CONFIRMED");
}
