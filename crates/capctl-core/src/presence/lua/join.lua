-- join/enter: admit a person into a room unless the room is at its limit; a person who holds
-- a live lease (or one in grace) has it renewed without a capacity check (idempotent).
-- ARGV[1] member, ARGV[2] lease length (ms; also how long a queue place lasts unrefreshed),
-- ARGV[3] most expired leases to drop in this call, ARGV[4] 'q' = take a place in the queue
-- when full ('' or missing = refuse), ARGV[5] viewer, ARGV[6] device (missing: the member)
-- Returns {'ADMITTED'|'REFRESHED'|'FULL'|'QUEUED'|'DEVICE_LIMIT'|'NEED_LIMIT', slots held,
--          limit, lease expiry ms, queue position (FULL: people queued), evicted member}.
local limit = cached_limit()
if not limit then
  return NEED_LIMIT
end
local now = server_now()
local member, ttl = ARGV[1], tonumber(ARGV[2])

-- The plain join (no device cap, no queue asked for, nobody queued): the hot path, in as few
-- calls as the rules allow. The expired leases are read first (at most ARGV[3]); when that is
-- all of them, the lease set's size minus them is the slots held, so one ZADD both grants or
-- renews the lease and says whether the person is new, and the capacity check needs no count
-- by score. A new person (or one whose lease lapsed past grace) over the limit has the ZADD
-- taken back; a lease still held (live or in grace) is renewed without a capacity check.
-- Anything else (a device cap, a queue, more expired leases than one call drops) takes the
-- general path below, which decides the same way.
if MAX_DEVICES == 0 and ARGV[4] ~= 'q' and (limit < 0 or redis.call('ZCARD', QUEUE) == 0) then
  local most = tonumber(ARGV[3])
  local expired = redis.call('ZRANGEBYSCORE', LEASES, '-inf', held_floor(now), 'LIMIT', 0, most)
  if #expired < most then
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
    drop(others)
    redis.call('SET', COUNT, held)
    return {status, held, limit, expires, 0, ''}
  end
end

if live_lease(member, now) then
  return settle('REFRESHED', limit, hold(member, now, ttl), now)
end

-- Device cap (streams with max_devices only): the viewer's other devices holding a slot.
local devices = nil
if MAX_DEVICES > 0 then
  local viewer, device = ARGV[5] or member, ARGV[6] or member
  local held = {}
  for d in string.gmatch(redis.call('HGET', DEVICES, viewer) or '', '%S+') do
    local score = d ~= device and live_lease(device_member(viewer, d), now)
    if score then
      held[#held + 1] = {d, score}
    end
  end
  if #held >= MAX_DEVICES then
    if not EVICT_OLDEST then
      return settle('DEVICE_LIMIT', limit, 0, now, MAX_DEVICES)
    end
    -- The viewer's least recently refreshed devices give their slots to this one: the
    -- stream's count does not change, and nobody else is ever evicted.
    table.sort(held, function(a, b) return a[2] < b[2] end)
    local evicted, names = {}, {}
    for i, h in ipairs(held) do
      if i <= #held - MAX_DEVICES + 1 then
        evicted[#evicted + 1] = device_member(viewer, h[1])
      else
        names[#names + 1] = h[1]
      end
    end
    names[#names + 1] = device
    drop(evicted)
    redis.call('HSET', DEVICES, viewer, table.concat(names, ' '))
    return settle('ADMITTED', limit, hold(member, now, ttl), now, 0, evicted[1])
  end
  devices = {}
  for _, h in ipairs(held) do
    devices[#devices + 1] = h[1]
  end
  devices[#devices + 1] = device
end

-- Capacity, and the queue: while people are queued a free slot is the head's, never a
-- newcomer's. Unlimited rooms skip all of it (nobody ever queues there).
if limit >= 0 then
  local free = live_count(now) < limit
  local waiting = redis.call('ZCARD', QUEUE)
  if waiting > 0 then
    prune_queue(now, tonumber(ARGV[3]))
    waiting = redis.call('ZCARD', QUEUE)
  end
  if ARGV[4] == 'q' then
    local rank = redis.call('ZRANK', QUEUE, member)
    if not (free and (waiting == 0 or rank == 0)) then
      if not rank then
        local last = redis.call('ZRANGE', QUEUE, -1, -1, 'WITHSCORES')
        local arrival = 1
        if last[2] then
          arrival = tonumber(last[2]) + 1
        end
        redis.call('ZADD', QUEUE, arrival, member)
        rank = waiting
      end
      redis.call('ZADD', PLACES, now + ttl, member)
      return settle('QUEUED', limit, 0, now, rank + 1)
    end
    if rank then
      unqueue({member})
    end
  elseif not free or waiting > 0 then
    return settle('FULL', limit, 0, now, waiting)
  end
end
if devices then
  redis.call('HSET', DEVICES, ARGV[5] or member, table.concat(devices, ' '))
end
return settle('ADMITTED', limit, hold(member, now, ttl), now)
