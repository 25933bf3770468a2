-- Attendance: check-in at the door, live room occupancy, no-shows released to the door, and
-- sessions' format (in-person or virtual). Landed migrations are never edited: functions and
-- the view are replaced here with the same signatures and leading columns.
--
-- Where each rule lives:
--   who is inside ................. capctl_inside (row), session_capacity.current_occupancy
--   check-in / check-out .......... capctl_check_in, capctl_check_out
--   no-shows ...................... capctl_release_no_shows, capctl_release_due_no_shows
--   occupancy never above capacity  capctl_occupancy_guard (trigger, SQLSTATE CP001)
--   in-person rules only .......... capctl_in_person_only (trigger, SQLSTATE CP003)
--   virtual attendance ............ capctl_write_virtual_attendance (reconcile, from leases)

-- The platform's terms: IN_PERSON (default) or VIRTUAL. For a VIRTUAL session
-- session_capacity.current_attendance means people connected now (the platform's
-- joinVirtualSession/leaveVirtualSession keep it), never seats booked.
ALTER TABLE sessions
    ADD COLUMN format text NOT NULL DEFAULT 'IN_PERSON'
        CONSTRAINT sessions_format_check CHECK (format IN ('IN_PERSON', 'VIRTUAL')),
    -- From starts_at + no_show_grace, confirmed RSVPs not checked in are released. NULL = off.
    ADD COLUMN no_show_grace interval
        CONSTRAINT sessions_no_show_grace_check
        CHECK (no_show_grace IS NULL OR (no_show_grace >= interval '0' AND no_show_grace <= interval '1 day'));

-- NO_SHOW: a confirmed seat released because its holder had not checked in by the grace.
ALTER TABLE session_rsvps DROP CONSTRAINT session_rsvps_status_check;
ALTER TABLE session_rsvps
    ADD CONSTRAINT session_rsvps_status_check
        CHECK (status IN ('CONFIRMED', 'WAITLISTED', 'OFFERED', 'CANCELLED', 'EXPIRED', 'NO_SHOW')),
    -- First entry at the door (kept across re-entries); the last exit, NULL while inside.
    ADD COLUMN checked_in_at timestamptz,
    ADD COLUMN checked_out_at timestamptz,
    -- When the seat was released as a no-show (kept if the person later walks in).
    ADD COLUMN no_show_at timestamptz,
    -- The seat was taken at the door (walk-in, waitlisted or released person), not booked.
    ADD COLUMN walk_in boolean NOT NULL DEFAULT false,
    ADD CONSTRAINT session_rsvps_checked_out CHECK (checked_out_at IS NULL OR checked_in_at IS NOT NULL),
    ADD CONSTRAINT session_rsvps_no_show_at CHECK (status <> 'NO_SHOW' OR no_show_at IS NOT NULL),
    ADD CONSTRAINT session_rsvps_no_show_not_in CHECK (status <> 'NO_SHOW' OR checked_in_at IS NULL);

-- People inside the room now (in-person sessions), kept by the trigger below in the same
-- transaction as every check-in, check-out and status change.
ALTER TABLE session_capacity
    ADD COLUMN current_occupancy integer NOT NULL DEFAULT 0
        CONSTRAINT session_capacity_current_occupancy_check CHECK (current_occupancy >= 0);

-- A row counts inside when checked in, not checked out, and still holding its confirmed seat.
CREATE FUNCTION capctl_inside(p_status text, p_in timestamptz, p_out timestamptz) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN p_status = 'CONFIRMED' AND p_in IS NOT NULL AND p_out IS NULL;

CREATE FUNCTION capctl_occupancy_counts() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    d integer := 0;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        d := d - capctl_inside(OLD.status, OLD.checked_in_at, OLD.checked_out_at)::integer;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        d := d + capctl_inside(NEW.status, NEW.checked_in_at, NEW.checked_out_at)::integer;
    END IF;
    IF d <> 0 THEN
        UPDATE session_capacity
           SET current_occupancy = current_occupancy + d, updated_at = now()
         WHERE session_id = COALESCE(NEW.session_id, OLD.session_id);
    END IF;
    RETURN NULL;
END $$;

-- Named to fire after session_rsvps_counts and before the outbox triggers (name order).
CREATE TRIGGER session_rsvps_occupancy
    AFTER INSERT OR DELETE OR UPDATE OF status, checked_in_at, checked_out_at ON session_rsvps
    FOR EACH ROW EXECUTE FUNCTION capctl_occupancy_counts();

