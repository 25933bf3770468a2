//! The batched rush path: many tasks and many processes RSVP (and cancel) at once on one hot
//! session; every answer must be the one the direct rules give when the requests are taken one
//! by one in arrival order (the sequence each caller's request took when it was appended).

mod common;

use std::collections::HashMap;
use std::sync::Arc;

use capctl_core::seats::{self, RsvpStatus};
use common::TestEnv;
use common::storm::{at_once, hot_session, rush, wide_pool};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use sqlx::PgPool;

/// One settled request of a session, as `capctl_seat_requests` holds it (arrival order).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
struct Answer {
    seq: i64,
    kind: String,
    user_id: String,
    allow_overlap: bool,
    outcome: Option<String>,
    status: Option<String>,
    waitlist_position: Option<i32>,
    previous_status: Option<String>,
    offers_sent: Option<i32>,
}

async fn answers(pool: &PgPool, session: &str) -> Vec<Answer> {
    sqlx::query_as(
        "SELECT seq, kind, user_id, allow_overlap, outcome, status, waitlist_position, previous_status,
                offers_sent
           FROM capctl_seat_requests WHERE session_id = $1 ORDER BY seq",
    )
    .bind(session)
    .fetch_all(pool)
    .await
    .unwrap()
}

/// The seat counters equal the rows, and no request is left pending.
async fn settled_and_exact(pool: &PgPool) {
    let pending: i64 =
        sqlx::query_scalar("SELECT count(*) FROM capctl_seat_requests WHERE settled_at IS NULL")
            .fetch_one(pool)
            .await
            .unwrap();
    assert_eq!(pending, 0, "requests left pending");
    let drift: i64 =
        sqlx::query_scalar("SELECT count(*) FROM capctl_seat_drift() WHERE counters_off")
            .fetch_one(pool)
            .await
            .unwrap();
    assert_eq!(drift, 0, "counters differ from the rows");
}

/// Checks a rush of new users: the first `capacity` arrivals confirmed, the rest waitlisted at
/// their place in arrival order, and the queue in the rows in the same order.
async fn arrival_order_decided(pool: &PgPool, session: &str, capacity: usize) {
    let rows = answers(pool, session).await;
    for (i, a) in rows.iter().enumerate() {
        if i < capacity {
            assert_eq!(
                a.outcome.as_deref(),
                Some("CONFIRMED"),
                "arrival {i}: {a:?}"
            );
        } else {
            assert_eq!(
                a.outcome.as_deref(),
                Some("WAITLISTED"),
                "arrival {i}: {a:?}"
            );
            assert_eq!(
                a.waitlist_position,
                Some((i - capacity + 1) as i32),
                "{a:?}"
            );
        }
    }
    let queue: Vec<String> = sqlx::query_scalar(
        "SELECT user_id FROM session_rsvps WHERE session_id = $1 AND status = 'WAITLISTED' ORDER BY waitlist_seq",
    )
    .bind(session)
    .fetch_all(pool)
    .await
    .unwrap();
    let expected: Vec<String> = rows
        .iter()
        .skip(capacity)
        .map(|a| a.user_id.clone())
        .collect();
    assert_eq!(queue, expected, "the queue is in arrival order");
    let confirmed: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM session_rsvps WHERE session_id = $1 AND status = 'CONFIRMED'",
    )
    .bind(session)
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(confirmed, capacity as i64, "no oversell");
    // Exactly one outbox row per transition.
    let kinds: Vec<(String, i64)> = sqlx::query_as(
        "SELECT kind, count(*) FROM capctl_outbox WHERE session_id = $1 GROUP BY kind ORDER BY kind",
    )
    .bind(session)
    .fetch_all(pool)
    .await
    .unwrap();
    assert_eq!(
        kinds,
        vec![
            ("confirmed".to_string(), capacity as i64),
            ("waitlisted".to_string(), (rows.len() - capacity) as i64)
        ]
    );
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn a_rush_of_400_tasks_is_settled_in_arrival_order(pool: PgPool) {
    const USERS: usize = 400;
    const CAPACITY: usize = 57;
    let env = TestEnv::new(pool).await;
    let users = hot_session(&env, CAPACITY, USERS, &[]).await;
    let wide = wide_pool(&env, 32).await;
    let results = rush(&wide, &users).await;
    // Each caller's own record of its arrival, and what it was told.
    let mut told = HashMap::new();
    for (_, r) in results {
        let r = r.expect("confirmed or waitlisted");
        assert!(!r.repeat);
        told.insert(
            r.arrival,
            (r.user_id.to_string(), r.status, r.waitlist_position),
        );
    }
    let rows = answers(&wide, "hot").await;
    assert_eq!(rows.len(), USERS);
    for a in &rows {
        let (user, status, position) = &told[&a.seq];
        assert_eq!(user, &a.user_id);
        assert_eq!(Some(status.as_str()), a.status.as_deref());
        assert_eq!(*position, a.waitlist_position);
    }
    arrival_order_decided(&wide, "hot", CAPACITY).await;
    settled_and_exact(&wide).await;
    // The tasks' requests went together: far fewer settling commits than requests.
    let commits = settling_commits(&wide, "hot").await;
    assert!(
        commits * 4 < USERS as i64,
        "{commits} commits for {USERS} requests"
    );
    // A repeat through the same path changes nothing.
    let again = seats::rsvp(
        &wide,
        &"hot".parse().unwrap(),
        &users[0].parse().unwrap(),
        false,
    )
    .await
    .unwrap();
    assert!(again.repeat);
}

