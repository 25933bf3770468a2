-- One home for every seat rule. Earlier migrations are never edited: functions are replaced
-- here with the same signatures and result columns, because other services call them.
--
-- Where each rule lives now:
--   capacity of a session ........ capctl_effective_capacity (and capctl_session_capacity(id))
--   seats a row holds / "taken" .. capctl_holds_seat, view capctl_session_seats
--   offer expiry ................. capctl_expire_offers
--   drift (check AND fix) ........ capctl_seat_drift, read by capctl_reconcile_sessions
--   registration cap + upsert .... capctl_register_many (capctl_register calls it)
--   names without bidi controls .. capctl_valid_name
--   sessions inside their event .. capctl_session_within_event (constraint triggers)
--
-- Limits (capacity 10,000,000; offer TTL 30 days) stay in the landed CHECKs: they are named in
-- Rust (capctl_core::ids) and a test proves the two agree. A CHECK calling a function would be
-- planned again on every counter update under the session lock.

-- The capacity rule: the platform's session_capacity.maximum_capacity, else the session's
-- max_participants, else unlimited (NULL). SQL, so the planner inlines it wherever it is used.
CREATE FUNCTION capctl_effective_capacity(p_maximum_capacity integer, p_max_participants integer)
RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN COALESCE(p_maximum_capacity, p_max_participants);

-- Statuses whose row holds a seat. session_capacity.current_attendance counts these rows; an
-- offer past its expiry still counts there until capctl_expire_offers turns it EXPIRED, which
-- every writer does under the session lock before it decides anything.
CREATE FUNCTION capctl_holds_seat(p_status text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN p_status IN ('CONFIRMED', 'OFFERED');

-- A session's capacity now. PL/pgSQL so its plan is cached on the hot path; it reads the
-- newest committed rows, so a caller holding the capacity row's lock sees the current limit.
CREATE FUNCTION capctl_session_capacity(p_session text) RETURNS integer
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT capctl_effective_capacity(sc.maximum_capacity, se.max_participants)
              FROM sessions se LEFT JOIN session_capacity sc ON sc.session_id = se.id
             WHERE se.id = p_session);
END $$;

-- Seats of every session, derived from the RSVP rows: the one definition of "taken"
-- (confirmed + offers not yet expired) that the dashboard, set_capacity and reconcile read.
-- held = what session_capacity.current_attendance must equal (overdue offers included).
CREATE VIEW capctl_session_seats AS
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
       sc.waitlist_length
  FROM sessions se
  LEFT JOIN session_capacity sc ON sc.session_id = se.id
  LEFT JOIN LATERAL (
        SELECT count(*) FILTER (WHERE r.status = 'CONFIRMED') AS confirmed,
               count(*) FILTER (WHERE r.status = 'OFFERED' AND r.offer_expires_at > now()) AS offered,
               count(*) FILTER (WHERE r.status = 'OFFERED' AND r.offer_expires_at <= now()) AS overdue_offers,
               count(*) FILTER (WHERE r.status = 'WAITLISTED') AS waitlisted
          FROM session_rsvps r WHERE r.session_id = se.id) c ON true;

-- Keeps session_capacity equal to the RSVP rows, whoever writes them.
CREATE OR REPLACE FUNCTION capctl_rsvp_counts() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    d_taken   integer := 0;
    d_waiting integer := 0;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        d_taken   := d_taken   - capctl_holds_seat(OLD.status)::integer;
        d_waiting := d_waiting - (OLD.status = 'WAITLISTED')::integer;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        d_taken   := d_taken   + capctl_holds_seat(NEW.status)::integer;
        d_waiting := d_waiting + (NEW.status = 'WAITLISTED')::integer;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.session_id <> NEW.session_id THEN
        RAISE EXCEPTION 'an RSVP cannot move to another session' USING ERRCODE = 'check_violation';
    END IF;
    IF d_taken <> 0 OR d_waiting <> 0 THEN
        UPDATE session_capacity
           SET current_attendance = current_attendance + d_taken,
               waitlist_length    = waitlist_length + d_waiting,
               updated_at         = now()
         WHERE session_id = COALESCE(NEW.session_id, OLD.session_id);
    END IF;
    RETURN NULL;
