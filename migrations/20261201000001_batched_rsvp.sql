-- Batched RSVPs (the rush path) and O(N) bulk writes. Landed migrations are never edited:
-- functions are replaced here with the same signatures and result columns.
--
-- 1. The rush path. One hot session used to cost one lock wait plus one WAL flush per RSVP.
--    Now a caller appends a request (arrival order = its seq) and whoever holds the session's
--    settle lock settles EVERY pending request of the session, in arrival order, in one
--    transaction with one commit:
--
--      capctl_rsvp_enter / capctl_cancel_enter (one round trip): try the settle lock;
--          won:  append (seq), settle all pending requests (this one included), commit
--                durably, answer;
--          lost: append (seq) holding the append lock to commit, commit without waiting for
--                the flush, answer "pending".
--      capctl_seat_request_await(seq, lead) (one more round trip, rarely two)
--        settled -> answer; else try the settle lock and settle, or wait (shared) until the
--        leader commits and read the answer; still pending (arrived after the leader looked):
--        call again with lead => block for the settle lock and settle.
--
--    Arrival order: appends of one session take the append lock from before their seq until
--    their commit (a leader's own append: until its seq is taken, and it settles that one
--    itself), so a leader always sees a gap-free prefix of the session's requests: nobody who
--    arrived later is settled before someone who arrived earlier.
--    Each request is settled by capctl_rsvp_decide / capctl_cancel, the very rules of the direct
--    calls, so outcomes (and outbox rows) are those of the same calls made one after another; a
--    batch of first RSVPs is settled set-based with the same answers (capctl_settle_batch), and
--    requests that arrive while a batch is settled join it (up to three rounds, one commit).
--
--    Durability: the request table is UNLOGGED (its rows never reach the WAL) and a losing append
--    commits without waiting for a flush. A caller is told nothing before the settlement that
--    answers it has committed, with its flush, the seat rows it wrote. A crash before that loses the
--    request with the caller's connection (exit 7, nothing happened); after it, the seat is real
--    and only the answer was lost in transit, as with a direct call. A caller killed after its
--    append leaves a pending request: the next leader of the session settles it (the seat is
--    real, as if the answer had been lost), and a reconcile pass settles requests left pending
--    longer than a few seconds when nobody else came (capctl_settle_stale_requests).
--
--    A request whose settlement raises (a buggy writer left the counters wrong, say) must not
--    poison its batch: callers retry with p_safe, which settles each request in a subtransaction
--    and records the error (error_code, error_message) as that request's answer.
--
-- 2. The seat triggers are statement-level, with transition tables: one INSERT, UPDATE or DELETE
--    of N RSVPs rewrites each session's counters once (it was once per row, and rewriting one row
--    N times in a transaction costs O(N^2)). The guard still refuses the whole statement when a
--    session would go over capacity (CP001), raw RSVPs for virtual sessions are still refused
--    (CP003, now checked per statement and by capctl_rsvp on the session row it reads anyway),
--    and the outbox still gets exactly one row per transition.

-- ---- the requests ------------------------------------------------------------------------------

CREATE UNLOGGED TABLE capctl_seat_requests (
    -- Arrival order (per session: see the append lock above).
    seq               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    session_id        text NOT NULL,
    user_id           text NOT NULL,
    kind              text NOT NULL CHECK (kind IN ('RSVP', 'CANCEL')),
    allow_overlap     boolean NOT NULL DEFAULT false,
    requested_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    -- NULL while pending. Then the answer: capctl_rsvp's or capctl_cancel's columns, or
    -- outcome 'ERROR' with the SQLSTATE and message a direct call would have raised.
    settled_at        timestamptz,
    outcome           text,
    rsvp_id           text,
    status            text,
    waitlist_position integer,
    offer_expires_at  timestamptz,
    "overlaps"        text[],
    capacity          integer,
    taken             integer,
    event_id          text,
    previous_status   text,
    offers_sent       integer,
    error_code        text,
    error_message     text
);
CREATE INDEX capctl_seat_requests_pending ON capctl_seat_requests (session_id, seq) WHERE settled_at IS NULL;
CREATE INDEX capctl_seat_requests_settled ON capctl_seat_requests (settled_at) WHERE settled_at IS NOT NULL;

