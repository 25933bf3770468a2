-- The settlements' lock order, the uncontended fast path and cheaper seat triggers. Landed
-- migrations are never edited: the functions of 20261201000001_batched_rsvp.sql are replaced here
-- (capctl_settle_requests gains a parameter, so it is dropped and created again).
--
-- 1. Lock order. A settlement takes the session's capacity row, then every row it may change
--    (the session's open offers and its callers' RSVPs) all at once with NOWAIT, trying again a
--    moment later when one is busy (capctl_lock_seats): it never waits for a row while holding
--    another, so a raw multi-row writer of offers and a batch cannot deadlock (40P01). Safe mode
--    no longer records a deadlock, a serialization failure, a lock or statement timeout as a
--    request's answer: the settlement aborts and its caller tries again.
-- 2. Fast path. The uncontended call (settle lock free, nothing pending once every earlier append
--    has committed) takes its seq under the append lock, decides by the direct rule, writes its
--    request row already settled and settles whatever was appended meanwhile, in one commit.
-- 3. A waiter that arrived after its leader looked leads or waits again inside the same call.
-- 4. The seat triggers return at once for a statement that changed no row (INSERT ... ON
--    CONFLICT fires the UPDATE triggers too); their counter update is one PL/pgSQL function.
-- 5. The rush's functions use generic plans; reminders find sessions by an index on starts_at.


-- Shifts one session's counters by the given differences (nothing when all are zero): the one
-- write every branch of capctl_rsvp_counts makes.
-- (PL/pgSQL: its plan is cached per connection, where a SQL function is planned on every call.)
CREATE FUNCTION capctl_shift_seat_counts(p_session text, p_taken integer, p_waiting integer,
                                         p_inside integer) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF p_taken <> 0 OR p_waiting <> 0 OR p_inside <> 0 THEN
        UPDATE session_capacity
           SET current_attendance = current_attendance + p_taken,
               waitlist_length    = waitlist_length + p_waiting,
               current_occupancy  = current_occupancy + p_inside,
               updated_at         = now()
         WHERE session_id = p_session;
    END IF;
END $$;