/// A turn keeps its connection from one call to the next while requests keep coming, and gives
/// it back before anything of its own needs the pool (a request alone, a wait): a pool of one
/// connection serves a rush of tasks without waiting out its acquire timeout.
#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn a_pool_of_one_connection_serves_a_rush_in_arrival_order(pool: PgPool) {
    const USERS: usize = 120;
    const CAPACITY: usize = 30;
    let env = TestEnv::new(pool).await;
    let users = hot_session(&env, CAPACITY, USERS, &[]).await;
    let one = sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(std::time::Duration::from_secs(5))
        .connect(&env.database_url)
        .await
        .unwrap();
    // Four callers, each RSVPing its users one after the other, one with three times as many as
    // the others: turns of four requests, then (the others done) of one, after a turn that kept
    // the connection. Waiting for a connection the turn holds would end in the pool's timeout:
    // an error here.
    let session: capctl_core::ids::SessionId = "hot".parse().unwrap();
    let (long, short) = users.split_at(USERS / 2);
    let callers =
        std::iter::once(long.to_vec()).chain(short.chunks(USERS / 6).map(<[String]>::to_vec));
    for answers in at_once(callers, |mine| {
        let (one, session) = (one.clone(), session.clone());
        async move {
            let mut answers = Vec::new();
            for user in mine {
                let r = seats::rsvp(&one, &session, &user.parse().unwrap(), false).await;
                answers.push((user, r));
            }
            answers
        }
    })
    .await
    {
        for (user, r) in answers {
            r.unwrap_or_else(|e| panic!("{user}: {e}"));
        }
    }
    assert_eq!(answers(&env.pool, "hot").await.len(), USERS);
    arrival_order_decided(&env.pool, "hot", CAPACITY).await;
    settled_and_exact(&env.pool).await;
    one.close().await;
}

/// A process's callers go together per database and session: two databases with a session of
/// the same id, rushed at once from this process by users of the same ids, each settle their own
/// requests only (a lane shared across databases would answer one database's callers from the
/// other's rows: repeats, or users unknown there).
#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn sessions_of_the_same_id_in_two_databases_go_separately(pool: PgPool) {
    const USERS: usize = 120;
    const CAPACITY: usize = 30;
    let env = TestEnv::new(pool).await;
    let db: String = sqlx::query_scalar("SELECT current_database()")
        .fetch_one(&env.pool)
        .await
        .unwrap();
    // Database names stop at 63 bytes: the test's own name is that long already.
    let twin_db = format!("twin_{}", &db[db.len().saturating_sub(40)..]);
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "CREATE DATABASE \"{twin_db}\""
    )))
    .execute(&env.pool)
    .await
    .unwrap();
    let twin_url = env
        .database_url
        .replace(&format!("/{db}"), &format!("/{twin_db}"));
    let twin_pool = PgPool::connect(&twin_url).await.unwrap();
    capctl_core::MIGRATOR.run(&twin_pool).await.unwrap();
    let twin = TestEnv::new(twin_pool).await;
    let users = hot_session(&env, CAPACITY, USERS, &[]).await;
    assert_eq!(hot_session(&twin, CAPACITY, USERS, &[]).await, users);
    let (wide, twin_wide) = (wide_pool(&env, 12).await, wide_pool(&twin, 12).await);
    let (here, there) = tokio::join!(rush(&wide, &users), rush(&twin_wide, &users));
    for (user, r) in here.iter().chain(there.iter()) {
        let r = r.as_ref().unwrap_or_else(|e| panic!("{user}: {e:#}"));
        assert!(!r.repeat, "{user}: answered as a repeat");
    }
    for pool in [&wide, &twin_wide] {
        let rows = answers(pool, "hot").await;
        assert_eq!(rows.len(), USERS, "one request per caller in each database");
        arrival_order_decided(pool, "hot", CAPACITY).await;
        settled_and_exact(pool).await;
    }
    twin_wide.close().await;
    twin.pool.close().await;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE \"{twin_db}\" WITH (FORCE)"
    )))
    .execute(&env.pool)
    .await
    .unwrap();
}

