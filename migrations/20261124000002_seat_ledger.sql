-- The seat ledger: every change to a session's seats is one function call, so a client needs one
-- round trip and the per-session row lock is held only while the server runs it.
-- Lock order, everywhere: the user's advisory lock, then the session's capacity row.

-- Confirmed sessions of a user, other than p_session, that overlap [p_starts, p_ends).
-- PL/pgSQL rather than SQL: its plans are cached per connection, where a non-inlined SQL
-- function is planned again on every call (about a millisecond on the RSVP hot path).
CREATE FUNCTION capctl_clashes(p_user text, p_session text, p_starts timestamptz, p_ends timestamptz)
RETURNS text[]
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT COALESCE(array_agg(c.session_id ORDER BY cs.starts_at, c.session_id), '{}')
              FROM session_rsvps c
              JOIN sessions cs ON cs.id = c.session_id
             WHERE c.user_id = p_user
               AND c.status = 'CONFIRMED'
               AND c.session_id <> p_session
               AND cs.starts_at < p_ends
               AND cs.ends_at > p_starts);
END $$;

-- 1-based place in the queue of a waitlisted RSVP: a rank, so it has no gaps.
CREATE FUNCTION capctl_waitlist_position(p_session text, p_seq bigint) RETURNS integer
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF p_seq IS NULL THEN
        RETURN NULL;
    END IF;
    RETURN (SELECT count(*)::integer FROM session_rsvps
             WHERE session_id = p_session AND status = 'WAITLISTED' AND waitlist_seq <= p_seq);
END $$;

-- Offers free seats to the waitlist, first come first served, skipping (without removing) people
-- whose confirmed schedule clashes. No offers once the session has started. Caller holds the lock.
CREATE FUNCTION capctl_fill_seats(p_session text) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    s    record;
    free integer;
    sent integer;
BEGIN
    SELECT se.starts_at, se.ends_at, se.offer_ttl,
           COALESCE(sc.maximum_capacity, se.max_participants) AS cap,
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
CREATE FUNCTION capctl_settle(p_session text, OUT expired integer, OUT sent integer)
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE session_rsvps
       SET status = 'EXPIRED', updated_at = now()
     WHERE session_id = p_session AND status = 'OFFERED' AND offer_expires_at <= now();
    GET DIAGNOSTICS expired = ROW_COUNT;
    sent := capctl_fill_seats(p_session);
END $$;

