-- helpers: the functions every presence script but the plain join uses (after lua/prelude.lua).

local NEED_LIMIT = {'NEED_LIMIT', 0, -1, 0, 0, ''}

-- No limit cached: a value capctl did not write is dropped, and the caller loads the limit from
-- PostgreSQL, SETs it NX and calls again.
local function need_limit()
  if SETTINGS then
    redis.call('DEL', LIMIT)
  end
  return NEED_LIMIT
end

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
