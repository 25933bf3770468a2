//! `capctl demo`: builds a fresh demo event and walks through every rule with the same library
//! calls the real commands make, printing the dashboards those commands print.

use std::time::Duration;

use chrono::{Duration as Span, DurationRound, Utc};
use clap::Args;
use serde::Serialize;
use tokio::task::JoinSet;

use crate::cli::Output;
use crate::cli::booth::{BoothCommand, VisitorsArgs};
use crate::cli::reconcile::ReconcileArgs;
use crate::cli::session::{ListArgs, SessionCommand, WaitlistArgs};
use crate::cli::stream::{StreamCommand, ViewersArgs};
use capctl_core::backends::Backends;
use capctl_core::catalog::booths::{self, NewBooth};
use capctl_core::catalog::events::{self, NewEvent};
use capctl_core::catalog::sessions::{self, NewSession, SessionSeats};
use capctl_core::io::import;
use capctl_core::presence::{Presence, Room};
use capctl_core::reconcile::{self, ReconcileOptions, ReconcileReport};
use capctl_core::seats::{self, RsvpStatus};
use capctl_core::{Error, Result};

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Attendees to register (imported from a generated CSV)
    #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u32).range(60..=100_000))]
    pub attendees: u32,
}

/// What the demo did, for `--json`.
#[derive(Debug, Default, Serialize)]
struct DemoReport {
    event_id: String,
    workshop_session_id: String,
    registered: u64,
    rush: Tally,
    offers_after_cancel: i64,
    overlap_refused: bool,
    stream_limit: u64,
    stream_first_wave: Tally,
    vanished_viewers: u64,
    storm_reconcile: Option<ReconcileReport>,
    stream_second_wave: Tally,
    booth_id: String,
    booth: Tally,
    sessions: Vec<SessionSeats>,
}

#[derive(Debug, Default, Serialize)]
struct Tally {
    admitted: u64,
    waitlisted: u64,
    refused: u64,
}

const WORKSHOP_SEATS: i64 = 12;
const RUSHERS: usize = 24;
const STREAM_LIMIT: i64 = 50;
const BOOTH_LIMIT: i64 = 8;

struct Narrator {
    out: Output,
}

impl Narrator {
    fn human(&self) -> bool {
        !self.out.json
    }

    /// One line of explanation before each step (people only; `--json` prints one summary).
    fn step(&self, text: &str) {
        if self.human() {
            println!("\n▶ {text}");
        }
    }

    async fn sessions(&self, b: &Backends, event: &str) -> Result<()> {
        if self.human() {
            SessionCommand::List(ListArgs {
                event: event.parse()?,
            })
            .run(b, self.out)
            .await?;
        }
        Ok(())
    }
}

