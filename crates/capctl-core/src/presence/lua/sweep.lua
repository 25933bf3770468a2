-- sweep (reconcile, census): drop at most ARGV[1] leases past expiry and grace of one room and
-- rewrite its counter from the held slots; drop lease lengths kept for members without a
-- lease; drop queue places not refreshed in time (at most ARGV[1]) and places half-written
-- (in the line without an expiry or the other way round); drop device entries whose lease is
-- gone. Bounded work per call: the caller loops while `more` is 1. Judging what it found
-- (drift or not) is the caller's: this reports what was there before it changed anything.
-- The room's grace and device cap come from the cached settings (not cached: no grace).
-- ARGV[1] most leases (and queue places) to drop, ARGV[2] '1' = look only, change nothing
-- Returns {expired leases dropped (looking: found), more (0/1), slots held,
--          counter as found (nil = missing), expired leases found,
--          lease lengths without a lease (dropped, or found when looking),
--          leases in grace, live queue places, dead queue places (dropped / found),
--          half-written queue places (dropped / found), stale device entries (dropped / found),
--          viewers holding more devices than the cap}.
local look = ARGV[2] == '1'
local most = tonumber(ARGV[1])
local floor = held_floor(now)
local counter = redis.call('GET', COUNT)
local expired = redis.call('ZCOUNT', LEASES, '-inf', floor)
local live = live_count(now)
local in_grace = redis.call('ZCOUNT', LEASES, '(' .. floor, now)
local dead = redis.call('ZCOUNT', PLACES, '-inf', now)
local queued = redis.call('ZCOUNT', PLACES, '(' .. now, '+inf')

-- Half-written queue places: a member in one of the two queue keys only.
local strays = {}
if redis.call('ZCARD', QUEUE) + redis.call('ZCARD', PLACES) > 0 then
  for _, member in ipairs(redis.call('ZRANGE', QUEUE, 0, -1)) do
    if not redis.call('ZSCORE', PLACES, member) then
      strays[#strays + 1] = member
    end
  end
  for _, member in ipairs(redis.call('ZRANGE', PLACES, 0, -1)) do
    if not redis.call('ZSCORE', QUEUE, member) then
      strays[#strays + 1] = member
      if tonumber(redis.call('ZSCORE', PLACES, member)) > now then
        queued = queued - 1
      end
    end
  end
end

-- Device lists: entries whose lease no longer holds a slot, and viewers above the cap.
local stale, over_cap, rewrites = 0, 0, {}
if redis.call('HLEN', DEVICES) > 0 then
  local lists = redis.call('HGETALL', DEVICES)
  for i = 1, #lists, 2 do
    local viewer, keep = lists[i], {}
    for d in string.gmatch(lists[i + 1], '%S+') do
      if live_lease(device_member(viewer, d), now) then
        keep[#keep + 1] = d
      else
        stale = stale + 1
      end
    end
    if MAX_DEVICES > 0 and #keep > MAX_DEVICES then
      over_cap = over_cap + 1
    end
    rewrites[#rewrites + 1] = {viewer, table.concat(keep, ' ')}
  end
end

local dropped, dead_dropped, orphans = expired, dead, 0
if not look then
  dropped = drop_expired(now, most)
  if dead > 0 then
    dead_dropped = prune_queue(now, most)
  end
  unqueue(strays)
  if stale > 0 then
    for _, r in ipairs(rewrites) do
      if r[2] == '' then
        redis.call('HDEL', DEVICES, r[1])
      else
        redis.call('HSET', DEVICES, r[1], r[2])
      end
    end
  end
end
if redis.call('HLEN', TTLS) > redis.call('ZCARD', LEASES) then
  for _, member in ipairs(redis.call('HKEYS', TTLS)) do
    if not redis.call('ZSCORE', LEASES, member) then
      orphans = orphans + 1
      if not look then
        redis.call('HDEL', TTLS, member)
      end
    end
  end
end
if not look and (counter or '0') ~= tostring(live) then
  redis.call('SET', COUNT, live)
end
local more = 0
if expired > dropped or dead > dead_dropped then
  more = 1
end
return {dropped, more, live, counter or false, expired, orphans, in_grace, queued, dead_dropped,
        #strays, stale, over_cap}
