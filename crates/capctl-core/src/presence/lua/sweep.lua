-- sweep (reconcile, census): drop at most ARGV[1] expired leases of one room, and once none
-- are left rewrite the counter from the live leases. Bounded work per call: the caller loops
-- while `more` is 1.
-- KEYS[1] leases, KEYS[2] counter
-- ARGV[1] most leases to drop, ARGV[2] '1' = look only, change nothing
-- Returns {expired dropped (or found, when looking), more, live count, counter was wrong (0/1)}.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local counter = redis.call('GET', KEYS[2])
local function counter_wrong(live)
  if not counter then
    return live ~= 0
  end
  return tonumber(counter) ~= live
end
if ARGV[2] == '1' then
  local expired = redis.call('ZCOUNT', KEYS[1], '-inf', now)
  local live = redis.call('ZCOUNT', KEYS[1], '(' .. now, '+inf')
  return {expired, 0, live, counter_wrong(live) and 1 or 0}
end
local batch = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))
local i = 1
while i <= #batch do
  -- unpack in slices: Lua's C stack takes a few thousand values at most
  local j = math.min(i + 999, #batch)
  redis.call('ZREM', KEYS[1], unpack(batch, i, j))
  i = j + 1
end
local more = 0
if redis.call('ZCOUNT', KEYS[1], '-inf', now) > 0 then
  more = 1
end
local live = redis.call('ZCOUNT', KEYS[1], '(' .. now, '+inf')
local fixed = 0
if more == 0 and counter_wrong(live) then
  redis.call('SET', KEYS[2], live)
  fixed = 1
end
return {#batch, more, live, fixed}
