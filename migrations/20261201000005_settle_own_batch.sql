-- A process's batch settled as it is appended. Landed migrations are never edited: the
-- functions of 20261201000001 and 20261201000004 are replaced here with the same signatures and
-- result columns.
--
-- capctl_seat_requests_settle appended its callers' requests (an INSERT), then settled every
-- pending request of the session: it read them back, decided, and rewrote each request row with
-- its answer (an UPDATE that moves the row out of the pending index: a new row version and new
-- index entries), then read them again to answer. When nothing of the session is pending at the
-- append (the common case of a process whose callers are the whole rush, and of every quiet
-- session), there is nobody to settle but its own requests: they take their seqs under the
-- append lock, as an append would (every append that took a smaller seq has committed and is
-- settled), are decided from the call's arguments, and their rows are written once, already
-- settled, as the uncontended single request does (20261201000003). Requests arriving meanwhile
-- get larger seqs and are settled after them, by the same commit when they have appended by then,
-- else by the next leader. Answers and arrival order are those of the append-then-settle way.
--
-- The set-based decision of a batch of first RSVPs has one home, capctl_settle_rsvps: the
-- settlement of appended requests (capctl_settle_batch) and the own-batch path both use it.

-- Decides a batch of first RSVPs to one session set-based and writes their seat rows, in the
-- order given (seqs ascending): the same answers as capctl_rsvp_decide one after another. The
-- caller holds the users' locks and the session's rows (capctl_lock_seats). No row comes back
-- when the batch is not that simple (a user twice or holding a row of the session already, not
-- registered, a clash, a session ended, virtual or gone): then each is decided on its own.
CREATE FUNCTION capctl_settle_rsvps(p_session text, p_seqs bigint[], p_users text[],
                                    p_overlaps boolean[])
RETURNS TABLE (seq bigint, outcome text, rsvp_id text, status text, waitlist_position integer,
               capacity integer, taken integer, event_id text)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    s      record;
    c      record;
    cap    integer;
    n      integer := cardinality(p_seqs);
    simple boolean;
    free   integer;
    nwait  integer;
    wseqs  bigint[];
BEGIN
    SELECT se.event_id, se.starts_at, se.ends_at, se.format, se.waitlist_enabled INTO s
      FROM sessions se WHERE se.id = p_session;
    IF NOT FOUND OR now() >= s.ends_at OR s.format <> 'IN_PERSON' THEN
        RETURN;
    END IF;
    -- Row by row through indexes (LATERAL ... LIMIT 1 is never flattened into a join that
    -- would scan a hot session's RSVPs or the event's registrations).
    SELECT count(*) = n AND count(DISTINCT u.user_id) = n INTO simple
      FROM unnest(p_users, p_overlaps) AS u(user_id, allow_overlap)
      CROSS JOIN LATERAL (SELECT 1 FROM event_registrations g
                           WHERE g.event_id = s.event_id AND g.user_id = u.user_id AND g.status = 'REGISTERED'
                           LIMIT 1) reg
      LEFT JOIN LATERAL (SELECT 1 AS taken FROM session_rsvps x
                          WHERE x.session_id = p_session AND x.user_id = u.user_id LIMIT 1) dup ON true
     WHERE dup.taken IS NULL
       AND (u.allow_overlap OR cardinality(capctl_clashes(u.user_id, p_session, s.starts_at, s.ends_at)) = 0);
    IF NOT simple THEN
        RETURN;
    END IF;
    SELECT sc.maximum_capacity, sc.current_attendance, sc.waitlist_length INTO c
      FROM session_capacity sc WHERE sc.session_id = p_session FOR UPDATE;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    cap := COALESCE(c.maximum_capacity, capctl_session_capacity(p_session));
    IF EXISTS (SELECT 1 FROM session_rsvps o
                WHERE o.session_id = p_session AND o.status = 'OFFERED' AND o.offer_expires_at <= now()) THEN
        PERFORM capctl_settle(p_session);
        SELECT sc.current_attendance, sc.waitlist_length INTO c.current_attendance, c.waitlist_length
          FROM session_capacity sc WHERE sc.session_id = p_session;
    END IF;
    free := CASE WHEN cap IS NULL THEN n ELSE LEAST(GREATEST(cap - c.current_attendance, 0), n) END;
    nwait := CASE WHEN s.waitlist_enabled THEN n - free ELSE 0 END;
    IF nwait > 0 THEN
        SELECT array_agg(x.v ORDER BY x.v) INTO wseqs
          FROM (SELECT nextval('session_rsvps_waitlist_seq') AS v FROM generate_series(1, nwait)) x;
    END IF;
    RETURN QUERY
    WITH d AS (
        SELECT u.seq, u.i::integer AS i, u.user_id, u.allow_overlap,
               CASE WHEN u.i <= free THEN 'CONFIRMED' WHEN s.waitlist_enabled THEN 'WAITLISTED' ELSE 'FULL' END AS outcome
          FROM unnest(p_seqs, p_users, p_overlaps) WITH ORDINALITY AS u(seq, user_id, allow_overlap, i)
    ), ins AS (
        INSERT INTO session_rsvps AS x (id, session_id, user_id, event_id, status, waitlist_seq, confirmed_at, allow_overlap)
        SELECT 'srsvp_' || gen_random_uuid(), p_session, d.user_id, s.event_id, d.outcome,
               CASE WHEN d.outcome = 'WAITLISTED' THEN wseqs[d.i - free] END,
               CASE WHEN d.outcome = 'CONFIRMED' THEN now() END, d.allow_overlap
          FROM d WHERE d.outcome <> 'FULL'
         ORDER BY d.i
        RETURNING x.id, x.user_id
    )
    SELECT d.seq, d.outcome, ins.id,
           CASE WHEN d.outcome <> 'FULL' THEN d.outcome END,
           CASE WHEN d.outcome = 'WAITLISTED' THEN c.waitlist_length + d.i - free END,
           cap, c.current_attendance + LEAST(d.i, free), s.event_id
      FROM d LEFT JOIN ins ON ins.user_id = d.user_id
     ORDER BY d.i;