/// How many transactions settled the session's requests (each settled row was last written by
/// the transaction that settled it).
async fn settling_commits(pool: &PgPool, session: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT count(DISTINCT xmin::text) FROM capctl_seat_requests WHERE session_id = $1",
    )
    .bind(session)
    .fetch_one(pool)
    .await
    .unwrap()
}

/// Each user's `session rsvp` process on session `hot`, all started at once.
fn spawn_rsvps(env: &TestEnv, users: &[String]) -> Vec<(String, tokio::process::Child)> {
    users
        .iter()
        .map(|u| (u.clone(), env.rsvp("hot", u).spawn()))
        .collect()
}

/// Waits for each process of [`spawn_rsvps`]. The shared server may turn a process away for want
/// of connections (exit 7, nothing appended): it runs again, and arrives later.
async fn rsvp_outputs(
    env: &TestEnv,
    children: Vec<(String, tokio::process::Child)>,
) -> Vec<(String, std::process::Output)> {
    let mut outputs = Vec::with_capacity(children.len());
    for (user, child) in children {
        let mut out = child.wait_with_output().await.unwrap();
        while out.status.code() == Some(7) {
            out = env
                .rsvp("hot", &user)
                .spawn()
                .wait_with_output()
                .await
                .unwrap();
        }
        outputs.push((user, out));
    }
    outputs
}

/// Processes (one request each, appended on their own) and the tasks of this process (handed
/// over together, a batch per turn) rush the same session at once: one arrival order for all,
/// each caller told the answer of its own place in it.
#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn processes_and_tasks_rushing_together_share_one_arrival_order(pool: PgPool) {
    const PROCS: usize = 24;
    const TASKS: usize = 240;
    const CAPACITY: usize = 101;
    let env = TestEnv::new(pool).await;
    let users = hot_session(&env, CAPACITY, PROCS + TASKS, &[]).await;
    let (by_process, by_task) = users.split_at(PROCS);
    let children = spawn_rsvps(&env, by_process);
    let wide = wide_pool(&env, 16).await;
    let tasks = rush(&wide, by_task).await;
    let processes = rsvp_outputs(&env, children).await;
    let rows = answers(&wide, "hot").await;
    assert_eq!(rows.len(), PROCS + TASKS, "one request per caller");
    let place: HashMap<&str, usize> = rows
        .iter()
        .enumerate()
        .map(|(i, a)| (a.user_id.as_str(), i))
        .collect();
    for (user, r) in &tasks {
        let r = r.as_ref().expect("confirmed or waitlisted");
        let i = place[user.as_str()];
        assert_eq!(r.arrival, rows[i].seq, "{user}: told its own arrival");
        assert_eq!(Some(r.status.as_str()), rows[i].status.as_deref(), "{user}");
        assert_eq!(r.waitlist_position, rows[i].waitlist_position, "{user}");
    }
    for (user, out) in &processes {
        let json: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{user}: {e}: {}", String::from_utf8_lossy(&out.stderr)));
        let i = place[user.as_str()];
        assert_eq!(json["status"], rows[i].status.as_deref().unwrap(), "{user}");
        let code = if i < CAPACITY { 0 } else { 4 };
        assert_eq!(out.status.code(), Some(code), "{user}: {json}");
    }
    arrival_order_decided(&wide, "hot", CAPACITY).await;
    settled_and_exact(&wide).await;
    // The tasks went together: fewer settling commits than a third of all requests.
    let commits = settling_commits(&wide, "hot").await;
    assert!(
        commits * 3 < (PROCS + TASKS) as i64,
        "{commits} commits for {} requests",
        PROCS + TASKS
    );
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn a_rush_of_60_processes_is_settled_in_arrival_order(pool: PgPool) {
    const PROCS: usize = 60;
    const CAPACITY: usize = 13;
    let env = TestEnv::new(pool).await;
    let users = hot_session(&env, CAPACITY, PROCS, &[]).await;
    let results = rsvp_outputs(&env, spawn_rsvps(&env, &users)).await;
    let rows = answers(&env.pool, "hot").await;
    let arrival: HashMap<String, usize> = rows
        .iter()
        .enumerate()
        .map(|(i, a)| (a.user_id.clone(), i))
        .collect();
    assert_eq!(arrival.len(), PROCS, "one request per process");
    for (u, out) in &results {
        let json: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{u}: {e}: {}", String::from_utf8_lossy(&out.stderr)));
        let i = arrival[u];
        if i < CAPACITY {
            assert_eq!(out.status.code(), Some(0), "{u}: {json}");
            assert_eq!(json["status"], "CONFIRMED");
            assert!(json["waitlist_position"].is_null());
        } else {
            assert_eq!(out.status.code(), Some(4), "{u}: {json}");
            assert_eq!(json["status"], "WAITLISTED");
            assert_eq!(json["waitlist_position"], (i - CAPACITY + 1) as i64);
        }
    }
    arrival_order_decided(&env.pool, "hot", CAPACITY).await;
    settled_and_exact(&env.pool).await;
}

