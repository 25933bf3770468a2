//! Many writers at once on the seat ledger: a rush of tasks and of processes on one session,
//! and seeded random interleavings of every write across sessions, then the invariants.

mod common;

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use capctl_core::Error;
use capctl_core::audit::{self, Rule, Scope, Violation};
use capctl_core::ids::EventId;
use capctl_core::seats::{self, RsvpStatus};
use common::TestEnv;
use common::storm::{at_once, hot_session, rush, wide_pool};
use sqlx::PgPool;

/// (confirmed, offered, waitlisted) rows of a session, after the audit found its counters equal
/// to them (`audit::seat_violations`, the one home of that check).
async fn truth(pool: &PgPool, session: &str) -> (i64, i64, i64) {
    let event: EventId = sqlx::query_scalar("SELECT event_id FROM sessions WHERE id = $1")
        .bind(session)
        .fetch_one(pool)
        .await
        .unwrap();
    let scope = Scope::Event(event);
    let drift: Vec<Violation> = audit::seat_violations(pool, &scope)
        .await
        .unwrap()
        .into_iter()
        .filter(|v| v.rule == Rule::SeatCounterDrift && v.subject == format!("session {session}"))
        .collect();
    assert!(drift.is_empty(), "counters of {session}: {drift:?}");
    let counts = audit::seat_counts(pool, &scope).await.unwrap();
    let c = counts
        .iter()
        .find(|c| c.session_id == session)
        .expect("session counted");
    (c.confirmed, c.offered, c.waitlisted)
}

/// The audit's findings for an event, but for the rules in `except`.
async fn violations(pool: &PgPool, event: &str, except: &[Rule]) -> Vec<Violation> {
    audit::seat_violations(pool, &Scope::Event(event.parse().unwrap()))
        .await
        .unwrap()
        .into_iter()
        .filter(|v| !except.contains(&v.rule))
        .collect()
}