-- Keeps session_capacity (seats taken, waitlist length, people inside) equal to the RSVP rows,
-- whoever writes them: once per session per statement, sessions in id order (a stable lock
-- order). The capacity row's guards (CP001) refuse the whole statement. Inserted rows of a
-- virtual session are refused (CP003). An RSVP cannot move to another session. A statement that
-- changed no row (an INSERT ... ON CONFLICT fires the UPDATE triggers too; an UPDATE may match
-- nothing) returns at once.
CREATE OR REPLACE FUNCTION capctl_rsvp_counts() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    d       record;
    old_map jsonb;
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM 1 FROM old_rows LIMIT 1;
    ELSE
        PERFORM 1 FROM new_rows LIMIT 1;
    END IF;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        FOR d IN SELECT n.session_id,
                        count(*) FILTER (WHERE capctl_holds_seat(n.status))::integer AS d_taken,
                        count(*) FILTER (WHERE n.status = 'WAITLISTED')::integer AS d_waiting,
                        count(*) FILTER (WHERE capctl_inside(n.status, n.checked_in_at, n.checked_out_at))::integer AS d_inside,
                        bool_or(se.format = 'VIRTUAL') AS is_virtual
                   FROM new_rows n LEFT JOIN sessions se ON se.id = n.session_id
                  GROUP BY n.session_id ORDER BY n.session_id LOOP
            IF d.is_virtual THEN
                RAISE EXCEPTION '%', capctl_virtual_refusal(d.session_id) USING ERRCODE = 'CP003';
            END IF;
            PERFORM capctl_shift_seat_counts(d.session_id, d.d_taken, d.d_waiting, d.d_inside);
        END LOOP;
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        -- Old rows by id in a jsonb object (lookups O(log N)): a join of the two transition tables
        -- would be planned once per connection, for the row counts of its first call.
        SELECT jsonb_object_agg(o.id, o.session_id) INTO old_map FROM old_rows o;
        IF EXISTS (SELECT 1 FROM new_rows n WHERE n.session_id IS DISTINCT FROM old_map ->> n.id) THEN
            RAISE EXCEPTION 'an RSVP cannot move to another session' USING ERRCODE = 'check_violation';
        END IF;
        FOR d IN SELECT x.session_id,
                        sum(x.sign * capctl_holds_seat(x.status)::integer)::integer AS d_taken,
                        sum(x.sign * (x.status = 'WAITLISTED')::integer)::integer AS d_waiting,
                        sum(x.sign * capctl_inside(x.status, x.checked_in_at, x.checked_out_at)::integer)::integer AS d_inside
                   FROM (SELECT n.session_id, n.status, n.checked_in_at, n.checked_out_at, 1 AS sign FROM new_rows n
                         UNION ALL
                         SELECT o.session_id, o.status, o.checked_in_at, o.checked_out_at, -1 FROM old_rows o) x
                  GROUP BY x.session_id ORDER BY x.session_id LOOP
            PERFORM capctl_shift_seat_counts(d.session_id, d.d_taken, d.d_waiting, d.d_inside);
        END LOOP;
        RETURN NULL;
    END IF;
    FOR d IN SELECT o.session_id,
                    count(*) FILTER (WHERE capctl_holds_seat(o.status))::integer AS d_taken,
                    count(*) FILTER (WHERE o.status = 'WAITLISTED')::integer AS d_waiting,
                    count(*) FILTER (WHERE capctl_inside(o.status, o.checked_in_at, o.checked_out_at))::integer AS d_inside
               FROM old_rows o
              GROUP BY o.session_id ORDER BY o.session_id LOOP
        PERFORM capctl_shift_seat_counts(d.session_id, -d.d_taken, -d.d_waiting, -d.d_inside);
    END LOOP;
    RETURN NULL;
END $$;

-- The outbox rows of a statement's transitions, as the row triggers wrote them: per row, a
-- door row ('checked_in' / 'walk_in_admitted', at the first entry) and a status row (kind from
-- the new status; a confirmation made at the door is told by the door row only). A waitlisted
-- row's place is the queue's length less the waitlisted rows of the same statement behind it.
-- A session whose transitions moved no counter is locked here, so a session's outbox rows
-- commit in id order. A statement that changed no row returns at once.
CREATE OR REPLACE FUNCTION capctl_outbox_rsvp_rows() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    n       integer;
    old_map jsonb;