/// What one caller asks.
#[derive(Debug, Clone, Copy)]
enum Op {
    Rsvp,
    RsvpAllowingOverlap,
    Cancel,
}

fn ops() -> impl Strategy<Value = Vec<(usize, Op)>> {
    let op = prop_oneof![
        5 => Just(Op::Rsvp),
        1 => Just(Op::RsvpAllowingOverlap),
        3 => Just(Op::Cancel),
    ];
    proptest::collection::vec((0usize..9, op), 20..60)
}

/// Runs `ops` at once through the batched path on `session`.
async fn storm(pool: &PgPool, session: &str, ops: &[(usize, Op)]) {
    let results = at_once(ops.to_vec(), |(u, op)| {
        let (pool, session) = (pool.clone(), session.to_string());
        async move {
            let (s, u) = (session.parse().unwrap(), format!("u-{u}").parse().unwrap());
            // Refusals are answers too; they are compared below, from the request rows.
            match op {
                Op::Rsvp => seats::rsvp(&pool, &s, &u, false).await.map(|_| ()),
                Op::RsvpAllowingOverlap => seats::rsvp(&pool, &s, &u, true).await.map(|_| ()),
                Op::Cancel => seats::cancel(&pool, &s, &u).await.map(|_| ()),
            }
        }
    })
    .await;
    for r in results {
        match r {
            Ok(())
            | Err(capctl_core::Error::Full(_))
            | Err(capctl_core::Error::NotFound(_))
            | Err(capctl_core::Error::Overlap { .. }) => {}
            Err(e) => panic!("unexpected {e}"),
        }
    }
}

/// The model: the direct rules, called one by one in arrival order on a twin session.
async fn replay(pool: &PgPool, twin: &str, rows: &[Answer]) -> Vec<Answer> {
    let mut out = Vec::new();
    for a in rows {
        let mut m = a.clone();
        if a.kind == "RSVP" {
            let (outcome, status, position): (String, Option<String>, Option<i32>) =
                sqlx::query_as(
                    "SELECT outcome, status, waitlist_position FROM capctl_rsvp($1, $2, $3)",
                )
                .bind(twin)
                .bind(&a.user_id)
                .bind(a.allow_overlap)
                .fetch_one(pool)
                .await
                .unwrap();
            (m.outcome, m.status, m.waitlist_position) = (Some(outcome), status, position);
        } else {
            let (outcome, previous, sent): (String, Option<String>, i32) = sqlx::query_as(
                "SELECT outcome, previous_status, offers_sent FROM capctl_cancel($1, $2)",
            )
            .bind(twin)
            .bind(&a.user_id)
            .fetch_one(pool)
            .await
            .unwrap();
            (m.outcome, m.previous_status, m.offers_sent) = (Some(outcome), previous, Some(sent));
        }
        out.push(m);
    }
    out
}

