//! The door of an in-person session through the real binary: check-in of booked seats and
//! walk-ins, check-out and re-entry, no-shows released after the grace, several doors at once,
//! and the database refusing an overfull room on its own. Every test checks the answer AND the
//! rows (and outbox rows) left in PostgreSQL.

mod common;

use capctl_core::audit::{self, Scope};
use chrono::{Duration, Utc};
use common::{TestEnv, rfc3339};
use sqlx::PgPool;

/// (status, checked in, inside) of a user's RSVP row.
async fn door_row(env: &TestEnv, session: &str, user: &str) -> Option<(String, bool, bool)> {
    sqlx::query_as(
        "SELECT status, checked_in_at IS NOT NULL, capctl_inside(status, checked_in_at, checked_out_at)
           FROM session_rsvps WHERE session_id = $1 AND user_id = $2",
    )
    .bind(session)
    .bind(user)
    .fetch_optional(&env.pool)
    .await
    .unwrap()
}

/// session_capacity's occupancy counter, after checking it equals the rows.
async fn inside(env: &TestEnv, session: &str) -> i64 {
    let (counter, rows): (i32, i64) = sqlx::query_as(
        "SELECT sc.current_occupancy,
                (SELECT count(*) FROM session_rsvps r WHERE r.session_id = sc.session_id
                    AND capctl_inside(r.status, r.checked_in_at, r.checked_out_at))
           FROM session_capacity sc WHERE sc.session_id = $1",
    )
    .bind(session)
    .fetch_one(&env.pool)
    .await
    .unwrap();
    assert_eq!(i64::from(counter), rows, "current_occupancy of {session}");
    rows
}

/// Outbox kinds of a session, in id order, as "kind:user".
async fn outbox(env: &TestEnv, session: &str, kinds: &[&str]) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT kind || ':' || user_id FROM capctl_outbox
          WHERE session_id = $1 AND kind = ANY($2) ORDER BY id",
    )
    .bind(session)
    .bind(kinds)
    .fetch_all(&env.pool)
    .await
    .unwrap()
}

/// Every seat invariant of event e1 holds (seats ≤ capacity, occupancy ≤ capacity, counters
/// equal rows, consistent rows).
async fn invariants_hold(env: &TestEnv) {
    let v = audit::seat_violations(&env.pool, &Scope::Event("e1".parse().unwrap()))
        .await
        .unwrap();
    assert!(v.is_empty(), "{v:?}");
}

/// Event e1 began a day ago; `live` started an hour ago with the given flags.
fn started_session(env: &TestEnv, extra: &[&str]) {
    let from = rfc3339(Utc::now() - Duration::days(1));
    env.capctl("event create --id e1 --ends-at 2030-06-03T18:00:00Z --name")
        .arg("Test event")
        .args(["--starts-at", &from])
        .success();
    env.session_at("e1", "live", Duration::hours(-1), Duration::hours(1), extra);
}

