-- Access policies of a stream (issue 14), event settings kept in events.virtual_settings next
-- to max_concurrent_viewers: max_devices (devices one viewer may watch on at once, 1..1000;
-- absent = no cap), device_policy ('refuse' or 'evict-oldest'; absent = refuse) and grace_ms
-- (how long a lapsed lease stays reserved for its owner, 0..86400000 ms; absent = 0).
ALTER TABLE events ADD CONSTRAINT events_access_policies_valid CHECK (
    virtual_settings IS NULL
    OR jsonb_typeof(virtual_settings) <> 'object'
    OR ((virtual_settings -> 'max_devices' IS NULL
         OR (jsonb_typeof(virtual_settings -> 'max_devices') = 'number'
             AND (virtual_settings ->> 'max_devices')::numeric BETWEEN 1 AND 1000
             AND (virtual_settings ->> 'max_devices')::numeric
                 = trunc((virtual_settings ->> 'max_devices')::numeric)))
        AND (virtual_settings -> 'device_policy' IS NULL
             OR (jsonb_typeof(virtual_settings -> 'device_policy') = 'string'
                 AND virtual_settings ->> 'device_policy' IN ('refuse', 'evict-oldest')))
        AND (virtual_settings -> 'grace_ms' IS NULL
             OR (jsonb_typeof(virtual_settings -> 'grace_ms') = 'number'
                 AND (virtual_settings ->> 'grace_ms')::numeric BETWEEN 0 AND 86400000
                 AND (virtual_settings ->> 'grace_ms')::numeric
                     = trunc((virtual_settings ->> 'grace_ms')::numeric))))
);
