-- The foreign key from session_rsvps to event_registrations cascades on delete; without an index
-- on its columns every deleted registration scans all RSVPs of the event (quadratic: removing
-- an event with 100k RSVPs took minutes). Found by `capctl bench`.
CREATE INDEX session_rsvps_registration ON session_rsvps (event_id, user_id);