-- RSVP. Everything that needs only the user's lock (session lookup, registration, the overlap
-- check) runs before the session's capacity row is locked, so the part serialized per session
-- is: lock, settle overdue offers if any, look up the user's row, write it. Outcomes:
-- CONFIRMED, WAITLISTED, REPEAT (nothing changed), FULL, NOT_FOUND, NOT_REGISTERED, OVERLAP, ENDED.
CREATE FUNCTION capctl_rsvp(p_session text, p_user text, p_allow_overlap boolean DEFAULT false)
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
    -- Per user first: two RSVPs of one user to overlapping sessions must not both pass the check.
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
    -- Only this user's own RSVPs make a clash, and their confirmations are serialized by the
    -- user's lock, so the answer holds until commit.
    IF NOT p_allow_overlap THEN
        clash := capctl_clashes(p_user, p_session, s.starts_at, s.ends_at);
    END IF;
    -- Only this user creates their row, so one not there now will not appear before we write it;
    -- one that is there may change status (offers, expiry), so it is read again under the lock.
    have_row := EXISTS (SELECT 1 FROM session_rsvps x WHERE x.session_id = p_session AND x.user_id = p_user);
    -- Settling is idempotent, so whether there is anything overdue may be asked before locking.
    overdue := EXISTS (SELECT 1 FROM session_rsvps o
                        WHERE o.session_id = p_session AND o.status = 'OFFERED' AND o.offer_expires_at <= now());

    -- The serialized part starts here. FOR UPDATE returns the newest committed version of the
    -- locked row, so the counters read here are current.
    SELECT sc.maximum_capacity, se.max_participants, se.waitlist_enabled,
           sc.current_attendance, sc.waitlist_length
      INTO c
      FROM session_capacity sc JOIN sessions se ON se.id = sc.session_id
     WHERE sc.session_id = p_session
       FOR UPDATE OF sc;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'NOT_FOUND', NULL::text, NULL::text, NULL::integer, NULL::timestamptz,
                            '{}'::text[], NULL::integer, NULL::integer, NULL::text;
        RETURN;
    END IF;
    cap := c.maximum_capacity;
    IF cap IS NULL THEN
        -- The joined sessions row is not locked, so it may be older than ours: read it again.
        SELECT se.max_participants INTO cap FROM sessions se WHERE se.id = p_session;
    END IF;
    IF overdue THEN
        PERFORM capctl_settle(p_session);
        SELECT sc.current_attendance, sc.waitlist_length INTO c.current_attendance, c.waitlist_length
          FROM session_capacity sc WHERE sc.session_id = p_session;
    END IF;
    IF have_row THEN
        SELECT x.id, x.status, x.waitlist_seq, x.offer_expires_at INTO r
          FROM session_rsvps x WHERE x.session_id = p_session AND x.user_id = p_user;
        -- A seat free while someone waits happens only when no offer could be made (the session
        -- has started, or everyone waiting clashed): a waiting user who asks again takes it.
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
            -- Accepting a held offer: the seat is already counted as taken.
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
        -- CANCELLED or EXPIRED: comes back to life below.
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

    -- A cancelled or expired RSVP comes back to life in place (one row per user and session, same
    -- id), at the back of the queue.
    INSERT INTO session_rsvps AS x (id, session_id, user_id, event_id, status, waitlist_seq, confirmed_at, allow_overlap)
    VALUES ('srsvp_' || gen_random_uuid(), p_session, p_user, s.event_id, new_status, new_seq,
            CASE WHEN new_status = 'CONFIRMED' THEN now() END, p_allow_overlap)
    ON CONFLICT ON CONSTRAINT session_rsvps_one_per_user DO UPDATE
       SET status = EXCLUDED.status, rsvp_at = now(), cancelled_at = NULL,
           waitlist_seq = EXCLUDED.waitlist_seq, offered_at = NULL, offer_expires_at = NULL,
           confirmed_at = EXCLUDED.confirmed_at, allow_overlap = EXCLUDED.allow_overlap, updated_at = now()
    RETURNING x.id INTO new_id;

    -- The new row is the last of the queue, so its rank is the queue's new length.
    RETURN QUERY SELECT new_status, new_id, new_status,
                        CASE WHEN new_status = 'WAITLISTED' THEN c.waitlist_length + 1 END,
                        NULL::timestamptz, '{}'::text[], cap,
                        c.current_attendance + (new_status = 'CONFIRMED')::integer, s.event_id;
END $$;

-- Cancel. Outcomes: CANCELLED, REPEAT (already cancelled, nothing changed), NO_RSVP, NOT_FOUND.
-- Refusals write nothing. A seat given up (confirmed or offered) goes to the next in line, never
-- back to the canceller: their row is CANCELLED before the seat is offered.
CREATE FUNCTION capctl_cancel(p_session text, p_user text)
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
    UPDATE session_rsvps x
       SET status = 'EXPIRED', updated_at = now()
     WHERE x.session_id = p_session AND x.status = 'OFFERED' AND x.offer_expires_at <= now();
    GET DIAGNOSTICS expired = ROW_COUNT;
    prev := r.status;
    IF expired > 0 THEN
        SELECT x.status INTO prev FROM session_rsvps x WHERE x.id = r.id;
    END IF;
    UPDATE session_rsvps x
       SET status = 'CANCELLED', cancelled_at = now(), waitlist_seq = NULL,
           offer_expires_at = NULL, updated_at = now()
     WHERE x.id = r.id;
    IF prev IN ('CONFIRMED', 'OFFERED') OR expired > 0 THEN
        sent := capctl_fill_seats(p_session);
    END IF;
    RETURN QUERY SELECT 'CANCELLED', r.id, prev, sent;
END $$;

