-- Reconcile's cost follows what can still change, and the export reads rows in its own order.
-- Landed migrations are never edited: new overloads sit next to the functions they narrow.
--
-- Where each rule lives:
--   drift of live sessions (default pass) ...... capctl_seat_drift(false), capctl_reconcile_sessions(p_check, false)
--   drift of every session (--full, the SQL API) capctl_seat_drift(), capctl_reconcile_sessions(p_check)
--   no-shows due ............................... capctl_no_shows_due (live sessions only, by index)
--   export order ............................... index session_rsvps_export_order
--
-- Sessions that have ended cannot drift by capctl's rules: every write capctl makes to a
-- session's seats happens before its end (RSVPs and offers before the start, the door and
-- no-shows before the end). So a default pass checks sessions not yet ended, found by an
-- index on their end, and its cost follows the live sessions, not the history. A direct write
-- to the counters of a live session is still found by every pass and every --check; drift
-- left in an ended session (a raw UPDATE after the end) is found by --full.

CREATE INDEX sessions_ends_at ON sessions (ends_at);

-- The export's order within a session, so PostgreSQL reads rows in it and never sorts (the
-- rank is io::export::STATUS_ORDER; the expression must stay identical to the export's).
CREATE INDEX session_rsvps_export_order ON session_rsvps
    (session_id, array_position('{CONFIRMED,OFFERED,WAITLISTED,CANCELLED,EXPIRED,NO_SHOW}'::text[], status),
     waitlist_seq, rsvp_at, id);
-- (event_id, session_id) served the old single-query export; the index above serves lookups
-- by session and session_rsvps_registration those by event, so every RSVP write keeps the same
-- number of index entries.
DROP INDEX IF EXISTS session_rsvps_event;

-- Drift of the sessions not yet ended (p_full = false) or of every session (true); the
-- columns and rules are capctl_seat_drift()'s (20261130000003_attendance.sql), which stays the
-- full audit.
CREATE FUNCTION capctl_seat_drift(p_full boolean)
RETURNS TABLE (session_id text, missing_row boolean, counters_off boolean, overdue_offers integer,
               offers_due integer)
LANGUAGE plpgsql STABLE SET jit = off AS $$
BEGIN
    IF p_full THEN
        RETURN QUERY SELECT * FROM capctl_seat_drift();
        RETURN;
    END IF;
    RETURN QUERY
    SELECT d.session_id, d.missing_row, d.counters_off, d.overdue_offers, d.offers_due
      FROM (SELECT v.session_id,
                   NOT v.has_capacity_row AS missing_row,
                   v.has_capacity_row
                       AND (v.current_attendance <> v.held OR v.waitlist_length <> v.waitlisted
                            OR v.current_occupancy <> v.inside) AS counters_off,
                   v.overdue_offers::integer AS overdue_offers,
                   CASE WHEN v.waitlisted = 0 OR v.starts_at <= now()
                             OR (v.capacity IS NOT NULL AND v.capacity <= v.taken) THEN 0
                        ELSE (SELECT LEAST(count(*), COALESCE(v.capacity - v.taken, count(*)))::integer
                                FROM session_rsvps w
                               WHERE w.session_id = v.session_id AND w.status = 'WAITLISTED'
                                 AND (w.allow_overlap
                                      OR cardinality(capctl_clashes(w.user_id, v.session_id,
                                                                    v.starts_at, v.ends_at)) = 0))
                   END AS offers_due
              FROM capctl_session_seats v
             WHERE v.format = 'IN_PERSON' AND v.ends_at > now()) d
     WHERE d.missing_row OR d.counters_off OR d.overdue_offers > 0 OR d.offers_due > 0
     ORDER BY d.session_id;
END $$;

-- capctl_reconcile_sessions(p_check) over the sessions capctl_seat_drift(p_full) covers: the
-- default pass (p_full false) and `reconcile --full` (true). Same fixes, same counts.
CREATE FUNCTION capctl_reconcile_sessions(p_check boolean, p_full boolean)
RETURNS TABLE (sessions_fixed integer, offers_expired integer, offers_sent integer)
LANGUAGE plpgsql AS $$
DECLARE
    fixed   integer := 0;
    expired integer := 0;
    sent    integer := 0;
    d       record;
    st      record;
BEGIN
    IF p_check THEN
        SELECT count(*) FILTER (WHERE x.missing_row OR x.counters_off),
               COALESCE(sum(x.overdue_offers), 0), COALESCE(sum(x.offers_due), 0)
          INTO fixed, expired, sent
          FROM capctl_seat_drift(p_full) x;
        RETURN QUERY SELECT fixed, expired, sent;
        RETURN;
    END IF;

    FOR d IN SELECT * FROM capctl_seat_drift(p_full) LOOP
        IF d.missing_row THEN
            INSERT INTO session_capacity (session_id, maximum_capacity)
            SELECT se.id, se.max_participants FROM sessions se WHERE se.id = d.session_id
            ON CONFLICT (session_id) DO NOTHING;
            IF FOUND THEN
                fixed := fixed + 1;
            END IF;
        END IF;
        PERFORM 1 FROM session_capacity sc WHERE sc.session_id = d.session_id FOR UPDATE;
        IF d.counters_off OR d.missing_row THEN
            PERFORM set_config('capctl.allow_over_capacity', 'on', true);
            UPDATE session_capacity sc
               SET current_attendance = v.held, waitlist_length = v.waitlisted,
                   current_occupancy = v.inside, updated_at = now()
              FROM capctl_session_seats v
             WHERE v.session_id = d.session_id AND sc.session_id = d.session_id
               AND (sc.current_attendance, sc.waitlist_length, sc.current_occupancy)
                   IS DISTINCT FROM (v.held::integer, v.waitlisted::integer, v.inside::integer);
            IF FOUND THEN
                fixed := fixed + 1;
            END IF;
            PERFORM set_config('capctl.allow_over_capacity', 'off', true);
        END IF;
        IF d.overdue_offers > 0 OR d.offers_due > 0 THEN
            SELECT * INTO st FROM capctl_settle(d.session_id);
            expired := expired + st.expired;
            sent := sent + st.sent;
        END IF;
    END LOOP;
    RETURN QUERY SELECT fixed, expired, sent;
END $$;

-- As before (20261130000003_attendance.sql), with the live sessions found by the index on their
-- end and their confirmed seats counted per session, so a pass never reads the RSVPs of
-- sessions that ended (or have not reached their grace).
CREATE OR REPLACE FUNCTION capctl_no_shows_due()
RETURNS TABLE (session_id text, due integer)
LANGUAGE sql STABLE AS $$
    SELECT se.id, n.due
      FROM sessions se
     CROSS JOIN LATERAL (SELECT count(*)::integer AS due
                           FROM session_rsvps r
                          WHERE r.session_id = se.id AND r.status = 'CONFIRMED'
                            AND r.checked_in_at IS NULL) n
     WHERE se.ends_at > now()
       AND se.format = 'IN_PERSON' AND se.no_show_grace IS NOT NULL
       AND now() >= se.starts_at + se.no_show_grace
       AND n.due > 0
     ORDER BY se.id
$$;
