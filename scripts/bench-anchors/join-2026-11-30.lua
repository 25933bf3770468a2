-- prelude: the part every presence script shares. Each script is assembled at compile time as
-- prelude .. body, so a call is still one EVALSHA of one script (one round trip).
-- KEYS of one room, all under one hash tag:
--   KEYS[1] leases   ZSET member -> lease expiry (ms, Redis server clock)
--   KEYS[2] count    slots held (live leases + leases in grace), read by other services in O(1)
--   KEYS[3] limit    the room's settings cached from PostgreSQL; missing = not cached:
--                    'unlimited' or N, or with access policies 'L;D;P;G' (L the limit or
--                    'unlimited', D most devices per viewer (0 = no cap), P 'refuse' or
--                    'evict-oldest', G grace in ms)
--   KEYS[4] ttl      HASH member -> lease length (ms), so a heartbeat keeps the lease's own length
--   KEYS[5] queue    ZSET member -> arrival number: the line, in order (position = rank + 1)
--   KEYS[6] places   ZSET member -> queue place expiry (ms): a place not refreshed is dropped
--   KEYS[7] devices  HASH viewer -> the viewer's device ids, space separated (device-capped rooms)
-- A member is the viewer id (its default device) or 'viewer#device'.
-- Writes that may take memory come after every read, so under maxmemory Redis refuses a call
-- at its first write, before anything changed (scripts without flags fail only there).
local LEASES, COUNT, LIMIT, TTLS = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local QUEUE, PLACES, DEVICES = KEYS[5], KEYS[6], KEYS[7]

-- Access policies of the room, set by cached_limit() from the cached settings.
local MAX_DEVICES, EVICT_OLDEST, GRACE = 0, false, 0

-- The Redis server's clock in ms: every lease is measured on it, never on a client's clock.
local function server_now()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- Reads a cached settings value: the limit (-1 = unlimited), or nil when it is not one capctl
-- writes. Sets the access policies as a side effect.
local function parse_limit(value)
  if value == 'unlimited' then
    return -1
  end
  local n = tonumber(value)
  if n or not value then
    return n
  end
  local l, d, p, g = string.match(value, '^([%w]+);(%d+);([%w-]+);(%d+)$')
  if not l or (l ~= 'unlimited' and not tonumber(l))
      or (p ~= 'refuse' and p ~= 'evict-oldest') then
    return nil
  end
  MAX_DEVICES, EVICT_OLDEST, GRACE = tonumber(d), p == 'evict-oldest', tonumber(g)
  if l == 'unlimited' then
    return -1
  end
  return tonumber(l)
end

-- The cached limit: -1 = unlimited, N, or nil = not cached. A missing cache never means
-- unlimited: the caller loads the limit from PostgreSQL, SETs it NX and calls again.
local function cached_limit()
  local value = redis.call('GET', LIMIT)
  local n = parse_limit(value)
  if value and not n then
    -- not something capctl wrote: drop it and load the real limit
    redis.call('DEL', LIMIT)
  end
  return n
end

local NEED_LIMIT = {'NEED_LIMIT', 0, -1, 0, 0, ''}

-- The lease member of a viewer's device: the viewer id alone for its default device.
local function device_member(viewer, device)
  if device == viewer then
    return viewer
  end
  return viewer .. '#' .. device
end

-- Leases at or below this score are past expiry and grace: free.
local function held_floor(now)
  return now - GRACE
end

-- Slots held: live leases and leases in grace.
local function live_count(now)
  return redis.call('ZCOUNT', LEASES, '(' .. held_floor(now), '+inf')
end

-- The expiry of the member's lease when it still holds its slot (live or in grace), else nil.
local function live_lease(member, now)
  local score = redis.call('ZSCORE', LEASES, member)
  if score and tonumber(score) > held_floor(now) then
    return tonumber(score)
  end
  return nil
end

-- Grants or renews a lease of `ttl` ms and stores its length with it.
local function hold(member, now, ttl)
  local expires = now + ttl
  redis.call('ZADD', LEASES, expires, member)
  redis.call('HSET', TTLS, member, ttl)
  return expires
end

-- Drops leases (and their lengths).
local function drop(members)
  local i = 1
  while i <= #members do
    -- unpack in slices: Lua's C stack takes a few thousand values at most
    local j = math.min(i + 999, #members)
    redis.call('ZREM', LEASES, unpack(members, i, j))
    redis.call('HDEL', TTLS, unpack(members, i, j))
    i = j + 1
  end
end

-- Drops at most `most` leases past expiry and grace, oldest first; returns how many.
local function drop_expired(now, most)
  local expired = redis.call('ZRANGEBYSCORE', LEASES, '-inf', held_floor(now), 'LIMIT', 0, most)
  drop(expired)
  return #expired
end

-- Drops queue places (from the line and from their expiries).
local function unqueue(members)
  local i = 1
  while i <= #members do
    local j = math.min(i + 999, #members)
    redis.call('ZREM', QUEUE, unpack(members, i, j))
    redis.call('ZREM', PLACES, unpack(members, i, j))
    i = j + 1
  end
end

-- Drops at most `most` queue places that were not refreshed in time; returns how many.
local function prune_queue(now, most)
  local dead = redis.call('ZRANGEBYSCORE', PLACES, '-inf', now, 'LIMIT', 0, most)
  unqueue(dead)
  return #dead
end

-- The tail of join/heartbeat/leave: a few expired leases dropped (bounded, ARGV[3]), the
-- counter rewritten from the held slots, and the reply {status, slots held, limit (-1 =
-- unlimited), lease expiry ms (0 = none), queue position (0 = none), evicted member ('' = none)}.
local function settle(status, limit, expires, now, position, evicted)
  drop_expired(now, tonumber(ARGV[3]))
  local live = live_count(now)
  redis.call('SET', COUNT, live)
  return {status, live, limit, expires, position or 0, evicted or ''}
end
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
