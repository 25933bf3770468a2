-- join/enter, first part: the plain path (the general path is lua/join.lua). Admits a person
-- into a room unless the room is at its limit; a person who holds a live lease (or one in grace)
-- has it renewed without a capacity check (idempotent).
-- ARGV[1] member, ARGV[2] lease length (ms; also how long a queue place lasts unrefreshed),
-- ARGV[3] most expired leases to drop in this call, ARGV[4] 'q' = take a place in the queue
-- when full ('' or missing = refuse), ARGV[5] viewer, ARGV[6] device (missing: the member)
-- Returns {'ADMITTED'|'REFRESHED'|'FULL'|'QUEUED'|'DEVICE_LIMIT'|'NEED_LIMIT', slots held,
--          limit, lease expiry ms, queue position (FULL: people queued), evicted member}.

-- The plain join (no device cap, no queue asked for, nobody queued): the hot path, in as few
-- calls as the rules allow. The expired leases are read first (at most ARGV[3]); when that is
-- all of them, the lease set's size minus them is the slots held, so one ZADD both grants or
-- renews the lease and says whether the person is new, and the capacity check needs no count
-- by score. A new person (or one whose lease lapsed past grace) over the limit has the ZADD
-- taken back; a lease still held (live or in grace) is renewed without a capacity check.
-- Anything else (a device cap, a queue, more expired leases than one call drops) takes the
-- general path (lua/join.lua, after the helpers), which decides the same way.
local member, ttl = ARGV[1], tonumber(ARGV[2])
if limit and MAX_DEVICES == 0 and ARGV[4] ~= 'q' and (limit < 0 or redis.call('ZCARD', QUEUE) == 0) then
  local most = tonumber(ARGV[3])
  local expired = redis.call('ZRANGEBYSCORE', LEASES, '-inf', now - GRACE, 'LIMIT', 0, most)
  -- (at most 999 others: one ZREM and one HDEL take them all)
  if #expired < most and most < 1000 then
    local lapsed, others = false, {}
    for _, m in ipairs(expired) do
      if m == member then
        lapsed = true
      else
        others[#others + 1] = m
      end
    end
    local expires = now + ttl
    local added = redis.call('ZADD', LEASES, expires, member)
    -- slots held now, this person's lease included
    local held = redis.call('ZCARD', LEASES) - #others
    local status = 'REFRESHED'
    if added == 1 or lapsed then
      status = 'ADMITTED'
      if limit >= 0 and held > limit then
        status, expires, held = 'FULL', 0, held - 1
        others[#others + 1] = member
      end
    end
    if expires > 0 then
      redis.call('HSET', TTLS, member, ttl)
    end
    if #others > 0 then
      redis.call('ZREM', LEASES, unpack(others))
      redis.call('HDEL', TTLS, unpack(others))
    end
    redis.call('SET', COUNT, held)
    return {status, held, limit, expires, 0, ''}
  end
end

