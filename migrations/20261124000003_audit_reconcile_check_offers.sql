-- reconcile --check reports the offers a real pass would send (free seats with eligible users
-- waiting, e.g. a capacity raised behind capctl's back or a waiting user whose clash went
-- away), so --check finds every ghost seat a pass would fill. The rest is unchanged.
CREATE OR REPLACE FUNCTION capctl_reconcile_sessions(p_check boolean)
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