END $$;

-- Settles a batch of appended requests set-based when they are all first RSVPs that allow it
-- (capctl_settle_rsvps), writing each answer into its request row. Returns whether it did (else
-- nothing was written and the caller settles them one by one).
CREATE OR REPLACE FUNCTION capctl_settle_batch(p_session text, p_seqs bigint[]) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    users    text[];
    allows   boolean[];
    rsvps    boolean;
BEGIN
    SELECT array_agg(q.user_id ORDER BY o.i), array_agg(q.allow_overlap ORDER BY o.i),
           bool_and(q.kind = 'RSVP') AND count(*) = cardinality(p_seqs)
      INTO users, allows, rsvps
      FROM unnest(p_seqs) WITH ORDINALITY AS o(seq, i)
      CROSS JOIN LATERAL (SELECT r.user_id, r.kind, r.allow_overlap FROM capctl_seat_requests r
                           WHERE r.seq = o.seq LIMIT 1) q;
    IF rsvps IS NOT TRUE THEN
        RETURN false;
    END IF;
    UPDATE capctl_seat_requests q
       SET settled_at = clock_timestamp(), outcome = d.outcome, rsvp_id = d.rsvp_id, status = d.status,
           waitlist_position = d.waitlist_position, offer_expires_at = NULL, "overlaps" = '{}',
           capacity = d.capacity, taken = d.taken, event_id = d.event_id
      FROM capctl_settle_rsvps(p_session, p_seqs, users, allows) d
     WHERE q.seq = d.seq;
    RETURN FOUND;
END $$;

-- Requests settled together by the process that made them (20261201000004), now with the
-- own-batch path described at the top: taken when the call is not in safe mode and nothing of
-- the session is pending at the append. A batch that is not simple (a cancel, a repeat, a
-- refusal) is appended as any and settled one by one, in order, before whatever arrived
-- meanwhile. Otherwise as before: append, then settle every pending request in arrival order.
CREATE OR REPLACE FUNCTION capctl_seat_requests_settle(p_session text, p_kinds text[], p_users text[],
                                                       p_overlaps boolean[], p_safe boolean DEFAULT false)
RETURNS SETOF capctl_seat_requests
LANGUAGE plpgsql AS $$
DECLARE
    app     bigint := capctl_append_lock_key(p_session);
    seqs    bigint[];
    alone   boolean := false;
    arrived timestamptz;
    done    boolean := false;
    one     record;