-- The last line of defence for the room: no writer may raise occupancy above the capacity.
CREATE FUNCTION capctl_occupancy_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    cap integer;
BEGIN
    IF NEW.current_occupancy <= OLD.current_occupancy
       OR current_setting('capctl.allow_over_capacity', true) = 'on' THEN
        RETURN NEW;
    END IF;
    cap := COALESCE(NEW.maximum_capacity, (SELECT se.max_participants FROM sessions se WHERE se.id = NEW.session_id));
    IF cap IS NOT NULL AND NEW.current_occupancy > cap THEN
        RAISE EXCEPTION 'session % is full: % people inside of %', NEW.session_id, NEW.current_occupancy, cap
            USING ERRCODE = 'CP001';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER session_capacity_occupancy_guard
    BEFORE UPDATE OF current_occupancy ON session_capacity
    FOR EACH ROW EXECUTE FUNCTION capctl_occupancy_guard();

-- RSVPs, offers, check-in and no-shows are in-person rules: no RSVP row for a virtual session,
-- whoever writes it. SQLSTATE CP003.
CREATE FUNCTION capctl_in_person_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM sessions se WHERE se.id = NEW.session_id AND se.format = 'VIRTUAL') THEN
        RAISE EXCEPTION 'session % is virtual: RSVPs, waitlists and check-in are for in-person sessions; attendees join it instead', quote_literal(NEW.session_id)
            USING ERRCODE = 'CP003';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER session_rsvps_in_person_only
    BEFORE INSERT ON session_rsvps
    FOR EACH ROW EXECUTE FUNCTION capctl_in_person_only();

-- Seats of every session, as before, plus the door's figures (appended columns).
CREATE OR REPLACE VIEW capctl_session_seats AS
SELECT se.id AS session_id,
       se.event_id,
       se.starts_at,
       se.ends_at,
       capctl_effective_capacity(sc.maximum_capacity, se.max_participants) AS capacity,
       c.confirmed,
       c.offered,
       c.overdue_offers,
       c.waitlisted,
       c.confirmed + c.offered AS taken,
       c.confirmed + c.offered + c.overdue_offers AS held,
       sc.session_id IS NOT NULL AS has_capacity_row,
       sc.current_attendance,
       sc.waitlist_length,
       se.format,
       c.checked_in,
       c.inside,
       c.no_shows,
       sc.current_occupancy
  FROM sessions se
  LEFT JOIN session_capacity sc ON sc.session_id = se.id
  LEFT JOIN LATERAL (
        SELECT count(*) FILTER (WHERE r.status = 'CONFIRMED') AS confirmed,
               count(*) FILTER (WHERE r.status = 'OFFERED' AND r.offer_expires_at > now()) AS offered,
               count(*) FILTER (WHERE r.status = 'OFFERED' AND r.offer_expires_at <= now()) AS overdue_offers,
               count(*) FILTER (WHERE r.status = 'WAITLISTED') AS waitlisted,
               count(*) FILTER (WHERE r.status = 'CONFIRMED' AND r.checked_in_at IS NOT NULL) AS checked_in,
               count(*) FILTER (WHERE capctl_inside(r.status, r.checked_in_at, r.checked_out_at)) AS inside,
               count(*) FILTER (WHERE r.status = 'NO_SHOW') AS no_shows
          FROM session_rsvps r WHERE r.session_id = se.id) c ON true;

-- The outbox learns the door: 'checked_in' (a booked seat honoured), 'walk_in_admitted' (a
-- free seat taken at the door), 'no_show_released' (a seat released after the grace).
ALTER TABLE capctl_outbox DROP CONSTRAINT capctl_outbox_kind_check;
ALTER TABLE capctl_outbox ADD CONSTRAINT capctl_outbox_kind_check
    CHECK (kind IN ('confirmed', 'waitlisted', 'offer_made', 'offer_expired', 'cancelled',
                    'capacity_changed', 'reminder', 'checked_in', 'walk_in_admitted', 'no_show_released'));

-- As before, plus NO_SHOW -> no_show_released. A confirmation made at the door (the row is
-- checked in by the same change) is told once, by the door's row below, not as 'confirmed'.
CREATE OR REPLACE FUNCTION capctl_outbox_rsvp() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    k    text;
    prev text;