END $$;

-- The last line of defence against an oversell, from any writer (see the schema migration).
CREATE OR REPLACE FUNCTION capctl_capacity_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    cap      integer;
    fallback integer;
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.current_attendance <= OLD.current_attendance THEN
        RETURN NEW;
    END IF;
    IF current_setting('capctl.allow_over_capacity', true) = 'on' THEN
        RETURN NEW;
    END IF;
    -- NEW, not the stored row: this very UPDATE may be changing maximum_capacity too. The
    -- session row is read only when needed: the guard runs under the lock on every RSVP.
    IF NEW.maximum_capacity IS NULL THEN
        SELECT se.max_participants INTO fallback FROM sessions se WHERE se.id = NEW.session_id;
    END IF;
    cap := capctl_effective_capacity(NEW.maximum_capacity, fallback);
    IF cap IS NOT NULL AND NEW.current_attendance > cap THEN
        RAISE EXCEPTION 'session % is full: % seats taken of %', NEW.session_id, NEW.current_attendance, cap
            USING ERRCODE = 'CP001';
    END IF;
    RETURN NEW;
END $$;

-- The one offer-expiry statement: the session's overdue offers become EXPIRED (their seats are
-- free again). Returns how many. Caller holds the session's lock.
CREATE FUNCTION capctl_expire_offers(p_session text) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    n integer;
BEGIN
    UPDATE session_rsvps x
       SET status = 'EXPIRED', updated_at = now()
     WHERE x.session_id = p_session AND x.status = 'OFFERED' AND x.offer_expires_at <= now();
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END $$;

-- Offers free seats to the waitlist, first come first served, skipping (without removing) people
-- whose confirmed schedule clashes. No offers once the session has started. Caller holds the lock.
CREATE OR REPLACE FUNCTION capctl_fill_seats(p_session text) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    s    record;
    free integer;
    sent integer;
BEGIN
    SELECT se.starts_at, se.ends_at, se.offer_ttl,
           capctl_effective_capacity(sc.maximum_capacity, se.max_participants) AS cap,
           sc.current_attendance, sc.waitlist_length
      INTO s
      FROM session_capacity sc JOIN sessions se ON se.id = sc.session_id
     WHERE sc.session_id = p_session;
    IF NOT FOUND OR s.waitlist_length = 0 OR now() >= s.starts_at THEN
        RETURN 0;
    END IF;
    free := s.cap - s.current_attendance;  -- NULL when unlimited: LIMIT NULL offers to everyone
    IF free IS NOT NULL AND free <= 0 THEN
        RETURN 0;
    END IF;
    WITH next_in_line AS (
        SELECT r.id
          FROM session_rsvps r
         WHERE r.session_id = p_session
           AND r.status = 'WAITLISTED'
           AND (r.allow_overlap
                OR cardinality(capctl_clashes(r.user_id, p_session, s.starts_at, s.ends_at)) = 0)
         ORDER BY r.waitlist_seq
         LIMIT free
    )
    UPDATE session_rsvps r
       SET status = 'OFFERED', waitlist_seq = NULL, offered_at = now(),
           offer_expires_at = now() + s.offer_ttl, updated_at = now()
      FROM next_in_line
     WHERE r.id = next_in_line.id;
    GET DIAGNOSTICS sent = ROW_COUNT;
    RETURN sent;
END $$;

-- Expires the session's overdue offers and passes their seats on. Caller holds the lock.
CREATE OR REPLACE FUNCTION capctl_settle(p_session text, OUT expired integer, OUT sent integer)
LANGUAGE plpgsql AS $$
BEGIN
    expired := capctl_expire_offers(p_session);
    sent := capctl_fill_seats(p_session);
END $$;

