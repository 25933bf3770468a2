-- leave: drop a person's lease. Idempotent: a second leave changes nothing.
-- KEYS[1] leases, KEYS[2] counter, KEYS[3] cached limit
-- ARGV[1] member, ARGV[2] unused (keeps one calling convention), ARGV[3] most expired leases
-- to drop in this call
-- Returns {status, live count, limit (-1 = unlimited), 0}.
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
local status = 'ABSENT'
if redis.call('ZREM', KEYS[1], ARGV[1]) == 1 then
  status = 'LEFT'
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
return {status, live, lim, 0}
