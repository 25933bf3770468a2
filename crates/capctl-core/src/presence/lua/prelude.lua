-- prelude: the part every presence script shares. Each script is assembled at compile time as
-- prelude .. body, so a call is still one EVALSHA of one script (one round trip).
-- KEYS of one room, all under one hash tag:
--   KEYS[1] leases  ZSET member -> lease expiry (ms, Redis server clock)
--   KEYS[2] count   live leases, the counter other services read in O(1)
--   KEYS[3] limit   the limit cached from PostgreSQL: 'unlimited' or N; missing = not cached
--   KEYS[4] ttl     HASH member -> lease length (ms), so a heartbeat keeps the lease's own length
-- Writes that may take memory come after every read, so under maxmemory Redis refuses a call
-- at its first write, before anything changed (scripts without flags fail only there).
local LEASES, COUNT, LIMIT, TTLS = KEYS[1], KEYS[2], KEYS[3], KEYS[4]

-- The Redis server's clock in ms: every lease is measured on it, never on a client's clock.
local function server_now()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- The cached limit: -1 = unlimited, N, or nil = not cached. A missing cache never means
-- unlimited: the caller loads the limit from PostgreSQL, SETs it NX and calls again.
local function cached_limit()
  local limit = redis.call('GET', LIMIT)
  if limit == 'unlimited' then
    return -1
  end
  local n = tonumber(limit)
  if limit and not n then
    -- not something capctl wrote: drop it and load the real limit
    redis.call('DEL', LIMIT)
  end
  return n
end

local NEED_LIMIT = {'NEED_LIMIT', 0, -1, 0}

-- Leases whose expiry is after now.
local function live_count(now)
  return redis.call('ZCOUNT', LEASES, '(' .. now, '+inf')
end

-- The expiry of the member's lease when it is still live, else nil.
local function live_lease(member, now)
  local score = redis.call('ZSCORE', LEASES, member)
  if score and tonumber(score) > now then
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

-- Drops at most `most` expired leases, oldest first; returns how many.
local function drop_expired(now, most)
  local expired = redis.call('ZRANGEBYSCORE', LEASES, '-inf', now, 'LIMIT', 0, most)
  drop(expired)
  return #expired
end

-- The tail of join/heartbeat/leave: a few expired leases dropped (bounded, ARGV[3]), the
-- counter rewritten from the live leases, and the reply
-- {status, live count, limit (-1 = unlimited), lease expiry ms (0 = none)}.
local function settle(status, limit, expires, now)
  drop_expired(now, tonumber(ARGV[3]))
  local live = live_count(now)
  redis.call('SET', COUNT, live)
  return {status, live, limit, expires}
end
