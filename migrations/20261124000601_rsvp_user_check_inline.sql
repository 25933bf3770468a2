-- The id rule of session_rsvps.user_id, written inline instead of calling capctl_valid_id().
-- A CHECK that calls a SQL function has the function's body read back and inlined every time an
-- INSERT or UPDATE starts, and each RSVP write does that while holding its session's row lock.
-- Measured with `scripts/bench` (pgbench running capctl_rsvp at 16 clients on one session):
-- 620 -> 1000 RSVPs/s. The rule is the same as capctl_valid_id's.
ALTER TABLE session_rsvps
    DROP CONSTRAINT session_rsvps_user_id_check,
    ADD CONSTRAINT session_rsvps_user_id_check
        CHECK (user_id ~ '^[A-Za-z0-9][A-Za-z0-9_.:@+-]{0,127}$');