BEGIN
    k := CASE NEW.status
             WHEN 'CONFIRMED' THEN 'confirmed'
             WHEN 'WAITLISTED' THEN 'waitlisted'
             WHEN 'OFFERED' THEN 'offer_made'
             WHEN 'EXPIRED' THEN 'offer_expired'
             WHEN 'CANCELLED' THEN 'cancelled'
             WHEN 'NO_SHOW' THEN 'no_show_released'
         END;
    IF k = 'confirmed' AND NEW.checked_in_at IS NOT NULL
       AND (TG_OP = 'INSERT' OR OLD.checked_in_at IS NULL) THEN
        k := NULL;
    END IF;
    IF k IS NULL THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        prev := OLD.status;
        IF (OLD.status IN ('CONFIRMED', 'OFFERED')) = (NEW.status IN ('CONFIRMED', 'OFFERED'))
           AND (OLD.status = 'WAITLISTED') = (NEW.status = 'WAITLISTED') THEN
            PERFORM 1 FROM session_capacity sc WHERE sc.session_id = NEW.session_id FOR UPDATE;
        END IF;
    END IF;
    INSERT INTO capctl_outbox (kind, event_id, session_id, user_id, payload)
    SELECT k, NEW.event_id, NEW.session_id, NEW.user_id,
           jsonb_build_object(
               'rsvp_id', NEW.id, 'status', NEW.status, 'previous_status', prev,
               'title', s.title, 'starts_at', capctl_utc(s.starts_at),
               'ends_at', capctl_utc(s.ends_at), 'room', s.room,
               'name', g.name, 'email', g.email,
               'offer_expires_at', capctl_utc(NEW.offer_expires_at),
               'waitlist_position',
               CASE WHEN NEW.status = 'WAITLISTED' THEN
                   (SELECT sc.waitlist_length FROM session_capacity sc WHERE sc.session_id = NEW.session_id)
               END)
      FROM sessions s
      LEFT JOIN event_registrations g ON g.event_id = NEW.event_id AND g.user_id = NEW.user_id
     WHERE s.id = NEW.session_id;
    PERFORM pg_notify('capctl_outbox', '');
    RETURN NULL;
END $$;

-- The first entry at the door: 'checked_in' for a booked seat, 'walk_in_admitted' for a seat
-- taken at the door. Re-entries write nothing. The occupancy trigger (earlier by name) has
-- already locked the session's capacity row, so rows commit in id order per session.
CREATE FUNCTION capctl_outbox_door() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    prev text;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        prev := OLD.status;
    END IF;
    INSERT INTO capctl_outbox (kind, event_id, session_id, user_id, payload)
    SELECT CASE WHEN NEW.walk_in THEN 'walk_in_admitted' ELSE 'checked_in' END,
           NEW.event_id, NEW.session_id, NEW.user_id,
           jsonb_build_object(
               'rsvp_id', NEW.id, 'status', NEW.status, 'previous_status', prev,
               'title', s.title, 'starts_at', capctl_utc(s.starts_at),
               'ends_at', capctl_utc(s.ends_at), 'room', s.room,
               'name', g.name, 'email', g.email,
               'checked_in_at', capctl_utc(NEW.checked_in_at), 'walk_in', NEW.walk_in,
               'inside', (SELECT sc.current_occupancy FROM session_capacity sc WHERE sc.session_id = NEW.session_id))
      FROM sessions s
      LEFT JOIN event_registrations g ON g.event_id = NEW.event_id AND g.user_id = NEW.user_id
     WHERE s.id = NEW.session_id;
    PERFORM pg_notify('capctl_outbox', '');
    RETURN NULL;
END $$;

CREATE TRIGGER session_rsvps_outbox_door_insert
    AFTER INSERT ON session_rsvps
    FOR EACH ROW WHEN (NEW.checked_in_at IS NOT NULL)
    EXECUTE FUNCTION capctl_outbox_door();
CREATE TRIGGER session_rsvps_outbox_door_update
    AFTER UPDATE OF checked_in_at ON session_rsvps
    FOR EACH ROW WHEN (OLD.checked_in_at IS NULL AND NEW.checked_in_at IS NOT NULL)
    EXECUTE FUNCTION capctl_outbox_door();

-- Check-in at the door, open until the session ends. Outcomes:
--   CHECKED_IN (a confirmed seat, or an unexpired offer accepted on the spot), REENTERED (was
--   checked out, back in), REPEAT (already inside, nothing changed), WALK_IN (no seat: a free
--   one taken now), FULL (no free seat; waitlist_position set if queued), NOT_FOUND, ENDED,
--   NOT_REGISTERED, VIRTUAL. inside/taken: after the call.
CREATE FUNCTION capctl_check_in(p_session text, p_user text)
RETURNS TABLE (outcome text, rsvp_id text, status text, waitlist_position integer, inside integer,
               capacity integer, taken integer, event_id text, checked_in_at timestamptz)