BEGIN
    PERFORM 1 FROM new_rows LIMIT 1;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        WITH nr AS (SELECT r.*, row_number() OVER () AS rn FROM new_rows r)
        INSERT INTO capctl_outbox (kind, event_id, session_id, user_id, payload)
        SELECT t.kind, t.event_id, t.session_id, t.user_id,
               CASE WHEN t.door THEN
                   jsonb_build_object(
                       'rsvp_id', t.id, 'status', t.status, 'previous_status', NULL,
                       'title', s.title, 'starts_at', capctl_utc(s.starts_at),
                       'ends_at', capctl_utc(s.ends_at), 'room', s.room,
                       'name', g.name, 'email', g.email,
                       'checked_in_at', capctl_utc(t.checked_in_at), 'walk_in', t.walk_in,
                       'inside', sc.current_occupancy)
               ELSE
                   jsonb_build_object(
                       'rsvp_id', t.id, 'status', t.status, 'previous_status', NULL,
                       'title', s.title, 'starts_at', capctl_utc(s.starts_at),
                       'ends_at', capctl_utc(s.ends_at), 'room', s.room,
                       'name', g.name, 'email', g.email,
                       'offer_expires_at', capctl_utc(t.offer_expires_at),
                       'waitlist_position',
                       CASE WHEN t.status = 'WAITLISTED' THEN sc.waitlist_length - t.behind END)
               END
          FROM (SELECT x.*,
                       (count(*) FILTER (WHERE x.status = 'WAITLISTED' AND NOT x.door)
                            OVER (PARTITION BY x.session_id ORDER BY x.waitlist_seq DESC NULLS LAST) - 1)::integer AS behind
                  FROM (SELECT r.*, true AS door, 0 AS part,
                               CASE WHEN r.walk_in THEN 'walk_in_admitted' ELSE 'checked_in' END AS kind
                          FROM nr r WHERE r.checked_in_at IS NOT NULL
                        UNION ALL
                        SELECT r.*, false, 1,
                               CASE r.status WHEN 'CONFIRMED' THEN 'confirmed' WHEN 'WAITLISTED' THEN 'waitlisted'
                                             WHEN 'OFFERED' THEN 'offer_made' WHEN 'EXPIRED' THEN 'offer_expired'
                                             WHEN 'CANCELLED' THEN 'cancelled' WHEN 'NO_SHOW' THEN 'no_show_released' END
                          FROM nr r
                         WHERE NOT (r.status = 'CONFIRMED' AND r.checked_in_at IS NOT NULL)) x) t
          JOIN sessions s ON s.id = t.session_id
          LEFT JOIN event_registrations g ON g.event_id = t.event_id AND g.user_id = t.user_id
          LEFT JOIN session_capacity sc ON sc.session_id = t.session_id
         WHERE t.kind IS NOT NULL
         ORDER BY t.rn, t.part;
        GET DIAGNOSTICS n = ROW_COUNT;
    ELSE
        -- Old rows by id (see capctl_rsvp_counts): [status, checked in].
        SELECT jsonb_object_agg(o.id, jsonb_build_array(o.status, o.checked_in_at IS NOT NULL))
          INTO old_map FROM old_rows o;
        PERFORM 1 FROM session_capacity sc
          WHERE sc.session_id IN (
                SELECT r.session_id FROM new_rows r
                 WHERE r.status IS DISTINCT FROM old_map -> r.id ->> 0
                   AND capctl_holds_seat(old_map -> r.id ->> 0) = capctl_holds_seat(r.status)
                   AND (old_map -> r.id ->> 0 = 'WAITLISTED') = (r.status = 'WAITLISTED'))
          ORDER BY sc.session_id
            FOR UPDATE;
        WITH nr AS (SELECT r.*, row_number() OVER () AS rn FROM new_rows r)
        INSERT INTO capctl_outbox (kind, event_id, session_id, user_id, payload)
        SELECT t.kind, t.event_id, t.session_id, t.user_id,
               CASE WHEN t.door THEN
                   jsonb_build_object(
                       'rsvp_id', t.id, 'status', t.status, 'previous_status', t.prev,
                       'title', s.title, 'starts_at', capctl_utc(s.starts_at),
                       'ends_at', capctl_utc(s.ends_at), 'room', s.room,
                       'name', g.name, 'email', g.email,
                       'checked_in_at', capctl_utc(t.checked_in_at), 'walk_in', t.walk_in,
                       'inside', sc.current_occupancy)
               ELSE
                   jsonb_build_object(
                       'rsvp_id', t.id, 'status', t.status, 'previous_status', t.prev,
                       'title', s.title, 'starts_at', capctl_utc(s.starts_at),
                       'ends_at', capctl_utc(s.ends_at), 'room', s.room,
                       'name', g.name, 'email', g.email,
                       'offer_expires_at', capctl_utc(t.offer_expires_at),
                       'waitlist_position',
                       CASE WHEN t.status = 'WAITLISTED' THEN sc.waitlist_length - t.behind END)
               END
          FROM (SELECT x.*,
                       (count(*) FILTER (WHERE x.status = 'WAITLISTED' AND NOT x.door)
                            OVER (PARTITION BY x.session_id ORDER BY x.waitlist_seq DESC NULLS LAST) - 1)::integer AS behind
                  FROM (SELECT r.*, old_map -> r.id ->> 0 AS prev, true AS door, 0 AS part,
                               CASE WHEN r.walk_in THEN 'walk_in_admitted' ELSE 'checked_in' END AS kind
                          FROM nr r
                         WHERE (old_map -> r.id ->> 1)::boolean IS NOT TRUE AND r.checked_in_at IS NOT NULL
                        UNION ALL
                        SELECT r.*, old_map -> r.id ->> 0, false, 1,
                               CASE r.status WHEN 'CONFIRMED' THEN 'confirmed' WHEN 'WAITLISTED' THEN 'waitlisted'
                                             WHEN 'OFFERED' THEN 'offer_made' WHEN 'EXPIRED' THEN 'offer_expired'
                                             WHEN 'CANCELLED' THEN 'cancelled' WHEN 'NO_SHOW' THEN 'no_show_released' END
                          FROM nr r
                         WHERE r.status IS DISTINCT FROM old_map -> r.id ->> 0
                           AND NOT (r.status = 'CONFIRMED' AND r.checked_in_at IS NOT NULL
                                    AND (old_map -> r.id ->> 1)::boolean IS NOT TRUE)) x) t
          JOIN sessions s ON s.id = t.session_id
          LEFT JOIN event_registrations g ON g.event_id = t.event_id AND g.user_id = t.user_id
          LEFT JOIN session_capacity sc ON sc.session_id = t.session_id
         WHERE t.kind IS NOT NULL
         ORDER BY t.rn, t.part;
        GET DIAGNOSTICS n = ROW_COUNT;
    END IF;
    IF n > 0 THEN
        PERFORM capctl_outbox_ring();
    END IF;
    RETURN NULL;
