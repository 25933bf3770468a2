mod common;

use common::TestEnv;
use sqlx::PgPool;

#[sqlx::test(migrator = "capctl::db::MIGRATOR")]
async fn event_create_list_show(pool: PgPool) {
    let env = TestEnv::new(pool).await;
    env.event("evt_a", &["--max-attendees", "100", "--max-viewers", "20"]);
    let list = env.run(&["event", "list", "--json"]).success().json();
    assert_eq!(list[0]["event_id"], "evt_a");
    assert_eq!(list[0]["max_viewers"], 20);
    let viewers: Option<i32> = sqlx::query_scalar(
        "SELECT (virtual_settings->>'max_concurrent_viewers')::int FROM events WHERE id = 'evt_a'",
    )
    .fetch_one(&env.pool)
    .await
    .unwrap();
    assert_eq!(viewers, Some(20));
}