-- NULL capacity = unlimited. Lowering below the seats taken needs p_force; then nobody new is
-- admitted until attendance falls below. Outcomes: OK, BELOW_TAKEN (nothing written), NOT_FOUND.
CREATE FUNCTION capctl_set_capacity(p_session text, p_capacity integer, p_force boolean)
RETURNS TABLE (outcome text, capacity integer, taken integer, offers_sent integer, previous_capacity integer)
LANGUAGE plpgsql AS $$
DECLARE
    c       record;
    overdue integer;
    live    integer;
    sent    integer;
BEGIN
    SELECT sc.current_attendance, COALESCE(sc.maximum_capacity, se.max_participants) AS cap INTO c
      FROM session_capacity sc JOIN sessions se ON se.id = sc.session_id
     WHERE sc.session_id = p_session
       FOR UPDATE OF sc;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'NOT_FOUND', NULL::integer, NULL::integer, 0, NULL::integer;
        RETURN;
    END IF;
    -- Overdue offers hold no seat, whether or not they have been expired yet.
    SELECT count(*) INTO overdue FROM session_rsvps x
     WHERE x.session_id = p_session AND x.status = 'OFFERED' AND x.offer_expires_at <= now();
    live := c.current_attendance - overdue;
    IF p_capacity IS NOT NULL AND p_capacity < live AND NOT p_force THEN
        RETURN QUERY SELECT 'BELOW_TAKEN', p_capacity, live, 0, c.cap;
        RETURN;
    END IF;
    IF overdue > 0 THEN
        UPDATE session_rsvps x
           SET status = 'EXPIRED', updated_at = now()
         WHERE x.session_id = p_session AND x.status = 'OFFERED' AND x.offer_expires_at <= now();
    END IF;
    UPDATE session_capacity sc SET maximum_capacity = p_capacity, updated_at = now() WHERE sc.session_id = p_session;
    UPDATE sessions se SET max_participants = p_capacity WHERE se.id = p_session;
    sent := capctl_fill_seats(p_session);
    RETURN QUERY SELECT 'OK', p_capacity, live + sent, sent, c.cap;
END $$;