LANGUAGE plpgsql AS $$
DECLARE
    s      record;
    c      record;
    r      record;
    cap    integer;
    new_id text;
    at     timestamptz;
BEGIN
    SELECT se.event_id, se.ends_at, se.format INTO s FROM sessions se WHERE se.id = p_session;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'NOT_FOUND', NULL::text, NULL::text, NULL::integer, NULL::integer,
                            NULL::integer, NULL::integer, NULL::text, NULL::timestamptz;
        RETURN;
    END IF;
    IF s.format = 'VIRTUAL' OR now() >= s.ends_at
       OR NOT EXISTS (SELECT 1 FROM event_registrations g
                       WHERE g.event_id = s.event_id AND g.user_id = p_user AND g.status = 'REGISTERED') THEN
        RETURN QUERY SELECT CASE WHEN s.format = 'VIRTUAL' THEN 'VIRTUAL'
                                 WHEN now() >= s.ends_at THEN 'ENDED' ELSE 'NOT_REGISTERED' END,
                            NULL::text, NULL::text, NULL::integer, NULL::integer,
                            NULL::integer, NULL::integer, s.event_id, NULL::timestamptz;
        RETURN;
    END IF;

    -- The serialized part: the same lock every seat change of this session takes.
    SELECT sc.maximum_capacity INTO c FROM session_capacity sc WHERE sc.session_id = p_session FOR UPDATE;
    cap := COALESCE(c.maximum_capacity, capctl_session_capacity(p_session));
    PERFORM capctl_settle(p_session);
    SELECT sc.current_attendance, sc.current_occupancy INTO c
      FROM session_capacity sc WHERE sc.session_id = p_session;
    SELECT x.id, x.status, x.waitlist_seq, x.checked_in_at, x.checked_out_at INTO r
      FROM session_rsvps x WHERE x.session_id = p_session AND x.user_id = p_user;

    IF FOUND AND r.status IN ('CONFIRMED', 'OFFERED') THEN
        IF r.status = 'CONFIRMED' AND r.checked_in_at IS NOT NULL AND r.checked_out_at IS NULL THEN
            RETURN QUERY SELECT 'REPEAT', r.id, r.status, NULL::integer, c.current_occupancy, cap,
                                c.current_attendance, s.event_id, r.checked_in_at;
            RETURN;
        END IF;
        -- Only after a capacity forced below the seats taken can a held seat find the room full.
        IF cap IS NOT NULL AND c.current_occupancy >= cap THEN
            RETURN QUERY SELECT 'FULL', r.id, r.status, NULL::integer, c.current_occupancy, cap,
                                c.current_attendance, s.event_id, NULL::timestamptz;
            RETURN;
        END IF;
        UPDATE session_rsvps x
           SET status = 'CONFIRMED', confirmed_at = COALESCE(x.confirmed_at, now()), offer_expires_at = NULL,
               checked_in_at = COALESCE(x.checked_in_at, now()), checked_out_at = NULL, updated_at = now()
         WHERE x.id = r.id
        RETURNING x.checked_in_at INTO at;
        RETURN QUERY SELECT CASE WHEN r.checked_in_at IS NULL THEN 'CHECKED_IN' ELSE 'REENTERED' END,
                            r.id, 'CONFIRMED'::text, NULL::integer, c.current_occupancy + 1, cap,
                            c.current_attendance, s.event_id, at;
        RETURN;
    END IF;

    -- No seat: a walk-in (or a waitlisted, cancelled, expired or released person) gets one
    -- only if one is free right now, first come first served.
    IF cap IS NOT NULL AND (c.current_attendance >= cap OR c.current_occupancy >= cap) THEN
        RETURN QUERY SELECT 'FULL', r.id, r.status,
                            CASE WHEN r.status = 'WAITLISTED' THEN capctl_waitlist_position(p_session, r.waitlist_seq) END,
                            c.current_occupancy, cap, c.current_attendance, s.event_id, NULL::timestamptz;
        RETURN;
    END IF;
    IF r.id IS NOT NULL THEN
        UPDATE session_rsvps x
           SET status = 'CONFIRMED', waitlist_seq = NULL, confirmed_at = now(), cancelled_at = NULL,
               offered_at = NULL, offer_expires_at = NULL, checked_in_at = now(), checked_out_at = NULL,
               walk_in = true, updated_at = now()
         WHERE x.id = r.id
        RETURNING x.id, x.checked_in_at INTO new_id, at;
    ELSE
        INSERT INTO session_rsvps AS x (id, session_id, user_id, event_id, status, confirmed_at,
                                        checked_in_at, walk_in)
        VALUES ('srsvp_' || gen_random_uuid(), p_session, p_user, s.event_id, 'CONFIRMED', now(), now(), true)
        RETURNING x.id, x.checked_in_at INTO new_id, at;
    END IF;
    RETURN QUERY SELECT 'WALK_IN', new_id, 'CONFIRMED'::text, NULL::integer, c.current_occupancy + 1, cap,
                        c.current_attendance + 1, s.event_id, at;