BEGIN
    IF cardinality(p_kinds) IS DISTINCT FROM cardinality(p_users)
       OR cardinality(p_kinds) IS DISTINCT FROM cardinality(p_overlaps) THEN
        RAISE EXCEPTION 'kinds, users and overlaps must be arrays of the same length'
              USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM pg_advisory_xact_lock(capctl_settle_lock_key(p_session));
    -- Session-level, released even when the INSERT fails (as in capctl_seat_request_enter).
    PERFORM pg_advisory_lock(app);
    BEGIN
        arrived := clock_timestamp();
        alone := NOT p_safe AND NOT EXISTS (SELECT 1 FROM capctl_seat_requests r
                                             WHERE r.session_id = p_session AND r.settled_at IS NULL);
        IF alone THEN
            SELECT array_agg(x.v ORDER BY x.v) INTO seqs
              FROM (SELECT nextval(pg_get_serial_sequence('capctl_seat_requests', 'seq')) AS v
                      FROM generate_series(1, cardinality(p_users))) x;
        ELSE
            WITH ins AS (
                INSERT INTO capctl_seat_requests (session_id, user_id, kind, allow_overlap)
                SELECT p_session, u.user_id, u.kind, u.allow_overlap
                  FROM unnest(p_users, p_kinds, p_overlaps) WITH ORDINALITY AS u(user_id, kind, allow_overlap, i)
                 ORDER BY u.i
                RETURNING seq)
            SELECT array_agg(ins.seq ORDER BY ins.seq) INTO seqs FROM ins;
        END IF;
    EXCEPTION WHEN OTHERS OR query_canceled THEN
        PERFORM pg_advisory_unlock(app);
        RAISE;
    END;
    PERFORM pg_advisory_unlock(app);
    IF NOT alone THEN
        PERFORM capctl_settle_requests(p_session, p_safe);
    ELSE
        -- The users' locks in one global order (holding no row yet, as a leader's first round),
        -- then the session's rows.
        PERFORM pg_advisory_xact_lock(l.k)
           FROM (SELECT DISTINCT hashtextextended('capctl.user:' || u.user_id, 0) AS k
                   FROM unnest(p_users, p_kinds) AS u(user_id, kind)
                  WHERE u.kind = 'RSVP'
                  ORDER BY 1) l;
        PERFORM capctl_lock_seats(p_session, p_users);
        IF 'CANCEL' <> ALL (p_kinds) THEN
            RETURN QUERY
            WITH ins AS (
                INSERT INTO capctl_seat_requests AS q
                       (seq, session_id, user_id, kind, allow_overlap, requested_at, settled_at, outcome,
                        rsvp_id, status, waitlist_position, offer_expires_at, "overlaps", capacity, taken,
                        event_id)
                OVERRIDING SYSTEM VALUE
                SELECT d.seq, p_session, u.user_id, 'RSVP', u.allow_overlap, arrived, clock_timestamp(),
                       d.outcome, d.rsvp_id, d.status, d.waitlist_position, NULL, '{}', d.capacity, d.taken,
                       d.event_id
                  FROM unnest(seqs, p_users, p_overlaps) AS u(seq, user_id, allow_overlap)
                  JOIN capctl_settle_rsvps(p_session, seqs, p_users, p_overlaps) d ON d.seq = u.seq
                RETURNING q.*)
            SELECT * FROM ins ORDER BY ins.seq;
            done := FOUND;
        END IF;
        IF NOT done THEN
            INSERT INTO capctl_seat_requests (seq, session_id, user_id, kind, allow_overlap, requested_at)
            OVERRIDING SYSTEM VALUE
            SELECT u.seq, p_session, u.user_id, u.kind, u.allow_overlap, arrived
              FROM unnest(seqs, p_users, p_kinds, p_overlaps) AS u(seq, user_id, kind, allow_overlap)
             ORDER BY u.seq;
            FOR one IN SELECT u.seq, u.user_id, u.kind, u.allow_overlap
                         FROM unnest(seqs, p_users, p_kinds, p_overlaps) AS u(seq, user_id, kind, allow_overlap)
                        ORDER BY u.seq LOOP
                PERFORM capctl_settle_request(one.seq, one.kind, p_session, one.user_id, one.allow_overlap);
            END LOOP;
        END IF;
        -- Requests appended meanwhile go with the same commit.
        PERFORM capctl_settle_requests(p_session, false, true);
    END IF;
    IF NOT done THEN
        RETURN QUERY SELECT a.* FROM unnest(seqs) AS o(seq)
                     CROSS JOIN LATERAL (SELECT * FROM capctl_seat_requests x WHERE x.seq = o.seq LIMIT 1) a
                     ORDER BY a.seq;
    END IF;
END $$;

-- CREATE OR REPLACE resets a function's settings: those of 20261201000003 and 20261201000004 again.
ALTER FUNCTION capctl_settle_rsvps(text, bigint[], text[], boolean[]) SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION capctl_settle_batch(text, bigint[]) SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION capctl_seat_requests_settle(text, text[], text[], boolean[], boolean)
    SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION capctl_seat_requests_settle(text, text[], text[], boolean[], boolean) SET enable_seqscan = off;
