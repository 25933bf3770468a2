-- The uncontended RSVP without a request row, and a stable lock order against raw writers of
-- offers. Landed migrations are never edited: functions are replaced here with the same
-- signatures and result columns.
--
-- 1. Fast path. A caller that takes a session's settle lock and finds nothing pending (every
--    earlier append has committed: it holds the append lock while it looks) has nobody to batch
--    with. It takes its arrival number from the request sequence, as an append would, calls the
--    direct rule (capctl_rsvp_decide / capctl_cancel), and writes its request row already settled
--    (one insert, where the batched path appends, reads back and rewrites the row): the same row,
--    the same record of arrival. A request that arrives meanwhile
--    appends after it (a larger seq) and is settled by the next leader, once this call has
--    committed, so arrival order still decides. A direct rule that raises (safe mode's case) rolls
--    back the whole call, and the caller retries in safe mode through the request table.
--
-- 2. Lock order. A settlement (batched or not) takes the session's capacity row and then the
--    session's open offers, in index order (offer expiry, then row position: the order in which
--    an UPDATE ... WHERE session_id = $1 AND status = 'OFFERED' visits them), before it changes any
--    RSVP. A raw multi-row writer of offers (an operator expiring them by hand) and a settlement
--    of several requests, each of which may touch offers, used to take those rows in different
--    orders and could deadlock (PostgreSQL aborts one of them with 40P01).
--
-- 3. Safe mode (one subtransaction per request) no longer turns a deadlock or a serialization
--    failure into a request's answer: those abort the settlement, whose caller retries it.

-- The session's capacity row, then its open offers in index order. Returns whether the
-- session has a capacity row. The caller holds the users' locks it needs (user locks come first).
CREATE FUNCTION capctl_lock_seats(p_session text) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM session_capacity sc WHERE sc.session_id = p_session FOR UPDATE;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    PERFORM 1 FROM session_rsvps o
      WHERE o.session_id = p_session AND o.status = 'OFFERED'
      ORDER BY o.offer_expires_at, o.ctid
        FOR UPDATE;
    RETURN true;
END $$;

-- As in 20261201000001, with the lock order of (2) and the safe mode of (3).
CREATE OR REPLACE FUNCTION capctl_settle_requests(p_session text, p_safe boolean DEFAULT false) RETURNS integer
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
        IF round = 1 THEN
            PERFORM pg_advisory_xact_lock(l.k)
               FROM (SELECT DISTINCT hashtextextended('capctl.user:' || r.user_id, 0) AS k
                       FROM unnest(seqs) AS o(seq)
                       CROSS JOIN LATERAL (SELECT x.user_id, x.kind FROM capctl_seat_requests x
                                            WHERE x.seq = o.seq LIMIT 1) r
                      WHERE r.kind = 'RSVP'
                      ORDER BY 1) l;
            PERFORM capctl_lock_seats(p_session);
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

-- As in 20261201000001, with the fast path of (1).
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
                PERFORM capctl_lock_seats(p_session);
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
                PERFORM capctl_lock_seats(p_session);
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
            RETURN;
        END IF;
        PERFORM capctl_settle_requests(p_session, p_safe);
    ELSE
        PERFORM pg_advisory_xact_lock(app);
        INSERT INTO capctl_seat_requests (session_id, user_id, kind, allow_overlap)
        VALUES (p_session, p_user, p_kind, p_allow_overlap)
        RETURNING seq INTO my;
        -- Nothing is promised before a settlement commits with its flush (see 20261201000001).
        PERFORM set_config('synchronous_commit', 'off', true);
    END IF;
    RETURN QUERY SELECT * FROM capctl_seat_requests r WHERE r.seq = my;
END $$;