END $$;

-- Check-out: leaves the room, keeps the seat for re-entry. Outcomes: CHECKED_OUT, REPEAT
-- (already out), NOT_INSIDE (never checked in, or holds no seat), NOT_FOUND, VIRTUAL.
CREATE FUNCTION capctl_check_out(p_session text, p_user text)
RETURNS TABLE (outcome text, rsvp_id text, inside integer, checked_in_at timestamptz,
               checked_out_at timestamptz, event_id text)
LANGUAGE plpgsql AS $$
DECLARE
    s   record;
    r   record;
    occ integer;
    at  timestamptz;
BEGIN
    SELECT se.event_id, se.format INTO s FROM sessions se WHERE se.id = p_session;
    IF NOT FOUND OR s.format = 'VIRTUAL' THEN
        RETURN QUERY SELECT CASE WHEN s.format = 'VIRTUAL' THEN 'VIRTUAL' ELSE 'NOT_FOUND' END,
                            NULL::text, NULL::integer, NULL::timestamptz, NULL::timestamptz, s.event_id;
        RETURN;
    END IF;
    SELECT sc.current_occupancy INTO occ FROM session_capacity sc WHERE sc.session_id = p_session FOR UPDATE;
    SELECT x.id, x.status, x.checked_in_at, x.checked_out_at INTO r
      FROM session_rsvps x WHERE x.session_id = p_session AND x.user_id = p_user;
    IF NOT FOUND OR r.checked_in_at IS NULL OR r.status <> 'CONFIRMED' THEN
        RETURN QUERY SELECT 'NOT_INSIDE', r.id, occ, NULL::timestamptz, NULL::timestamptz, s.event_id;
        RETURN;
    END IF;
    IF r.checked_out_at IS NOT NULL THEN
        RETURN QUERY SELECT 'REPEAT', r.id, occ, r.checked_in_at, r.checked_out_at, s.event_id;
        RETURN;
    END IF;
    UPDATE session_rsvps x SET checked_out_at = now(), updated_at = now() WHERE x.id = r.id
    RETURNING x.checked_out_at INTO at;
    RETURN QUERY SELECT 'CHECKED_OUT', r.id, occ - 1, r.checked_in_at, at, s.event_id;
END $$;

-- Releases a session's no-shows: confirmed RSVPs not checked in become NO_SHOW, their seats
-- free for the door (never offered: capctl_fill_seats makes no offers after the start). Once:
-- a released row is no longer CONFIRMED. p_on_demand: the organizer asks, from starts_at;
-- otherwise only from starts_at + no_show_grace (and never without a grace). Outcomes: OK,
-- NOT_DUE (nothing done), NOT_STARTED, ENDED, NOT_FOUND, VIRTUAL.
CREATE FUNCTION capctl_release_no_shows(p_session text, p_on_demand boolean)
RETURNS TABLE (outcome text, released integer)
LANGUAGE plpgsql AS $$
DECLARE
    s record;
    n integer;
BEGIN
    SELECT se.starts_at, se.ends_at, se.format, se.no_show_grace INTO s FROM sessions se WHERE se.id = p_session;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'NOT_FOUND', 0;
        RETURN;
    END IF;
    IF s.format = 'VIRTUAL' THEN
        RETURN QUERY SELECT 'VIRTUAL', 0;
        RETURN;
    END IF;
    IF now() >= s.ends_at THEN
        RETURN QUERY SELECT 'ENDED', 0;
        RETURN;
    END IF;
    IF p_on_demand AND now() < s.starts_at THEN
        RETURN QUERY SELECT 'NOT_STARTED', 0;
        RETURN;
    END IF;
    IF NOT p_on_demand AND (s.no_show_grace IS NULL OR now() < s.starts_at + s.no_show_grace) THEN
        RETURN QUERY SELECT 'NOT_DUE', 0;
        RETURN;
    END IF;
    PERFORM 1 FROM session_capacity sc WHERE sc.session_id = p_session FOR UPDATE;
    UPDATE session_rsvps x
       SET status = 'NO_SHOW', no_show_at = now(), updated_at = now()
     WHERE x.session_id = p_session AND x.status = 'CONFIRMED' AND x.checked_in_at IS NULL;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN QUERY SELECT 'OK', n;