/// A session's RSVP rows (user, status, waitlist place) and its outbox rows by kind and user.
type LeftBehind = (
    Vec<(String, String, Option<i64>)>,
    Vec<(String, Option<String>, i64)>,
);

/// What a session's requests left behind, to compare with its twin's.
async fn left_behind(pool: &PgPool, session: &str) -> LeftBehind {
    let rows = sqlx::query_as(
        "SELECT user_id, status, CASE WHEN status = 'WAITLISTED'
                  THEN row_number() OVER (PARTITION BY status ORDER BY waitlist_seq) END
           FROM session_rsvps WHERE session_id = $1 ORDER BY user_id",
    )
    .bind(session)
    .fetch_all(pool)
    .await
    .unwrap();
    let kinds = sqlx::query_as(
        "SELECT kind, user_id, count(*) FROM capctl_outbox WHERE session_id = $1
          GROUP BY kind, user_id ORDER BY kind, user_id",
    )
    .bind(session)
    .fetch_all(pool)
    .await
    .unwrap();
    (rows, kinds)
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn seeded_random_storms_answer_as_the_rules_in_arrival_order(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &[]);
    env.register_many("e1", "u", 9).await;
    let wide = wide_pool(&env, 16).await;
    let mut runner = TestRunner::deterministic();
    for case in 0..6 {
        // A hot session and its twin at another hour, each with a clashing session where u-0
        // and u-1 hold confirmed seats (overlap refusals, and offers skipping them).
        let (hot, twin) = (format!("hot{case}"), format!("twin{case}"));
        let capacity = ["--max-participants", if case % 2 == 0 { "2" } else { "3" }];
        let (h0, t0) = (8 + case as u32 % 2, 13 + case as u32 % 2);
        env.session("e1", &hot, h0, h0 + 1, &capacity);
        env.session("e1", &twin, t0, t0 + 1, &capacity);
        if case == 0 {
            env.session("e1", "clash-a", 8, 10, &[]);
            env.session("e1", "clash-b", 13, 15, &[]);
            for s in ["clash-a", "clash-b"] {
                for u in ["u-0", "u-1"] {
                    env.rsvp(s, u).success();
                }
            }
        }
        let ops = ops().new_tree(&mut runner).unwrap().current();
        storm(&wide, &hot, &ops).await;
        let rows = answers(&wide, &hot).await;
        assert_eq!(
            rows.len(),
            ops.len(),
            "case {case}: every request settled once"
        );
        let model = replay(&wide, &twin, &rows).await;
        for (got, want) in rows.iter().zip(&model) {
            assert_eq!(got, want, "case {case}: {ops:?}");
        }
        // The same rows are left behind, and the same notifications.
        assert_eq!(
            left_behind(&wide, &hot).await,
            left_behind(&wide, &twin).await,
            "case {case}"
        );
        settled_and_exact(&wide).await;
    }
    let confirmed = env
        .count("SELECT count(*) FROM session_rsvps WHERE status = 'CONFIRMED' AND session_id LIKE 'hot%'")
        .await;
    assert!(confirmed > 0);
}

/// One call of `capctl_seat_requests_settle` in its own transaction: its answers, and how many
/// request rows that transaction inserted and updated.
async fn hand_over(
    pool: &PgPool,
    session: &str,
    batch: &[(&str, &str, bool)],
    safe: bool,
) -> (Vec<Answer>, i64, i64) {
    let kinds: Vec<&str> = batch.iter().map(|b| b.0).collect();
    let users: Vec<&str> = batch.iter().map(|b| b.1).collect();
    let overlaps: Vec<bool> = batch.iter().map(|b| b.2).collect();
    let mut tx = pool.begin().await.unwrap();
    let answers: Vec<Answer> = sqlx::query_as(
        "SELECT seq, kind, user_id, allow_overlap, outcome, status, waitlist_position,
                previous_status, offers_sent
           FROM capctl_seat_requests_settle($1, $2, $3, $4, $5) WHERE settled_at IS NOT NULL",
    )
    .bind(session)
    .bind(&kinds)
    .bind(&users)
    .bind(&overlaps)
    .bind(safe)
    .fetch_all(&mut *tx)
    .await
    .unwrap();
    let (inserted, updated): (i64, i64) = sqlx::query_as(
        "SELECT n_tup_ins, n_tup_upd FROM pg_stat_xact_user_tables WHERE relname = 'capctl_seat_requests'",
    )
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    (answers, inserted, updated)
}