-- The session's settle lock (one leader at a time) and append lock (arrival order).
CREATE FUNCTION capctl_settle_lock_key(p_session text) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN hashtextextended('capctl.settle:' || p_session, 0);

CREATE FUNCTION capctl_append_lock_key(p_session text) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN hashtextextended('capctl.append:' || p_session, 0);

-- ---- the RSVP rule -----------------------------------------------------------------------------

-- capctl_rsvp's rules, answering VIRTUAL where capctl_rsvp raises CP003 (a settlement must not
-- abort its batch). The session row read first also yields the format: the check that used to
-- be a per-row trigger reading the session again.
CREATE FUNCTION capctl_rsvp_decide(p_session text, p_user text, p_allow_overlap boolean)
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
    SELECT se.event_id, se.starts_at, se.ends_at, se.format INTO s FROM sessions se WHERE se.id = p_session;
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
    ELSE
        RETURN QUERY SELECT 'FULL', NULL::text, NULL::text, NULL::integer, NULL::timestamptz, '{}'::text[],
                            cap, c.current_attendance, s.event_id;
        RETURN;
    END IF;
    -- Where the row trigger used to raise CP003: every earlier answer is the same as before.
    IF s.format = 'VIRTUAL' THEN
        RETURN QUERY SELECT 'VIRTUAL', NULL::text, NULL::text, NULL::integer, NULL::timestamptz, '{}'::text[],
                            cap, c.current_attendance, s.event_id;
        RETURN;
    END IF;
    IF new_status = 'WAITLISTED' THEN
        new_seq := nextval('session_rsvps_waitlist_seq');
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

CREATE FUNCTION capctl_virtual_refusal(p_session text) RETURNS text
LANGUAGE sql IMMUTABLE
RETURN format('session %s is virtual: RSVPs, waitlists and check-in are for in-person sessions; attendees join it instead',
              quote_literal(p_session));

-- The direct call, as before (same outcomes; CP003 raised for a virtual session).
CREATE OR REPLACE FUNCTION capctl_rsvp(p_session text, p_user text, p_allow_overlap boolean DEFAULT false)
RETURNS TABLE (outcome text, rsvp_id text, status text, waitlist_position integer,
               offer_expires_at timestamptz, overlaps text[], capacity integer, taken integer,
               event_id text)
LANGUAGE plpgsql AS $$
DECLARE
    o record;
BEGIN
    SELECT * INTO o FROM capctl_rsvp_decide(p_session, p_user, p_allow_overlap) d;
    IF o.outcome = 'VIRTUAL' THEN
        RAISE EXCEPTION '%', capctl_virtual_refusal(p_session) USING ERRCODE = 'CP003';
    END IF;
    RETURN QUERY SELECT o.outcome, o.rsvp_id, o.status, o.waitlist_position, o.offer_expires_at, o."overlaps",
                        o.capacity, o.taken, o.event_id;
END $$;

-- ---- settling ----------------------------------------------------------------------------------

-- One request, by the direct rules; its answer written into its row.
CREATE FUNCTION capctl_settle_request(p_seq bigint, p_kind text, p_session text, p_user text,
                                      p_allow_overlap boolean) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    o record;
BEGIN
    IF p_kind = 'RSVP' THEN
        SELECT * INTO o FROM capctl_rsvp_decide(p_session, p_user, p_allow_overlap) d;
        UPDATE capctl_seat_requests q
           SET settled_at = clock_timestamp(), outcome = o.outcome, rsvp_id = o.rsvp_id, status = o.status,
               waitlist_position = o.waitlist_position, offer_expires_at = o.offer_expires_at,
               "overlaps" = o."overlaps", capacity = o.capacity, taken = o.taken, event_id = o.event_id
         WHERE q.seq = p_seq;
    ELSE
        SELECT * INTO o FROM capctl_cancel(p_session, p_user) d;
        UPDATE capctl_seat_requests q
           SET settled_at = clock_timestamp(), outcome = o.outcome, rsvp_id = o.rsvp_id,
               previous_status = o.previous_status, offers_sent = o.offers_sent
         WHERE q.seq = p_seq;
    END IF;