END $$;

-- The rows a settlement may change, locked before it changes any: the session's capacity row,
-- then (all at once, or none) the session's open offers and the given users' RSVPs. A
-- settlement of several requests touches offers and its users' rows one by one; a raw
-- multi-row writer (an operator expiring offers by hand) takes them in its own scan order.
-- Waiting for one of them while holding another could close a cycle that PostgreSQL breaks
-- by aborting one side (40P01), and the raw writer would be as likely a victim as capctl. So
-- the rows are taken NOWAIT: when one is busy, the attempt is rolled back (its locks released),
-- and tried again a moment later; a settlement never waits for a row while holding another.
-- After many attempts (a raw writer waiting for this capacity row while holding an offer) it
-- waits in index order instead, and PostgreSQL's deadlock detection settles it. The caller
-- holds the users' advisory locks it needs (they come first). Returns whether the session has
-- a capacity row.
CREATE FUNCTION capctl_lock_seats(p_session text, p_users text[]) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM session_capacity sc WHERE sc.session_id = p_session FOR UPDATE;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    FOR attempt IN 1..40 LOOP
        BEGIN
            PERFORM 1 FROM session_rsvps o
              WHERE o.session_id = p_session AND (o.status = 'OFFERED' OR o.user_id = ANY (p_users))
                FOR UPDATE NOWAIT;
            RETURN true;
        EXCEPTION WHEN lock_not_available THEN
            PERFORM pg_sleep(random() * least(attempt, 10) / 1000.0);
        END;
    END LOOP;
    PERFORM 1 FROM session_rsvps o
      WHERE o.session_id = p_session AND (o.status = 'OFFERED' OR o.user_id = ANY (p_users))
      ORDER BY o.offer_expires_at, o.ctid
        FOR UPDATE;
    RETURN true;
END $$;

DROP FUNCTION capctl_settle_requests(text, boolean);

