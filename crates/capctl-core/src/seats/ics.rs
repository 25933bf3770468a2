//! A personal schedule as an RFC 5545 calendar (.ics), stable across re-exports.

use crate::ids::{EventId, UserId};
use crate::seats::{RsvpStatus, ScheduleEntry};

/// Renders a schedule as an RFC 5545 calendar: one VEVENT per session, UID `<rsvp id>@capctl`
/// (stable across exports, cancellations and re-RSVPs), times in UTC, confirmed sessions
/// CONFIRMED and waitlisted or offered ones TENTATIVE.
pub fn schedule_ics(event_id: &EventId, user_id: &UserId, entries: &[ScheduleEntry]) -> String {
    use icalendar::{Calendar, Component, EventLike, EventStatus};

    let mut cal = Calendar::empty();
    cal.append_property(("VERSION", "2.0"))
        .append_property(("PRODID", "-//capctl//personal schedule//EN"))
        .append_property(("CALSCALE", "GREGORIAN"))
        .append_property(("METHOD", "PUBLISH"))
        .name(&format!("{event_id}: schedule of {user_id}"));
    for e in entries {
        let (status, note) = match e.status {
            RsvpStatus::Confirmed => (EventStatus::Confirmed, "Seat confirmed.".to_string()),
            RsvpStatus::Offered => (
                EventStatus::Tentative,
                format!(
                    "A seat is held for you until {}: RSVP again to accept it.",
                    e.offer_expires_at
                        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
                        .unwrap_or_default()
                ),
            ),
            _ => (
                EventStatus::Tentative,
                match e.waitlist_position {
                    Some(p) => format!("Waitlisted at position {p}."),
                    None => "Waitlisted.".to_string(),
                },
            ),
        };
        let mut ev = icalendar::Event::new();
        ev.uid(&format!("{}@capctl", e.rsvp_id))
            .timestamp(e.updated_at)
            .starts(e.starts_at)
            .ends(e.ends_at)
            .summary(&e.title)
            .description(&format!(
                "Session {} of event {event_id}. {note}",
                e.session_id
            ))
            .status(status);
        if let Some(room) = &e.room {
            ev.location(room);
        }
        cal.push(ev.done());
    }
    cal.done().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn entry(id: &str, status: RsvpStatus, start: u32, end: u32) -> ScheduleEntry {
        ScheduleEntry {
            session_id: id.parse().unwrap(),
            title: format!("Talk {id}"),
            starts_at: Utc.with_ymd_and_hms(2030, 6, 1, start, 0, 0).unwrap(),
            ends_at: Utc.with_ymd_and_hms(2030, 6, 1, end, 0, 0).unwrap(),
            room: Some("Room A".into()),
            status,
            waitlist_position: (status == RsvpStatus::Waitlisted).then_some(2),
            offer_expires_at: None,
            overlaps: vec![],
            rsvp_id: format!("srsvp_{id}"),
            updated_at: Utc.with_ymd_and_hms(2030, 5, 1, 0, 0, 0).unwrap(),
            checked_in_at: None,
            checked_out_at: None,
        }
    }

    #[test]
    fn ics_has_one_stable_event_per_session() {
        let entries = [
            entry("s1", RsvpStatus::Confirmed, 9, 10),
            entry("s2", RsvpStatus::Waitlisted, 11, 12),
        ];
        let (e1, u1) = ("e1".parse().unwrap(), "u1".parse().unwrap());
        let a = schedule_ics(&e1, &u1, &entries);
        assert_eq!(a, schedule_ics(&e1, &u1, &entries), "deterministic");
        assert!(a.starts_with("BEGIN:VCALENDAR\r\n"));
        assert_eq!(a.matches("BEGIN:VEVENT").count(), 2);
        assert!(a.contains("UID:srsvp_s1@capctl"));
        assert!(a.contains("DTSTART:20300601T090000Z"));
        assert!(a.contains("STATUS:CONFIRMED"));
        assert!(a.contains("STATUS:TENTATIVE"));
        assert!(a.contains("LOCATION:Room A"));
        assert_eq!(a.matches("PRODID").count(), 1);
    }
}
