//! The outbox: every seat change writes exactly one row of the right kind in its own
//! transaction, whoever makes it (the binary, the library, reconcile, raw SQL), also under a storm
//! of concurrent writers and with capctl processes killed mid-storm.

mod outbox_support;

use std::time::Duration;

use outbox_support::{Capctl, assert_outbox_matches_log, eventually, log_transitions, world};
use serde_json::Value;
use sqlx::PgPool;

fn kinds(list: &Value) -> Vec<(String, String)> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["kind"].as_str().unwrap().to_string(),
                r["user_id"].as_str().unwrap_or("-").to_string(),
            )
        })
        .collect()
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn every_transition_writes_one_row_of_its_kind(pool: PgPool) {
    let cli = Capctl::new(&pool).await;
    let (sessions, _) = world(&pool, "ev", 1, Some(1), 6, Duration::from_secs(86_400)).await;
    log_transitions(&pool).await;
    let s = sessions[0].as_str();
    let rsvp = |u: &'static str| ["session", "rsvp", "--json", "--session", s, "--user", u];
    cli.run(&rsvp("u1")).await.code(0);
    cli.run(&rsvp("u2")).await.code(4);
    cli.run(&rsvp("u3")).await.code(4);
    cli.run(&["session", "cancel", "--session", s, "--user", "u1"])
        .await
        .code(0);
    // An offer accepted is `confirmed`.
    cli.run(&rsvp("u2")).await.code(0);
    cli.run(&["session", "set-capacity", "--session", s, "--max", "2"])
        .await
        .code(0);
    // u3 holds an offer now; it lapses and reconcile passes it on (nobody else waits).
    cli.run(&rsvp("u4")).await.code(4);
    sqlx::query("UPDATE session_rsvps SET offer_expires_at = now() - interval '1 second' WHERE user_id = 'u3'")
        .execute(&pool)
        .await
        .unwrap();
    cli.run(&["reconcile", "--json"]).await.code(0);
    // u4's offer lapses too and the next write (u5's RSVP) passes the seat on.
    sqlx::query("UPDATE session_rsvps SET offer_expires_at = now() - interval '1 second' WHERE user_id = 'u4'")
        .execute(&pool)
        .await
        .unwrap();
    cli.run(&rsvp("u5")).await.code(0);
    // A status changed by raw SQL, and a change rolled back (no row).
    sqlx::query(
        "UPDATE session_rsvps SET status = 'CANCELLED', cancelled_at = now() WHERE user_id = 'u2'",
    )
    .execute(&pool)
    .await
    .unwrap();
    let mut tx = pool.begin().await.unwrap();
    sqlx::query("SELECT * FROM capctl_cancel($1, 'u5')")
        .bind(s)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    // An UPDATE that keeps the status writes nothing.
    sqlx::query("UPDATE session_rsvps SET status = status, updated_at = now()")
        .execute(&pool)
        .await
        .unwrap();

    let list = cli.run(&["outbox", "list", "--json"]).await.code(0).json();
    assert_eq!(
        kinds(&list),
        pairs(&[
            ("confirmed", "u1"),
            ("waitlisted", "u2"),
            ("waitlisted", "u3"),
            ("cancelled", "u1"),
            ("offer_made", "u2"),
            ("confirmed", "u2"),
            ("capacity_changed", "-"),
            ("offer_made", "u3"),
            ("waitlisted", "u4"),
            ("offer_expired", "u3"),
            ("offer_made", "u4"),
            ("offer_expired", "u4"),
            ("confirmed", "u5"),
            ("cancelled", "u2"),
        ])
    );
    let rows = list.as_array().unwrap();
    let ids: Vec<i64> = rows.iter().map(|r| r["id"].as_i64().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "id order: {ids:?}");
    for r in rows {
        for field in outbox_support::EVENT_FIELDS.iter().chain(&["delivered_at"]) {
            assert!(r.get(field).is_some(), "field {field} in {r}");
        }
        assert_eq!(r["event_id"], "ev");
        assert_eq!(r["delivered_at"], Value::Null);
        let p = &r["payload"];
        assert_eq!(p["title"], format!("Talk {s}"));
        assert_eq!(p["room"], "Room 1");
        assert!(p["starts_at"].as_str().unwrap().ends_with('Z'));
        assert!(p["ends_at"].as_str().is_some());
        if r["kind"] != "capacity_changed" {
            let u = r["user_id"].as_str().unwrap();
            assert_eq!(p["name"], format!("Name {u}"));
            assert_eq!(p["email"], format!("{u}@example.org"));
        }
    }
    assert_eq!(rows[1]["payload"]["waitlist_position"], 1);
    assert_eq!(rows[2]["payload"]["waitlist_position"], 2);
    assert!(rows[4]["payload"]["offer_expires_at"].as_str().is_some());
    assert_eq!(rows[6]["payload"]["previous_capacity"], 1);
    assert_eq!(rows[6]["payload"]["capacity"], 2);
    assert_eq!(rows[3]["payload"]["previous_status"], "CONFIRMED");
    assert_outbox_matches_log(&pool).await;

    // Filters.
    let only = cli
        .run(&[
            "outbox",
            "list",
            "--json",
            "--kind",
            "offer_made,offer_expired",
            "--after",
            &ids[4].to_string(),
            "--limit",
            "2",
        ])
        .await
        .code(0)
        .json();
    assert_eq!(
        kinds(&only),
        pairs(&[("offer_made", "u3"), ("offer_expired", "u3")])
    );
    let other = cli
        .run(&["outbox", "list", "--json", "--session", "nope"])
        .await
        .code(0)
        .json();
    assert_eq!(other, serde_json::json!([]));
    let table = cli.run(&["outbox", "list"]).await.code(0);
    assert!(
        table.stdout.contains("14 notifications"),
        "{}",
        table.stdout
    );
    // Bad input: one line, exit 2.
    let bad = cli
        .run(&["outbox", "list", "--kind", "confirmed,bogus"])
        .await
        .code(2);
    assert!(
        bad.stderr.contains("bogus") && bad.stderr.lines().count() == 1,
        "{}",
        bad.stderr
    );

    // The dashboard shows what is still to deliver.
    let dash = cli
        .run(&["session", "list", "--json", "--event", "ev"])
        .await
        .code(0)
        .json();
    assert_eq!(dash[0]["notifications_pending"], 14);
    assert_eq!(dash[0]["notifications_failed"], 0);
    let dash = cli.run(&["session", "list", "--event", "ev"]).await.code(0);
    assert!(dash.stdout.contains("14 pending"), "{}", dash.stdout);
}