END $$;

-- The rush's common case, set-based: every request of the batch is a first RSVP of a registered
-- user (each user once), to an in-person session not ended, without a clash (or allowing it).
-- Then the direct rules, taken one by one in arrival order, confirm the first free seats and
-- waitlist (or refuse as full) the rest, and nothing else changes between them: one INSERT of
-- the rows (the statement triggers count them and write their outbox rows once) and one UPDATE
-- of the answers, with the same answers. Returns false, having written nothing, when the batch
-- is not that case (capctl_settle_requests then takes the requests one by one). The caller holds
-- the settle lock and the users' locks.
CREATE FUNCTION capctl_settle_batch(p_session text, p_seqs bigint[]) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    s     record;
    c     record;
    cap   integer;
    n      integer := cardinality(p_seqs);
    simple boolean;
    free  integer;
    nwait integer;
    wseqs bigint[];
BEGIN
    SELECT se.event_id, se.starts_at, se.ends_at, se.format, se.waitlist_enabled INTO s
      FROM sessions se WHERE se.id = p_session;
    IF NOT FOUND OR now() >= s.ends_at OR s.format <> 'IN_PERSON' THEN
        RETURN false;
    END IF;
    -- Row by row through indexes (LATERAL ... LIMIT 1 is never flattened into a join that
    -- would scan a hot session's RSVPs, the event's registrations or the request table).
    SELECT count(*) = n AND count(DISTINCT q.user_id) = n INTO simple
      FROM unnest(p_seqs) AS o(seq)
      CROSS JOIN LATERAL (SELECT r.user_id, r.kind, r.allow_overlap FROM capctl_seat_requests r
                           WHERE r.seq = o.seq LIMIT 1) q
      CROSS JOIN LATERAL (SELECT 1 FROM event_registrations g
                           WHERE g.event_id = s.event_id AND g.user_id = q.user_id AND g.status = 'REGISTERED'
                           LIMIT 1) reg
      LEFT JOIN LATERAL (SELECT 1 AS taken FROM session_rsvps x
                          WHERE x.session_id = p_session AND x.user_id = q.user_id LIMIT 1) dup ON true
     WHERE q.kind = 'RSVP' AND dup.taken IS NULL
       AND (q.allow_overlap OR cardinality(capctl_clashes(q.user_id, p_session, s.starts_at, s.ends_at)) = 0);
    IF NOT simple THEN
        RETURN false;
    END IF;
    SELECT sc.maximum_capacity, sc.current_attendance, sc.waitlist_length INTO c
      FROM session_capacity sc WHERE sc.session_id = p_session FOR UPDATE;
    IF NOT FOUND THEN
        RETURN false;
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
    WITH d AS (
        SELECT o.seq, o.i::integer AS i, q.user_id, q.allow_overlap,
               CASE WHEN o.i <= free THEN 'CONFIRMED' WHEN s.waitlist_enabled THEN 'WAITLISTED' ELSE 'FULL' END AS outcome
          FROM unnest(p_seqs) WITH ORDINALITY AS o(seq, i)
          CROSS JOIN LATERAL (SELECT r.user_id, r.allow_overlap FROM capctl_seat_requests r
                               WHERE r.seq = o.seq LIMIT 1) q
    ), ins AS (
        INSERT INTO session_rsvps AS x (id, session_id, user_id, event_id, status, waitlist_seq, confirmed_at, allow_overlap)
        SELECT 'srsvp_' || gen_random_uuid(), p_session, d.user_id, s.event_id, d.outcome,
               CASE WHEN d.outcome = 'WAITLISTED' THEN wseqs[d.i - free] END,
               CASE WHEN d.outcome = 'CONFIRMED' THEN now() END, d.allow_overlap
          FROM d WHERE d.outcome <> 'FULL'
         ORDER BY d.i
        RETURNING x.id, x.user_id
    )
    UPDATE capctl_seat_requests q
       SET settled_at = clock_timestamp(), outcome = d.outcome, rsvp_id = ins.id,
           status = CASE WHEN d.outcome <> 'FULL' THEN d.outcome END,
           waitlist_position = CASE WHEN d.outcome = 'WAITLISTED' THEN c.waitlist_length + d.i - free END,
           offer_expires_at = NULL, "overlaps" = '{}', capacity = cap,
           taken = c.current_attendance + LEAST(d.i, free), event_id = s.event_id
      FROM d LEFT JOIN ins ON ins.user_id = d.user_id
     WHERE q.seq = d.seq;
    RETURN true;