/// user → 1-based rank in the queue, from the rows.
async fn ranks(pool: &PgPool, session: &str) -> HashMap<String, i64> {
    sqlx::query_as::<_, (String, i64)>(
        "SELECT user_id, row_number() OVER (ORDER BY waitlist_seq)
           FROM session_rsvps WHERE session_id = $1 AND status = 'WAITLISTED'",
    )
    .bind(session)
    .fetch_all(pool)
    .await
    .unwrap()
    .into_iter()
    .collect()
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn rush_of_250_tasks_fills_exactly_the_capacity(pool: PgPool) {
    const USERS: usize = 250;
    const CAPACITY: usize = 37;
    let env = TestEnv::new(pool).await;
    let users = hot_session(&env, CAPACITY, USERS, &[]).await;
    let wide = wide_pool(&env, 20).await;

    let results = rush(&wide, &users).await;
    let mut confirmed = 0;
    let mut positions = Vec::new();
    let mut answered = HashMap::new();
    for (_, r) in results {
        let r = r.expect("every RSVP is confirmed or waitlisted");
        assert!(!r.repeat);
        match r.status {
            RsvpStatus::Confirmed => confirmed += 1,
            RsvpStatus::Waitlisted => {
                let p = r.waitlist_position.unwrap() as i64;
                positions.push(p);
                answered.insert(r.user_id.to_string(), p);
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(confirmed, CAPACITY);
    positions.sort_unstable();
    assert_eq!(
        positions,
        (1..=(USERS - CAPACITY) as i64).collect::<Vec<_>>(),
        "unique, gapless"
    );
    assert_eq!(
        truth(&wide, "hot").await,
        (CAPACITY as i64, 0, (USERS - CAPACITY) as i64)
    );
    // The place each writer was told is its place in the queue.
    assert_eq!(ranks(&wide, "hot").await, answered);
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn rush_of_60_processes_fills_exactly_the_capacity(pool: PgPool) {
    const PROCS: usize = 60;
    const CAPACITY: usize = 10;
    let env = TestEnv::new(pool).await;
    let users = hot_session(&env, CAPACITY, PROCS, &[]).await;

    let children: Vec<_> = users.iter().map(|u| env.rsvp("hot", u).spawn()).collect();
    let mut outputs = Vec::new();
    for c in children {
        outputs.push(c.wait_with_output().await.unwrap());
    }
    // The server is shared: a process turned away for want of connections (exit 7, nothing
    // written) runs again afterwards. Every other outcome counts as it came.
    let mut retried = 0;
    let mut results = Vec::new();
    for (u, out) in users.iter().zip(outputs) {
        let mut out = out;
        while out.status.code() == Some(7) {
            retried += 1;
            out = env.rsvp("hot", u).spawn().wait_with_output().await.unwrap();
        }
        results.push((u.clone(), out));
    }
    assert!(
        retried < PROCS / 2,
        "{retried} of {PROCS} processes could not connect"
    );
    let mut confirmed = 0;
    let mut answered = HashMap::new();
    for (u, out) in &results {
        let json: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{u}: {e}: {}", String::from_utf8_lossy(&out.stderr)));
        match (out.status.code(), json["status"].as_str()) {
            (Some(0), Some("CONFIRMED")) => confirmed += 1,
            (Some(4), Some("WAITLISTED")) => {
                answered.insert(u.clone(), json["waitlist_position"].as_i64().unwrap());
            }
            other => panic!("{u}: unexpected {other:?}: {json}"),
        }
    }
    assert_eq!(confirmed, CAPACITY);
    let mut positions: Vec<i64> = answered.values().copied().collect();
    positions.sort_unstable();
    assert_eq!(
        positions,
        (1..=(PROCS - CAPACITY) as i64).collect::<Vec<_>>()
    );
    assert_eq!(
        truth(&env.pool, "hot").await,
        (CAPACITY as i64, 0, (PROCS - CAPACITY) as i64)
    );
    assert_eq!(ranks(&env.pool, "hot").await, answered);
}

/// xorshift64*: enough randomness for choosing operations, reproducible from a seed.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// What the test itself last did to one user's RSVP in one session.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Known {
    Confirmed,
    Waitlisted,
    Cancelled,
}

/// The last capacity change of a session: (capacity, taken then, forced below).
type CapacityOp = (Option<i32>, i32, bool);

const OWNERS: usize = 12;
const USERS_PER_OWNER: usize = 4;
const OPS_PER_OWNER: usize = 60;
const ORGANIZER_OPS: usize = 40;

async fn interleave(env: &TestEnv, pool: &PgPool, seed: u64) {
    let event = format!("e{seed}");
    env.event(&event, &[]);
    // a and b overlap, c and d overlap; d refuses when full.
    let sessions: Vec<String> = ["a", "b", "c", "d"]
        .iter()
        .map(|s| format!("{s}{seed}"))
        .collect();
    env.session(&event, &sessions[0], 9, 11, &["--max-participants", "3"]);
    env.session(&event, &sessions[1], 10, 12, &["--max-participants", "2"]);
    env.session(&event, &sessions[2], 13, 14, &["--max-participants", "4"]);
    env.session(
        &event,
        &sessions[3],
        13,
        14,
        &["--max-participants", "2", "--no-waitlist"],
    );
    let users = env
        .register_many(&event, &format!("r{seed}"), OWNERS * USERS_PER_OWNER)
        .await;

    let known: Arc<Mutex<HashMap<(String, String), Known>>> = Arc::default();
    let expired_by_test: Arc<Mutex<HashSet<(String, String)>>> = Arc::default();
    let capacity_ops: Arc<Mutex<HashMap<String, CapacityOp>>> = Arc::default();
    let done = Arc::new(AtomicBool::new(false));
    let tally: Arc<Mutex<HashMap<&'static str, usize>>> = Arc::default();
    let count = |tally: &Mutex<HashMap<&'static str, usize>>, what: &'static str| {
        *tally.lock().unwrap().entry(what).or_default() += 1;
    };

    // Watches the counters while everything runs: each look is one statement, one snapshot.
    let sampler = {
        let (pool, done) = (pool.clone(), done.clone());
        let scope = Scope::Event(event.parse().unwrap());
        tokio::spawn(async move {
            let mut looks = 0;
            while !done.load(Ordering::Relaxed) {
                let off: Vec<Violation> = audit::seat_violations(&pool, &scope)
                    .await
                    .unwrap()
                    .into_iter()
                    .filter(|v| v.rule == Rule::SeatCounterDrift)
                    .collect();
                assert!(off.is_empty(), "counters drifted mid-run: {off:?}");
                looks += 1;
                tokio::task::yield_now().await;
            }
            looks
        })
    };

    let mut writers = Vec::new();
    for owner in 0..OWNERS {
        let mine: Vec<String> =
            users[owner * USERS_PER_OWNER..(owner + 1) * USERS_PER_OWNER].to_vec();
        let (pool, sessions, known, tally) =
            (pool.clone(), sessions.clone(), known.clone(), tally.clone());
        writers.push(tokio::spawn(async move {
            let mut rng = Rng::new(seed * 1000 + owner as u64);
            for _ in 0..OPS_PER_OWNER {
                let user = &mine[rng.below(mine.len() as u64) as usize];
                let session = &sessions[rng.below(sessions.len() as u64) as usize];
                let key = (session.clone(), user.clone());
                if rng.chance(65) {
                    match seats::rsvp(
                        &pool,
                        &session.parse().unwrap(),
                        &user.parse().unwrap(),
                        rng.chance(25),
                    )
                    .await
                    {
                        Ok(r) => {
                            count(
                                &tally,
                                if r.repeat {
                                    "rsvp repeat"
                                } else {
                                    r.status.as_str()
                                },
                            );
                            let k = match r.status {
                                RsvpStatus::Confirmed => Known::Confirmed,
                                RsvpStatus::Waitlisted => Known::Waitlisted,
                                other => panic!("seed {seed}: rsvp answered {other}"),
                            };
                            known.lock().unwrap().insert(key, k);
                        }
                        Err(Error::Full(_)) => count(&tally, "rsvp full"),
                        Err(Error::Overlap { .. }) => count(&tally, "rsvp overlap"),
                        Err(e) => panic!("seed {seed}: rsvp {session} {user}: {e:#}"),
                    }
                } else {
                    match seats::cancel(&pool, &session.parse().unwrap(), &user.parse().unwrap())
                        .await
                    {
                        Ok(c) => {
                            count(
                                &tally,
                                if c.offers_sent > 0 {
                                    "cancel passing a seat on"
                                } else {
                                    "cancel"
                                },
                            );
                            known.lock().unwrap().insert(key, Known::Cancelled);
                        }
                        Err(Error::NotFound(_)) => count(&tally, "cancel without rsvp"),
                        Err(e) => panic!("seed {seed}: cancel {session} {user}: {e:#}"),
                    }
                }
            }
        }));
    }
    // The organizer: capacity changes (forced or not) and offers running out.
    writers.push({
        let (pool, sessions) = (pool.clone(), sessions.clone());
        let (expired_by_test, capacity_ops, tally) =
            (expired_by_test.clone(), capacity_ops.clone(), tally.clone());
        tokio::spawn(async move {
            let mut rng = Rng::new(seed * 1000 + 999);
            for _ in 0..ORGANIZER_OPS {
                let session = &sessions[rng.below(sessions.len() as u64) as usize];
                if rng.chance(40) {
                    let expired: Vec<String> = sqlx::query_scalar(
                        "UPDATE session_rsvps SET offer_expires_at = now() - interval '1s'
                          WHERE session_id = $1 AND status = 'OFFERED' RETURNING user_id",
                    )
                    .bind(session)
                    .fetch_all(&pool)
                    .await
                    .unwrap();
                    if !expired.is_empty() {
                        count(&tally, "offers run out");
                    }
                    let mut marked = expired_by_test.lock().unwrap();
                    marked.extend(expired.into_iter().map(|u| (session.clone(), u)));
                } else {
                    let cap = if rng.chance(10) {
                        None
                    } else {
                        Some(rng.below(8) as i64)
                    };
                    match seats::set_capacity(&pool, &session.parse().unwrap(), cap, rng.chance(50))
                        .await
                    {
                        Ok(c) => {
                            count(
                                &tally,
                                if c.over_capacity {
                                    "capacity forced below"
                                } else if c.offers_sent > 0 {
                                    "capacity raised with offers"
                                } else {
                                    "capacity set"
                                },
                            );
                            capacity_ops
                                .lock()
                                .unwrap()
                                .insert(session.clone(), (c.capacity, c.taken, c.over_capacity));
                        }
                        Err(Error::BelowTaken { .. }) => {
                            count(&tally, "capacity refused below taken")
                        }
                        Err(e) => panic!("seed {seed}: set-capacity {session}: {e:#}"),
                    }
                }
                tokio::task::yield_now().await;
            }
        })
    });
    for w in writers {
        w.await.unwrap();
    }
    done.store(true, Ordering::Relaxed);
    let looks = sampler.await.unwrap();
    assert!(looks > 0);
    let tally = tally.lock().unwrap().clone();
    eprintln!("seed {seed}: {looks} counter checks mid-run; {tally:?}");
    for what in [
        "CONFIRMED",
        "WAITLISTED",
        "cancel passing a seat on",
        "capacity forced below",
        "offers run out",
    ] {
        assert!(
            tally.contains_key(what),
            "seed {seed} never exercised {what:?}: {tally:?}"
        );
    }

    // Capacity never exceeded (or, forced below, never grew past what was taken then).
    // The audit may report OverCapacity only for a session the test forced below, and then the
    // seats must not have grown past what was taken at the cut.
    let forced = capacity_ops.lock().unwrap().clone();
    let over = audit::seat_violations(pool, &Scope::Event(event.parse().unwrap()))
        .await
        .unwrap()
        .into_iter()
        .filter(|v| v.rule == Rule::OverCapacity);
    for v in over {
        let s = sessions
            .iter()
            .find(|s| v.subject == format!("session {s}"));
        let cut = s.and_then(|s| forced.get(s)).filter(|op| op.2);
        assert!(
            v.rule == Rule::OverCapacity && cut.is_some(),
            "seed {seed}: {v}"
        );
        let (confirmed, offered, _) = truth(pool, s.unwrap()).await;
        let &(c, taken, _) = cut.unwrap();
        let bound = c.map(|c| c.max(taken)).unwrap_or(i32::MAX);
        assert!(
            confirmed + offered <= bound as i64,
            "seed {seed}: {v}: bound {bound}"
        );
    }

    // One write per session settles what the test expired; then no seat may stay free while
    // someone who could take it waits.
    for s in &sessions {
        let cap: Option<i32> = sqlx::query_scalar(
            "SELECT maximum_capacity FROM session_capacity WHERE session_id = $1",
        )
        .bind(s)
        .fetch_one(pool)
        .await
        .unwrap();
        seats::set_capacity(pool, &s.parse().unwrap(), cap.map(i64::from), true)
            .await
            .unwrap();
        let (_, _, waitlisted) = truth(pool, s).await;
        let queue = seats::waitlist(pool, &s.parse().unwrap()).await.unwrap();
        let positions: Vec<i64> = queue.iter().filter_map(|e| e.position).collect();
        assert_eq!(
            positions,
            (1..=waitlisted).collect::<Vec<_>>(),
            "seed {seed}: {s}: gapless queue"
        );
    }
    // Every seat invariant of the audit (a seat free while someone who could take it waits, a
    // gap in a queue, a queue on a session without a waitlist, two rows for one person, a
    // half-written row, counters off), but the cuts the test forced.
    let broken = violations(pool, &event, &[Rule::OverCapacity]).await;
    assert!(broken.is_empty(), "seed {seed}: {broken:?}");

    // One row per user and session, and every place the test holds is still held.
    let rows: Vec<(String, String, String)> =
        sqlx::query_as("SELECT session_id, user_id, status FROM session_rsvps WHERE event_id = $1")
            .bind(&event)
            .fetch_all(pool)
            .await
            .unwrap();
    let actual: HashMap<(String, String), String> =
        rows.into_iter().map(|(s, u, st)| ((s, u), st)).collect();
    let known = known.lock().unwrap();
    let expired_by_test = expired_by_test.lock().unwrap();
    for (key, k) in known.iter() {
        let st = actual.get(key).map(String::as_str);
        let ok = match k {
            Known::Confirmed => st == Some("CONFIRMED"),
            Known::Cancelled => st == Some("CANCELLED"),
            Known::Waitlisted => {
                matches!(st, Some("WAITLISTED" | "OFFERED"))
                    || (st == Some("EXPIRED") && expired_by_test.contains(key))
            }
        };
        assert!(ok, "seed {seed}: {key:?} was {k:?} for the test, is {st:?}");
    }
    for (key, st) in &actual {
        assert!(
            known.contains_key(key),
            "seed {seed}: {key:?} is {st} but the test never touched it"
        );
    }
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn random_interleavings_keep_every_invariant(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    let wide = wide_pool(&env, 16).await;
    let seeds: Vec<u64> = match std::env::var("CAPCTL_TEST_SEED") {
        Ok(s) => vec![s.parse().expect("CAPCTL_TEST_SEED is a number")],
        Err(_) => vec![1, 2, 3, 4],
    };
    for seed in seeds {
        interleave(&env, &wide, seed).await;
    }
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn one_user_racing_into_two_overlapping_sessions_gets_one(pool: PgPool) {
    const USERS: usize = 30;
    let env = TestEnv::new(pool).await;
    env.event("e1", &[]);
    env.session("e1", "left", 9, 11, &[]);
    env.session("e1", "right", 10, 12, &[]);
    let users = env.register_many("e1", "u", USERS).await;
    let wide = wide_pool(&env, 20).await;

    let attempts = users
        .iter()
        .flat_map(|u| ["left", "right"].map(|session| (u.clone(), session)));
    let results = at_once(attempts, |(user, session)| {
        let pool = wide.clone();
        async move {
            let r = seats::rsvp(
                &pool,
                &session.parse().unwrap(),
                &user.parse().unwrap(),
                false,
            )
            .await;
            (user, r)
        }
    })
    .await;
    let mut confirmed: HashMap<String, usize> = HashMap::new();
    for (user, r) in results {
        match r {
            Ok(r) => {
                assert_eq!(r.status, RsvpStatus::Confirmed);
                *confirmed.entry(user).or_default() += 1;
            }
            Err(Error::Overlap { with, .. }) => assert!(!with.is_empty()),
            Err(e) => panic!("{user}: {e:#}"),
        }
    }
    assert_eq!(confirmed.len(), USERS);
    assert!(confirmed.values().all(|&n| n == 1), "{confirmed:?}");
    let (l, _, _) = truth(&wide, "left").await;
    let (r, _, _) = truth(&wide, "right").await;
    assert_eq!(l + r, USERS as i64);
}
