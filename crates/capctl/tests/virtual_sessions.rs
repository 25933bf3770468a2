//! Virtual sessions through the real binary: joins enforced by the presence limiter (leases
//! under the session's own hash tag, limit = capacity), vanished clients freed at lease
//! expiry, in-person rules refused, and reconcile never writing an RSVP count over the
//! platform's live counter: it writes the live lease count only when capctl enforces joins.

mod common;

use capctl_core::presence::Room;
use common::{TestEnv, eventually};
use redis::AsyncCommands;
use sqlx::PgPool;

/// Event e1 with virtual session v1 (capacity `cap`) and in-person session p1; `users`
/// registered as u-0 ….
async fn virtual_session(env: &TestEnv, cap: usize, users: usize) -> Vec<String> {
    env.event("e1", &[]);
    env.session(
        "e1",
        "v1",
        9,
        10,
        &[
            "--format",
            "virtual",
            "--max-participants",
            &cap.to_string(),
        ],
    );
    env.session("e1", "p1", 11, 12, &["--max-participants", "5"]);
    env.register_many("e1", "u", users).await
}

fn join<'a>(env: &'a TestEnv, user: &str, extra: &[&str]) -> common::Capctl<'a> {
    env.capctl("session join --json --session v1")
        .args(["--user", user])
        .args(extra)
}

/// Live leases in v1's sorted set, and its counter key.
async fn leases(env: &TestEnv) -> (u64, Option<String>) {
    let keys = Room::session("v1").unwrap().keys(&env.prefix);
    let mut conn = common::redis::redis(env).await;
    let n: u64 = conn.zcard(&keys.leases).await.unwrap();
    let count: Option<String> = conn.get(&keys.count).await.unwrap();
    (n, count)
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn concurrent_joins_above_capacity_admit_exactly_the_capacity(pool: PgPool) {
    const CAP: usize = 5;
    const PROCS: usize = 20;
    let env = TestEnv::new(pool).await;
    let users = virtual_session(&env, CAP, PROCS).await;
    let children: Vec<_> = users.iter().map(|u| join(&env, u, &[]).spawn()).collect();
    let mut codes = Vec::new();
    for (u, c) in users.iter().zip(children) {
        let mut run = common::finish(c).await;
        while run.code == 7 {
            run = join(&env, u, &[]).run();
        }
        codes.push(run.code);
    }
    assert_eq!(codes.iter().filter(|c| **c == 0).count(), CAP);
    assert_eq!(codes.iter().filter(|c| **c == 3).count(), PROCS - CAP);
    assert_eq!(leases(&env).await, (CAP as u64, Some(CAP.to_string())));
    // The presence audit covers the session's room: live ≤ capacity, counter exact.
    let scope = capctl_core::audit::Scope::Event("e1".parse().unwrap());
    let rooms = capctl_core::audit::rooms(&env.pool, &scope).await.unwrap();
    assert!(rooms.contains(&Room::session("v1").unwrap()));
    let v = capctl_core::audit::presence_violations(&env.backends(), &scope)
        .await
        .unwrap();
    assert!(v.is_empty(), "{v:?}");
    // No RSVP rows, and the platform's counter untouched until reconcile writes it.
    assert_eq!(env.count("SELECT count(*) FROM session_rsvps").await, 0);
    // A rejoin of someone admitted (whoever the storm let in) is answered as admitted again.
    let admitted = codes.iter().position(|c| *c == 0).unwrap();
    let answer = join(&env, &users[admitted], &[]).success().json();
    assert_eq!(
        (&answer["session_id"], &answer["admitted"], &answer["limit"]),
        (&"v1".into(), &true.into(), &(CAP as u64).into())
    );
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn a_vanished_client_frees_its_place_at_lease_expiry(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    virtual_session(&env, 1, 2).await;
    join(&env, "u-0", &["--ttl", "1s"]).success();
    // Like a stream viewer: the answer on stdout, the refusal on stderr, exit 3.
    let full = join(&env, "u-1", &[]).code(3);
    assert_eq!(full.json()["status"], "FULL");
    assert!(
        full.stderr.contains("virtual session \"v1\""),
        "{}",
        full.stderr
    );
    // u-0 never says goodbye: once its lease runs out, u-1 gets in.
    eventually(10, "u-0's lease to expire", || async {
        join(&env, "u-1", &[]).run().code == 0
    })
    .await;
    let lost = env
        .capctl("session heartbeat --json --session v1 --user u-0")
        .code(5);
    assert_eq!(lost.json()["lost"], true);
    assert_eq!(leases(&env).await.0, 1);
    env.capctl("session leave --json --session v1 --user u-1")
        .success();
    env.capctl("session leave --json --session v1 --user u-1")
        .success();
    assert_eq!(leases(&env).await.0, 0);
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn in_person_rules_and_virtual_joins_do_not_mix(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    virtual_session(&env, 3, 1).await;
    let before = env.snapshot().await;
    env.rsvp("v1", "u-0").refused(6, "is virtual");
    env.capctl("session check-in --session v1 --user u-0")
        .refused(6, "is virtual");
    env.capctl("session join --session p1 --user u-0")
        .refused(6, "is in-person");
    env.capctl("session join --session nope --user u-0")
        .refused(5, "not found");
    env.capctl("session join --session v1 --user stranger")
        .refused(6, "not registered");
    env.capctl("session join --session v1 --user 'bad id'")
        .code(2);
    assert_eq!(env.snapshot().await, before);
    assert_eq!(leases(&env).await, (0, None));
    // Even a raw writer cannot book a seat in a virtual session.
    env.refused_sql(
        "INSERT INTO session_rsvps (id, session_id, user_id, event_id, status, confirmed_at)
         VALUES ('srsvp_' || gen_random_uuid(), 'v1', 'u-0', 'e1', 'CONFIRMED', now())",
        "CP003",
    )
    .await;
    let list = env
        .capctl("session list --json --event e1")
        .success()
        .json();
    assert_eq!(list[0]["format"], "VIRTUAL");
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn reconcile_keeps_the_platforms_count_and_writes_live_leases_when_capctl_enforces(
    pool: PgPool,
) {
    let env = TestEnv::new(pool).await;
    virtual_session(&env, 5, 3).await;
    // The platform's joinVirtualSession: a raw increment of the live counter.
    for _ in 0..4 {
        env.exec(
            "UPDATE session_capacity SET current_attendance = current_attendance + 1 WHERE session_id = 'v1'",
        )
        .await;
    }
    env.capctl("reconcile --check").success();
    let pass = env.capctl("reconcile --json").success().json();
    assert_eq!(pass["sessions_fixed"], 0, "{pass}");
    assert_eq!(pass["virtual_attendance_written"], 0);
    assert_eq!(
        env.attendance("v1").await,
        4,
        "not overwritten with 0 RSVPs"
    );

    // Now capctl enforces the joins: reconcile writes the live count.
    join(&env, "u-0", &[]).success();
    join(&env, "u-1", &[]).success();
    let pass = env.capctl("reconcile --json").success().json();
    assert_eq!(pass["virtual_attendance_written"], 1, "{pass}");
    assert_eq!(env.attendance("v1").await, 2);
    let pass = env.capctl("reconcile --json").success().json();
    assert_eq!(pass["virtual_attendance_written"], 0, "{pass}");
    env.capctl("reconcile --check").success();

    // A capacity change reaches the limiter at once.
    env.set_capacity("v1", &["--max", "2"]).success();
    assert_eq!(join(&env, "u-2", &[]).code(3).json()["admitted"], false);
    assert_eq!(leases(&env).await.0, 2);
}