END $$;

-- Settles every pending request of the session visible now, in arrival order, then those that
-- arrived meanwhile (up to three rounds, one commit). The caller holds the session's settle
-- lock. Users' locks are taken up front in one global order (the order of their keys), so two
-- leaders never deadlock on them; the session's capacity row comes after, as in every direct
-- call. A set-based batch when the requests allow it (capctl_settle_batch), else one by one;
-- with p_safe, each in a subtransaction, an error becoming its answer. Returns how many.
CREATE FUNCTION capctl_settle_requests(p_session text, p_safe boolean DEFAULT false) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    seqs  bigint[];
    q     record;
    total integer := 0;
    busy  boolean;
BEGIN
    -- A few rounds: requests appended while a round was settled are answered by the same commit.
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
        ELSE
            -- Now holding the session's row: a user's lock only if free (never wait on a user's
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
                EXCEPTION WHEN OTHERS THEN
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
-- capctl_seat_request_await(seq).
CREATE FUNCTION capctl_seat_request_enter(p_kind text, p_session text, p_user text,
                                          p_allow_overlap boolean, p_safe boolean)
RETURNS SETOF capctl_seat_requests
LANGUAGE plpgsql AS $$
DECLARE
    my  bigint;
    app bigint := capctl_append_lock_key(p_session);
BEGIN
    IF pg_try_advisory_xact_lock(capctl_settle_lock_key(p_session)) THEN
        -- Leader at once. The append lock is held only around the append (session-level, and
        -- released even when the INSERT fails): every append that took a smaller seq has
        -- committed, so it is settled here, before this one. Holding it to the commit would
        -- stall every other caller's append behind this settlement's WAL flush.
        PERFORM pg_advisory_lock(app);
        BEGIN
            INSERT INTO capctl_seat_requests (session_id, user_id, kind, allow_overlap)
            VALUES (p_session, p_user, p_kind, p_allow_overlap)
            RETURNING seq INTO my;
        EXCEPTION WHEN OTHERS OR query_canceled THEN
            PERFORM pg_advisory_unlock(app);
            RAISE;
        END;
        PERFORM pg_advisory_unlock(app);
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

-- The batched RSVP: capctl_rsvp's answer in the request row (outcome VIRTUAL where capctl_rsvp
-- raises CP003; ERROR with error_code/error_message in safe mode).
CREATE FUNCTION capctl_rsvp_enter(p_session text, p_user text, p_allow_overlap boolean DEFAULT false,
                                  p_safe boolean DEFAULT false)
RETURNS SETOF capctl_seat_requests
LANGUAGE sql AS $$
    SELECT * FROM capctl_seat_request_enter('RSVP', p_session, p_user, p_allow_overlap, p_safe)
$$;

-- The batched cancel: capctl_cancel's answer in the request row.
CREATE FUNCTION capctl_cancel_enter(p_session text, p_user text, p_safe boolean DEFAULT false)
RETURNS SETOF capctl_seat_requests
LANGUAGE sql AS $$
    SELECT * FROM capctl_seat_request_enter('CANCEL', p_session, p_user, false, p_safe)