/// Many tasks and processes RSVP and cancel at once on few small sessions: every transition
/// (offers included) has exactly one row, in order per RSVP.
#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn a_storm_of_rsvps_and_cancels_writes_one_row_per_transition(pool: PgPool) {
    let cli = Capctl::new(&pool).await;
    let (sessions, users) =
        world(&pool, "storm", 3, Some(4), 40, Duration::from_secs(86_400)).await;
    log_transitions(&pool).await;
    let mut tasks = tokio::task::JoinSet::new();
    for (i, user) in users.iter().enumerate() {
        let pool = pool.clone();
        let user = user.clone();
        let sessions = sessions.clone();
        tasks.spawn(async move {
            for round in 0..4 {
                let s = &sessions[(i + round) % sessions.len()];
                let _ = outbox_support::rsvp(&pool, s, &user, true).await;
                if (i + round) % 3 == 0 {
                    let _ = outbox_support::cancel(&pool, s, &user).await;
                }
            }
        });
    }
    // Separate processes at the same time.
    let mut procs = Vec::new();
    for (i, user) in users.iter().enumerate().take(16) {
        let s = &sessions[i % sessions.len()];
        let verb = if i % 2 == 0 { "cancel" } else { "rsvp" };
        let mut args = vec!["session", verb, "--session", s, "--user", user];
        if verb == "rsvp" {
            args.push("--allow-overlap");
        }
        procs.push(cli.command(&args).output());
    }
    let outs = futures::future::join_all(procs).await;
    for o in outs {
        let code = o.unwrap().status.code().unwrap();
        assert!(matches!(code, 0 | 4 | 5 | 6), "exit {code}");
    }
    while let Some(r) = tasks.join_next().await {
        r.unwrap();
    }
    // Offers that lapse, passed on by reconcile.
    sqlx::query("UPDATE session_rsvps SET offer_expires_at = now() - interval '1 second' WHERE status = 'OFFERED'")
        .execute(&pool)
        .await
        .unwrap();
    cli.run(&["reconcile", "--json"]).await.code(0);
    let n = assert_outbox_matches_log(&pool).await;
    assert!(n > 160, "a real storm: {n} transitions");
    let offers: i64 =
        sqlx::query_scalar("SELECT count(*) FROM capctl_outbox WHERE kind = 'offer_made'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(offers > 0, "cancels passed seats on");
}