/// A process hands over its callers' requests in one call. With nothing else of the session
/// pending, they are decided as they are appended and their rows written once, already settled;
/// a batch that is not all first RSVPs, one behind another caller's pending request, or one in
/// safe mode goes the appending way. Every way answers as the direct rules taken one by one in
/// arrival order (replayed on a twin session), in the order the callers made the requests.
#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn a_batch_handed_over_answers_as_the_rules_in_the_order_it_was_made(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &[]);
    env.register_many("e1", "u", 9).await;
    let capacity = ["--max-participants", "3"];
    env.session("e1", "hot", 9, 10, &capacity);
    env.session("e1", "twin", 13, 14, &capacity);
    // u-0 holds seats that clash with both (an overlap refusal, unless allowed).
    env.session("e1", "clash-a", 8, 10, &[]);
    env.session("e1", "clash-b", 13, 15, &[]);
    for s in ["clash-a", "clash-b"] {
        env.rsvp(s, "u-0").success();
    }
    let pool = &env.pool;
    let mut all = Vec::new();
    let mut check = |(answers, inserted, updated): (Vec<Answer>, i64, i64),
                     batch: &[(&str, &str, bool)],
                     written_once: bool| {
        assert_eq!(
            answers.len(),
            batch.len(),
            "every request answered: {answers:?}"
        );
        for (a, &(kind, user, overlap)) in answers.iter().zip(batch) {
            assert_eq!(
                (a.kind.as_str(), a.user_id.as_str(), a.allow_overlap),
                (kind, user, overlap)
            );
        }
        assert!(
            answers.windows(2).all(|w| w[0].seq < w[1].seq),
            "{answers:?}"
        );
        if written_once {
            assert_eq!(
                (inserted, updated),
                (batch.len() as i64, 0),
                "rows written once"
            );
        } else {
            assert!(
                updated >= batch.len() as i64,
                "appended, then settled: {updated}"
            );
        }
        all.extend(answers);
    };
    // Not all first RSVPs, nothing pending: a clash refused while a seat is free, a seat, a
    // cancel of nothing, a repeat.
    let mixed = [
        ("RSVP", "u-0", false),
        ("RSVP", "u-1", false),
        ("CANCEL", "u-2", false),
        ("RSVP", "u-1", false),
    ];
    check(hand_over(pool, "hot", &mixed, false).await, &mixed, false);
    // First RSVPs, nothing pending: the last two seats, then the waitlist, written once.
    let first = [
        ("RSVP", "u-2", false),
        ("RSVP", "u-3", false),
        ("RSVP", "u-4", false),
        ("RSVP", "u-5", false),
    ];
    check(hand_over(pool, "hot", &first, false).await, &first, true);
    // Behind another caller's pending request: that one is settled first.
    sqlx::query("INSERT INTO capctl_seat_requests (session_id, user_id, kind) VALUES ('hot', 'u-6', 'RSVP')")
        .execute(pool)
        .await
        .unwrap();
    let behind = [("RSVP", "u-7", false), ("RSVP", "u-0", true)];
    check(hand_over(pool, "hot", &behind, false).await, &behind, false);
    // Safe mode appends too; the cancel offers the freed seat to the head of the waitlist.
    let safe = [("RSVP", "u-8", false), ("CANCEL", "u-1", false)];
    check(hand_over(pool, "hot", &safe, true).await, &safe, false);

    let rows = answers(pool, "hot").await;
    assert_eq!(
        rows.len(),
        all.len() + 1,
        "the other caller's request settled too"
    );
    let other = rows.iter().position(|a| a.user_id == "u-6").unwrap();
    assert!(rows[other].seq < all.iter().find(|a| a.user_id == "u-7").unwrap().seq);
    let model = replay(pool, "twin", &rows).await;
    assert_eq!(rows, model);
    assert_eq!(
        left_behind(pool, "hot").await,
        left_behind(pool, "twin").await
    );
    settled_and_exact(pool).await;
    let outcomes: Vec<&str> = rows.iter().filter_map(|a| a.outcome.as_deref()).collect();
    for expected in [
        "CONFIRMED",
        "WAITLISTED",
        "OVERLAP",
        "CANCELLED",
        "REPEAT",
        "NO_RSVP",
    ] {
        assert!(
            outcomes.contains(&expected),
            "{expected} among {outcomes:?}"
        );
    }
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn a_request_left_by_a_killed_caller_is_settled_by_the_next_leader_or_reconcile(
    pool: PgPool,
) {
    let env = TestEnv::new(pool).await;
    env.event("e1", &[]);
    env.session("e1", "hot", 9, 10, &["--max-participants", "1"]);
    env.register_many("e1", "u", 3).await;
    // A caller that appended while someone else held the settle lock, then died.
    let mut leader = env.pool.begin().await.unwrap();
    sqlx::query("SELECT pg_advisory_xact_lock(capctl_settle_lock_key('hot'))")
        .execute(&mut *leader)
        .await
        .unwrap();
    let row: (i64, Option<chrono::DateTime<chrono::Utc>>) =
        sqlx::query_as("SELECT seq, settled_at FROM capctl_rsvp_enter('hot', 'u-0')")
            .fetch_one(&env.pool)
            .await
            .unwrap();
    assert!(row.1.is_none(), "pending while the lock is held");
    leader.rollback().await.unwrap();
    // The next caller settles it first: it arrived first.
    let r = seats::rsvp(
        &env.pool,
        &"hot".parse().unwrap(),
        &"u-1".parse().unwrap(),
        false,
    )
    .await
    .unwrap();
    assert_eq!(r.status, RsvpStatus::Waitlisted);
    assert_eq!(
        env.status_of("hot", "u-0").await.as_deref(),
        Some("CONFIRMED")
    );

    // Nobody comes after: reconcile settles it once it is a few seconds old.
    let mut leader = env.pool.begin().await.unwrap();
    sqlx::query("SELECT pg_advisory_xact_lock(capctl_settle_lock_key('hot'))")
        .execute(&mut *leader)
        .await
        .unwrap();
    sqlx::query("SELECT * FROM capctl_rsvp_enter('hot', 'u-2')")
        .execute(&env.pool)
        .await
        .unwrap();
    leader.rollback().await.unwrap();
    env.exec("UPDATE capctl_seat_requests SET requested_at = requested_at - interval '1 minute' WHERE settled_at IS NULL")
        .await;
    env.capctl("reconcile --json").success();
    assert_eq!(
        env.status_of("hot", "u-2").await.as_deref(),
        Some("WAITLISTED")
    );
    settled_and_exact(&env.pool).await;
}