-- RSVP (see the seat_ledger migration for the lock order and why each step sits where it does).
-- Outcomes: CONFIRMED, WAITLISTED, REPEAT (nothing changed), FULL, NOT_FOUND, NOT_REGISTERED,
-- OVERLAP, ENDED.
CREATE OR REPLACE FUNCTION capctl_rsvp(p_session text, p_user text, p_allow_overlap boolean DEFAULT false)
RETURNS TABLE (outcome text, rsvp_id text, status text, waitlist_position integer,
               offer_expires_at timestamptz, overlaps text[], capacity integer, taken integer,
               event_id text)
LANGUAGE plpgsql AS $$
DECLARE
    s          record;
    c          record;
    r          record;
    clash      text[] := '{}';
    cap        integer;
    new_status text;
    new_id     text;
    new_seq    bigint;
    have_row   boolean;
    overdue    boolean;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('capctl.user:' || p_user, 0));
    SELECT se.event_id, se.starts_at, se.ends_at INTO s FROM sessions se WHERE se.id = p_session;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'NOT_FOUND', NULL::text, NULL::text, NULL::integer, NULL::timestamptz,
                            '{}'::text[], NULL::integer, NULL::integer, NULL::text;
        RETURN;
    END IF;
    IF now() >= s.ends_at THEN
        RETURN QUERY SELECT 'ENDED', NULL::text, NULL::text, NULL::integer, NULL::timestamptz,
                            '{}'::text[], NULL::integer, NULL::integer, s.event_id;
        RETURN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM event_registrations g
                    WHERE g.event_id = s.event_id AND g.user_id = p_user AND g.status = 'REGISTERED') THEN
        RETURN QUERY SELECT 'NOT_REGISTERED', NULL::text, NULL::text, NULL::integer, NULL::timestamptz,
                            '{}'::text[], NULL::integer, NULL::integer, s.event_id;
        RETURN;
    END IF;
    IF NOT p_allow_overlap THEN
        clash := capctl_clashes(p_user, p_session, s.starts_at, s.ends_at);
    END IF;
    have_row := EXISTS (SELECT 1 FROM session_rsvps x WHERE x.session_id = p_session AND x.user_id = p_user);
    overdue := EXISTS (SELECT 1 FROM session_rsvps o
                        WHERE o.session_id = p_session AND o.status = 'OFFERED' AND o.offer_expires_at <= now());

    -- The serialized part starts here.
    SELECT se.waitlist_enabled, sc.maximum_capacity, sc.current_attendance, sc.waitlist_length
      INTO c
      FROM session_capacity sc JOIN sessions se ON se.id = sc.session_id
     WHERE sc.session_id = p_session
       FOR UPDATE OF sc;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'NOT_FOUND', NULL::text, NULL::text, NULL::integer, NULL::timestamptz,
                            '{}'::text[], NULL::integer, NULL::integer, NULL::text;
        RETURN;
    END IF;
    -- The locked row's own limit when it has one (the hot path: no second read); otherwise the
    -- rule's full answer, read after the lock in a statement of its own, so it is the newest.
    cap := COALESCE(c.maximum_capacity, capctl_session_capacity(p_session));
    IF overdue THEN
        PERFORM capctl_settle(p_session);
        SELECT sc.current_attendance, sc.waitlist_length INTO c.current_attendance, c.waitlist_length
          FROM session_capacity sc WHERE sc.session_id = p_session;
    END IF;
    IF have_row THEN
        SELECT x.id, x.status, x.waitlist_seq, x.offer_expires_at INTO r
          FROM session_rsvps x WHERE x.session_id = p_session AND x.user_id = p_user;
        IF r.status = 'WAITLISTED' AND (cap IS NULL OR c.current_attendance < cap) AND cardinality(clash) = 0 THEN
            UPDATE session_rsvps x
               SET status = 'CONFIRMED', waitlist_seq = NULL, confirmed_at = now(), updated_at = now(),
                   allow_overlap = x.allow_overlap OR p_allow_overlap
             WHERE x.id = r.id;
            RETURN QUERY SELECT 'CONFIRMED', r.id, 'CONFIRMED'::text, NULL::integer, NULL::timestamptz,
                                '{}'::text[], cap, c.current_attendance + 1, s.event_id;
            RETURN;
        END IF;
        IF r.status IN ('CONFIRMED', 'WAITLISTED') THEN
            RETURN QUERY SELECT 'REPEAT', r.id, r.status, capctl_waitlist_position(p_session, r.waitlist_seq),
                                NULL::timestamptz, '{}'::text[], cap, c.current_attendance, s.event_id;
            RETURN;
        END IF;
        IF r.status = 'OFFERED' THEN
            IF cardinality(clash) > 0 THEN
                RETURN QUERY SELECT 'OVERLAP', r.id, r.status, NULL::integer, r.offer_expires_at, clash, cap,
                                    c.current_attendance, s.event_id;
                RETURN;
            END IF;
            UPDATE session_rsvps x
               SET status = 'CONFIRMED', confirmed_at = now(), offer_expires_at = NULL, updated_at = now(),
                   allow_overlap = x.allow_overlap OR p_allow_overlap
             WHERE x.id = r.id;
            RETURN QUERY SELECT 'CONFIRMED', r.id, 'CONFIRMED'::text, NULL::integer, NULL::timestamptz,
                                '{}'::text[], cap, c.current_attendance, s.event_id;
            RETURN;
        END IF;
    END IF;

    IF cap IS NULL OR c.current_attendance < cap THEN
        IF cardinality(clash) > 0 THEN
            RETURN QUERY SELECT 'OVERLAP', NULL::text, NULL::text, NULL::integer, NULL::timestamptz, clash,
                                cap, c.current_attendance, s.event_id;
            RETURN;
        END IF;
        new_status := 'CONFIRMED';
    ELSIF c.waitlist_enabled THEN
        new_status := 'WAITLISTED';
        new_seq := nextval('session_rsvps_waitlist_seq');
    ELSE
        RETURN QUERY SELECT 'FULL', NULL::text, NULL::text, NULL::integer, NULL::timestamptz, '{}'::text[],
                            cap, c.current_attendance, s.event_id;
        RETURN;
    END IF;

    INSERT INTO session_rsvps AS x (id, session_id, user_id, event_id, status, waitlist_seq, confirmed_at, allow_overlap)
    VALUES ('srsvp_' || gen_random_uuid(), p_session, p_user, s.event_id, new_status, new_seq,
            CASE WHEN new_status = 'CONFIRMED' THEN now() END, p_allow_overlap)
    ON CONFLICT ON CONSTRAINT session_rsvps_one_per_user DO UPDATE
       SET status = EXCLUDED.status, rsvp_at = now(), cancelled_at = NULL,
           waitlist_seq = EXCLUDED.waitlist_seq, offered_at = NULL, offer_expires_at = NULL,
           confirmed_at = EXCLUDED.confirmed_at, allow_overlap = EXCLUDED.allow_overlap, updated_at = now()
    RETURNING x.id INTO new_id;

    RETURN QUERY SELECT new_status, new_id, new_status,
                        CASE WHEN new_status = 'WAITLISTED' THEN c.waitlist_length + 1 END,
                        NULL::timestamptz, '{}'::text[], cap,
                        c.current_attendance + (new_status = 'CONFIRMED')::integer, s.event_id;
