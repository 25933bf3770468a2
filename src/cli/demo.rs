use chrono::{Duration as Days, Timelike, Utc};
use clap::Args;

use crate::Result;
use crate::backends::Backends;
use crate::booths::{self, NewBooth};
use crate::cli::Output;
use crate::cli::session::render_sessions;
use crate::events::{self, NewEvent};
use crate::sessions::{self, NewSession};

#[derive(Debug, Args)]
pub struct DemoArgs {}

impl DemoArgs {
    pub async fn run(self, b: &Backends, out: Output) -> Result<()> {
        let pool = b.pg().await?;
        let day = (Utc::now() + Days::days(7))
            .with_hour(9)
            .and_then(|t| t.with_minute(0))
            .and_then(|t| t.with_second(0))
            .expect("valid time");
        let event = events::create_event(
            pool,
            NewEvent {
                id: Some(crate::ids::new_id("evt_demo")),
                name: "capctl demo conference".into(),
                starts_at: day,
                ends_at: day + Days::hours(9),
                max_attendees: Some(500),
                max_viewers: Some(50),
            },
        )
        .await?;
        let talks = [
            ("Keynote: capacity without tears", 0, 60, 40, "Main hall"),
            ("Workshop: Rust in production", 60, 120, 12, "Room B"),
            ("Panel: waitlists done right", 60, 120, 30, "Room C"),
        ];
        for (title, from, to, seats, room) in talks {
            sessions::create_session(
                pool,
                NewSession {
                    event_id: event.event_id.clone(),
                    id: None,
                    title: title.into(),
                    starts_at: day + Days::minutes(from),
                    ends_at: day + Days::minutes(to),
                    max_participants: Some(seats),
                    room: Some(room.into()),
                    waitlist_enabled: true,
                    offer_ttl: sessions::DEFAULT_OFFER_TTL,
                },
            )
            .await?;
        }
        booths::create_booth(
            pool,
            NewBooth {
                event_id: event.event_id.clone(),
                id: None,
                name: "Acme Cloud".into(),
                tier: Some("gold".into()),
                max_visitors: Some(8),
            },
        )
        .await?;
        let list = sessions::list_sessions(pool, &event.event_id).await?;
        out.emit(&list, || {
            format!(
                "demo event {} with its sessions:\n{}",
                event.event_id,
                render_sessions(&list)
            )
        })
    }
}