-- One reconcile pass over the seat ledger. With p_check nothing changes and the counts say what
-- a real pass would fix, including the offers it would send (free seats with eligible users
-- waiting, e.g. a capacity raised behind capctl's back, or a waiting user whose clash went away).
CREATE FUNCTION capctl_reconcile_sessions(p_check boolean)
RETURNS TABLE (sessions_fixed integer, offers_expired integer, offers_sent integer)
LANGUAGE plpgsql AS $$
DECLARE
    fixed   integer := 0;
    expired integer := 0;
    sent    integer := 0;
    sid     text;
    st      record;
BEGIN
    IF p_check THEN
        SELECT count(*) INTO fixed FROM sessions se WHERE NOT EXISTS (SELECT 1 FROM session_capacity sc WHERE sc.session_id = se.id);
        SELECT fixed + count(*) INTO fixed
          FROM session_capacity sc
          LEFT JOIN (SELECT x.session_id,
                            count(*) FILTER (WHERE x.status IN ('CONFIRMED', 'OFFERED')) AS t,
                            count(*) FILTER (WHERE x.status = 'WAITLISTED') AS w
                       FROM session_rsvps x GROUP BY x.session_id) c ON c.session_id = sc.session_id
         WHERE sc.current_attendance <> COALESCE(c.t, 0) OR sc.waitlist_length <> COALESCE(c.w, 0);
        SELECT count(*) INTO expired FROM session_rsvps x WHERE x.status = 'OFFERED' AND x.offer_expires_at <= now();
        -- Offers a pass would send: free seats (overdue offers counting as freed) in sessions
        -- not yet started, to waiting users whose confirmed schedule does not clash.
        SELECT COALESCE(sum(CASE WHEN q.free IS NULL THEN q.eligible
                                 ELSE LEAST(q.free, q.eligible) END), 0)::integer
          INTO sent
          FROM (SELECT COALESCE(sc.maximum_capacity, se.max_participants)
                       - (SELECT count(*) FROM session_rsvps x
                           WHERE x.session_id = se.id
                             AND (x.status = 'CONFIRMED'
                                  OR (x.status = 'OFFERED' AND x.offer_expires_at > now()))) AS free,
                       (SELECT count(*) FROM session_rsvps w
                         WHERE w.session_id = se.id AND w.status = 'WAITLISTED'
                           AND (w.allow_overlap
                                OR cardinality(capctl_clashes(w.user_id, se.id, se.starts_at, se.ends_at)) = 0)
                       ) AS eligible
                  FROM sessions se
                  LEFT JOIN session_capacity sc ON sc.session_id = se.id
                 WHERE se.starts_at > now()
                   AND EXISTS (SELECT 1 FROM session_rsvps w
                                WHERE w.session_id = se.id AND w.status = 'WAITLISTED')) q
         WHERE q.free IS NULL OR q.free > 0;
        RETURN QUERY SELECT fixed, expired, sent;
        RETURN;
    END IF;

    INSERT INTO session_capacity (session_id, maximum_capacity)
    SELECT se.id, se.max_participants FROM sessions se
     WHERE NOT EXISTS (SELECT 1 FROM session_capacity sc WHERE sc.session_id = se.id)
    ON CONFLICT (session_id) DO NOTHING;
    GET DIAGNOSTICS fixed = ROW_COUNT;

    -- Writing the truth back may put attendance above a (forced-down) capacity: allowed here only.
    PERFORM set_config('capctl.allow_over_capacity', 'on', true);
    FOR sid IN
        SELECT sc.session_id
          FROM session_capacity sc
          LEFT JOIN (SELECT x.session_id,
                            count(*) FILTER (WHERE x.status IN ('CONFIRMED', 'OFFERED')) AS t,
                            count(*) FILTER (WHERE x.status = 'WAITLISTED') AS w
                       FROM session_rsvps x GROUP BY x.session_id) c ON c.session_id = sc.session_id
         WHERE sc.current_attendance <> COALESCE(c.t, 0) OR sc.waitlist_length <> COALESCE(c.w, 0)
         ORDER BY sc.session_id
    LOOP
        PERFORM 1 FROM session_capacity sc WHERE sc.session_id = sid FOR UPDATE;
        UPDATE session_capacity sc
           SET current_attendance = (SELECT count(*) FROM session_rsvps x
                                      WHERE x.session_id = sid AND x.status IN ('CONFIRMED', 'OFFERED')),
               waitlist_length    = (SELECT count(*) FROM session_rsvps x
                                      WHERE x.session_id = sid AND x.status = 'WAITLISTED'),
               updated_at = now()
         WHERE sc.session_id = sid
           AND (sc.current_attendance, sc.waitlist_length) IS DISTINCT FROM
               ((SELECT count(*) FROM session_rsvps x WHERE x.session_id = sid AND x.status IN ('CONFIRMED', 'OFFERED')),
                (SELECT count(*) FROM session_rsvps x WHERE x.session_id = sid AND x.status = 'WAITLISTED'));
        IF FOUND THEN
            fixed := fixed + 1;
        END IF;
    END LOOP;
    PERFORM set_config('capctl.allow_over_capacity', 'off', true);

    -- Overdue offers, and free seats with people waiting (e.g. capacity raised behind our back).
    FOR sid IN
        SELECT DISTINCT x.session_id FROM session_rsvps x
         WHERE x.status = 'OFFERED' AND x.offer_expires_at <= now()
        UNION
        SELECT sc.session_id FROM session_capacity sc JOIN sessions se ON se.id = sc.session_id
         WHERE sc.waitlist_length > 0 AND se.starts_at > now()
           AND (COALESCE(sc.maximum_capacity, se.max_participants) IS NULL
                OR sc.current_attendance < COALESCE(sc.maximum_capacity, se.max_participants))
    LOOP
        PERFORM 1 FROM session_capacity sc WHERE sc.session_id = sid FOR UPDATE;
        SELECT * INTO st FROM capctl_settle(sid);
        expired := expired + st.expired;
        sent := sent + st.sent;
    END LOOP;
    RETURN QUERY SELECT fixed, expired, sent;
END $$;
