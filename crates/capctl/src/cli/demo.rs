//! `capctl demo`: a fresh demo event, then every rule shown as one short named step, each made of
//! the library calls the real commands make and shown with the dashboards those commands print.
//! The last step audits every invariant of the event.

use std::time::{Duration, Instant};

mod queue;

use chrono::{DateTime, Duration as Span, DurationRound, Utc};
use clap::Args;
use serde::Serialize;
use tokio::task::JoinSet;

use crate::cli::Output;
use crate::cli::booth::{BoothCommand, VisitorsArgs};
use crate::cli::outbox::{ListArgs as OutboxListArgs, OutboxCommand};
use crate::cli::reconcile::ReconcileArgs;
use crate::cli::session::{ListArgs, SessionCommand, WaitlistArgs};
use crate::cli::stream::{StreamCommand, ViewersArgs};
use capctl_core::audit::{self, Scope};
use capctl_core::backends::Backends;
use capctl_core::catalog::booths::{self, NewBooth};
use capctl_core::catalog::events::{self, NewEvent};
use capctl_core::catalog::sessions::{self, NewSession, SessionSeats};
use capctl_core::ids::{SessionId, UserId};
use capctl_core::io::import;
use capctl_core::outbox;
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
    /// Outbox rows the cancel-and-offer step wrote, per kind.
    notifications_after_cancel: std::collections::BTreeMap<String, u64>,
}

#[derive(Debug, Default, Serialize)]
struct Tally {
    admitted: u64,
    waitlisted: u64,
    refused: u64,
}

impl Tally {
    fn count(&mut self, admitted: bool) {
        if admitted {
            self.admitted += 1;
        } else {
            self.refused += 1;
        }
    }
}

const WORKSHOP_SEATS: i64 = 12;
const RUSHERS: usize = 24;
const KEYNOTE_RSVPS: usize = 60;
const STREAM_LIMIT: usize = 50;
/// A third of the first wave is on flaky connections: short leases nobody renews.
const VANISHING: usize = STREAM_LIMIT / 3;
const FLAKY_LEASE: Duration = Duration::from_secs(2);
const STEADY_LEASE: Duration = Duration::from_secs(120);
const BOOTH_LIMIT: i64 = 8;
const BOOTH_LEASE: Duration = Duration::from_secs(300);

impl DemoArgs {
    pub async fn run(self, b: &Backends, out: Output) -> Result<()> {
        let mut demo = Demo::set_up(b, out, self.attendees).await?;
        demo.import_attendees().await?;
        demo.rush().await?;
        demo.show_overlap_rule().await?;
        demo.cancel_and_offer().await?;
        demo.fill_stream().await?;
        demo.disconnect_storm().await?;
        demo.late_viewers().await?;
        demo.fill_booth().await?;
        demo.booth_queue().await?;
        demo.final_audit().await?;
        demo.finish()
    }
}

/// The demo event and what the story has done to it so far.
struct Demo<'a> {
    b: &'a Backends,
    out: Output,
    pool: sqlx::PgPool,
    attendees: u32,
    /// Short and random: the ids of one run (event, sessions, booth, people) never collide
    /// with another run's.
    tag: String,
    keynote: String,
    workshop: String,
    panel: String,
    /// Workshop attendees holding a seat, by attendee number.
    workshop_confirmed: Vec<String>,
    report: DemoReport,
}