END $$;

-- Cancel. Outcomes: CANCELLED, REPEAT (already cancelled, nothing changed), NO_RSVP, NOT_FOUND.
CREATE OR REPLACE FUNCTION capctl_cancel(p_session text, p_user text)
RETURNS TABLE (outcome text, rsvp_id text, previous_status text, offers_sent integer)
LANGUAGE plpgsql AS $$
DECLARE
    r       record;
    prev    text;
    expired integer;
    sent    integer := 0;
BEGIN
    PERFORM 1 FROM session_capacity sc WHERE sc.session_id = p_session FOR UPDATE;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'NOT_FOUND', NULL::text, NULL::text, 0;
        RETURN;
    END IF;
    SELECT x.id, x.status INTO r FROM session_rsvps x WHERE x.session_id = p_session AND x.user_id = p_user;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'NO_RSVP', NULL::text, NULL::text, 0;
        RETURN;
    END IF;
    IF r.status = 'CANCELLED' THEN
        RETURN QUERY SELECT 'REPEAT', r.id, r.status, 0;
        RETURN;
    END IF;
    -- Overdue offers lapse first (the canceller's own included: then they had no seat to give).
    expired := capctl_expire_offers(p_session);
    prev := r.status;
    IF expired > 0 THEN
        SELECT x.status INTO prev FROM session_rsvps x WHERE x.id = r.id;
    END IF;
    UPDATE session_rsvps x
       SET status = 'CANCELLED', cancelled_at = now(), waitlist_seq = NULL,
           offer_expires_at = NULL, updated_at = now()
     WHERE x.id = r.id;
    IF capctl_holds_seat(prev) OR expired > 0 THEN
        sent := capctl_fill_seats(p_session);
    END IF;
    RETURN QUERY SELECT 'CANCELLED', r.id, prev, sent;
END $$;

-- NULL capacity = unlimited. Outcomes: OK, BELOW_TAKEN (nothing written), NOT_FOUND.
CREATE OR REPLACE FUNCTION capctl_set_capacity(p_session text, p_capacity integer, p_force boolean)
RETURNS TABLE (outcome text, capacity integer, taken integer, offers_sent integer, previous_capacity integer)
LANGUAGE plpgsql AS $$
DECLARE
    prev integer;
    live integer;
    sent integer;
BEGIN
    PERFORM 1 FROM session_capacity sc WHERE sc.session_id = p_session FOR UPDATE;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'NOT_FOUND', NULL::integer, NULL::integer, 0, NULL::integer;
        RETURN;
    END IF;
    prev := capctl_session_capacity(p_session);
    -- Overdue offers hold no seat, whether or not they have been expired yet.
    SELECT v.taken INTO live FROM capctl_session_seats v WHERE v.session_id = p_session;
    IF p_capacity IS NOT NULL AND p_capacity < live AND NOT p_force THEN
        RETURN QUERY SELECT 'BELOW_TAKEN', p_capacity, live, 0, prev;
        RETURN;
    END IF;
    PERFORM capctl_expire_offers(p_session);
    UPDATE session_capacity sc SET maximum_capacity = p_capacity, updated_at = now() WHERE sc.session_id = p_session;
    UPDATE sessions se SET max_participants = p_capacity WHERE se.id = p_session;
    sent := capctl_fill_seats(p_session);
    RETURN QUERY SELECT 'OK', p_capacity, live + sent, sent, prev;
END $$;

-- What a reconcile pass would fix, session by session: the one drift computation behind both
-- `reconcile --check` (counts it) and `reconcile` (applies it).
--   missing_row: no session_capacity row; counters_off: the row disagrees with the RSVP rows;
--   overdue_offers: offers past expiry not yet passed on; offers_due: seats free (overdue offers
--   counted as freed) in a session not started, with waiting users whose schedule does not clash.
CREATE FUNCTION capctl_seat_drift()
RETURNS TABLE (session_id text, missing_row boolean, counters_off boolean, overdue_offers integer,
               offers_due integer)
-- A pass runs often and must stay cheap even before autovacuum has analyzed fresh tables: on
-- bad estimates JIT compilation alone costs hundreds of milliseconds.
LANGUAGE plpgsql STABLE SET jit = off AS $$
BEGIN
    RETURN QUERY
    SELECT d.session_id, d.missing_row, d.counters_off, d.overdue_offers, d.offers_due
      FROM (SELECT v.session_id,
                   NOT v.has_capacity_row AS missing_row,
                   v.has_capacity_row
                       AND (v.current_attendance <> v.held OR v.waitlist_length <> v.waitlisted) AS counters_off,
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
              FROM capctl_session_seats v) d
     WHERE d.missing_row OR d.counters_off OR d.overdue_offers > 0 OR d.offers_due > 0
     ORDER BY d.session_id;
END $$;

-- One reconcile pass over the seat ledger. With p_check nothing changes and the counts say what
-- a real pass would fix; both read capctl_seat_drift.
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
            -- Recounted under the lock. Writing the truth back may put attendance above a
            -- (forced-down) capacity: allowed here only.
            PERFORM set_config('capctl.allow_over_capacity', 'on', true);
            UPDATE session_capacity sc
               SET current_attendance = v.held, waitlist_length = v.waitlisted, updated_at = now()
              FROM capctl_session_seats v
             WHERE v.session_id = d.session_id AND sc.session_id = d.session_id
               AND (sc.current_attendance, sc.waitlist_length) IS DISTINCT FROM (v.held::integer, v.waitlisted::integer);
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

-- Registration, in bulk: the one home of the event cap and the upsert. Serialized per event on
-- its row, so any number of concurrent calls never overshoot max_attendees. All or nothing: a
-- batch that would overshoot writes nothing. Users repeated in the arrays count once (the first
-- wins). Outcomes: OK, FULL, NOT_FOUND. new_registrations: written (OK) or that would have been
-- (FULL); already_registered: users of the batch left as they were; registered: REGISTERED count
-- of the event before the call.
CREATE FUNCTION capctl_register_many(p_event text, p_users text[], p_names text[], p_emails text[])
RETURNS TABLE (outcome text, new_registrations integer, already_registered integer, registered bigint,
               max_attendees integer)
LANGUAGE plpgsql AS $$
DECLARE
    cap     integer;
    n       bigint;
    already integer;
    users   text[];
    names   text[];
    emails  text[];
    written integer;
BEGIN
    SELECT e.max_attendees INTO cap FROM events e WHERE e.id = p_event FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'NOT_FOUND', 0, 0, NULL::bigint, NULL::integer;
        RETURN;
    END IF;
    SELECT COALESCE(array_agg(b.user_id ORDER BY b.i), '{}'), COALESCE(array_agg(b.name ORDER BY b.i), '{}'),
           COALESCE(array_agg(b.email ORDER BY b.i), '{}')
      INTO users, names, emails
      FROM (SELECT DISTINCT ON (u.user_id) u.user_id, u.name, u.email, u.i
              FROM unnest(p_users, p_names, p_emails) WITH ORDINALITY AS u(user_id, name, email, i)
             WHERE u.user_id IS NOT NULL
             ORDER BY u.user_id, u.i) b;
    SELECT count(*) INTO n FROM event_registrations r WHERE r.event_id = p_event AND r.status = 'REGISTERED';
    SELECT count(*) INTO already
      FROM event_registrations r JOIN unnest(users) AS u(user_id) ON u.user_id = r.user_id
     WHERE r.event_id = p_event AND r.status = 'REGISTERED';
    IF cap IS NOT NULL AND n + (cardinality(users) - already) > cap THEN
        RETURN QUERY SELECT 'FULL', cardinality(users) - already, already, n, cap;
        RETURN;
    END IF;
    -- A cancelled registration comes back to life, keeping what it knew unless told anew.
    INSERT INTO event_registrations AS r (event_id, user_id, name, email, status)
    SELECT p_event, u.user_id, u.name, u.email, 'REGISTERED'
      FROM unnest(users, names, emails) AS u(user_id, name, email)
    ON CONFLICT ON CONSTRAINT event_registrations_pkey DO UPDATE
       SET status = 'REGISTERED', registered_at = now(),
           name = COALESCE(EXCLUDED.name, r.name), email = COALESCE(EXCLUDED.email, r.email)
     WHERE r.status <> 'REGISTERED';
    GET DIAGNOSTICS written = ROW_COUNT;
    RETURN QUERY SELECT 'OK', written, already, n, cap;
END $$;

-- One registration: capctl_register_many with one user, and the row it left.
-- Outcomes: CREATED, REPEAT, FULL, NOT_FOUND.
CREATE OR REPLACE FUNCTION capctl_register(p_event text, p_user text, p_name text, p_email text)
RETURNS TABLE (outcome text, event_id text, user_id text, name text, email text, status text,
               registered_at timestamptz, registered bigint, max_attendees integer)
LANGUAGE plpgsql AS $$
DECLARE
    b record;
BEGIN
    SELECT * INTO b FROM capctl_register_many(p_event, ARRAY[p_user], ARRAY[p_name], ARRAY[p_email]);
    IF b.outcome <> 'OK' THEN
        RETURN QUERY SELECT b.outcome, p_event, p_user, NULL::text, NULL::text, NULL::text,
                            NULL::timestamptz, b.registered, b.max_attendees;
        RETURN;
    END IF;
    RETURN QUERY SELECT CASE WHEN b.new_registrations > 0 THEN 'CREATED' ELSE 'REPEAT' END,
                        r.event_id, r.user_id, r.name, r.email, r.status, r.registered_at,
                        NULL::bigint, b.max_attendees
                   FROM event_registrations r
                  WHERE r.event_id = p_event AND r.user_id = p_user;
END $$;

-- Names, titles, rooms, tiers and emails: 1..200 characters after trimming, no control
-- characters, and no bidirectional embedding, override or isolate controls (U+202A..U+202E,
-- U+2066..U+2069), which make a CSV or a dashboard show text in an order that lies about it.
-- The marks U+200E/U+200F stay allowed: they reorder nothing, and right-to-left names need them.
-- Checked on new writes; rows already stored are not re-checked.
CREATE OR REPLACE FUNCTION capctl_valid_name(v text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN length(btrim(v)) BETWEEN 1 AND 200 AND v !~ '[[:cntrl:]]'
       AND v !~ '[\u202A-\u202E\u2066-\u2069]';

-- Sessions lie within their event's span: refused whoever writes, when a session is created or
-- moved and when an event is moved. Constraint triggers, deferrable, so one transaction may
-- move an event and its sessions together (SET CONSTRAINTS capctl_sessions_within_event,
-- capctl_events_contain_sessions DEFERRED). SQLSTATE CP002.
CREATE FUNCTION capctl_session_within_event() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    bad record;
BEGIN
    IF TG_TABLE_NAME = 'sessions' THEN
        SELECT se.id, se.starts_at, se.ends_at, e.id AS event_id, e.starts_at AS event_starts, e.ends_at AS event_ends
          INTO bad
          FROM sessions se JOIN events e ON e.id = se.event_id
         WHERE se.id = NEW.id AND (se.starts_at < e.starts_at OR se.ends_at > e.ends_at);
    ELSE
        SELECT se.id, se.starts_at, se.ends_at, e.id AS event_id, e.starts_at AS event_starts, e.ends_at AS event_ends
          INTO bad
          FROM sessions se JOIN events e ON e.id = se.event_id
         WHERE e.id = NEW.id AND (se.starts_at < e.starts_at OR se.ends_at > e.ends_at)
         ORDER BY se.starts_at, se.id
         LIMIT 1;
    END IF;
    IF FOUND THEN
        RAISE EXCEPTION 'session % (% to %) must lie within event % (% to %)',
            quote_literal(bad.id), bad.starts_at, bad.ends_at, quote_literal(bad.event_id),
            bad.event_starts, bad.event_ends
            USING ERRCODE = 'CP002';
    END IF;
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER capctl_sessions_within_event
    AFTER INSERT OR UPDATE OF starts_at, ends_at, event_id ON sessions
    DEFERRABLE INITIALLY IMMEDIATE
    FOR EACH ROW EXECUTE FUNCTION capctl_session_within_event();

CREATE CONSTRAINT TRIGGER capctl_events_contain_sessions
    AFTER UPDATE OF starts_at, ends_at ON events
    DEFERRABLE INITIALLY IMMEDIATE
    FOR EACH ROW EXECUTE FUNCTION capctl_session_within_event();
