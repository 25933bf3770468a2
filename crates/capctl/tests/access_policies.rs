//! Stream and booth access policies (issue 14) through the real binary on real Redis: a strict
//! queue with positions, a per-viewer device cap (refuse, evict-oldest) and a grace period,
//! each under many concurrent processes, checked against the state left in Redis.

mod common;

use capctl_core::audit::{Scope, presence_violations};
use capctl_core::presence::Room;
use common::redis::redis;
use common::{Run, TestEnv, eventually, finish};

fn join(env: &TestEnv, event: &str, viewer: &str, extra: &[&str]) -> Run {
    let mut args = vec![
        "stream", "join", "--json", "--event", event, "--viewer", viewer,
    ];
    args.extend_from_slice(extra);
    env.run(&args)
}

/// Runs `stream join` for every viewer at once (separate processes); answers in that order.
async fn join_all(env: &TestEnv, event: &str, viewers: &[String], extra: &[&str]) -> Vec<Run> {
    let children: Vec<_> = viewers
        .iter()
        .map(|v| {
            let mut args = vec!["stream", "join", "--json", "--event", event, "--viewer", v];
            args.extend_from_slice(extra);
            env.spawn(&args)
        })
        .collect();
    let mut runs = Vec::new();
    for child in children {
        runs.push(finish(child).await);
    }
    runs
}

/// The members of a ZSET key, in order.
async fn zmembers(env: &TestEnv, key: &str) -> Vec<String> {
    redis::cmd("ZRANGE")
        .arg(key)
        .arg(0)
        .arg(-1)
        .query_async(&mut redis(env).await)
        .await
        .unwrap()
}

/// (viewers, in_grace, queued, limit) of one stream as `stream viewers` shows them.
fn viewers(env: &TestEnv, event: &str) -> (u64, u64, u64, Option<u64>) {
    let row = &env
        .capctl(format!("stream viewers --json --event {event}"))
        .success()
        .json()[0];
    (
        row["viewers"].as_u64().unwrap(),
        row["in_grace"].as_u64().unwrap(),
        row["queued"].as_u64().unwrap(),
        row["limit"].as_u64(),
    )
}

async fn assert_presence_holds(env: &TestEnv) {
    let v = presence_violations(&env.backends(), &Scope::All)
        .await
        .unwrap();
    assert!(v.is_empty(), "{v:?}");
}

/// The Redis server's clock, in ms.
async fn server_ms(env: &TestEnv) -> i64 {
    let (s, us): (i64, i64) = redis::cmd("TIME")
        .query_async(&mut redis(env).await)
        .await
        .unwrap();
    s * 1000 + us / 1000
}

/// Polls the server's clock until the member's lease score plus `extra_ms` has passed.
async fn wait_past_lease(env: &TestEnv, room: &Room, member: &str, extra_ms: i64) {
    let score: f64 = redis::cmd("ZSCORE")
        .arg(room.keys(&env.prefix).leases)
        .arg(member)
        .query_async(&mut redis(env).await)
        .await
        .unwrap();
    let until = score as i64 + extra_ms;
    eventually(
        20,
        &format!("{member}'s lease (+{extra_ms} ms) runs out"),
        || async { server_ms(env).await > until },
    )
    .await;
}

async fn concurrent_queue_joins_get_gapless_places_and_are_admitted_in_order(env: TestEnv) {
    env.event("e1", &["--max-viewers", "3"]);
    let room = Room::stream("e1").unwrap();
    join(&env, "e1", "in-1", &[]).success();
    join(&env, "e1", "in-2", &[]).success();
    join(&env, "e1", "in-3", &["--ttl", "1s"]).success();

    // K concurrent queued joins on the full stream: exit 4, positions 1..K without a gap.
    let queued: Vec<String> = common::numbered("q", 12);
    let runs = join_all(&env, "e1", &queued, &["--queue"]).await;
    let mut line: Vec<(u64, String)> = Vec::new();
    for (v, run) in queued.iter().zip(runs) {
        let answer = run.code(4).json();
        assert_eq!(answer["queued"], true);
        assert_eq!(answer["admitted"], false);
        line.push((answer["position"].as_u64().unwrap(), v.clone()));
    }
    line.sort();
    let positions: Vec<u64> = line.iter().map(|(p, _)| *p).collect();
    assert_eq!(positions, (1..=12).collect::<Vec<u64>>());
    let order: Vec<String> = line.into_iter().map(|(_, v)| v).collect();
    assert_eq!(zmembers(&env, &room.keys(&env.prefix).queue).await, order);
    // in-3's short lease may already have run out: its slot waits for the head's next poll.
    let (live, _, queued_now, _) = viewers(&env, "e1");
    assert!(
        (2..=3).contains(&live) && queued_now == 12,
        "{live} {queued_now}"
    );

    // Slots free one at a time (an expiry first, then leaves); every queued person polls at
    // once each round: exactly the head is admitted, the rest move up, never above 3.
    let mut inside = vec!["in-1".to_string(), "in-2".to_string()];
    let mut waiting = order.clone();
    for round in 0..order.len() {
        if round == 0 {
            wait_past_lease(&env, &room, "in-3", 0).await;
        } else {
            let out = inside.remove(0);
            env.capctl(format!("stream leave --event e1 --viewer {out}"))
                .success();
        }
        let runs = join_all(&env, "e1", &waiting, &["--queue"]).await;
        let mut admitted = Vec::new();
        for (i, (v, run)) in waiting.iter().zip(runs).enumerate() {
            match run.code {
                0 => admitted.push(v.clone()),
                // its place as of its own call: before or after the head went in
                4 => {
                    let p = run.json()["position"].as_u64().unwrap();
                    assert!(p == i as u64 || p == i as u64 + 1, "{v} at {p}, index {i}");
                }
                other => panic!("{v}: exit {other}: {}", run.stderr),
            }
        }
        assert_eq!(
            admitted,
            [waiting[0].clone()],
            "round {round}: the head only"
        );
        inside.push(waiting.remove(0));
        let keys = room.keys(&env.prefix);
        assert_eq!(
            zmembers(&env, &keys.queue).await,
            waiting,
            "the line keeps its order"
        );
        let (live, _, queued_now, _) = viewers(&env, "e1");
        assert_eq!((live, queued_now), (3, waiting.len() as u64));
        assert_presence_holds(&env).await;
    }
    assert!(
        zmembers(&env, &room.keys(&env.prefix).queue)
            .await
            .is_empty()
    );
    assert!(
        zmembers(&env, &room.keys(&env.prefix).places)
            .await
            .is_empty()
    );
}

