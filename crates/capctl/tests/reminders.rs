//! Reminders: one per (session, confirmed user) of sessions starting within the window, however
//! often and however many run at once; nobody else gets one.

mod outbox_support;

use std::collections::BTreeSet;
use std::time::Duration;

use capctl_core::outbox::queue_reminders;
use outbox_support::{Capctl, world};
use sqlx::PgPool;

/// Session s0 starts in an hour and has confirmed u0, u1, u2 (u2 cancelled then back),
/// waitlisted u4, offered u3 and cancelled u5; "later" starts in three days, with u0 confirmed.
async fn setup(pool: &PgPool) -> String {
    let (sessions, _) = world(pool, "rem", 1, Some(3), 8, Duration::from_secs(3600)).await;
    let s = sessions[0].clone();
    for u in ["u0", "u1", "u2", "u3", "u4", "u5"] {
        outbox_support::rsvp(pool, &s, u, false).await.unwrap();
    }
    outbox_support::cancel(pool, &s, "u2").await.unwrap(); // u3 gets an offer
    outbox_support::rsvp(pool, &s, "u2", false).await.unwrap(); // waitlisted at the back
    outbox_support::cancel(pool, &s, "u5").await.unwrap();
    outbox_support::rsvp(pool, &s, "u3", false).await.unwrap(); // accepts the offer: confirmed
    outbox_support::cancel(pool, &s, "u1").await.unwrap(); // u4 gets an offer
    sqlx::query(
        "INSERT INTO sessions (id, event_id, title, starts_at, ends_at, max_participants)
         VALUES ('later', 'rem', 'Later', now() + interval '3 days', now() + interval '3 days 1 hour', 10),
                ('past', 'rem', 'Running', now() - interval '10 minutes', now() + interval '50 minutes', 10)",
    )
    .execute(pool)
    .await
    .unwrap();
    outbox_support::rsvp(pool, "later", "u0", true)
        .await
        .unwrap();
    outbox_support::rsvp(pool, "past", "u6", true)
        .await
        .unwrap();
    let statuses: Vec<(String, String)> = sqlx::query_as(
        "SELECT user_id, status FROM session_rsvps WHERE session_id = $1 ORDER BY user_id",
    )
    .bind(&s)
    .fetch_all(pool)
    .await
    .unwrap();
    let statuses: Vec<(&str, &str)> = statuses
        .iter()
        .map(|(u, st)| (u.as_str(), st.as_str()))
        .collect();
    assert_eq!(
        statuses,
        [
            ("u0", "CONFIRMED"),
            ("u1", "CANCELLED"),
            ("u2", "WAITLISTED"),
            ("u3", "CONFIRMED"),
            ("u4", "OFFERED"),
            ("u5", "CANCELLED")
        ]
    );
    s
}

async fn reminded(pool: &PgPool) -> Vec<(String, String)> {
    sqlx::query_as("SELECT session_id, user_id FROM capctl_outbox WHERE kind = 'reminder' ORDER BY session_id, user_id")
        .fetch_all(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn reminders_go_once_to_each_confirmed_attendee(pool: PgPool) {
    let cli = Capctl::new(&pool).await;
    let s = setup(&pool).await;
    let first = cli
        .run(&["reminders", "--within", "24h", "--json"])
        .await
        .code(0)
        .json();
    assert_eq!(first, serde_json::json!({"queued": 2, "sessions": 1}));
    let again = cli
        .run(&["reminders", "--within", "24h", "--json"])
        .await
        .code(0)
        .json();
    assert_eq!(again, serde_json::json!({"queued": 0, "sessions": 0}));
    // Many at once, processes and library calls together, with a wider window.
    let mut procs = Vec::new();
    for _ in 0..6 {
        procs.push(
            cli.command(&["reminders", "--within", "4d", "--json", "--event", "rem"])
                .output(),
        );
    }
    let mut lib = tokio::task::JoinSet::new();
    for _ in 0..6 {
        let pool = pool.clone();
        lib.spawn(async move {
            queue_reminders(&pool, Duration::from_secs(4 * 86_400), None)
                .await
                .unwrap()
                .queued
        });
    }
    let mut queued = 0;
    for out in futures::future::join_all(procs).await {
        let out = out.unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        queued += v["queued"].as_i64().unwrap();
    }
    while let Some(n) = lib.join_next().await {
        queued += n.unwrap();
    }
    assert_eq!(queued, 1, "only later/u0 was new, and it was queued once");
    let got: BTreeSet<(String, String)> = reminded(&pool).await.into_iter().collect();
    let want: BTreeSet<(String, String)> =
        [(s.as_str(), "u0"), (s.as_str(), "u3"), ("later", "u0")]
            .into_iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
    assert_eq!(
        got, want,
        "confirmed attendees of sessions not yet started; nobody else"
    );
    let payload: serde_json::Value = sqlx::query_scalar(
        "SELECT payload FROM capctl_outbox WHERE kind = 'reminder' AND user_id = 'u3'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(payload["email"], "u3@example.org");
    assert_eq!(payload["title"], format!("Talk {s}"));
    // Cancelling and coming back does not earn a second reminder.
    outbox_support::cancel(&pool, &s, "u0").await.unwrap();
    outbox_support::rsvp(&pool, &s, "u0", false).await.unwrap();
    let last = cli
        .run(&["reminders", "--within", "4d", "--json"])
        .await
        .code(0)
        .json();
    assert_eq!(last["queued"], 0);
    assert_eq!(reminded(&pool).await.len(), 3);
    // Bad input.
    let bad = cli.run(&["reminders", "--within", "soon"]).await.code(2);
    assert_eq!(bad.stderr.lines().count(), 1);
    cli.run(&["reminders", "--within", "1h", "--event", "nope"])
        .await
        .code(5);
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn reconcile_queues_reminders_on_each_pass(pool: PgPool) {
    let cli = Capctl::new(&pool).await;
    let s = setup(&pool).await;
    let pass = cli
        .run(&["reconcile", "--json", "--reminders-within", "2h"])
        .await
        .code(0)
        .json();
    assert_eq!(pass["reminders_queued"], 2);
    let pass = cli
        .run(&["reconcile", "--json", "--reminders-within", "2h"])
        .await
        .code(0)
        .json();
    assert_eq!(pass["reminders_queued"], 0);
    // --check changes nothing.
    let check = cli
        .run(&["reconcile", "--json", "--check", "--reminders-within", "4d"])
        .await;
    assert_eq!(check.json()["reminders_queued"], 0);
    // The daemon queues for sessions that come into the window on a later pass.
    let mut child = cli
        .command(&[
            "reconcile",
            "--watch",
            "--json",
            "--interval",
            "200ms",
            "--reminders-within",
            "4d",
        ])
        .spawn()
        .unwrap();
    outbox_support::eventually(
        "the later session's reminder",
        Duration::from_secs(60),
        || async { reminded(&pool).await.len() == 3 },
    )
    .await;
    outbox_support::stop(&mut child).await;
    assert_eq!(
        reminded(&pool).await,
        [
            ("later".into(), "u0".into()),
            (s.clone(), "u0".to_string()),
            (s, "u3".to_string())
        ]
    );
}
