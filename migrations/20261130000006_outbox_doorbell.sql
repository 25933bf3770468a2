-- The outbox's doorbell. Followers (`outbox list --follow`, `outbox deliver --watch`) LISTEN on
-- channel capctl_outbox; until now every seat transaction notified it. A NOTIFY is not free: at
-- commit PostgreSQL takes one database-wide lock to append to its notification queue and holds it
-- through the commit's WAL flush, so every notifying transaction commits one at a time, listener
-- or not. That was most of what the outbox cost the RSVP rush (BENCHMARKS.md).
--
-- Now a follower registers the backend that listens (capctl_outbox_listen), and a seat
-- transaction notifies only while some follower is registered (capctl_outbox_ring): with nobody
-- listening, no notification is queued. Correctness never rested on the notification: a follower
-- reads from its last id on every wake and also wakes every 5 seconds without one.
--
-- Registration race: a transaction that looked for listeners just before a follower registered
-- does not notify. The follower therefore waits, after registering, until every transaction that
-- was running then has ended (capctl_outbox_horizon), and only then reads: those rows are visible
-- to that first read. A follower killed with -9 leaves its row behind, which costs notifications
-- (never correctness) until a follower or a reconcile pass prunes rows of backends that are gone.

-- UNLOGGED: registrations are about live backends, which a server restart ends anyway.
CREATE UNLOGGED TABLE capctl_outbox_listeners (
    pid   integer PRIMARY KEY,
    since timestamptz NOT NULL DEFAULT now()
);

-- One notification for this transaction when some follower listens: a read of a table of a row
-- or two (no index). plpgsql, so its plans are cached per connection, not per transaction.
CREATE FUNCTION capctl_outbox_ring() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM capctl_outbox_listeners LIMIT 1;
    IF FOUND THEN
        PERFORM pg_notify('capctl_outbox', '');
    END IF;
END $$;

-- Drops registrations whose backend has ended (kill -9, a lost connection). Returns how many.
CREATE FUNCTION capctl_outbox_prune_listeners() RETURNS integer
LANGUAGE sql AS $$
    WITH gone AS (
        DELETE FROM capctl_outbox_listeners l
         WHERE NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = l.pid)
        RETURNING 1
    )
    SELECT count(*)::integer FROM gone
$$;

-- Registers the calling backend as a follower (call it on the connection that LISTENs, after
-- LISTEN, in its own transaction), pruning dead registrations on the way.
CREATE FUNCTION capctl_outbox_listen() RETURNS void
LANGUAGE sql AS $$
    SELECT capctl_outbox_prune_listeners();
    INSERT INTO capctl_outbox_listeners (pid) VALUES (pg_backend_pid())
    ON CONFLICT (pid) DO UPDATE SET since = now();
$$;

CREATE FUNCTION capctl_outbox_unlisten() RETURNS void
LANGUAGE sql AS $$
    DELETE FROM capctl_outbox_listeners WHERE pid = pg_backend_pid();
$$;

-- The first transaction id not yet begun: once pg_snapshot_xmin of a later snapshot reaches it,
-- every transaction that was running when this was called has ended. Call it after
-- capctl_outbox_listen has committed.
CREATE FUNCTION capctl_outbox_horizon() RETURNS xid8
LANGUAGE sql VOLATILE AS $$ SELECT pg_snapshot_xmax(pg_current_snapshot()) $$;

-- Whether every transaction running at `horizon` has ended.
CREATE FUNCTION capctl_outbox_settled(horizon xid8) RETURNS boolean
LANGUAGE sql VOLATILE AS $$ SELECT pg_snapshot_xmin(pg_current_snapshot()) >= horizon $$;

-- The writers of outbox rows, as last defined by the earlier migrations, ringing instead of
-- notifying.

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
    PERFORM capctl_outbox_ring();
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION capctl_outbox_door() RETURNS trigger
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
    PERFORM capctl_outbox_ring();
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION capctl_outbox_capacity() RETURNS trigger
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
    PERFORM capctl_outbox_ring();
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION capctl_queue_reminders(p_within interval, p_event text)
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
        PERFORM capctl_outbox_ring();
    END IF;
    RETURN QUERY SELECT n, m;
END $$;

-- ---- triggers ----
-- The occupancy counter (20261130000003_attendance.sql) ran a PL/pgSQL call for every RSVP
-- written, though only rows checked in can move it: split by operation, each with a WHEN that
-- the executor evaluates, so an RSVP or cancellation of someone never checked in calls nothing.
-- Names keep the firing order (after session_rsvps_counts, before the outbox triggers).
DROP TRIGGER session_rsvps_occupancy ON session_rsvps;
CREATE TRIGGER session_rsvps_occupancy_insert
    AFTER INSERT ON session_rsvps
    FOR EACH ROW WHEN (NEW.checked_in_at IS NOT NULL)
    EXECUTE FUNCTION capctl_occupancy_counts();
CREATE TRIGGER session_rsvps_occupancy_update
    AFTER UPDATE OF status, checked_in_at, checked_out_at ON session_rsvps
    FOR EACH ROW WHEN (OLD.checked_in_at IS NOT NULL OR NEW.checked_in_at IS NOT NULL)
    EXECUTE FUNCTION capctl_occupancy_counts();
CREATE TRIGGER session_rsvps_occupancy_delete
    AFTER DELETE ON session_rsvps
    FOR EACH ROW WHEN (OLD.checked_in_at IS NOT NULL)
    EXECUTE FUNCTION capctl_occupancy_counts();