-- Settles every pending request of the session visible now, in arrival order, then those that
-- arrived meanwhile (up to three rounds, one commit). The caller holds the session's settle
-- lock. Users' locks are taken up front in one global order (the order of their keys), so two
-- leaders never deadlock on them; the session's capacity row comes after, as in every direct
-- call, then the rows it may change (capctl_lock_seats, each round). A set-based batch when the
-- requests allow it (capctl_settle_batch), else one by one; with p_safe, each in a subtransaction, an error
-- becoming its answer (but a deadlock, a serialization failure, a lock or statement timeout
-- aborts the settlement: its caller tries again). p_holding: the caller already holds the
-- session's row (it has just settled a request itself), so users' locks are only tried, from
-- the first round. Returns how many.
CREATE FUNCTION capctl_settle_requests(p_session text, p_safe boolean DEFAULT false,
                                        p_holding boolean DEFAULT false) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    seqs  bigint[];
    q     record;
    total integer := 0;
    busy  boolean;
BEGIN
    FOR round IN 1..3 LOOP
        SELECT array_agg(r.seq ORDER BY r.seq) INTO seqs
          FROM capctl_seat_requests r WHERE r.session_id = p_session AND r.settled_at IS NULL;
        EXIT WHEN seqs IS NULL;
        IF round = 1 AND NOT p_holding THEN
            PERFORM pg_advisory_xact_lock(l.k)
               FROM (SELECT DISTINCT hashtextextended('capctl.user:' || r.user_id, 0) AS k
                       FROM unnest(seqs) AS o(seq)
                       CROSS JOIN LATERAL (SELECT x.user_id, x.kind FROM capctl_seat_requests x
                                            WHERE x.seq = o.seq LIMIT 1) r
                      WHERE r.kind = 'RSVP'
                      ORDER BY 1) l;
        ELSE
            -- Holding the session's row: a user's lock only if free (never wait on a user's
            -- lock behind a session lock); a user busy elsewhere waits for the next leader.
            SELECT bool_or(NOT pg_try_advisory_xact_lock(l.k)) INTO busy
              FROM (SELECT DISTINCT hashtextextended('capctl.user:' || r.user_id, 0) AS k
                      FROM unnest(seqs) AS o(seq)
                      CROSS JOIN LATERAL (SELECT x.user_id, x.kind FROM capctl_seat_requests x
                                           WHERE x.seq = o.seq LIMIT 1) r
                     WHERE r.kind = 'RSVP'
                     ORDER BY 1) l;
            EXIT WHEN busy;
        END IF;
        PERFORM capctl_lock_seats(p_session, array_agg(r.user_id))
           FROM unnest(seqs) AS o(seq)
           CROSS JOIN LATERAL (SELECT x.user_id FROM capctl_seat_requests x WHERE x.seq = o.seq LIMIT 1) r;
        total := total + cardinality(seqs);
        CONTINUE WHEN NOT p_safe AND capctl_settle_batch(p_session, seqs);
        FOR q IN SELECT r.seq, r.kind, r.user_id, r.allow_overlap
                   FROM unnest(seqs) AS o(seq)
                   CROSS JOIN LATERAL (SELECT x.seq, x.kind, x.user_id, x.allow_overlap FROM capctl_seat_requests x
                                        WHERE x.seq = o.seq LIMIT 1) r
                  ORDER BY r.seq LOOP
            IF p_safe THEN
                BEGIN
                    PERFORM capctl_settle_request(q.seq, q.kind, p_session, q.user_id, q.allow_overlap);
                EXCEPTION
                    WHEN deadlock_detected OR serialization_failure OR lock_not_available OR query_canceled THEN
                        RAISE;
                    WHEN OTHERS THEN
                        UPDATE capctl_seat_requests r
                           SET settled_at = clock_timestamp(), outcome = 'ERROR', error_code = SQLSTATE,
                               error_message = SQLERRM
                         WHERE r.seq = q.seq;
                END;
            ELSE
                PERFORM capctl_settle_request(q.seq, q.kind, p_session, q.user_id, q.allow_overlap);
            END IF;
        END LOOP;
    END LOOP;
    RETURN total;
END $$;