$$;

-- Waits for a request's answer. Settled: returned at once. Otherwise: with the settle lock free,
-- settle (leader); else wait (shared) until the leader commits and return the row, which may
-- still be pending (it arrived after the leader looked). p_lead: block for the settle lock and
-- settle, for a second wait. No row: the request is gone (the server restarted).
CREATE FUNCTION capctl_seat_request_await(p_seq bigint, p_lead boolean DEFAULT false,
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
        IF p_lead OR p_safe THEN
            PERFORM pg_advisory_xact_lock(key);
            PERFORM capctl_settle_requests(q.session_id, p_safe);
        ELSIF pg_try_advisory_xact_lock(key) THEN
            PERFORM capctl_settle_requests(q.session_id, false);
        ELSE
            PERFORM pg_advisory_xact_lock_shared(key);
        END IF;
    END IF;
    RETURN QUERY SELECT * FROM capctl_seat_requests r WHERE r.seq = p_seq;
END $$;

-- For reconcile: settles the requests of one session left pending longer than p_older_than
-- (their caller was killed and nobody came after), in safe mode, and forgets answers older
-- than an hour. Returns how many it settled; 0 when none are left (or their session is being
-- settled right now). Call it again until 0: one session per call, so one transaction never
-- holds the user locks of two sessions' batches.
CREATE FUNCTION capctl_settle_stale_requests(p_older_than interval DEFAULT interval '5 seconds')
RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    s text;
BEGIN
    DELETE FROM capctl_seat_requests r WHERE r.settled_at < clock_timestamp() - interval '1 hour';
    FOR s IN SELECT DISTINCT r.session_id FROM capctl_seat_requests r
              WHERE r.settled_at IS NULL AND r.requested_at < clock_timestamp() - p_older_than
              ORDER BY 1 LOOP
        IF pg_try_advisory_xact_lock(capctl_settle_lock_key(s)) THEN
            RETURN capctl_settle_requests(s, true);
        END IF;
    END LOOP;
    RETURN 0;
END $$;

-- ---- statement-level seat triggers ------------------------------------------------------------

-- Keeps session_capacity (seats taken, waitlist length, people inside) equal to the RSVP rows,
-- whoever writes them: once per session per statement, sessions in id order (a stable lock
-- order). The capacity row's guards (CP001) refuse the whole statement. Inserted rows of a
-- virtual session are refused (CP003). An RSVP cannot move to another session.
CREATE OR REPLACE FUNCTION capctl_rsvp_counts() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    d       record;
    old_map jsonb;
BEGIN
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
            IF d.d_taken <> 0 OR d.d_waiting <> 0 OR d.d_inside <> 0 THEN
                UPDATE session_capacity
                   SET current_attendance = current_attendance + d.d_taken,
                       waitlist_length    = waitlist_length + d.d_waiting,
                       current_occupancy  = current_occupancy + d.d_inside,
                       updated_at         = now()
                 WHERE session_id = d.session_id;
            END IF;
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
            IF d.d_taken <> 0 OR d.d_waiting <> 0 OR d.d_inside <> 0 THEN
                UPDATE session_capacity
                   SET current_attendance = current_attendance + d.d_taken,
                       waitlist_length    = waitlist_length + d.d_waiting,
                       current_occupancy  = current_occupancy + d.d_inside,
                       updated_at         = now()
                 WHERE session_id = d.session_id;
            END IF;
        END LOOP;
        RETURN NULL;
    END IF;
    FOR d IN SELECT o.session_id,
                    count(*) FILTER (WHERE capctl_holds_seat(o.status))::integer AS d_taken,
                    count(*) FILTER (WHERE o.status = 'WAITLISTED')::integer AS d_waiting,
                    count(*) FILTER (WHERE capctl_inside(o.status, o.checked_in_at, o.checked_out_at))::integer AS d_inside
               FROM old_rows o
              GROUP BY o.session_id ORDER BY o.session_id LOOP
        IF d.d_taken <> 0 OR d.d_waiting <> 0 OR d.d_inside <> 0 THEN
            UPDATE session_capacity
               SET current_attendance = current_attendance - d.d_taken,
                   waitlist_length    = waitlist_length - d.d_waiting,
                   current_occupancy  = current_occupancy - d.d_inside,
                   updated_at         = now()
             WHERE session_id = d.session_id;
        END IF;
    END LOOP;
    RETURN NULL;
END $$;

-- The outbox rows of a statement's transitions, as the row triggers wrote them: per row, a
-- door row ('checked_in' / 'walk_in_admitted', at the first entry) and a status row (kind from
-- the new status; a confirmation made at the door is told by the door row only). A waitlisted
-- row's place is the queue's length less the waitlisted rows of the same statement behind it.
-- A session whose transitions moved no counter is locked here, so a session's outbox rows
-- commit in id order.
CREATE FUNCTION capctl_outbox_rsvp_rows() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    n       integer;
    old_map jsonb;
BEGIN
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

-- ---- triggers ----------------------------------------------------------------------------------
-- AFTER triggers fire in name order: counts (and the virtual check) before the outbox, which
-- reads the counters. The row-level triggers they replace go.
DROP TRIGGER session_rsvps_counts ON session_rsvps;
DROP TRIGGER session_rsvps_in_person_only ON session_rsvps;
DROP TRIGGER session_rsvps_occupancy_insert ON session_rsvps;
DROP TRIGGER session_rsvps_occupancy_update ON session_rsvps;
DROP TRIGGER session_rsvps_occupancy_delete ON session_rsvps;
DROP TRIGGER session_rsvps_outbox_insert ON session_rsvps;
DROP TRIGGER session_rsvps_outbox_update ON session_rsvps;
DROP TRIGGER session_rsvps_outbox_door_insert ON session_rsvps;
DROP TRIGGER session_rsvps_outbox_door_update ON session_rsvps;

CREATE TRIGGER session_rsvps_counts_insert
    AFTER INSERT ON session_rsvps REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION capctl_rsvp_counts();
CREATE TRIGGER session_rsvps_counts_update
    AFTER UPDATE ON session_rsvps REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION capctl_rsvp_counts();
CREATE TRIGGER session_rsvps_counts_delete
    AFTER DELETE ON session_rsvps REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION capctl_rsvp_counts();
-- Same names as the row triggers they replace (scripts switch them off by name).
CREATE TRIGGER session_rsvps_outbox_insert
    AFTER INSERT ON session_rsvps REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION capctl_outbox_rsvp_rows();
CREATE TRIGGER session_rsvps_outbox_update
    AFTER UPDATE ON session_rsvps REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION capctl_outbox_rsvp_rows();

-- The capacity row's guards, called only when a counter rises (WHEN runs in the executor): the
-- functions are those of the earlier migrations.
DROP TRIGGER session_capacity_guard ON session_capacity;
CREATE TRIGGER session_capacity_guard
    BEFORE UPDATE OF current_attendance ON session_capacity
    FOR EACH ROW WHEN (NEW.current_attendance > OLD.current_attendance)
    EXECUTE FUNCTION capctl_capacity_guard();
CREATE TRIGGER session_capacity_guard_insert
    BEFORE INSERT ON session_capacity
    FOR EACH ROW EXECUTE FUNCTION capctl_capacity_guard();
DROP TRIGGER session_capacity_occupancy_guard ON session_capacity;
CREATE TRIGGER session_capacity_occupancy_guard
    BEFORE UPDATE OF current_occupancy ON session_capacity
    FOR EACH ROW WHEN (NEW.current_occupancy > OLD.current_occupancy)
    EXECUTE FUNCTION capctl_occupancy_guard();