impl DemoArgs {
    pub async fn run(self, b: &Backends, out: Output) -> Result<()> {
        let n = Narrator { out };
        let pool = b.pg().await?.clone();
        let mut report = DemoReport::default();

        // 1. The event, three sessions (two of them at the same time), a booth, a viewer limit.
        let day = (Utc::now() + Span::days(14))
            .duration_trunc(Span::days(1))
            .map_err(anyhow::Error::from)?
            + Span::hours(9);
        let event = events::create_event(
            &pool,
            NewEvent {
                id: None,
                name: format!(
                    "capctl demo conference {}",
                    Utc::now().format("%Y-%m-%d %H:%M:%S")
                ),
                starts_at: day,
                ends_at: day + Span::hours(9),
                max_attendees: Some(i64::from(self.attendees) + 50),
                max_viewers: Some(STREAM_LIMIT),
            },
        )
        .await?;
        let ev = event.event_id.clone();
        report.event_id = ev.to_string();
        // People are global across events; a re-run gets its own attendees so nothing collides.
        let tag = &ev[4..10];
        let attendee = |i: usize| format!("d{tag}-att{i:05}");
        let mut session_ids = Vec::new();
        for (title, from, to, seats, room) in [
            ("Keynote: capacity without tears", 0, 60, 200, "Main hall"),
            (
                "Workshop: Rust in production",
                60,
                120,
                WORKSHOP_SEATS,
                "Room B",
            ),
            ("Panel: waitlists done right", 60, 120, 40, "Room C"),
        ] {
            let s = sessions::create_session(
                &pool,
                NewSession {
                    event_id: ev.clone(),
                    id: None,
                    title: title.into(),
                    starts_at: day + Span::minutes(from),
                    ends_at: day + Span::minutes(to),
                    max_participants: Some(seats),
                    room: Some(room.into()),
                    waitlist_enabled: true,
                    offer_ttl: sessions::DEFAULT_OFFER_TTL,
                },
            )
            .await?;
            session_ids.push(s.session_id);
        }
        let (keynote, workshop, panel) = (
            session_ids[0].clone(),
            session_ids[1].clone(),
            session_ids[2].clone(),
        );
        report.workshop_session_id = workshop.to_string();
        let booth = booths::create_booth(
            &pool,
            NewBooth {
                event_id: ev.clone(),
                id: None,
                name: "Acme Cloud".into(),
                tier: Some("gold".into()),
                max_visitors: Some(BOOTH_LIMIT),
            },
        )
        .await?;
        report.booth_id = booth.booth_id.to_string();
        n.step(&format!(
            "Created demo event {ev}: three sessions (the workshop and the panel run at the same time), \
             booth {} for {BOOTH_LIMIT} visitors, and a stream limited to {STREAM_LIMIT} viewers.",
            booth.booth_id
        ));
        n.sessions(b, &ev).await?;

        // 2. Registrations, through the same all-or-nothing import `event import-registrations` uses.
        let csv: String = std::iter::once("user_id,name,email\n".to_string())
            .chain(
                (1..=self.attendees as usize)
                    .map(|i| format!("{0},Attendee {i},{0}@example.com\n", attendee(i))),
            )
            .collect();
        let parsed = import::parse_registrations(csv.as_bytes(), "demo attendees", &mut |_| {})?;
        let imported = import::import_registrations(&pool, &ev, &parsed).await?;
        report.registered = imported.imported;
        n.step(&format!(
            "Imported {} attendee registrations in one transaction (the event allows {}).",
            imported.imported,
            self.attendees + 50
        ));

        // 3. An RSVP rush: more people than seats, all at once.
        let mut rush = JoinSet::new();
        for i in 1..=RUSHERS {
            let (pool, workshop, user) = (pool.clone(), workshop.clone(), attendee(i));
            rush.spawn(async move { seats::rsvp(&pool, &workshop, &user.parse()?, false).await });
        }
        for i in 1..=60 {
            seats::rsvp(&pool, &keynote, &attendee(i).parse()?, false).await?;
        }
        while let Some(res) = rush.join_next().await {
            match res.map_err(anyhow::Error::from)?? {
                o if o.status == RsvpStatus::Confirmed => report.rush.admitted += 1,
                o if o.status == RsvpStatus::Waitlisted => report.rush.waitlisted += 1,
                o => {
                    return Err(Error::Internal(anyhow::anyhow!(
                        "unexpected RSVP status {}",
                        o.status
                    )));
                }
            }
        }
        n.step(&format!(
            "RSVP rush: {RUSHERS} attendees raced for the workshop's {WORKSHOP_SEATS} seats at once: exactly {} confirmed, \
             {} waitlisted in arrival order (60 more took keynote seats).",
            report.rush.admitted, report.rush.waitlisted
        ));
        n.sessions(b, &ev).await?;

        // 4. Overlap: a confirmed workshop attendee cannot also take the parallel panel.
        let holder = first_confirmed(&pool, &workshop).await?;
        match seats::rsvp(&pool, &panel, &holder.parse()?, false).await {
            Err(err @ Error::Overlap { .. }) => {
                let msg = err.to_string();
                report.overlap_refused = true;
                n.step(&format!(
                    "Overlap rule: {holder} tries the panel too and is refused (exit 6): {msg}"
                ));
            }
            other => {
                return Err(Error::Internal(anyhow::anyhow!(
                    "overlap was not refused: {other:?}"
                )));
            }
        }

        // 5. Cancellations free seats: the next in line get offers that hold the seat.
        let mut leaving = Vec::new();
        for _ in 0..2 {
            let user = first_confirmed(&pool, &workshop).await?;
            let c = seats::cancel(&pool, &workshop, &user.parse()?).await?;
            report.offers_after_cancel += i64::from(c.offers_sent);
            leaving.push(user);
        }
        n.step(&format!(
            "{} and {} cancelled: their seats were offered to the first two in the queue, held for 30 minutes; \
             everyone behind moved up without gaps.",
            leaving[0], leaving[1]
        ));
        if n.human() {
            SessionCommand::Waitlist(WaitlistArgs {
                session: workshop.clone(),
            })
            .run(b, out)
            .await?;
        }
        let offered = seats::waitlist(&pool, &workshop)
            .await?
            .into_iter()
            .find(|e| e.status == RsvpStatus::Offered)
            .ok_or_else(|| Error::Internal(anyhow::anyhow!("no offer was made")))?;
        seats::rsvp(&pool, &workshop, &offered.user_id, false).await?;
        n.step(&format!(
            "{} accepted the offer by RSVPing again and is now confirmed.",
            offered.user_id
        ));
        n.sessions(b, &ev).await?;

        // 6. The stream fills to its limit.
        let presence = Presence::new(b);
        let stream = Room::stream(&ev)?;
        report.stream_limit = STREAM_LIMIT as u64;
        let vanishing = STREAM_LIMIT as usize / 3;
        let mut viewers = Vec::new();
        for i in 0..STREAM_LIMIT as usize + 5 {
            // A third of the first wave is on flaky connections: 2 s leases that will not be renewed.
            let ttl = if i < vanishing {
                Duration::from_secs(2)
            } else {
                Duration::from_secs(120)
            };
            let a = presence
                .join(&stream, &format!("viewer{i:03}"), ttl)
                .await?;
            if a.admitted {
                report.stream_first_wave.admitted += 1;
                viewers.push(i);
            } else {
                report.stream_first_wave.refused += 1;
            }
        }
        n.step(&format!(
            "{} viewers tried to join the live stream: {} admitted, {} refused at the limit of {STREAM_LIMIT} (exit 3).",
            STREAM_LIMIT + 5,
            report.stream_first_wave.admitted,
            report.stream_first_wave.refused
        ));
        show_viewers(b, out, &ev).await?;

        // 7. A disconnect storm: a third of the viewers vanish without saying goodbye.
        report.vanished_viewers = vanishing as u64;
        n.step(&format!(
            "Disconnect storm: {vanishing} viewers' players crash (no leave, no heartbeat). \
             Waiting for their 2 s leases to run out…"
        ));
        tokio::time::sleep(Duration::from_millis(2500)).await;
        let mut redis = b.redis().await?.clone();
        let stale: Option<u64> = redis::cmd("GET")
            .arg(stream.keys(b.redis_prefix()).count)
            .query_async(&mut redis)
            .await?;
        let pass = reconcile::reconcile_pass(b, &ReconcileOptions::default()).await?;
        n.step(&format!(
            "Their leases ran out, but nobody said goodbye: the O(1) counter other services read still said {}. \
             One reconcile pass (what `capctl reconcile --watch` does as a daemon) reaped {} expired leases and \
             rewrote {} counter(s) from the lease sets.",
            stale.unwrap_or_default(),
            pass.leases_expired,
            pass.counters_fixed
        ));
        for i in vanishing..STREAM_LIMIT as usize {
            presence
                .heartbeat(&stream, &format!("viewer{i:03}"), Duration::from_secs(120))
                .await?;
        }
        report.storm_reconcile = Some(pass);
        show_viewers(b, out, &ev).await?;
        for i in 0..vanishing + 4 {
            let a = presence
                .join(&stream, &format!("late{i:03}"), Duration::from_secs(120))
                .await?;
            if a.admitted {
                report.stream_second_wave.admitted += 1;
            } else {
                report.stream_second_wave.refused += 1;
            }
        }
        n.step(&format!(
            "{} new viewers came: {} admitted into the freed places, {} refused: the limit held throughout.",
            vanishing + 4,
            report.stream_second_wave.admitted,
            report.stream_second_wave.refused
        ));
        show_viewers(b, out, &ev).await?;

        // 8. The booth.
        let booth_room = Room::booth(&booth.booth_id)?;
        for i in 1..=BOOTH_LIMIT as usize + 2 {
            let a = presence
                .join(&booth_room, &attendee(i), Duration::from_secs(300))
                .await?;
            if a.admitted {
                report.booth.admitted += 1;
            } else {
                report.booth.refused += 1;
            }
        }
        n.step(&format!(
            "{} visitors walked up to booth {}: {} let in, {} asked to wait outside.",
            BOOTH_LIMIT + 2,
            booth.booth_id,
            report.booth.admitted,
            report.booth.refused
        ));
        if n.human() {
            BoothCommand::Visitors(VisitorsArgs {
                booth: None,
                event: Some(ev.parse()?),
            })
            .run(b, out)
            .await?;
        }

        // 9. Everything agrees.
        n.step("A last reconcile pass over the whole deployment, as `capctl reconcile` runs it (this demo left nothing to fix):");
        if n.human() {
            ReconcileArgs {
                watch: false,
                interval: Duration::from_secs(5),
                check: false,
                metrics_addr: None,
            }
            .run(b, out)
            .await?;
        }
        report.sessions = sessions::list_sessions(&pool, &ev).await?;

        let first = attendee(1);
        out.emit(&report, || {
            format!(
                "\nExplore the demo event further:\n  \
                 capctl session list --event {ev}\n  \
                 capctl session waitlist --session {workshop}\n  \
                 capctl schedule --event {ev} --user {first} --ics\n  \
                 capctl export-rsvps --event {ev} --output demo-rsvps.csv\n  \
                 capctl stream viewers --event {ev} --watch\n  \
                 capctl booth visitors --event {ev}\n  \
                 capctl reconcile --check"
            )
        })
    }
}

async fn show_viewers(b: &Backends, out: Output, event: &str) -> Result<()> {
    if out.json {
        return Ok(());
    }
    StreamCommand::Viewers(ViewersArgs {
        event: Some(event.parse()?),
        watch: false,
        interval: Duration::from_secs(1),
    })
    .run(b, out)
    .await
}

/// The earliest confirmed attendee of a session (deterministic, for the narration).
async fn first_confirmed(pool: &sqlx::PgPool, session: &str) -> Result<String> {
    Ok(sqlx::query_scalar(
        "SELECT user_id FROM session_rsvps WHERE session_id = $1 AND status = 'CONFIRMED'
          ORDER BY confirmed_at, user_id LIMIT 1",
    )
    .bind(session)
    .fetch_one(pool)
    .await?)
}