async fn a_queue_place_not_refreshed_is_dropped_and_the_line_moves_up(env: TestEnv) {
    env.event("e1", &["--max-viewers", "1"]);
    let room = Room::stream("e1").unwrap();
    join(&env, "e1", "a", &[]).success();
    // b's place lasts long enough for the next two processes to start even on a loaded machine
    // (with 300 ms, c could arrive after b's place was gone and find itself first in line).
    let b = join(&env, "e1", "b", &["--queue", "--ttl", "3s"])
        .code(4)
        .json();
    assert_eq!(b["position"], 1);
    let c = join(&env, "e1", "c", &["--queue"]).code(4).json();
    assert_eq!(c["position"], 2);
    // A plain join does not jump the line, nor does it take a place.
    join(&env, "e1", "d", &[]).code(3);
    eventually(20, "b's place is dropped and c moves up", || async {
        join(&env, "e1", "c", &["--queue"]).code(4).json()["position"] == 1
    })
    .await;
    assert_eq!(zmembers(&env, &room.keys(&env.prefix).queue).await, ["c"]);
    // Free slot while c waits: a newcomer is refused, c is admitted.
    env.capctl("stream leave --event e1 --viewer a").success();
    let refused = join(&env, "e1", "d", &[]).code(3);
    assert!(refused.stderr.contains("queued"), "{}", refused.stderr);
    assert_eq!(
        join(&env, "e1", "c", &["--queue"]).success().json()["admitted"],
        true
    );
    // b comes back: the stream is full again, so b starts over at the end of the line.
    assert_eq!(
        join(&env, "e1", "b", &["--queue"]).code(4).json()["position"],
        1
    );
    // Leaving the line drops the place.
    env.capctl("stream leave --event e1 --viewer b").success();
    assert!(
        zmembers(&env, &room.keys(&env.prefix).queue)
            .await
            .is_empty()
    );
    assert_eq!(viewers(&env, "e1"), (1, 0, 0, Some(1)));
    // Booths queue the same way, and `booth visitors` shows the line.
    env.booth("e1", "b1", Some(1));
    let enter = |u: &str| env.capctl(format!("booth enter --json --booth b1 --user {u} --queue"));
    enter("u1").success();
    assert_eq!(enter("u2").code(4).json()["position"], 1);
    let rows = env
        .capctl("booth visitors --json --booth b1")
        .success()
        .json();
    assert_eq!(
        (rows[0]["visitors"].clone(), rows[0]["queued"].clone()),
        (1.into(), 1.into())
    );
}

/// The leases of viewer `v` (its default device `v`, others `v#device`).
async fn devices_of(env: &TestEnv, room: &Room, v: &str) -> Vec<String> {
    let mut found: Vec<String> = zmembers(env, &room.keys(&env.prefix).leases)
        .await
        .into_iter()
        .filter(|m| m == v || m.starts_with(&format!("{v}#")))
        .collect();
    found.sort();
    found
}

