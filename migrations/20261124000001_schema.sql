-- capctl schema: the platform's tables (names kept so other services can read them) and the
-- constraints that make bad states impossible.

CREATE FUNCTION capctl_valid_id(v text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN v ~ '^[A-Za-z0-9][A-Za-z0-9_.:@+-]{0,127}$';

CREATE FUNCTION capctl_valid_name(v text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN length(btrim(v)) BETWEEN 1 AND 200 AND v !~ '[[:cntrl:]]';

CREATE TABLE events (
    id               text PRIMARY KEY CHECK (capctl_valid_id(id)),
    name             text NOT NULL CHECK (capctl_valid_name(name)),
    starts_at        timestamptz NOT NULL,
    ends_at          timestamptz NOT NULL,
    max_attendees    integer CHECK (max_attendees BETWEEN 0 AND 10000000),
    virtual_settings jsonb DEFAULT '{}'::jsonb,
    created_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT events_ends_after_starts CHECK (ends_at > starts_at),
    CONSTRAINT events_virtual_settings_valid CHECK (
        virtual_settings IS NULL
        OR jsonb_typeof(virtual_settings) = 'null'
        OR (jsonb_typeof(virtual_settings) = 'object'
            AND (virtual_settings -> 'max_concurrent_viewers' IS NULL
                 OR jsonb_typeof(virtual_settings -> 'max_concurrent_viewers') = 'null'
                 OR (jsonb_typeof(virtual_settings -> 'max_concurrent_viewers') = 'number'
                     AND (virtual_settings ->> 'max_concurrent_viewers')::numeric BETWEEN 0 AND 10000000))))
);

CREATE TABLE event_registrations (
    event_id      text NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    user_id       text NOT NULL CHECK (capctl_valid_id(user_id)),
    name          text CHECK (name IS NULL OR capctl_valid_name(name)),
    email         text CHECK (email IS NULL OR capctl_valid_name(email)),
    status        text NOT NULL DEFAULT 'REGISTERED' CHECK (status IN ('REGISTERED', 'CANCELLED')),
    registered_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (event_id, user_id)
);

CREATE TABLE sessions (
    id               text PRIMARY KEY CHECK (capctl_valid_id(id)),
    event_id         text NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    title            text NOT NULL CHECK (capctl_valid_name(title)),
    starts_at        timestamptz NOT NULL,
    ends_at          timestamptz NOT NULL,
    room             text CHECK (room IS NULL OR capctl_valid_name(room)),
    max_participants integer CHECK (max_participants BETWEEN 0 AND 10000000),
    waitlist_enabled boolean NOT NULL DEFAULT true,
    offer_ttl        interval NOT NULL DEFAULT interval '30 minutes'
                     CHECK (offer_ttl > interval '0' AND offer_ttl <= interval '30 days'),
    created_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT sessions_ends_after_starts CHECK (ends_at > starts_at),
    UNIQUE (id, event_id)
);
CREATE INDEX sessions_event_starts ON sessions (event_id, starts_at);

-- The row other services read. current_attendance = seats taken (confirmed RSVPs plus held
-- offers); waitlist_length = people queued. Both are kept by the trigger below in the same
-- transaction as every RSVP change.
CREATE TABLE session_capacity (
    session_id         text PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE,
    maximum_capacity   integer CHECK (maximum_capacity BETWEEN 0 AND 10000000),
    current_attendance integer NOT NULL DEFAULT 0 CHECK (current_attendance >= 0),
    waitlist_length    integer NOT NULL DEFAULT 0 CHECK (waitlist_length >= 0),
    updated_at         timestamptz NOT NULL DEFAULT now()
);

CREATE SEQUENCE session_rsvps_waitlist_seq AS bigint;

CREATE TABLE session_rsvps (
    id               text PRIMARY KEY CHECK (id ~ '^srsvp_[0-9a-f-]{32,36}$'),
    session_id       text NOT NULL,
    -- The id rule of capctl_valid_id, written inline: a CHECK calling a SQL function has the
    -- function inlined again at every write, and RSVP writes run under the session's lock
    -- (pgbench of capctl_rsvp at 16 clients on one session: 620 -> 1000 RSVPs/s).
    user_id          text NOT NULL CONSTRAINT session_rsvps_user_id_check
                     CHECK (user_id ~ '^[A-Za-z0-9][A-Za-z0-9_.:@+-]{0,127}$'),
    event_id         text NOT NULL,
    status           text NOT NULL
                     CHECK (status IN ('CONFIRMED', 'WAITLISTED', 'OFFERED', 'CANCELLED', 'EXPIRED')),
    rsvp_at          timestamptz NOT NULL DEFAULT now(),
    cancelled_at     timestamptz,
    -- FIFO order while waitlisted; positions are derived (rank), so they never have gaps.
    waitlist_seq     bigint,
    offered_at       timestamptz,
    offer_expires_at timestamptz,
    confirmed_at     timestamptz,
    allow_overlap    boolean NOT NULL DEFAULT false,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT session_rsvps_one_per_user UNIQUE (session_id, user_id),
    CONSTRAINT session_rsvps_session_of_event
        FOREIGN KEY (session_id, event_id) REFERENCES sessions (id, event_id) ON DELETE CASCADE,
    CONSTRAINT session_rsvps_registered
        FOREIGN KEY (event_id, user_id) REFERENCES event_registrations (event_id, user_id) ON DELETE CASCADE,
    CONSTRAINT session_rsvps_waitlist_seq CHECK ((status = 'WAITLISTED') = (waitlist_seq IS NOT NULL)),
    CONSTRAINT session_rsvps_offer_expiry CHECK (status <> 'OFFERED' OR offer_expires_at IS NOT NULL),
    CONSTRAINT session_rsvps_cancelled_at CHECK ((status = 'CANCELLED') = (cancelled_at IS NOT NULL))
);
CREATE UNIQUE INDEX session_rsvps_waitlist_order ON session_rsvps (session_id, waitlist_seq)
    WHERE status = 'WAITLISTED';
CREATE INDEX session_rsvps_offers ON session_rsvps (session_id, offer_expires_at) WHERE status = 'OFFERED';
CREATE INDEX session_rsvps_overdue_offers ON session_rsvps (offer_expires_at) WHERE status = 'OFFERED';
CREATE INDEX session_rsvps_user ON session_rsvps (user_id, status);
CREATE INDEX session_rsvps_event ON session_rsvps (event_id, session_id);
-- The cascade from event_registrations needs it: without it deleting an event with 100k RSVPs
-- scanned all RSVPs per registration (minutes; found by `capctl bench`).
CREATE INDEX session_rsvps_registration ON session_rsvps (event_id, user_id);

CREATE TABLE expo_booths (
    id           text PRIMARY KEY CHECK (capctl_valid_id(id)),
    event_id     text NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    name         text NOT NULL CHECK (capctl_valid_name(name)),
    tier         text CHECK (tier IS NULL OR capctl_valid_name(tier)),
    max_visitors integer CHECK (max_visitors BETWEEN 0 AND 10000000),
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX expo_booths_event ON expo_booths (event_id);

-- Every session has its capacity row from birth.
CREATE FUNCTION capctl_session_capacity_row() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO session_capacity (session_id, maximum_capacity)
    VALUES (NEW.id, NEW.max_participants)
    ON CONFLICT (session_id) DO NOTHING;
    RETURN NEW;
END $$;

CREATE TRIGGER sessions_capacity_row AFTER INSERT ON sessions
    FOR EACH ROW EXECUTE FUNCTION capctl_session_capacity_row();

-- Keeps session_capacity equal to the RSVP rows, whoever writes them.
CREATE FUNCTION capctl_rsvp_counts() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    d_taken   integer := 0;
    d_waiting integer := 0;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        d_taken   := d_taken   - (OLD.status IN ('CONFIRMED', 'OFFERED'))::integer;
        d_waiting := d_waiting - (OLD.status = 'WAITLISTED')::integer;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        d_taken   := d_taken   + (NEW.status IN ('CONFIRMED', 'OFFERED'))::integer;
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

CREATE TRIGGER session_rsvps_counts
    AFTER INSERT OR DELETE OR UPDATE OF status ON session_rsvps
    FOR EACH ROW EXECUTE FUNCTION capctl_rsvp_counts();

-- The last line of defence: no writer, capctl or raw SQL, may raise the seats taken above the
-- capacity. (A forced capacity cut may leave attendance above it; then it may only go down.)
-- reconcile sets capctl.allow_over_capacity locally to write the truth back after drift.
CREATE FUNCTION capctl_capacity_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    cap integer;
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.current_attendance <= OLD.current_attendance THEN
        RETURN NEW;
    END IF;
    IF current_setting('capctl.allow_over_capacity', true) = 'on' THEN
        RETURN NEW;
    END IF;
    cap := NEW.maximum_capacity;
    IF cap IS NULL THEN
        SELECT max_participants INTO cap FROM sessions WHERE id = NEW.session_id;
    END IF;
    IF cap IS NOT NULL AND NEW.current_attendance > cap THEN
        RAISE EXCEPTION 'session % is full: % seats taken of %', NEW.session_id, NEW.current_attendance, cap
            USING ERRCODE = 'CP001';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER session_capacity_guard
    BEFORE INSERT OR UPDATE OF current_attendance ON session_capacity
    FOR EACH ROW EXECUTE FUNCTION capctl_capacity_guard();

-- Registers a user for an event in one call (one round trip), serialized per event on its row,
-- so any number of concurrent registrations never overshoot max_attendees. (Bulk imports take
-- the same row lock.) Outcomes: CREATED, REPEAT, FULL, NOT_FOUND.
CREATE FUNCTION capctl_register(p_event text, p_user text, p_name text, p_email text)
RETURNS TABLE (outcome text, event_id text, user_id text, name text, email text, status text,
               registered_at timestamptz, registered bigint, max_attendees integer)
LANGUAGE plpgsql AS $$
DECLARE
    cap integer;
    n   bigint;
BEGIN
    SELECT e.max_attendees INTO cap FROM events e WHERE e.id = p_event FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'NOT_FOUND', p_event, p_user, NULL::text, NULL::text, NULL::text,
                            NULL::timestamptz, NULL::bigint, NULL::integer;
        RETURN;
    END IF;
    -- Checked under the lock: a user registering twice at once is a repeat, never "full".
    RETURN QUERY SELECT 'REPEAT', r.event_id, r.user_id, r.name, r.email, r.status, r.registered_at,
                        NULL::bigint, cap
                   FROM event_registrations r
                  WHERE r.event_id = p_event AND r.user_id = p_user AND r.status = 'REGISTERED';
    IF FOUND THEN
        RETURN;
    END IF;
    IF cap IS NOT NULL THEN
        SELECT count(*) INTO n FROM event_registrations r
         WHERE r.event_id = p_event AND r.status = 'REGISTERED';
        IF n >= cap THEN
            RETURN QUERY SELECT 'FULL', p_event, p_user, NULL::text, NULL::text, NULL::text,
                                NULL::timestamptz, n, cap;
            RETURN;
        END IF;
    END IF;
    -- A cancelled registration comes back to life, keeping what it knew unless told anew.
    RETURN QUERY
        INSERT INTO event_registrations AS r (event_id, user_id, name, email, status)
        VALUES (p_event, p_user, p_name, p_email, 'REGISTERED')
        ON CONFLICT ON CONSTRAINT event_registrations_pkey DO UPDATE
           SET status = 'REGISTERED', registered_at = now(),
               name = COALESCE(EXCLUDED.name, r.name), email = COALESCE(EXCLUDED.email, r.email)
        RETURNING 'CREATED'::text, r.event_id, r.user_id, r.name, r.email, r.status, r.registered_at,
                  NULL::bigint, cap;
END $$;
