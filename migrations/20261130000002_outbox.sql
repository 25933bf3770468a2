-- The outbox: one row per seat change, written by triggers in the same transaction as the change,
-- whoever makes it (capctl's functions, reconcile, raw SQL). A rollback or a kill -9 therefore
-- never leaves a change without its row or a row without its change. Delivery (capctl outbox
-- deliver) reads the rows later, outside every seat transaction, so a dead webhook never blocks
-- a seat change.

CREATE TABLE capctl_outbox (
    id           bigserial PRIMARY KEY,
    kind         text NOT NULL CHECK (kind IN ('confirmed', 'waitlisted', 'offer_made', 'offer_expired',
                                               'cancelled', 'capacity_changed', 'reminder')),
    event_id     text NOT NULL,
    session_id   text NOT NULL,
    user_id      text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    -- What a mailer needs without further lookups (see notes/outbox.md for the fields).
    payload      jsonb NOT NULL,
    state        text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts     integer NOT NULL DEFAULT 0,
    last_error   text,
    delivered_at timestamptz,
    failed_at    timestamptz,
    CONSTRAINT capctl_outbox_delivered CHECK ((state = 'delivered') = (delivered_at IS NOT NULL)),
    CONSTRAINT capctl_outbox_failed CHECK ((state = 'failed') = (failed_at IS NOT NULL))
);
-- Deliverers claim pending rows in id order, and look for earlier pending rows of a claimed
-- row's session: those sit at the head of this index (other claims in flight), so no index on
-- (session_id, id) is kept. Each index here costs every seat change an insert.
CREATE INDEX capctl_outbox_pending ON capctl_outbox (id) WHERE state = 'pending';
-- Exactly one reminder per (session, user), however many `reminders` run at once.
CREATE UNIQUE INDEX capctl_outbox_one_reminder ON capctl_outbox (session_id, user_id) WHERE kind = 'reminder';

-- Timestamps in payloads are UTC, whatever the writer's TimeZone setting.
CREATE FUNCTION capctl_utc(t timestamptz) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
RETURN to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"');

-- One RSVP row's transition to its outbox row. Runs after session_rsvps_counts (AFTER triggers
-- fire in name order), so the session's counters, waitlist_length included, are already current.
-- Cost per transition: one INSERT ... SELECT of primary-key reads, two index inserts (primary
-- key, pending) and one notification per transaction.
CREATE FUNCTION capctl_outbox_rsvp() RETURNS trigger
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
         END;
    IF k IS NULL THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        prev := OLD.status;
        -- A session's rows must commit in id order (deliverers keep per-session order by id).
        -- Every change of the counters already locked the capacity row (counts trigger); a
        -- transition that moves no counter (e.g. an offer accepted by raw SQL) locks it here.
        IF (OLD.status IN ('CONFIRMED', 'OFFERED')) = (NEW.status IN ('CONFIRMED', 'OFFERED'))
           AND (OLD.status = 'WAITLISTED') = (NEW.status = 'WAITLISTED') THEN
            PERFORM 1 FROM session_capacity sc WHERE sc.session_id = NEW.session_id FOR UPDATE;
        END IF;
    END IF;
    -- One statement (each plpgsql statement is a round through the executor, and this runs
    -- under the session's lock): primary-key reads and the INSERT. A waitlisted row is always
    -- the last of the queue, so its place is the queue's length.
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
    -- One notification per transaction (same channel and payload are folded at commit).
    PERFORM pg_notify('capctl_outbox', '');
    RETURN NULL;
END $$;

CREATE TRIGGER session_rsvps_outbox_insert
    AFTER INSERT ON session_rsvps
    FOR EACH ROW EXECUTE FUNCTION capctl_outbox_rsvp();
-- WHEN runs in the executor, so an UPDATE that keeps the status costs no function call.
CREATE TRIGGER session_rsvps_outbox_update
    AFTER UPDATE OF status ON session_rsvps
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION capctl_outbox_rsvp();

-- A capacity change (the platform's session_capacity.maximum_capacity; NULL = unlimited).
CREATE FUNCTION capctl_outbox_capacity() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    se record;
BEGIN
    SELECT s.event_id, s.title, s.starts_at, s.ends_at, s.room INTO se FROM sessions s WHERE s.id = NEW.session_id;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    INSERT INTO capctl_outbox (kind, event_id, session_id, user_id, payload)
    VALUES ('capacity_changed', se.event_id, NEW.session_id, NULL,
            jsonb_build_object(
                'title', se.title, 'starts_at', capctl_utc(se.starts_at),
                'ends_at', capctl_utc(se.ends_at), 'room', se.room,
                'previous_capacity', OLD.maximum_capacity, 'capacity', NEW.maximum_capacity,
                'taken', NEW.current_attendance, 'waitlisted', NEW.waitlist_length));
    PERFORM pg_notify('capctl_outbox', '');
    RETURN NULL;
END $$;

CREATE TRIGGER session_capacity_outbox
    AFTER UPDATE OF maximum_capacity ON session_capacity
    FOR EACH ROW WHEN (OLD.maximum_capacity IS DISTINCT FROM NEW.maximum_capacity)
    EXECUTE FUNCTION capctl_outbox_capacity();

-- An event deleted takes its notifications with it (bench events, demo resets). Rare, so a
-- sequential scan: an index on event_id would cost every seat change an index insert.
CREATE FUNCTION capctl_outbox_event_gone() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM capctl_outbox WHERE event_id = OLD.id;
    RETURN NULL;
END $$;

CREATE TRIGGER events_outbox_gone
    AFTER DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION capctl_outbox_event_gone();

-- Queues one reminder per confirmed RSVP of every session starting within p_within (NULL
-- p_event: every event). The partial unique index makes it exactly once per (session, user),
-- however often and however many at once it runs; rows are inserted in one order, so two runs
-- wait on each other instead of deadlocking. sessions = sessions that got a reminder now.
CREATE FUNCTION capctl_queue_reminders(p_within interval, p_event text)
RETURNS TABLE (queued integer, sessions integer)
LANGUAGE plpgsql AS $$
DECLARE
    n integer;
    m integer;
BEGIN
    WITH ins AS (
        INSERT INTO capctl_outbox (kind, event_id, session_id, user_id, payload)
        SELECT 'reminder', r.event_id, r.session_id, r.user_id,
               jsonb_build_object(
                   'rsvp_id', r.id, 'status', r.status, 'previous_status', NULL,
                   'title', se.title, 'starts_at', capctl_utc(se.starts_at),
                   'ends_at', capctl_utc(se.ends_at), 'room', se.room,
                   'name', g.name, 'email', g.email,
                   'offer_expires_at', NULL, 'waitlist_position', NULL)
          FROM sessions se
          JOIN session_rsvps r ON r.session_id = se.id AND r.status = 'CONFIRMED'
          LEFT JOIN event_registrations g ON g.event_id = r.event_id AND g.user_id = r.user_id
         WHERE se.starts_at > now() AND se.starts_at <= now() + p_within
           AND (p_event IS NULL OR se.event_id = p_event)
         ORDER BY r.session_id, r.user_id
        ON CONFLICT (session_id, user_id) WHERE kind = 'reminder' DO NOTHING
        RETURNING capctl_outbox.session_id
    )
    SELECT count(*)::integer, count(DISTINCT ins.session_id)::integer INTO n, m FROM ins;
    IF n > 0 THEN
        PERFORM pg_notify('capctl_outbox', '');
    END IF;
    RETURN QUERY SELECT n, m;
END $$;