-- Appends a request and, when nobody is settling the session, settles (this one included).
-- Returns the request's row: settled_at set when answered, else the caller goes on with
-- capctl_seat_request_await(seq). The uncontended case (the settle lock free and nothing pending
-- once every earlier append has committed) has nobody to batch with: it takes its seq from the
-- request sequence under the append lock, as an append would, decides by the direct rule and
-- writes its request row already settled (one insert where a batch appends, reads back and
-- rewrites). A request arriving meanwhile gets a larger seq and is settled after this one, by
-- the same commit when it has appended by then, else by the next leader.
CREATE OR REPLACE FUNCTION capctl_seat_request_enter(p_kind text, p_session text, p_user text,
                                          p_allow_overlap boolean, p_safe boolean)
RETURNS SETOF capctl_seat_requests
LANGUAGE plpgsql AS $$
DECLARE
    my      bigint;
    app     bigint := capctl_append_lock_key(p_session);
    alone   boolean := false;
    arrived timestamptz;
    o       record;
    settled capctl_seat_requests%ROWTYPE;
BEGIN
    IF pg_try_advisory_xact_lock(capctl_settle_lock_key(p_session)) THEN
        -- Leader at once. The append lock is held only around the look and the append
        -- (session-level, released even when the INSERT fails): every append that took a
        -- smaller seq has committed, so it is settled here, before this one.
        PERFORM pg_advisory_lock(app);
        BEGIN
            arrived := clock_timestamp();
            alone := NOT p_safe AND NOT EXISTS (SELECT 1 FROM capctl_seat_requests r
                                                 WHERE r.session_id = p_session AND r.settled_at IS NULL);
            IF alone THEN
                my := nextval(pg_get_serial_sequence('capctl_seat_requests', 'seq'));
            ELSE
                INSERT INTO capctl_seat_requests (session_id, user_id, kind, allow_overlap)
                VALUES (p_session, p_user, p_kind, p_allow_overlap)
                RETURNING seq INTO my;
            END IF;
        EXCEPTION WHEN OTHERS OR query_canceled THEN
            PERFORM pg_advisory_unlock(app);
            RAISE;
        END;
        PERFORM pg_advisory_unlock(app);
        IF alone THEN
            IF p_kind = 'RSVP' THEN
                PERFORM pg_advisory_xact_lock(hashtextextended('capctl.user:' || p_user, 0));
                PERFORM capctl_lock_seats(p_session, ARRAY[p_user]);
                SELECT * INTO o FROM capctl_rsvp_decide(p_session, p_user, p_allow_overlap) d;
                INSERT INTO capctl_seat_requests AS q
                       (seq, session_id, user_id, kind, allow_overlap, requested_at, settled_at, outcome,
                        rsvp_id, status, waitlist_position, offer_expires_at, "overlaps", capacity, taken,
                        event_id)
                OVERRIDING SYSTEM VALUE
                VALUES (my, p_session, p_user, p_kind, p_allow_overlap, arrived, clock_timestamp(), o.outcome,
                        o.rsvp_id, o.status, o.waitlist_position, o.offer_expires_at, o."overlaps", o.capacity,
                        o.taken, o.event_id)
                RETURNING q.* INTO settled;
            ELSE
                PERFORM capctl_lock_seats(p_session, ARRAY[p_user]);
                SELECT * INTO o FROM capctl_cancel(p_session, p_user) d;
                INSERT INTO capctl_seat_requests AS q
                       (seq, session_id, user_id, kind, allow_overlap, requested_at, settled_at, outcome,
                        rsvp_id, previous_status, offers_sent)
                OVERRIDING SYSTEM VALUE
                VALUES (my, p_session, p_user, p_kind, p_allow_overlap, arrived, clock_timestamp(), o.outcome,
                        o.rsvp_id, o.previous_status, o.offers_sent)
                RETURNING q.* INTO settled;
            END IF;
            RETURN NEXT settled;
            -- Requests appended meanwhile go with the same commit.
            PERFORM capctl_settle_requests(p_session, false, true);
            RETURN;
        END IF;
        PERFORM capctl_settle_requests(p_session, p_safe);
    ELSE
        PERFORM pg_advisory_xact_lock(app);
        INSERT INTO capctl_seat_requests (session_id, user_id, kind, allow_overlap)
        VALUES (p_session, p_user, p_kind, p_allow_overlap)
        RETURNING seq INTO my;
        -- Nothing is promised before a settlement commits with its flush (see the top).
        PERFORM set_config('synchronous_commit', 'off', true);
    END IF;
    RETURN QUERY SELECT * FROM capctl_seat_requests r WHERE r.seq = my;