async fn device_cap_refuse_holds_under_concurrent_joins_of_one_viewer(env: TestEnv) {
    env.event("e1", &["--max-viewers", "3", "--max-devices", "2"]);
    let room = Room::stream("e1").unwrap();
    join(&env, "e1", "w1", &[]).success();
    let devices = common::numbered("d", 10);
    let children: Vec<_> = devices
        .iter()
        .map(|d| {
            env.spawn(&[
                "stream", "join", "--json", "--event", "e1", "--viewer", "v", "--device", d,
            ])
        })
        .collect();
    let mut admitted = 0;
    for child in children {
        let run = finish(child).await;
        match run.code {
            0 => admitted += 1,
            3 => assert!(run.stderr.contains("device limit"), "{}", run.stderr),
            other => panic!("exit {other}: {}", run.stderr),
        }
    }
    assert_eq!(admitted, 2);
    assert_eq!(devices_of(&env, &room, "v").await.len(), 2);
    assert_eq!(viewers(&env, "e1").0, 3);
    // The stream counts devices: it is full now.
    join(&env, "e1", "w2", &[]).code(3);
    // A live device refreshes; the default device is the viewer id alone.
    let live = devices_of(&env, &room, "v").await[0].clone();
    let d = live.split_once('#').unwrap().1;
    join(&env, "e1", "v", &["--device", d]).success();
    assert_presence_holds(&env).await;
}

async fn evict_oldest_replaces_the_viewers_stalest_device_and_keeps_the_count(env: TestEnv) {
    env.event("e1", &["--max-viewers", "3"]);
    env.capctl("stream set-limit --event e1 --max-devices 2 --device-policy evict-oldest")
        .success();
    let room = Room::stream("e1").unwrap();
    join(&env, "e1", "v", &["--device", "d1"]).success();
    join(&env, "e1", "v", &["--device", "d2"]).success();
    let third = join(&env, "e1", "v", &["--device", "d3"]).success().json();
    assert_eq!(third["evicted_device"], "d1");
    assert_eq!(third["count"], 2);
    assert_eq!(devices_of(&env, &room, "v").await, ["v#d2", "v#d3"]);
    // The evicted device's next heartbeat reports its lease lost.
    env.capctl("stream heartbeat --json --event e1 --viewer v --device d1")
        .code(5);
    join(&env, "e1", "w1", &[]).success();

    let devices = common::numbered("x", 10);
    let children: Vec<_> = devices
        .iter()
        .map(|d| {
            env.spawn(&[
                "stream", "join", "--json", "--event", "e1", "--viewer", "v", "--device", d,
            ])
        })
        .collect();
    for child in children {
        finish(child).await.success();
    }
    assert_eq!(devices_of(&env, &room, "v").await.len(), 2);
    assert_eq!(viewers(&env, "e1").0, 3);
    join(&env, "e1", "w2", &[]).code(3);
    // Another viewer's join never evicts v's devices.
    assert_eq!(devices_of(&env, &room, "v").await.len(), 2);
    assert_presence_holds(&env).await;
}

async fn a_lapsed_lease_is_held_for_its_owner_during_grace_then_goes_to_the_queue(env: TestEnv) {
    env.event("e1", &[]);
    env.capctl("stream set-limit --event e1 --max 2 --grace 60s")
        .success();
    let room = Room::stream("e1").unwrap();
    join(&env, "e1", "a", &["--ttl", "200ms"]).success();
    join(&env, "e1", "b", &[]).success();
    wait_past_lease(&env, &room, "a", 0).await;
    assert_eq!(viewers(&env, "e1"), (2, 1, 0, Some(2)));
    // A rush of others: a's slot is reserved, nobody gets it.
    let rush = common::numbered("r", 10);
    for run in join_all(&env, "e1", &rush, &[]).await {
        run.code(3);
    }
    // a's heartbeat within grace gets the slot back without a capacity check.
    let back = env
        .capctl("stream heartbeat --json --event e1 --viewer a --ttl 60s")
        .success()
        .json();
    assert_eq!(back["status"], "EXTENDED");
    assert_eq!(viewers(&env, "e1"), (2, 0, 0, Some(2)));

    // After grace the slot is free, and it goes to the queue head.
    env.event("e2", &["--max-viewers", "1"]);
    env.capctl("stream set-limit --event e2 --grace 1s")
        .success();
    let room2 = Room::stream("e2").unwrap();
    join(&env, "e2", "a", &["--ttl", "200ms"]).success();
    assert_eq!(
        join(&env, "e2", "q", &["--queue"]).code(4).json()["position"],
        1
    );
    wait_past_lease(&env, &room2, "a", 0).await;
    join(&env, "e2", "x", &[]).code(3);
    eventually(20, "the queue head gets the slot after grace", || async {
        join(&env, "e2", "q", &["--queue"]).code != 4
    })
    .await;
    assert_eq!(devices_of(&env, &room2, "q").await, ["q"]);
    env.capctl("stream heartbeat --json --event e2 --viewer a")
        .code(5);
    assert_presence_holds(&env).await;
}

common::cluster::on_single_node_and_cluster!(
    concurrent_queue_joins_get_gapless_places_and_are_admitted_in_order,
    a_queue_place_not_refreshed_is_dropped_and_the_line_moves_up,
    device_cap_refuse_holds_under_concurrent_joins_of_one_viewer,
    evict_oldest_replaces_the_viewers_stalest_device_and_keeps_the_count,
    a_lapsed_lease_is_held_for_its_owner_during_grace_then_goes_to_the_queue,
);