END $$;

-- In-person sessions past their grace, not ended, with confirmed seats nobody checked in:
-- what a reconcile pass releases (its check counts them).
CREATE FUNCTION capctl_no_shows_due()
RETURNS TABLE (session_id text, due integer)
LANGUAGE sql STABLE AS $$
    SELECT se.id, count(*)::integer
      FROM sessions se
      JOIN session_rsvps r ON r.session_id = se.id AND r.status = 'CONFIRMED' AND r.checked_in_at IS NULL
     WHERE se.format = 'IN_PERSON' AND se.no_show_grace IS NOT NULL
       AND now() >= se.starts_at + se.no_show_grace AND now() < se.ends_at
     GROUP BY se.id
     ORDER BY se.id
$$;

-- One reconcile step: releases every due session's no-shows (each under its own lock; a
-- concurrent release or pass finds nothing left). With p_check nothing changes.
CREATE FUNCTION capctl_release_due_no_shows(p_check boolean)
RETURNS TABLE (sessions integer, released integer)
LANGUAGE plpgsql AS $$
DECLARE
    d     record;
    n     integer := 0;
    total integer := 0;
    k     integer;
BEGIN
    FOR d IN SELECT * FROM capctl_no_shows_due() LOOP
        IF p_check THEN
            k := d.due;
        ELSE
            SELECT x.released INTO k FROM capctl_release_no_shows(d.session_id, false) x;
        END IF;
        IF k > 0 THEN
            n := n + 1;
            total := total + k;
        END IF;
    END LOOP;
    RETURN QUERY SELECT n, total;
END $$;

-- As before, but virtual sessions are skipped (their current_attendance is people connected,
-- not seats), and the room's occupancy counter is checked against the rows too.
CREATE OR REPLACE FUNCTION capctl_seat_drift()
RETURNS TABLE (session_id text, missing_row boolean, counters_off boolean, overdue_offers integer,
               offers_due integer)
LANGUAGE plpgsql STABLE SET jit = off AS $$
BEGIN
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
             WHERE v.format = 'IN_PERSON') d
     WHERE d.missing_row OR d.counters_off OR d.overdue_offers > 0 OR d.offers_due > 0
     ORDER BY d.session_id;
END $$;

-- As before, and the occupancy counter is rewritten with the others.
CREATE OR REPLACE FUNCTION capctl_reconcile_sessions(p_check boolean)
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
          FROM capctl_seat_drift() x;
        RETURN QUERY SELECT fixed, expired, sent;
        RETURN;
    END IF;

    FOR d IN SELECT * FROM capctl_seat_drift() LOOP
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

-- Writes virtual sessions' current_attendance from capctl's live leases (reconcile passes the
-- live count of every session room it found in Redis: capctl enforces those sessions' joins).
-- In-person sessions and unknown ids are ignored. Returns the rows changed (with p_check: that
-- would change). A count above a lowered capacity is the truth and is written.
CREATE FUNCTION capctl_write_virtual_attendance(p_sessions text[], p_live integer[], p_check boolean)
RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    n integer;
BEGIN
    IF p_check THEN
        SELECT count(*) INTO n
          FROM unnest(p_sessions, p_live) AS l(session_id, live)
          JOIN sessions se ON se.id = l.session_id AND se.format = 'VIRTUAL'
          JOIN session_capacity sc ON sc.session_id = l.session_id
         WHERE sc.current_attendance <> l.live;
        RETURN n;
    END IF;
    PERFORM set_config('capctl.allow_over_capacity', 'on', true);
    UPDATE session_capacity sc
       SET current_attendance = l.live, updated_at = now()
      FROM unnest(p_sessions, p_live) AS l(session_id, live), sessions se
     WHERE sc.session_id = l.session_id AND se.id = l.session_id AND se.format = 'VIRTUAL'
       AND sc.current_attendance <> l.live;
    GET DIAGNOSTICS n = ROW_COUNT;
    PERFORM set_config('capctl.allow_over_capacity', 'off', true);
    RETURN n;
END $$;
