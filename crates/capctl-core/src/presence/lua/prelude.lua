-- prelude: the part every presence script shares, read first. Each script is assembled at compile
-- time as prelude .. helpers .. body (join: prelude .. join_plain .. helpers .. join), so a call
-- is still one EVALSHA of one script (one round trip). The prelude is straight-line code: what
-- every script reads first (the room's cached settings, the server's clock), and nothing that
-- defines a function, so a plain join (lua/join_plain.lua) answers before the functions of
-- lua/helpers.lua are built (Lua builds a script's local functions anew on every call).
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

-- The room's cached settings: `limit` is -1 (unlimited), N, or nil when nothing capctl writes is
-- cached (a missing cache never means unlimited: see need_limit in lua/helpers.lua), with the
-- access policies of the room.
local SETTINGS = redis.call('GET', LIMIT)
local limit, MAX_DEVICES, EVICT_OLDEST, GRACE = nil, 0, false, 0
if SETTINGS == 'unlimited' then
  limit = -1
elseif SETTINGS then
  limit = tonumber(SETTINGS)
  if not limit then
    local l, d, p, g = string.match(SETTINGS, '^([%w]+);(%d+);([%w-]+);(%d+)$')
    if l and (l == 'unlimited' or tonumber(l)) and (p == 'refuse' or p == 'evict-oldest') then
      limit = (l == 'unlimited' and -1) or tonumber(l)
      MAX_DEVICES, EVICT_OLDEST, GRACE = tonumber(d), p == 'evict-oldest', tonumber(g)
    end
  end
end

-- The Redis server's clock in ms: every lease is measured on it, never on a client's clock.
local now
do
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
