//! `reconcile --check` as a contract: it reports every kind of drift (exit 8) and writes nothing
//! to either store; the pass that follows fixes exactly what it reported.

mod common;

use capctl_core::presence::Room;
use common::TestEnv;
use common::redis::{redis, redis_state};
use sqlx::PgPool;

/// The keys of the rooms [`every_kind_of_drift`] touches.
struct DriftKeys {
    stream: capctl_core::presence::RoomKeys,
    booth: capctl_core::presence::RoomKeys,
    gone: capctl_core::presence::RoomKeys,
    e2: capctl_core::presence::RoomKeys,
}

/// A clean state (a reconcile pass and `--check` agree), then every kind of drift at once:
/// an overdue offer in s1, a wrong attendance counter on s2, an expired lease and a counter one
/// too high on e1's stream, a wrong cached limit on b1, a cached limit for a booth that does
/// not exist, and e2's limit missing from the cache.
async fn every_kind_of_drift(env: &TestEnv) -> DriftKeys {
    env.event("e1", &["--max-viewers", "5"]);
    env.event("e2", &["--max-viewers", "4"]);
    env.capctl("booth create --event e1 --id b1 --name B --max-visitors 2")
        .success();
    env.session("e1", "s1", 9, 10, &["--max-participants", "1"]);
    env.session("e1", "s2", 11, 12, &[]);
    env.register_many("e1", "u", 3).await;
    for u in ["u-0", "u-1", "u-2"] {
        env.capctl(format!("session rsvp --session s1 --user {u}"))
            .run();
    }
    env.capctl("session rsvp --session s2 --user u-0").success();
    env.capctl("session cancel --session s1 --user u-0")
        .success(); // u-1 offered
    env.capctl("stream join --event e1 --viewer v1").success();
    env.capctl("booth enter --booth b1 --user u-0").success();
    env.capctl("reconcile").success();
    env.capctl("reconcile --check").success();

    // every kind of drift at once
    sqlx::query("UPDATE session_rsvps SET offer_expires_at = now() - interval '1 minute' WHERE status = 'OFFERED'")
        .execute(&env.pool)
        .await
        .unwrap();
    sqlx::query("UPDATE session_capacity SET current_attendance = 7 WHERE session_id = 's2'")
        .execute(&env.pool)
        .await
        .unwrap();
    let mut conn = redis(env).await;
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
    DriftKeys {
        stream,
        booth,
        gone,
        e2,
    }
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn reconcile_check_changes_nothing_in_either_store(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    every_kind_of_drift(&env).await;
    let pg_before = env.snapshot().await;
    let redis_before = redis_state(&env, &env.prefix).await;

    for args in [
        "reconcile --check --json",
        "reconcile --check",
        "--json reconcile --check",
    ] {
        let run = env.capctl(args).code(8);
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
    let found = env.capctl("reconcile --check --json").code(8).json();
    assert_counts_every_kind_once(&found);
    assert_eq!(found["drift"], true);
}

/// What `--check` finds and a pass fixes in [`every_kind_of_drift`]: one of each kind, two
/// limits, and one offer sent (u-2 takes the lapsed offer's seat).
#[track_caller]
fn assert_counts_every_kind_once(report: &serde_json::Value) {
    for (field, n) in [
        ("leases_expired", 1),
        ("counters_fixed", 1),
        ("limits_fixed", 2),
        ("sessions_fixed", 1),
        ("offers_expired", 1),
        ("offers_sent", 1),
    ] {
        assert_eq!(report[field], n, "{field}: {report}");
    }
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn a_pass_fixes_every_drift_check_found_and_leaves_none(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    let DriftKeys {
        stream,
        booth,
        gone,
        e2,
    } = every_kind_of_drift(&env).await;
    // a real pass fixes all of it, and leaves nothing for --check
    let fixed = env.capctl("reconcile --json").success().json();
    assert_counts_every_kind_once(&fixed);
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
    assert_eq!(env.attendance("s2").await, 1);
    env.capctl("reconcile --check").success();
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn reconcile_check_finds_free_seats_a_pass_would_offer(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &[]);
    env.session("e1", "s1", 9, 10, &["--max-participants", "1"]);
    env.session("e1", "s3", 13, 14, &["--max-participants", "1"]);
    env.session("e1", "s4", 13, 14, &[]);
    env.register_many("e1", "u", 3).await;
    let rsvp = |s: &str, u: &str| {
        env.capctl(format!("session rsvp --session {s} --user {u}"))
            .run()
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
    let freed = env
        .capctl("session cancel --json --session s3 --user u-0")
        .run();
    assert_eq!(
        freed.success().json()["offers_sent"],
        0,
        "u-1 clashes: keeps the place"
    );
    env.capctl("session cancel --session s4 --user u-1")
        .success();
    assert_eq!(env.status_of("s3", "u-1").await.unwrap(), "WAITLISTED");

    let before = env.snapshot().await;
    let found = env.capctl("reconcile --check --json").code(8);
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

    let fixed = env.capctl("reconcile --json").success().json();
    assert_eq!(
        (&fixed["offers_sent"], &fixed["drift"]),
        (&3.into(), &true.into())
    );
    for (s, u) in [("s1", "u-1"), ("s1", "u-2"), ("s3", "u-1")] {
        assert_eq!(env.status_of(s, u).await.unwrap(), "OFFERED", "{u} in {s}");
    }
    env.capctl("reconcile --check").success();
}