impl<'a> Demo<'a> {
    /// The event, three sessions (two of them at the same time), a booth, a viewer limit.
    async fn set_up(b: &'a Backends, out: Output, attendees: u32) -> Result<Demo<'a>> {
        let pool = b.pg().await?.clone();
        let tag = uuid::Uuid::new_v4().simple().to_string()[..8].to_string();
        let day = (Utc::now() + Span::days(14))
            .duration_trunc(Span::days(1))
            .map_err(anyhow::Error::from)?
            + Span::hours(9);
        let event = events::create_event(
            &pool,
            NewEvent {
                id: Some(format!("evt_demo_{tag}").parse()?),
                name: format!(
                    "capctl demo conference {}",
                    Utc::now().format("%Y-%m-%d %H:%M:%S")
                ),
                starts_at: day,
                ends_at: day + Span::hours(9),
                max_attendees: Some(i64::from(attendees) + 50),
                max_viewers: Some(STREAM_LIMIT as i64),
            },
        )
        .await?;
        let ev = event.event_id;
        let mut demo = Demo {
            b,
            out,
            pool,
            attendees,
            keynote: String::new(),
            workshop: String::new(),
            panel: String::new(),
            workshop_confirmed: Vec::new(),
            report: DemoReport {
                event_id: ev.to_string(),
                ..DemoReport::default()
            },
            tag,
        };
        demo.keynote = demo
            .session(
                "keynote",
                "Keynote: capacity without tears",
                day,
                (0, 60),
                200,
                "Main hall",
            )
            .await?;
        demo.workshop = demo
            .session(
                "workshop",
                "Workshop: Rust in production",
                day,
                (60, 120),
                WORKSHOP_SEATS,
                "Room B",
            )
            .await?;
        demo.panel = demo
            .session(
                "panel",
                "Panel: waitlists done right",
                day,
                (60, 120),
                40,
                "Room C",
            )
            .await?;
        demo.report.workshop_session_id = demo.workshop.clone();
        let booth = booths::create_booth(
            &demo.pool,
            NewBooth {
                event_id: ev.clone(),
                id: Some(format!("booth_{}_acme", demo.tag).parse()?),
                name: "Acme Cloud".into(),
                tier: Some("gold".into()),
                max_visitors: Some(BOOTH_LIMIT),
            },
        )
        .await?;
        demo.report.booth_id = booth.booth_id.into_string();
        demo.step(&format!(
            "Created demo event {ev}: three sessions (the workshop and the panel run at the same time), \
             booth {} for {BOOTH_LIMIT} visitors, and a stream limited to {STREAM_LIMIT} viewers.",
            demo.report.booth_id
        ));
        demo.show_sessions().await?;
        Ok(demo)
    }

    /// One session of the demo day, `minutes` after the day starts.
    async fn session(
        &self,
        name: &str,
        title: &str,
        day: DateTime<Utc>,
        minutes: (i64, i64),
        seats: i64,
        room: &str,
    ) -> Result<String> {
        let s = sessions::create_session(
            &self.pool,
            NewSession {
                event_id: self.report.event_id.parse()?,
                id: Some(format!("ses_{}_{name}", self.tag).parse()?),
                title: title.into(),
                starts_at: day + Span::minutes(minutes.0),
                ends_at: day + Span::minutes(minutes.1),
                max_participants: Some(seats),
                room: Some(room.into()),
                waitlist_enabled: true,
                offer_ttl: sessions::DEFAULT_OFFER_TTL,
                format: capctl_core::seats::virtual_sessions::SessionFormat::InPerson,
                no_show_grace: None,
            },
        )
        .await?;
        Ok(s.session_id.into_string())
    }

    /// Attendee `i` (from 1) of this run: people are global across events.
    fn attendee(&self, i: usize) -> String {
        format!("d{}-att{i:05}", self.tag)
    }

    /// Registrations through the same all-or-nothing import `event import-registrations` uses.
    async fn import_attendees(&mut self) -> Result<()> {
        let csv: String = std::iter::once("user_id,name,email\n".to_string())
            .chain(
                (1..=self.attendees as usize)
                    .map(|i| format!("{0},Attendee {i},{0}@example.com\n", self.attendee(i))),
            )
            .collect();
        let parsed = import::parse_registrations(csv.as_bytes(), "demo attendees", &mut |_| {})?;
        let imported =
            import::import_registrations(&self.pool, &self.report.event_id.parse()?, &parsed)
                .await?;
        self.report.registered = imported.imported;
        self.step(&format!(
            "Imported {} attendee registrations in one transaction (the event allows {}).",
            imported.imported,
            self.attendees + 50
        ));
        Ok(())
    }

    /// More people than seats RSVP for the workshop at once, while others fill the keynote.
    async fn rush(&mut self) -> Result<()> {
        let mut rush = JoinSet::new();
        for i in 1..=RUSHERS {
            let (pool, workshop, user): (_, SessionId, UserId) = (
                self.pool.clone(),
                self.workshop.parse()?,
                self.attendee(i).parse()?,
            );
            rush.spawn(async move { (i, seats::rsvp(&pool, &workshop, &user, false).await) });
        }
        for i in 1..=KEYNOTE_RSVPS {
            seats::rsvp(
                &self.pool,
                &self.keynote.parse()?,
                &self.attendee(i).parse()?,
                false,
            )
            .await?;
        }
        let mut confirmed = Vec::new();
        while let Some(joined) = rush.join_next().await {
            let (i, outcome) = joined.map_err(anyhow::Error::from)?;
            match outcome?.status {
                RsvpStatus::Confirmed => confirmed.push(i),
                RsvpStatus::Waitlisted => self.report.rush.waitlisted += 1,
                other => return Err(unexpected(format!("RSVP status {other}"))),
            }
        }
        confirmed.sort_unstable();
        self.report.rush.admitted = confirmed.len() as u64;
        self.workshop_confirmed = confirmed.into_iter().map(|i| self.attendee(i)).collect();
        self.step(&format!(
            "RSVP rush: {RUSHERS} attendees raced for the workshop's {WORKSHOP_SEATS} seats at once: exactly {} confirmed, \
             {} waitlisted in arrival order ({KEYNOTE_RSVPS} more took keynote seats).",
            self.report.rush.admitted, self.report.rush.waitlisted
        ));
        self.show_sessions().await
    }

    /// A confirmed workshop attendee cannot also take the panel running at the same time.
    async fn show_overlap_rule(&mut self) -> Result<()> {
        let holder = self
            .workshop_confirmed
            .first()
            .cloned()
            .ok_or_else(|| unexpected("nobody confirmed"))?;
        match seats::rsvp(&self.pool, &self.panel.parse()?, &holder.parse()?, false).await {
            Err(err @ Error::Overlap { .. }) => {
                self.report.overlap_refused = true;
                self.step(&format!(
                    "Overlap rule: {holder} tries the panel too and is refused (exit 6): {err}"
                ));
                Ok(())
            }
            other => Err(unexpected(format!("overlap was not refused: {other:?}"))),
        }
    }

    /// Two cancel: the next in line get offers that hold the seat; one accepts.
    async fn cancel_and_offer(&mut self) -> Result<()> {
        let mark = outbox::last_id(&self.pool).await?;
        let leaving: Vec<String> = self.workshop_confirmed.drain(..2).collect();
        for user in &leaving {
            let c = seats::cancel(&self.pool, &self.workshop.parse()?, &user.parse()?).await?;
            self.report.offers_after_cancel += i64::from(c.offers_sent);
        }
        self.step(&format!(
            "{} and {} cancelled: their seats were offered to the first two in the queue, held for 30 minutes; \
             everyone behind moved up without gaps.",
            leaving[0], leaving[1]
        ));
        if !self.out.json {
            SessionCommand::Waitlist(WaitlistArgs {
                session: self.workshop.parse()?,
            })
            .run(self.b, self.out)
            .await?;
        }
        let offered = seats::waitlist(&self.pool, &self.workshop.parse()?)
            .await?
            .into_iter()
            .find(|e| e.status == RsvpStatus::Offered)
            .ok_or_else(|| unexpected("no offer was made"))?;
        seats::rsvp(&self.pool, &self.workshop.parse()?, &offered.user_id, false).await?;
        self.step(&format!(
            "{} accepted the offer by RSVPing again and is now confirmed.",
            offered.user_id
        ));
        self.show_notifications(mark).await?;
        self.show_sessions().await
    }

    /// The outbox rows the workshop's changes wrote since `mark`: what attendees are told.
    async fn show_notifications(&mut self, mark: i64) -> Result<()> {
        let filter = outbox::OutboxFilter {
            session_id: Some(self.workshop.clone()),
            after: Some(mark),
            ..Default::default()
        };
        for row in outbox::list(&self.pool, &filter).await? {
            *self
                .report
                .notifications_after_cancel
                .entry(row.kind)
                .or_default() += 1;
        }
        self.step(
            "Each of those changes wrote one outbox row in its own transaction: what \
             `capctl outbox deliver --webhook URL` posts to the notification service.",
        );
        if self.out.json {
            return Ok(());
        }
        OutboxCommand::List(OutboxListArgs {
            event: None,
            session: Some(self.workshop.clone()),
            kind: vec![],
            after: Some(mark),
            limit: None,
            follow: false,
        })
        .run(self.b, self.out)
        .await
    }

    fn stream(&self) -> Result<Room> {
        Room::stream(&self.report.event_id)
    }

    /// The stream fills to its limit; the first viewers are on flaky connections.
    async fn fill_stream(&mut self) -> Result<()> {
        let stream = self.stream()?;
        self.report.stream_limit = STREAM_LIMIT as u64;
        for i in 0..STREAM_LIMIT + 5 {
            let ttl = if i < VANISHING {
                FLAKY_LEASE
            } else {
                STEADY_LEASE
            };
            let a = Presence::new(self.b).join(&stream, &viewer(i), ttl).await?;
            self.report.stream_first_wave.count(a.admitted);
        }
        self.step(&format!(
            "{} viewers tried to join the live stream: {} admitted, {} refused at the limit of {STREAM_LIMIT} (exit 3).",
            STREAM_LIMIT + 5,
            self.report.stream_first_wave.admitted,
            self.report.stream_first_wave.refused
        ));
        self.show_viewers().await
    }

    /// The flaky viewers vanish without a goodbye; one reconcile pass sets the counts right.
    async fn disconnect_storm(&mut self) -> Result<()> {
        self.report.vanished_viewers = VANISHING as u64;
        self.step(&format!(
            "Disconnect storm: {VANISHING} viewers' players crash (no leave, no heartbeat). \
             Waiting for their {} s leases to run out…",
            FLAKY_LEASE.as_secs()
        ));
        let stale = self.await_expired_leases(VANISHING as u64).await?;
        let pass = reconcile::reconcile_pass(self.b, &ReconcileOptions::default()).await?;
        self.step(&format!(
            "Their leases ran out, but nobody said goodbye: the O(1) counter other services read still said {stale}. \
             One reconcile pass (what `capctl reconcile --watch` does as a daemon) reaped {} expired leases and \
             rewrote {} counter(s) from the lease sets.",
            pass.leases_expired, pass.counters_fixed
        ));
        let stream = self.stream()?;
        for i in VANISHING..STREAM_LIMIT {
            Presence::new(self.b)
                .heartbeat(&stream, &viewer(i), STEADY_LEASE)
                .await?;
        }
        self.report.storm_reconcile = Some(pass);
        self.show_viewers().await
    }

    /// Polls the stream until `n` leases have expired (the lease length plus a margin at most);
    /// returns the counter other services read at that moment.
    async fn await_expired_leases(&self, n: u64) -> Result<u64> {
        let stream = self.stream()?;
        let deadline = Instant::now() + FLAKY_LEASE + Duration::from_secs(10);
        loop {
            let state = audit::room_states(self.b, std::slice::from_ref(&stream))
                .await?
                .remove(0);
            if state.expired >= n {
                return Ok(state.counter.unwrap_or(0));
            }
            if Instant::now() > deadline {
                return Err(unexpected(format!(
                    "{} of {n} leases expired in time",
                    state.expired
                )));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// New viewers take the freed places; the limit holds.
    async fn late_viewers(&mut self) -> Result<()> {
        let stream = self.stream()?;
        let late = VANISHING + 4;
        for i in 0..late {
            let a = Presence::new(self.b)
                .join(&stream, &format!("late{i:03}"), STEADY_LEASE)
                .await?;
            self.report.stream_second_wave.count(a.admitted);
        }
        self.step(&format!(
            "{late} new viewers came: {} admitted into the freed places, {} refused: the limit held throughout.",
            self.report.stream_second_wave.admitted, self.report.stream_second_wave.refused
        ));
        self.show_viewers().await
    }

    /// More visitors than places walk up to the booth.
    async fn fill_booth(&mut self) -> Result<()> {
        let booth = Room::booth(&self.report.booth_id)?;
        let walking_up = BOOTH_LIMIT as usize + 2;
        for i in 1..=walking_up {
            let a = Presence::new(self.b)
                .join(&booth, &self.attendee(i), BOOTH_LEASE)
                .await?;
            self.report.booth.count(a.admitted);
        }
        self.step(&format!(
            "{walking_up} visitors walked up to booth {}: {} let in, {} asked to wait outside.",
            self.report.booth_id, self.report.booth.admitted, self.report.booth.refused
        ));
        if !self.out.json {
            BoothCommand::Visitors(VisitorsArgs {
                booth: None,
                event: Some(self.report.event_id.parse()?),
            })
            .run(self.b, self.out)
            .await?;
        }
        Ok(())
    }

    /// A last reconcile pass, then every seat and presence invariant of the event is audited.
    async fn final_audit(&mut self) -> Result<()> {
        self.step("A last reconcile pass over the whole deployment, as `capctl reconcile` runs it (this demo left nothing to fix):");
        if !self.out.json {
            ReconcileArgs {
                watch: false,
                interval: Duration::from_secs(5),
                check: false,
                full: false,
                dry_run: false,
                metrics_addr: None,
                reminders_within: None,
            }
            .run(self.b, self.out)
            .await?;
        }
        let scope = Scope::Event(self.report.event_id.parse()?);
        let broken = audit::violations(self.b, &scope).await?;
        if !broken.is_empty() {
            let list: Vec<String> = broken.iter().map(ToString::to_string).collect();
            return Err(unexpected(format!(
                "invariants broken: {}",
                list.join("; ")
            )));
        }
        self.step("Audit: every seat and presence invariant of the demo event holds.");
        self.report.sessions =
            sessions::list_sessions(&self.pool, &self.report.event_id.parse()?).await?;
        Ok(())
    }

    /// The summary, and where to look next.
    fn finish(self) -> Result<()> {
        let (ev, workshop, first) = (&self.report.event_id, &self.workshop, self.attendee(1));
        self.out.emit(&self.report, || {
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

    /// One line of explanation before each step (people only; `--json` prints one summary).
    fn step(&self, text: &str) {
        if !self.out.json {
            println!("\n▶ {text}");
        }
    }

    async fn show_sessions(&self) -> Result<()> {
        if self.out.json {
            return Ok(());
        }
        SessionCommand::List(ListArgs {
            event: self.report.event_id.parse()?,
        })
        .run(self.b, self.out)
        .await
    }

    async fn show_viewers(&self) -> Result<()> {
        if self.out.json {
            return Ok(());
        }
        StreamCommand::Viewers(ViewersArgs {
            event: Some(self.report.event_id.parse()?),
            watch: false,
            interval: Duration::from_secs(1),
        })
        .run(self.b, self.out)
        .await
    }
}

fn viewer(i: usize) -> String {
    format!("viewer{i:03}")
}

/// The story went somewhere it never should: a bug, exit 1.
fn unexpected(what: impl std::fmt::Display) -> Error {
    Error::Internal(anyhow::anyhow!("demo: {what}"))
}
