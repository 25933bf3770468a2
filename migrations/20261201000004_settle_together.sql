-- Requests settled together by the process that made them. A process with many callers on one
-- session (a server embedding capctl, `bench rsvp`, the daemon) gathers the requests its callers
-- make while its previous settlement of that session is in flight, and hands them over in one
-- call: appended in the order they were made (their seqs), settled with every request of the
-- session pending before them, in arrival order, in one transaction with one commit. Each
-- caller's answer is its request's row, as with capctl_seat_request_enter.
--
-- The call blocks for the session's settle lock before it appends (it holds nothing while it
-- waits), then appends under the append lock as a leader does (every append that took a smaller
-- seq has committed: it is settled here, before these), then settles (capctl_settle_requests).
-- Arrival order across processes is the seq, as before; within the process, the order its
-- callers' requests were made. With p_safe each request is settled in a subtransaction and an
-- error becomes that request's answer (see capctl_settle_requests).
CREATE FUNCTION capctl_seat_requests_settle(p_session text, p_kinds text[], p_users text[],
                                            p_overlaps boolean[], p_safe boolean DEFAULT false)
RETURNS SETOF capctl_seat_requests
LANGUAGE plpgsql AS $$
DECLARE
    app  bigint := capctl_append_lock_key(p_session);
    seqs bigint[];
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
        WITH ins AS (
            INSERT INTO capctl_seat_requests (session_id, user_id, kind, allow_overlap)
            SELECT p_session, u.user_id, u.kind, u.allow_overlap
              FROM unnest(p_users, p_kinds, p_overlaps) WITH ORDINALITY AS u(user_id, kind, allow_overlap, i)
             ORDER BY u.i
            RETURNING seq)
        SELECT array_agg(ins.seq ORDER BY ins.seq) INTO seqs FROM ins;
    EXCEPTION WHEN OTHERS OR query_canceled THEN
        PERFORM pg_advisory_unlock(app);
        RAISE;
    END;
    PERFORM pg_advisory_unlock(app);
    PERFORM capctl_settle_requests(p_session, p_safe);
    RETURN QUERY SELECT r.* FROM unnest(seqs) AS o(seq)
                 CROSS JOIN LATERAL (SELECT * FROM capctl_seat_requests x WHERE x.seq = o.seq LIMIT 1) r
                 ORDER BY r.seq;
END $$;

ALTER FUNCTION capctl_seat_requests_settle(text, text[], text[], boolean[], boolean)
    SET plan_cache_mode = force_generic_plan;

-- ---- plans that do not depend on statistics ----------------------------------------------------
-- The rush's statements look rows up by key, and their generic plans are made once per
-- connection. Made while a table's statistics are missing or stale (a new database, the first
-- ticket drop after a deploy, capctl_seat_requests growing from empty within a minute), they
-- scanned whole tables: the request table on every lookup by seq, and the hot session's RSVPs
-- through the export index where the session-and-user key was meant (a duplicate check per
-- request). Measured on a new database: 0.6x of the same rush a minute later, 0.2x when the
-- empty tables had been analyzed. Every statement of these calls (and of the functions and
-- triggers they run) has an index for its lookup, so sequential scans are off for them.
ALTER FUNCTION capctl_seat_requests_settle(text, text[], text[], boolean[], boolean) SET enable_seqscan = off;
ALTER FUNCTION capctl_seat_request_enter(text, text, text, boolean, boolean) SET enable_seqscan = off;
ALTER FUNCTION capctl_seat_request_await(bigint, boolean, boolean) SET enable_seqscan = off;
ALTER FUNCTION capctl_settle_stale_requests(interval) SET enable_seqscan = off;

-- capctl_lock_seats (20261201000003) locked the session's open offers and its callers' RSVPs with
-- one condition, status = 'OFFERED' OR user_id = ANY (users). Planned while the session had few
-- rows, that condition was read through the export index by session alone: every settlement of a
-- first rush scanned all of the session's RSVPs (0.9 ms a batch at 4000 RSVPs, growing). Now the
-- rows are named by id: the offers through the offers index, each user's row through the
-- session-and-user key, a lookup whatever the statistics say. Same rows, same order of attempts.
CREATE OR REPLACE FUNCTION capctl_lock_seats(p_session text, p_users text[]) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    ids text[];
BEGIN
    PERFORM 1 FROM session_capacity sc WHERE sc.session_id = p_session FOR UPDATE;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    FOR attempt IN 1..40 LOOP
        -- Read again each attempt: an offer may have been made or ended meanwhile.
        SELECT array_agg(x.id) INTO ids
          FROM (SELECT o.id FROM session_rsvps o
                 WHERE o.session_id = p_session AND o.status = 'OFFERED'
                UNION
                SELECT m.id FROM unnest(p_users) AS u(user_id)
                 CROSS JOIN LATERAL (SELECT o.id FROM session_rsvps o
                                      WHERE o.session_id = p_session AND o.user_id = u.user_id
                                      LIMIT 1) m) x;
        IF ids IS NULL THEN
            RETURN true;
        END IF;
        BEGIN
            PERFORM 1 FROM session_rsvps o WHERE o.id = ANY (ids) FOR UPDATE NOWAIT;
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

-- CREATE OR REPLACE resets a function's settings: the generic plans of 20261201000003 again.
ALTER FUNCTION capctl_lock_seats(text, text[]) SET plan_cache_mode = force_generic_plan;