/// capctl processes killed with SIGKILL mid-storm: whatever committed has its rows, whatever
/// did not has none.
#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn kill_9_mid_storm_leaves_rows_and_changes_one_to_one(pool: PgPool) {
    let cli = Capctl::new(&pool).await;
    let (sessions, users) = world(&pool, "kill", 2, Some(5), 60, Duration::from_secs(86_400)).await;
    log_transitions(&pool).await;
    let mut children = Vec::new();
    for (i, user) in users.iter().enumerate() {
        let s = &sessions[i % 2];
        let verb = if i % 4 == 3 { "cancel" } else { "rsvp" };
        children.push(
            cli.command(&["session", verb, "--session", s, "--user", user])
                .spawn()
                .unwrap(),
        );
    }
    // Kill half of them as soon as the first changes land.
    eventually("the first rows", Duration::from_secs(60), || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM capctl_outbox")
            .fetch_one(&pool)
            .await
            .unwrap()
            > 0
    })
    .await;
    for child in children.iter_mut().step_by(2) {
        let _ = child.start_kill();
    }
    let mut killed = 0;
    for mut child in children {
        let status = child.wait().await.unwrap();
        killed += usize::from(std::os::unix::process::ExitStatusExt::signal(&status) == Some(9));
    }
    assert!(
        killed > 0,
        "some capctl processes were killed while running"
    );
    // And library writers cut off mid-flight: their futures dropped by a timeout.
    let mut cut = tokio::task::JoinSet::new();
    for user in users.iter().take(30) {
        let pool = pool.clone();
        let (s, user) = (sessions[1].clone(), user.clone());
        cut.spawn(async move {
            let _ = tokio::time::timeout(
                Duration::from_millis(3),
                outbox_support::cancel(&pool, &s, &user),
            )
            .await;
        });
    }
    while cut.join_next().await.is_some() {}
    // Connections of dropped futures are closed or reused; wait until no transaction is open.
    eventually(
        "no open capctl transactions",
        Duration::from_secs(30),
        || async {
            sqlx::query_scalar::<_, i64>(
                "SELECT count(*) FROM pg_stat_activity
              WHERE datname = current_database() AND pid <> pg_backend_pid()
                AND state IN ('active', 'idle in transaction')",
            )
            .fetch_one(&pool)
            .await
            .unwrap()
                == 0
        },
    )
    .await;
    let n = assert_outbox_matches_log(&pool).await;
    assert!(n > 0);
    let rsvps: i64 = sqlx::query_scalar("SELECT count(*) FROM session_rsvps")
        .fetch_one(&pool)
        .await
        .unwrap();
    let firsts: i64 = sqlx::query_scalar(
        "SELECT count(DISTINCT (session_id, user_id)) FROM capctl_outbox WHERE user_id IS NOT NULL",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        rsvps, firsts,
        "every RSVP row has its rows, and no row lacks its RSVP"
    );
}

/// `outbox list --follow` prints new rows as JSON lines as they commit, and exits 0 on SIGTERM.
#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn follow_prints_new_rows_until_sigterm(pool: PgPool) {
    use tokio::io::{AsyncBufReadExt, BufReader};
    let cli = Capctl::new(&pool).await;
    let (sessions, _) = world(&pool, "fol", 1, Some(1), 4, Duration::from_secs(86_400)).await;
    outbox_support::rsvp(&pool, &sessions[0], "u0", false)
        .await
        .unwrap();
    let mut child = cli
        .command(&[
            "outbox",
            "list",
            "--follow",
            "--after",
            "1",
            "--kind",
            "waitlisted,offer_made",
        ])
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    outbox_support::rsvp(&pool, &sessions[0], "u1", false)
        .await
        .unwrap(); // waitlisted
    outbox_support::rsvp(&pool, &sessions[0], "u2", false)
        .await
        .unwrap(); // waitlisted
    outbox_support::cancel(&pool, &sessions[0], "u0")
        .await
        .unwrap(); // cancelled (filtered), offer_made u1
    let mut got = Vec::new();
    while got.len() < 3 {
        let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
            .await
            .expect("a line within 30 s")
            .unwrap()
            .expect("still running");
        let v: Value = serde_json::from_str(&line).unwrap();
        got.push((
            v["kind"].as_str().unwrap().to_string(),
            v["user_id"].as_str().unwrap().to_string(),
        ));
    }
    assert_eq!(
        got,
        pairs(&[
            ("waitlisted", "u1"),
            ("waitlisted", "u2"),
            ("offer_made", "u1")
        ])
    );
    outbox_support::stop(&mut child).await;
    assert_eq!(
        lines.next_line().await.unwrap(),
        None,
        "nothing more printed"
    );
}