END $$;

-- Waits for a request's answer. Settled: returned at once. Otherwise: with the settle lock free,
-- settle (leader); else wait until the leader commits (a shared lock, released at once) and look
-- again: settled, or (it arrived after that leader looked) try to lead the next settlement, or
-- wait for the next leader; after three waits, block for the settle lock and settle. p_lead:
-- block for the settle lock at once. No row: the request is gone (the server restarted).
CREATE OR REPLACE FUNCTION capctl_seat_request_await(p_seq bigint, p_lead boolean DEFAULT false,
                                          p_safe boolean DEFAULT false)
RETURNS SETOF capctl_seat_requests
LANGUAGE plpgsql AS $$
DECLARE
    q   record;
    key bigint;
BEGIN
    SELECT r.session_id, r.settled_at INTO q FROM capctl_seat_requests r WHERE r.seq = p_seq;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    IF q.settled_at IS NULL THEN
        key := capctl_settle_lock_key(q.session_id);
        FOR wait IN 1..4 LOOP
            IF p_lead OR p_safe OR wait = 4 THEN
                PERFORM pg_advisory_xact_lock(key);
                PERFORM capctl_settle_requests(q.session_id, p_safe);
                EXIT;
            ELSIF pg_try_advisory_xact_lock(key) THEN
                PERFORM capctl_settle_requests(q.session_id, false);
                EXIT;
            END IF;
            PERFORM pg_advisory_lock_shared(key);
            PERFORM pg_advisory_unlock_shared(key);
            -- Each statement reads with a new snapshot: the leader's commit is visible.
            EXIT WHEN NOT EXISTS (SELECT 1 FROM capctl_seat_requests r
                                   WHERE r.seq = p_seq AND r.settled_at IS NULL);
        END LOOP;
    END IF;
    RETURN QUERY SELECT * FROM capctl_seat_requests r WHERE r.seq = p_seq;
END $$;

-- ---- reminders ---------------------------------------------------------------------------------
-- Reminders (capctl_queue_reminders, also on every watch pass with --reminders-within) look for
-- sessions starting within a window across every event: by this index, not by reading every
-- session of the platform's history.
CREATE INDEX sessions_starts_at ON sessions (starts_at);

-- ---- plans -------------------------------------------------------------------------------------
-- The rush runs these functions' statements thousands of times a second with new values. Every
-- statement looks rows up by key (the plan is the same for any value), so each is planned once
-- per connection instead of once per call for its first five calls and whenever PostgreSQL
-- judges a custom plan worth it.
ALTER FUNCTION capctl_seat_request_enter(text, text, text, boolean, boolean) SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION capctl_seat_request_await(bigint, boolean, boolean) SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION capctl_settle_requests(text, boolean, boolean) SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION capctl_settle_batch(text, bigint[]) SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION capctl_settle_request(bigint, text, text, text, boolean) SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION capctl_rsvp_decide(text, text, boolean) SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION capctl_lock_seats(text, text[]) SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION capctl_clashes(text, text, timestamptz, timestamptz) SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION capctl_waitlist_position(text, bigint) SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION capctl_cancel(text, text) SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION capctl_expire_offers(text) SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION capctl_fill_seats(text) SET plan_cache_mode = force_generic_plan;