/// A raw writer touching every open offer of the session in one statement, again and again,
/// while settlements cancel, accept and re-join in batches (each batch touching several offers
/// and its users' rows): neither side is ever aborted as a deadlock victim, and the counters end
/// equal to the rows. (One raw writer: two such statements can deadlock with each other, which
/// is PostgreSQL's business, not capctl's.)
#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn raw_writers_of_offers_never_deadlock_with_settlements(pool: PgPool) {
    const USERS: usize = 48;
    const TASKS: usize = 16;
    const ROUNDS: usize = 12;
    let env = TestEnv::new(pool).await;
    let users = hot_session(&env, 8, USERS, &["--offer-ttl", "1h"]).await;
    let wide = wide_pool(&env, 24).await;
    let session: capctl_core::ids::SessionId = "hot".parse().unwrap();
    for u in &users {
        seats::rsvp(&wide, &session, &u.parse().unwrap(), false)
            .await
            .unwrap();
    }
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let raw: Vec<_> = (0..1)
        .map(|_| {
            let (pool, stop) = (wide.clone(), stop.clone());
            tokio::spawn(async move {
                let mut statements = 0u32;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    sqlx::query(
                        "UPDATE session_rsvps SET offer_expires_at = offer_expires_at + interval '1 second'
                          WHERE session_id = 'hot' AND status = 'OFFERED'",
                    )
                    .execute(&pool)
                    .await
                    .expect("the raw writer is never a deadlock victim");
                    statements += 1;
                }
                statements
            })
        })
        .collect();
    // Each task walks its own users: a seat holder cancels (its seat is offered on), an offered
    // user accepts, a cancelled one joins the waitlist again.
    at_once(0..TASKS, |t| {
        let (pool, session) = (wide.clone(), session.clone());
        let mine: Vec<capctl_core::ids::UserId> = users
            .iter()
            .skip(t)
            .step_by(TASKS)
            .map(|u| u.parse().unwrap())
            .collect();
        async move {
                for _ in 0..ROUNDS {
                    for user in &mine {
                        let status: Option<String> = sqlx::query_scalar(
                            "SELECT status FROM session_rsvps WHERE session_id = 'hot' AND user_id = $1",
                        )
                        .bind(user.as_str())
                        .fetch_optional(&pool)
                        .await
                        .unwrap();
                        match status.as_deref() {
                            Some("CONFIRMED") => {
                                seats::cancel(&pool, &session, user).await.unwrap();
                            }
                            Some("OFFERED" | "CANCELLED" | "EXPIRED") | None => {
                                seats::rsvp(&pool, &session, user, false).await.unwrap();
                            }
                            _ => {}
                        }
                    }
                }
        }
    })
    .await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut statements = 0;
    for r in raw {
        statements += r.await.unwrap();
    }
    assert!(statements > 0, "the raw writers ran");
    let offers_made = env
        .count(
            "SELECT count(*) FROM capctl_outbox WHERE session_id = 'hot' AND kind = 'offer_made'",
        )
        .await;
    assert!(offers_made > 0, "seats were passed on as offers");
    settled_and_exact(&wide).await;
    let taken = env
        .count("SELECT count(*) FROM session_rsvps WHERE session_id = 'hot' AND status IN ('CONFIRMED', 'OFFERED')")
        .await;
    assert!(taken <= 8, "no oversell: {taken} seats held");
}