fn check_in<'a>(env: &'a TestEnv, session: &str, user: &str) -> common::Capctl<'a> {
    env.capctl("session check-in --json")
        .args(["--session", session, "--user", user])
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn a_booked_seat_checks_in_once_checks_out_and_comes_back(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &[]);
    env.session("e1", "s1", 9, 10, &["--max-participants", "2"]);
    env.register_many("e1", "u", 2).await;
    env.rsvp("s1", "u-0").success();

    let first = check_in(&env, "s1", "u-0").success().json();
    assert_eq!(
        (&first["status"], &first["checked_in"], &first["repeat"]),
        (&"CONFIRMED".into(), &true.into(), &false.into())
    );
    assert_eq!(first["inside"], 1);
    let since = first["checked_in_at"].clone();
    let again = check_in(&env, "s1", "u-0").success().json();
    assert_eq!(
        (&again["repeat"], &again["inside"]),
        (&true.into(), &1.into())
    );
    assert_eq!(
        door_row(&env, "s1", "u-0").await,
        Some(("CONFIRMED".into(), true, true))
    );
    assert_eq!(inside(&env, "s1").await, 1);

    let out = env
        .capctl("session check-out --json --session s1 --user u-0")
        .success()
        .json();
    assert_eq!((&out["inside"], &out["repeat"]), (&0.into(), &false.into()));
    let out = env
        .capctl("session check-out --json --session s1 --user u-0")
        .success()
        .json();
    assert_eq!(out["repeat"], true, "a second check-out changes nothing");
    assert_eq!(inside(&env, "s1").await, 0);
    assert_eq!(env.counters("s1").await, (1, 0), "the seat is kept");

    let back = check_in(&env, "s1", "u-0").success().json();
    assert_eq!(
        (&back["outcome"], &back["repeat"]),
        (&"REENTERED".into(), &false.into())
    );
    assert_eq!(back["checked_in_at"], since, "the first entry is kept");
    assert_eq!(inside(&env, "s1").await, 1);
    // One notification for the arrival; re-entries and repeats tell nobody.
    assert_eq!(
        outbox(&env, "s1", &["checked_in", "walk_in_admitted"]).await,
        ["checked_in:u-0"]
    );
    // Someone never checked in has nothing to check out.
    env.capctl("session check-out --session s1 --user u-1")
        .refused(5, "not checked in");
    invariants_hold(&env).await;
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn walk_ins_and_the_waitlisted_get_only_free_seats(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &[]);
    env.session("e1", "s1", 9, 10, &["--max-participants", "1"]);
    env.register_many("e1", "u", 3).await;
    env.rsvp("s1", "u-0").success();
    env.rsvp("s1", "u-1").code(4);

    let before = env.snapshot().await;
    check_in(&env, "s1", "u-1").refused(3, "waitlisted at position 1");
    check_in(&env, "s1", "u-2").refused(3, "no free seat");
    assert_eq!(env.snapshot().await, before, "refusals write nothing");

    // A freed seat before the start goes to the waitlist as an offer; the door honours it.
    env.cancel("s1", "u-0").success();
    assert_eq!(env.status_of("s1", "u-1").await.as_deref(), Some("OFFERED"));
    let got = check_in(&env, "s1", "u-1").success().json();
    assert_eq!(
        (&got["outcome"], &got["walk_in"]),
        (&"CHECKED_IN".into(), &false.into())
    );
    assert_eq!(
        door_row(&env, "s1", "u-1").await,
        Some(("CONFIRMED".into(), true, true))
    );

    // One more seat and nobody waiting: the walk-in takes it at the door.
    env.set_capacity("s1", &["--max", "2"]).success();
    let walk = check_in(&env, "s1", "u-2").success().json();
    assert_eq!(
        (&walk["outcome"], &walk["walk_in"]),
        (&"WALK_IN".into(), &true.into())
    );
    assert_eq!(env.counters("s1").await, (2, 0));
    assert_eq!(inside(&env, "s1").await, 2);
    assert_eq!(
        outbox(&env, "s1", &["checked_in", "walk_in_admitted", "confirmed"]).await,
        ["confirmed:u-0", "checked_in:u-1", "walk_in_admitted:u-2"],
        "a seat taken at the door is told once, as the door's kind"
    );
    invariants_hold(&env).await;
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn bad_input_is_refused_and_writes_nothing(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &[]);
    env.session("e1", "s1", 9, 10, &["--max-participants", "5"]);
    env.register_many("e1", "u", 1).await;
    let before = env.snapshot().await;
    check_in(&env, "nope", "u-0").refused(5, "session \"nope\" not found");
    check_in(&env, "s1", "stranger").refused(6, "not registered");
    check_in(&env, "s1", "bad id!").code(2);
    check_in(&env, "s 1", "u-0").code(2);
    env.capctl("session check-out --session nope --user u-0")
        .refused(5, "not found");
    env.capctl("session release-no-shows --session nope")
        .refused(5, "not found");
    env.capctl("session release-no-shows --session s1")
        .refused(6, "has not started");
    env.capctl("session create --event e1 --title T --starts-at 2030-06-01T09:00:00Z --ends-at 2030-06-01T10:00:00Z --no-show-grace 2d")
        .refused(2, "no-show grace");
    env.capctl("session create --event e1 --title T --starts-at 2030-06-01T09:00:00Z --ends-at 2030-06-01T10:00:00Z --format hybrid")
        .code(2);
    assert_eq!(env.snapshot().await, before);
    assert_eq!(
        env.count("SELECT count(*) FROM capctl_outbox WHERE kind <> 'capacity_changed'")
            .await,
        0
    );
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn the_database_refuses_an_overfull_room_from_any_writer(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &[]);
    env.session("e1", "s1", 9, 10, &["--max-participants", "2"]);
    env.register_many("e1", "u", 2).await;
    env.rsvp("s1", "u-0").success();
    env.rsvp("s1", "u-1").success();
    // Forced below the seats taken: both keep their seat, but the room holds one.
    env.set_capacity("s1", &["--max", "1", "--force"]).success();
    check_in(&env, "s1", "u-0").success();
    check_in(&env, "s1", "u-1").refused(3, "no free seat");
    // A raw writer skipping capctl's function is stopped by the guard.
    env.refused_sql(
        "UPDATE session_rsvps SET checked_in_at = now() WHERE session_id = 's1' AND user_id = 'u-1'",
        "CP001",
    )
    .await;
    assert_eq!(inside(&env, "s1").await, 1);
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn several_doors_at_once_never_overfill_the_room(pool: PgPool) {
    const BOOKED: usize = 6;
    const CAPACITY: usize = 10;
    const WALK_INS: usize = 30;
    let env = TestEnv::new(pool).await;
    env.event("e1", &[]);
    env.session(
        "e1",
        "s1",
        9,
        10,
        &["--max-participants", &CAPACITY.to_string()],
    );
    let booked = env.register_many("e1", "b", BOOKED).await;
    let walkers = env.register_many("e1", "w", WALK_INS).await;
    for u in &booked {
        env.rsvp("s1", u).success();
    }
    // Every door at once: one process per person, booked and walk-ins interleaved.
    let everyone: Vec<&String> = walkers
        .iter()
        .take(BOOKED)
        .zip(&booked)
        .flat_map(|(w, b)| [w, b])
        .chain(walkers.iter().skip(BOOKED))
        .collect();
    let children: Vec<_> = everyone
        .iter()
        .map(|u| check_in(&env, "s1", u).spawn())
        .collect();
    let mut outcomes = Vec::new();
    for (u, c) in everyone.iter().zip(children) {
        let mut run = common::finish(c).await;
        // A process turned away for want of connections (exit 7, nothing written) runs again.
        while run.code == 7 {
            run = check_in(&env, "s1", u).run();
        }
        outcomes.push(((*u).clone(), run.code));
    }
    for (u, code) in &outcomes {
        if u.starts_with("b-") {
            assert_eq!(*code, 0, "{u} holds a seat and is admitted");
        } else {
            assert!(*code == 0 || *code == 3, "{u}: exit {code}");
        }
    }
    let admitted_walk_ins = outcomes
        .iter()
        .filter(|(u, c)| u.starts_with("w-") && *c == 0)
        .count();
    assert_eq!(
        admitted_walk_ins,
        CAPACITY - BOOKED,
        "walk-ins only into free seats"
    );
    assert_eq!(inside(&env, "s1").await, CAPACITY as i64);
    assert_eq!(env.counters("s1").await, (CAPACITY as i32, 0));
    assert_eq!(
        outbox(&env, "s1", &["walk_in_admitted"]).await.len(),
        CAPACITY - BOOKED
    );
    invariants_hold(&env).await;
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn no_shows_are_released_exactly_once_and_go_to_the_door(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    started_session(&env, &["--max-participants", "3", "--no-show-grace", "10m"]);
    env.register_many("e1", "u", 7).await;
    for u in ["u-0", "u-1", "u-2"] {
        env.rsvp("live", u).success();
    }
    env.rsvp("live", "u-3").code(4);
    check_in(&env, "live", "u-0").success();

    // Two reconcile passes and a manual release race: two seats released, once.
    let racers = vec![
        env.capctl("reconcile --json").spawn(),
        env.capctl("session release-no-shows --json --session live")
            .spawn(),
        env.capctl("reconcile --json").spawn(),
    ];
    let mut released = 0;
    for (i, c) in racers.into_iter().enumerate() {
        let run = common::finish(c).await;
        assert_eq!(run.code, 0, "{}", run.stderr);
        let key = if i == 1 {
            "released"
        } else {
            "no_shows_released"
        };
        released += run.json()[key].as_i64().unwrap();
    }
    assert_eq!(released, 2);
    assert_eq!(
        env.status_line("live").await,
        "u-0 CONFIRMED, u-1 NO_SHOW, u-2 NO_SHOW, u-3 WAITLISTED"
    );
    assert_eq!(
        outbox(&env, "live", &["no_show_released"]).await,
        ["no_show_released:u-1", "no_show_released:u-2"]
    );
    assert_eq!(env.counters("live").await, (1, 1));
    invariants_hold(&env).await;
    // Nothing is offered after the start: the released seats wait at the door.
    env.capctl("reconcile --check").success();
    assert_eq!(
        env.status_of("live", "u-3").await.as_deref(),
        Some("WAITLISTED")
    );

    // First come first served: the waitlisted person, a walk-in, then the door is full, and
    // a released person who arrives late is a walk-in like any other.
    assert_eq!(
        check_in(&env, "live", "u-3").success().json()["outcome"],
        "WALK_IN"
    );
    assert_eq!(
        check_in(&env, "live", "u-4").success().json()["outcome"],
        "WALK_IN"
    );
    check_in(&env, "live", "u-1").refused(3, "no free seat");
    check_in(&env, "live", "u-5").refused(3, "no free seat");
    assert_eq!(inside(&env, "live").await, 3);
    assert_eq!(env.counters("live").await, (3, 0));
    // A seat freed at the door goes to the next who arrives, the released person included.
    env.cancel("live", "u-4").success();
    assert_eq!(
        check_in(&env, "live", "u-1").success().json()["walk_in"],
        true
    );
    let again = env
        .capctl("session release-no-shows --json --session live")
        .success()
        .json();
    assert_eq!(again["released"], 0, "released once");
    invariants_hold(&env).await;
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn dashboard_export_and_schedule_show_the_door(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    started_session(&env, &["--max-participants", "3"]);
    env.register_many("e1", "u", 3).await;
    for u in ["u-0", "u-1"] {
        env.rsvp("live", u).success();
    }
    check_in(&env, "live", "u-0").success();
    check_in(&env, "live", "u-2").success();
    env.capctl("session check-out --session live --user u-2")
        .success();
    env.capctl("session release-no-shows --session live")
        .success();

    let list = env
        .capctl("session list --json --event e1")
        .success()
        .json();
    let row = &list[0];
    assert_eq!(
        (&row["checked_in"], &row["inside"], &row["no_shows"]),
        (&2.into(), &1.into(), &1.into())
    );
    assert_eq!(row["format"], "IN_PERSON");
    let human = env.capctl("session list --event e1").success();
    assert!(human.stdout.contains("no-show"), "{}", human.stdout);

    let csv = env.capctl("export-rsvps --event e1").success().stdout;
    let header = csv.lines().next().unwrap();
    assert!(
        header.ends_with("checked_in_at,checked_out_at,no_show_at,walk_in"),
        "{header}"
    );
    let u1 = csv.lines().find(|l| l.contains(",u-1,")).unwrap();
    assert!(u1.contains(",NO_SHOW,"), "{u1}");
    env.capctl("export-rsvps --event e1 --status no_show")
        .success();

    let sched = env
        .capctl("schedule --json --event e1 --user u-0")
        .success()
        .json();
    assert!(sched[0]["checked_in_at"].is_string(), "{sched}");
    assert!(sched[0]["checked_out_at"].is_null());
}
