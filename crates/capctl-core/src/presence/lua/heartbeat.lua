-- heartbeat: extend a live lease. An expired or missing lease is LOST and is not revived:
-- the person must join again, through the capacity check.
-- KEYS[1] leases, KEYS[2] counter, KEYS[3] cached limit
-- ARGV[1] member, ARGV[2] lease length (ms), ARGV[3] most expired leases to drop in this call
-- Returns {status, live count, limit (-1 = unlimited), lease expiry ms (0 = none)}.
local limit = redis.call('GET', KEYS[3])
if limit and limit ~= 'unlimited' and not tonumber(limit) then
  -- not something capctl wrote: drop it and load the real limit
  redis.call('DEL', KEYS[3])
  limit = false
end
if not limit then
  return {'NEED_LIMIT', 0, -1, 0}
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
local status
local expires = 0
if score and tonumber(score) > now then
  expires = now + tonumber(ARGV[2])
  redis.call('ZADD', KEYS[1], 'XX', expires, ARGV[1])
  status = 'EXTENDED'
else
  if score then
    redis.call('ZREM', KEYS[1], ARGV[1])
  end
  status = 'LOST'
end
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[3]))
if #expired > 0 then
  redis.call('ZREM', KEYS[1], unpack(expired))
end
local lim = -1
if limit ~= 'unlimited' then
  lim = tonumber(limit)
end
local live = redis.call('ZCOUNT', KEYS[1], '(' .. now, '+inf')
redis.call('SET', KEYS[2], live)
return {status, live, lim, expires}
