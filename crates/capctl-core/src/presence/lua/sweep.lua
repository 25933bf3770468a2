-- sweep (reconcile, census): drop at most ARGV[1] expired leases of one room and rewrite its
-- counter from the live leases; drop lease lengths kept for members without a lease. Bounded
-- work per call: the caller loops while `more` is 1. Judging what it found (drift or not) is
-- the caller's: this reports what was there before it changed anything.
-- ARGV[1] most leases to drop, ARGV[2] '1' = look only, change nothing
-- Returns {expired leases dropped (looking: found), more (0/1), live count,
--          counter as found (nil = missing), expired leases found,
--          lease lengths without a lease (dropped, or found when looking)}.
local look = ARGV[2] == '1'
local now = server_now()
local counter = redis.call('GET', COUNT)
local expired = redis.call('ZCOUNT', LEASES, '-inf', now)
local live = live_count(now)
local dropped = expired
if not look then
  dropped = drop_expired(now, tonumber(ARGV[1]))
end
local orphans = 0
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
if expired > dropped then
  more = 1
end
return {dropped, more, live, counter, expired, orphans}
