//! Live presence limits: stream viewers and booth visitors on Redis, limits from PostgreSQL.

mod common;

use std::sync::Arc;
use std::time::Duration;

use capctl_core::presence::{LeaseStatus, Presence, Room};
use capctl_core::reconcile::{ReconcileOptions, reconcile_pass};
use common::numbered;
use common::redis::{
    assert_room, eventually, exits, flush_prefix, redis, room_state, run_numbered, write_behind,
};
use common::{Run, TestEnv, next_line, stop_with};
use sqlx::PgPool;

const MINUTE: Duration = Duration::from_secs(60);

/// Joins `members` through the library, all at once on one shared multiplexed connection.
async fn join_concurrently(env: &TestEnv, room: &Room, members: Vec<String>) -> Vec<LeaseStatus> {
    let b = Arc::new(env.backends());
    let tasks: Vec<_> = members
        .into_iter()
        .map(|m| {
            let b = b.clone();
            let room = room.clone();
            tokio::spawn(async move {
                Presence::new(&b)
                    .join(&room, &m, MINUTE)
                    .await
                    .unwrap()
                    .status
            })
        })
        .collect();
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

/// Joins each viewer in turn through the library, asserting every one is admitted.
async fn admit_each(p: &Presence<'_>, room: &Room, viewers: &[String], ttl: Duration) {
    for v in viewers {
        assert!(p.join(room, v, ttl).await.unwrap().admitted, "{v} admitted");
    }
}

/// `stream VERB --json --event ev1 --viewer VIEWER`, run.
fn ev1_stream(env: &TestEnv, verb: &str, viewer: &str) -> Run {
    env.capctl(format!(
        "stream {verb} --json --event ev1 --viewer {viewer}"
    ))
    .run()
}

fn tally(statuses: &[LeaseStatus]) -> (usize, usize) {
    let admitted = statuses
        .iter()
        .filter(|s| **s == LeaseStatus::Admitted)
        .count();
    let full = statuses.iter().filter(|s| **s == LeaseStatus::Full).count();
    (admitted, full)
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn concurrent_stream_joins_admit_exactly_the_limit(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("ev1", &["--max-viewers", "20"]);
    let room = Room::stream("ev1").unwrap();

    // 20 + 15 tasks in this process
    let statuses = join_concurrently(&env, &room, numbered("task", 35)).await;
    assert_eq!(tally(&statuses), (20, 15));
    assert_room(&env, &room, 20, "20").await;
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn concurrent_stream_join_processes_admit_exactly_the_limit(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    // 5 + 6 separate processes on another stream
    env.event("ev2", &["--max-viewers", "5"]);
    let room2 = Room::stream("ev2").unwrap();
    let runs = run_numbered(&env, 11, |i| {
        format!("stream join --json --event ev2 --viewer proc-{i}")
    })
    .await;
    assert_eq!((exits(&runs, 0), exits(&runs, 3)), (5, 6), "{runs:?}");
    for (code, stdout) in &runs {
        let v: serde_json::Value = serde_json::from_str(stdout).unwrap();
        assert_eq!(v["admitted"], *code == 0);
        assert_eq!(v["limit"], 5);
        assert!(v["count"].as_u64().unwrap() <= 5);
    }
    assert_room(&env, &room2, 5, "5").await;
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn concurrent_booth_entries_admit_exactly_the_limit(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("ev1", &[]);
    env.capctl("booth create --event ev1 --id b1 --name Acme --max-visitors 12")
        .success();
    let room = Room::booth("b1").unwrap();

    let statuses = join_concurrently(&env, &room, numbered("task", 20)).await;
    assert_eq!(tally(&statuses), (12, 8));
    assert_room(&env, &room, 12, "12").await;
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn concurrent_booth_entry_processes_admit_exactly_the_limit(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("ev1", &[]);
    env.capctl("booth create --event ev1 --id b2 --name Beta --max-visitors 4")
        .success();
    let runs = run_numbered(&env, 9, |i| {
        format!("booth enter --json --booth b2 --user u-{i}")
    })
    .await;
    assert_eq!(exits(&runs, 0), 4, "{runs:?}");
    assert_eq!(exits(&runs, 3), 5, "{runs:?}");
    assert_room(&env, &Room::booth("b2").unwrap(), 4, "4").await;
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn booth_visitors_lists_every_booth_of_the_event_or_one(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("ev1", &[]);
    env.booth("ev1", "b1", Some(12));
    env.booth("ev1", "b2", Some(4));
    let b1 = Room::booth("b1").unwrap();
    let b2 = Room::booth("b2").unwrap();
    join_concurrently(&env, &b1, numbered("task", 12)).await;
    join_concurrently(&env, &b2, numbered("u", 4)).await;
    let visitors = env
        .capctl("booth visitors --event ev1 --json")
        .success()
        .json();
    let rows = visitors.as_array().unwrap();
    assert_eq!(rows.len(), 2);
    for row in rows {
        assert_eq!(row["event_id"], "ev1");
        let expected = if row["booth_id"] == "b1" {
            (12, 12)
        } else {
            (4, 4)
        };
        assert_eq!(row["visitors"], expected.0);
        assert_eq!(row["max_visitors"], expected.1);
    }
    let one = env
        .capctl("booth visitors --booth b2 --json")
        .success()
        .json();
    assert_eq!(one.as_array().unwrap().len(), 1);
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn join_and_leave_are_idempotent(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("ev1", &["--max-viewers", "3"]);
    let room = Room::stream("ev1").unwrap();
    let join = |v: &str| ev1_stream(&env, "join", v);

    let first = join("alice").success().json();
    assert_eq!(
        (
            first["admitted"].clone(),
            first["count"].clone(),
            first["limit"].clone()
        ),
        (true.into(), 1.into(), 3.into())
    );
    let again = join("alice").success().json();
    assert_eq!(again["status"], "REFRESHED");
    assert_eq!(again["count"], 1);
    join("bob").success();
    assert_room(&env, &room, 2, "3").await;

    let leave = |v: &str| ev1_stream(&env, "leave", v);
    let left = leave("alice").success().json();
    assert_eq!(
        (left["status"].clone(), left["count"].clone()),
        ("LEFT".into(), 1.into())
    );
    let repeat = leave("alice").success().json();
    assert_eq!(
        (repeat["status"].clone(), repeat["count"].clone()),
        ("ABSENT".into(), 1.into())
    );
    assert_room(&env, &room, 1, "3").await;
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn leaving_without_having_been_admitted_changes_nothing(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("ev1", &["--max-viewers", "3"]);
    let room = Room::stream("ev1").unwrap();
    let join = |v: &str| ev1_stream(&env, "join", v);

    let leave = |v: &str| ev1_stream(&env, "leave", v);
    join("bob").success();
    // someone never admitted: refused at the limit, then leaves; nothing changes
    join("carol").success();
    join("dave").success();
    let refused = join("erin").code(3).json();
    assert_eq!(refused["admitted"], false);
    assert!(refused["count"] == 3 && refused["limit"] == 3);
    let before = room_state(&env, &room).await;
    assert_eq!(leave("erin").success().json()["status"], "ABSENT");
    assert_eq!(leave("nobody").success().json()["count"], 3);
    assert_eq!(room_state(&env, &room).await, before);
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn booth_enter_and_leave_are_idempotent(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("ev1", &[]);
    // booths behave the same
    env.capctl("booth create --event ev1 --id b1 --name B --max-visitors 1")
        .success();
    let enter = |u: &str| {
        env.capctl(format!("booth enter --json --booth b1 --user {u}"))
            .run()
    };
    enter("u1").success();
    assert_eq!(enter("u1").success().json()["count"], 1);
    assert_eq!(enter("u2").code(3).json()["admitted"], false);
    env.capctl("booth leave --booth b1 --user u1").success();
    env.capctl("booth leave --booth b1 --user u1").success();
    assert_room(&env, &Room::booth("b1").unwrap(), 0, "1").await;
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn disconnect_storm_frees_places_without_overshoot(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("ev1", &["--max-viewers", "9"]);
    let room = Room::stream("ev1").unwrap();
    let b = env.backends();
    let p = Presence::new(&b);

    // six stay (long leases, heartbeating), three vanish without a leave (1 s leases)
    admit_each(&p, &room, &numbered("stay", 6), MINUTE).await;
    admit_each(&p, &room, &numbered("gone", 3), Duration::from_secs(1)).await;
    assert_eq!(
        p.join(&room, "early", MINUTE).await.unwrap().status,
        LeaseStatus::Full
    );

    for i in 0..6 {
        let hb = p
            .heartbeat(&room, &format!("stay-{i}"), MINUTE)
            .await
            .unwrap();
        assert_eq!(hb.status, LeaseStatus::Extended);
    }
    let (pr, rr) = (&p, &room);
    eventually(15, "the vanished viewers' leases expire", || async move {
        pr.live_counts(std::slice::from_ref(rr)).await.unwrap()[0] == 6
    })
    .await;
    // nobody said goodbye: the counter still counts them until something sweeps the room
    assert_room(&env, &room, 9, "9").await;

    // one reconcile pass makes the counter exact
    let report = reconcile_pass(&b, &ReconcileOptions::default())
        .await
        .unwrap();
    assert_eq!(
        (report.leases_expired, report.counters_fixed),
        (3, 1),
        "{report:?}"
    );
    assert_room(&env, &room, 6, "9").await;

    // a heartbeat of an expired lease reports it lost and does not revive it
    let lost = env
        .capctl("stream heartbeat --json --event ev1 --viewer gone-0")
        .code(5);
    assert_eq!(lost.json()["lost"], true);
    assert!(lost.stderr.contains("rejoin"), "{}", lost.stderr);
    assert_room(&env, &room, 6, "9").await;

    // new viewers fill up to the limit and never beyond
    let statuses = join_concurrently(&env, &room, numbered("new", 7)).await;
    assert_eq!(tally(&statuses), (3, 4));
    assert_room(&env, &room, 9, "9").await;
    // a vanished viewer coming back goes through the capacity check
    assert_eq!(
        p.join(&room, "gone-1", MINUTE).await.unwrap().status,
        LeaseStatus::Full
    );
}

/// ev1 (three viewers) with booth b1 (two visitors); v0, v1, v2 watching ev1's stream.
async fn three_watching(env: &TestEnv) -> (Room, Room) {
    env.event("ev1", &["--max-viewers", "3"]);
    env.booth("ev1", "b1", Some(2));
    let stream = Room::stream("ev1").unwrap();
    let booth = Room::booth("b1").unwrap();
    let b = env.backends();
    let p = Presence::new(&b);
    admit_each(
        &p,
        &stream,
        &(0..3).map(|i| format!("v{i}")).collect::<Vec<_>>(),
        MINUTE,
    )
    .await;
    (stream, booth)
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn redis_flush_never_means_unlimited(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    let (stream, _) = three_watching(&env).await;
    let b = env.backends();
    let p = Presence::new(&b);

    flush_prefix(&env).await;
    // the old viewers' heartbeats find their leases gone
    let hb = p.heartbeat(&stream, "v0", MINUTE).await.unwrap();
    assert!(hb.lost && !hb.admitted);
    assert_eq!(hb.limit, Some(3), "limit reloaded from PostgreSQL");
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn reconcile_restores_every_limit_after_a_flush(pool: PgPool) {
    // for rooms nobody has touched yet as well; rejoining then goes through the capacity check
    let env = TestEnv::new(pool).await;
    let (stream, booth) = three_watching(&env).await;
    let b = env.backends();
    flush_prefix(&env).await;
    let report = reconcile_pass(&b, &ReconcileOptions::default())
        .await
        .unwrap();
    assert!(report.limits_cached >= 2, "{report:?}");
    assert_eq!(room_state(&env, &stream).await.2.as_deref(), Some("3"));
    assert_eq!(room_state(&env, &booth).await.2.as_deref(), Some("2"));

    let statuses =
        join_concurrently(&env, &stream, (0..6).map(|i| format!("v{i}")).collect()).await;
    assert_eq!(tally(&statuses), (3, 3));
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn after_a_flush_processes_reload_the_scripts_and_the_limit(pool: PgPool) {
    // flushed with nothing to restore it: the scripts reload and the limit comes from PostgreSQL
    let env = TestEnv::new(pool).await;
    let (_, booth) = three_watching(&env).await;
    flush_prefix(&env).await;
    let runs = run_numbered(&env, 5, |i| format!("booth enter --booth b1 --user u{i}")).await;
    assert_eq!(exits(&runs, 0), 2, "{runs:?}");
    assert_eq!(exits(&runs, 3), 3, "{runs:?}");
    assert_room(&env, &booth, 2, "2").await;
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn pipelined_joins_survive_a_script_flush(pool: PgPool) {
    // NOSCRIPT inside a pipeline
    let env = TestEnv::new(pool).await;
    let (stream, _) = three_watching(&env).await;
    let b = env.backends();
    let p = Presence::new(&b);
    flush_prefix(&env).await;
    let requests: Vec<(Room, String)> = (0..5).map(|i| (stream.clone(), format!("w{i}"))).collect();
    let answers = p.join_many(&requests, MINUTE).await.unwrap();
    assert_eq!(answers.iter().filter(|a| a.admitted).count(), 3);
    assert_room(&env, &stream, 3, "3").await;
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn a_cached_limit_that_is_not_a_number_is_reloaded_never_trusted(pool: PgPool) {
    // someone else's writer put it there
    let env = TestEnv::new(pool).await;
    let (stream, _) = three_watching(&env).await;
    let b = env.backends();
    let p = Presence::new(&b);
    write_behind(
        &env,
        redis::cmd("SET")
            .arg(stream.keys(&env.prefix).limit)
            .arg("lots"),
    )
    .await;
    let refused = p.join(&stream, "x", MINUTE).await.unwrap();
    assert_eq!(
        (refused.status, refused.limit),
        (LeaseStatus::Full, Some(3))
    );
    assert_eq!(room_state(&env, &stream).await.2.as_deref(), Some("3"));
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn unknown_rooms_are_not_found_and_never_cached(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.capctl("stream join --event nope --viewer v")
        .refused(5, "event \"nope\" not found");
    env.capctl("stream heartbeat --event nope --viewer v")
        .code(5);
    env.capctl("stream leave --event nope --viewer v").code(5);
    env.capctl("booth enter --booth nope --user u")
        .refused(5, "booth \"nope\" not found");
    env.capctl("stream set-limit --event nope --max 3").code(5);
    env.capctl("booth set-capacity --booth nope --unlimited")
        .code(5);
    env.capctl("stream viewers --event nope").code(5);
    let mut conn = redis(&env).await;
    let keys = common::redis::keys_under(&mut conn, &format!("{}:*", env.prefix)).await;
    assert!(
        keys.is_empty(),
        "nothing cached for rooms that do not exist: {keys:?}"
    );
    env.capctl("stream join --event bad{id} --viewer v").code(2);
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn lowering_a_limit_evicts_nobody_and_admits_nobody_until_below(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("ev1", &["--max-viewers", "5"]);
    let room = Room::stream("ev1").unwrap();
    for v in ["a", "b", "c", "d"] {
        env.capctl(format!("stream join --event ev1 --viewer {v}"))
            .success();
    }
    let set = env
        .capctl("stream set-limit --json --event ev1 --max 2")
        .success()
        .json();
    assert_eq!(set["limit"], 2);
    assert_eq!(set["count"], 4);
    assert_eq!(set["over_limit"], true);
    assert!(
        set["message"]
            .as_str()
            .unwrap()
            .contains("nobody is evicted"),
        "{set}"
    );
    let stored: Option<i32> = sqlx::query_scalar(
        "SELECT (virtual_settings->>'max_concurrent_viewers')::int FROM events WHERE id = 'ev1'",
    )
    .fetch_one(&env.pool)
    .await
    .unwrap();
    assert_eq!(stored, Some(2));
    assert_room(&env, &room, 4, "2").await;

    let join = |v: &str| ev1_stream(&env, "join", v);
    let refused = join("e").code(3);
    assert!(
        refused.stderr.contains("over its limit"),
        "{}",
        refused.stderr
    );
    // existing viewers keep their place
    env.capctl("stream heartbeat --event ev1 --viewer a")
        .success();
    env.capctl("stream leave --event ev1 --viewer a").success();
    env.capctl("stream leave --event ev1 --viewer b").success();
    join("e").code(3); // 2 of 2: still full
    env.capctl("stream leave --event ev1 --viewer c").success();
    assert_eq!(join("e").success().json()["count"], 2);
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn removing_a_stream_limit_caches_unlimited(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("ev1", &["--max-viewers", "5"]);
    let room = Room::stream("ev1").unwrap();
    for v in ["d", "e"] {
        env.capctl(format!("stream join --event ev1 --viewer {v}"))
            .success();
    }
    let join = |v: &str| ev1_stream(&env, "join", v);
    let unl = env
        .capctl("stream set-limit --json --event ev1 --unlimited")
        .success()
        .json();
    assert_eq!(unl["limit"], serde_json::Value::Null);
    assert_eq!(
        room_state(&env, &room).await.2.as_deref(),
        Some("unlimited")
    );
    assert_eq!(join("f").success().json()["limit"], serde_json::Value::Null);
    let viewers = env.capctl("stream viewers --json").success().json();
    assert_eq!(
        viewers,
        serde_json::json!([{"event_id": "ev1", "viewers": 3, "limit": null, "full_percent": null,
                            "in_grace": 0, "queued": 0}])
    );
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn lowering_a_booth_capacity_evicts_nobody_and_admits_nobody_until_below(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("ev1", &[]);
    // booths: set-capacity writes expo_booths.max_visitors and the cache
    env.capctl("booth create --event ev1 --id b1 --name B")
        .success();
    env.capctl("booth enter --booth b1 --user u1").success();
    env.capctl("booth enter --booth b1 --user u2").success();
    let cap = env
        .capctl("booth set-capacity --json --booth b1 --max 1")
        .success()
        .json();
    assert_eq!(
        (cap["over_limit"].clone(), cap["count"].clone()),
        (true.into(), 2.into())
    );
    let max: Option<i32> =
        sqlx::query_scalar("SELECT max_visitors FROM expo_booths WHERE id = 'b1'")
            .fetch_one(&env.pool)
            .await
            .unwrap();
    assert_eq!(max, Some(1));
    env.capctl("booth enter --booth b1 --user u3").code(3);
    env.capctl("booth set-capacity --booth b1 --max -1").code(2);
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn unreachable_redis_is_exit_7_quickly(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("ev1", &["--max-viewers", "3"]);
    env.assert_unreachable_redis_fails_fast("stream join --event ev1 --viewer v");
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn a_dropped_connection_reconnects(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("ev1", &["--max-viewers", "2"]);
    let room = Room::stream("ev1").unwrap();
    let b = env.backends();
    let p = Presence::new(&b);
    assert!(p.join(&room, "a", MINUTE).await.unwrap().admitted);
    // kill exactly the connection the limiter uses (never the other tests')
    let id: i64 = redis::cmd("CLIENT")
        .arg("ID")
        .query_async(&mut b.redis().await.unwrap().clone())
        .await
        .unwrap();
    let mut other = redis(&env).await;
    let killed: i64 = redis::cmd("CLIENT")
        .arg("KILL")
        .arg("ID")
        .arg(id)
        .query_async(&mut other)
        .await
        .unwrap();
    assert_eq!(killed, 1);
    let again = p.join(&room, "b", MINUTE).await.unwrap();
    assert!(again.admitted);
    assert_eq!(p.heartbeat(&room, "a", MINUTE).await.unwrap().count, 2);
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn viewers_watch_prints_a_line_per_tick_until_ctrl_c(pool: PgPool) {
    use tokio::io::AsyncBufReadExt;
    let env = TestEnv::new(pool).await;
    env.event("ev1", &["--max-viewers", "4"]);
    env.capctl("stream join --event ev1 --viewer v1").success();
    let mut child = env
        .capctl("stream viewers --watch --json --interval 100ms")
        .spawn();
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    for _ in 0..2 {
        let line = next_line(&mut lines, "a JSON line per tick").await;
        // One JSON object per line and room, stamped with the tick's time.
        let row: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert!(row.is_object(), "{line}");
        assert_eq!(row["event_id"], "ev1");
        assert_eq!(row["viewers"], 1);
        assert_eq!(row["limit"], 4);
        assert_eq!(row["full_percent"], 25.0);
        assert!(row["at"].as_str().unwrap().ends_with('Z'));
    }
    stop_with(&mut child, "-INT").await;
}