/// A request whose settlement raises (here a buggy writer's trigger refuses one user's row)
/// cannot fail the others of its batch: the callers retry in safe mode, the bad request's error
/// becomes its own answer (the caller gets that error), and everybody else is settled in arrival
/// order as if it were not there.
#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn a_request_that_raises_fails_alone_in_safe_mode(pool: PgPool) {
    const USERS: usize = 30;
    const CAPACITY: usize = 5;
    let env = TestEnv::new(pool).await;
    let users = hot_session(&env, CAPACITY, USERS, &[]).await;
    let bad = users[7].clone();
    assert_eq!(bad, "u-7");
    sqlx::raw_sql(
        "CREATE FUNCTION test_buggy_writer() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
             IF NEW.user_id = 'u-7' THEN RAISE EXCEPTION 'refused by a buggy writer'; END IF;
             RETURN NEW;
         END $$;
         CREATE TRIGGER test_buggy_writer BEFORE INSERT ON session_rsvps
             FOR EACH ROW EXECUTE FUNCTION test_buggy_writer();",
    )
    .execute(&env.pool)
    .await
    .unwrap();
    let wide = wide_pool(&env, 16).await;
    for (user, r) in rush(&wide, &users).await {
        if user == bad {
            let e = r.expect_err("the refused request fails");
            assert!(
                format!("{e:#}").contains("refused by a buggy writer"),
                "{e:#}"
            );
        } else {
            r.unwrap_or_else(|e| panic!("{user}: {e:#}"));
        }
    }
    let rows = answers(&wide, "hot").await;
    assert_eq!(rows.len(), USERS, "one request per caller");
    let refused: Vec<&Answer> = rows
        .iter()
        .filter(|a| a.outcome.as_deref() == Some("ERROR"))
        .collect();
    assert_eq!(refused.len(), 1, "{rows:?}");
    assert_eq!(refused[0].user_id, bad);
    // Everybody else: the first CAPACITY arrivals confirmed, the rest waitlisted in order.
    let others: Vec<&Answer> = rows.iter().filter(|a| a.user_id != bad).collect();
    for (i, a) in others.iter().enumerate() {
        if i < CAPACITY {
            assert_eq!(a.outcome.as_deref(), Some("CONFIRMED"), "{a:?}");
        } else {
            assert_eq!(a.outcome.as_deref(), Some("WAITLISTED"), "{a:?}");
            assert_eq!(a.waitlist_position, Some((i - CAPACITY + 1) as i32));
        }
    }
    let written: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM session_rsvps WHERE session_id = 'hot' AND user_id = $1",
    )
    .bind(&bad)
    .fetch_one(&wide)
    .await
    .unwrap();
    assert_eq!(written, 0, "nothing written for the refused request");
    settled_and_exact(&wide).await;
}
