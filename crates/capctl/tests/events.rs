//! Events and registrations: create, list and show; names stored verbatim; `event register`
//! idempotent and never past `--max-attendees`, from many tasks and processes at once.

mod common;

use common::TestEnv;
use sqlx::PgPool;

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn event_create_list_show(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    let created = env
        .capctl(
            "event create --json --id evt_a --max-attendees 100 --max-viewers 20 \
             --starts-at 2030-06-01T08:00:00+02:00 --ends-at 2030-06-02T18:00:00Z --name",
        )
        .arg("  Rust Conf  ")
        .success()
        .json();
    assert_eq!(created["event_id"], "evt_a");
    assert_eq!(created["name"], "Rust Conf");
    assert_eq!(created["starts_at"], "2030-06-01T06:00:00Z");
    assert_eq!(created["max_attendees"], 100);
    assert_eq!(created["max_viewers"], 20);

    let generated = env
        .capctl(
            "event create --json --name Second \
             --starts-at 2030-07-01T08:00:00Z --ends-at 2030-07-01T18:00:00Z",
        )
        .success()
        .json();
    let gen_id = generated["event_id"].as_str().unwrap();
    assert!(gen_id.starts_with("evt_") && gen_id.len() > 10, "{gen_id}");
    assert!(generated["max_attendees"].is_null());

    let list = env.capctl("event list --json").success().json();
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["evt_a", gen_id]);

    let shown = env.capctl("event show evt_a --json").success().json();
    assert_eq!(shown, created);
    let table = env.capctl("event show evt_a").success().stdout;
    assert!(
        table.contains("Rust Conf") && table.contains("evt_a"),
        "{table}"
    );

    let (attendees, viewers): (Option<i32>, serde_json::Value) =
        sqlx::query_as("SELECT max_attendees, virtual_settings FROM events WHERE id = 'evt_a'")
            .fetch_one(&env.pool)
            .await
            .unwrap();
    assert_eq!(attendees, Some(100));
    assert_eq!(viewers, serde_json::json!({"max_concurrent_viewers": 20}));
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn names_with_quotes_and_shell_characters_are_stored_verbatim(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    let hostile = "O'Brien's \"talk\"; DROP TABLE events; -- $(rm -rf /) `id`";
    let ev = env
        .capctl("event create --json --id evt_q --name")
        .arg(hostile)
        .args(["--starts-at", "2030-06-01T08:00:00Z"])
        .args(["--ends-at", "2030-06-01T18:00:00Z"])
        .success()
        .json();
    assert_eq!(ev["name"], hostile);
    let stored: String = sqlx::query_scalar("SELECT name FROM events WHERE id = 'evt_q'")
        .fetch_one(&env.pool)
        .await
        .unwrap();
    assert_eq!(stored, hostile);
    assert_eq!(env.count("SELECT count(*) FROM events").await, 1);
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn register_is_idempotent_and_respects_max_attendees(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("evt_r", &["--max-attendees", "2"]);
    let first = env
        .capctl("event register --json --event evt_r --user u1 --name Ada --email ada@example.com")
        .success()
        .json();
    assert_eq!(first["created"], true);
    assert_eq!(first["status"], "REGISTERED");
    let repeat = env
        .capctl("event register --json --event evt_r --user u1")
        .success()
        .json();
    assert_eq!(repeat["created"], false);
    assert_eq!(repeat["name"], "Ada");
    env.capctl("event register --event evt_r --user u2")
        .success();
    let before = env.snapshot().await;
    env.capctl("event register --event evt_r --user u3")
        .refused(3, "full");
    assert_eq!(env.snapshot().await, before);
    // A registered user repeating at the cap is still an idempotent success.
    env.capctl("event register --event evt_r --user u2")
        .success();
    assert_eq!(
        env.count("SELECT count(*) FROM event_registrations WHERE event_id = 'evt_r'")
            .await,
        2
    );
    env.capctl("event register --event nope --user u1")
        .refused(5, "not found");
    env.capctl("event register --event evt_r --user u9 --email not-an-email")
        .refused(2, "email");
}

#[sqlx::test(migrator = "capctl_core::MIGRATOR")]
async fn concurrent_registrations_never_overshoot(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("evt_c", &["--max-attendees", "25"]);
    let backends = std::sync::Arc::new(capctl_core::backends::Backends::with_pool_size(
        env.settings(),
        20,
    ));
    let mut tasks = Vec::new();
    for i in 0..200 {
        let b = backends.clone();
        tasks.push(tokio::spawn(async move {
            let pool = b.pg().await.unwrap();
            capctl_core::catalog::events::register(
                pool,
                &"evt_c".parse().unwrap(),
                &format!("t{i}").parse().unwrap(),
                None,
                None,
            )
            .await
        }));
    }
    let mut ok = 0;
    let mut full = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(o) => {
                assert!(o.created);
                ok += 1;
            }
            Err(capctl_core::Error::Full(_)) => full += 1,
            Err(e) => panic!("unexpected error {e}"),
        }
    }
    assert_eq!((ok, full), (25, 175));
    assert_eq!(
        env.count("SELECT count(*) FROM event_registrations WHERE event_id = 'evt_c'")
            .await,
        25
    );

    // And from separate processes.
    env.event("evt_p", &["--max-attendees", "10"]);
    let children: Vec<_> = (0..40)
        .map(|i| {
            env.capctl("event register --event evt_p --user")
                .arg(format!("p{i}"))
                .spawn()
        })
        .collect();
    let mut codes = Vec::new();
    for c in children {
        codes.push(c.wait_with_output().await.unwrap().status.code().unwrap());
    }
    assert_eq!(codes.iter().filter(|&&c| c == 0).count(), 10, "{codes:?}");
    assert_eq!(codes.iter().filter(|&&c| c == 3).count(), 30, "{codes:?}");
    assert_eq!(
        env.count("SELECT count(*) FROM event_registrations WHERE event_id = 'evt_p'")
            .await,
        10
    );
}
