-- leave: drop a person's lease, or their place in the queue. Idempotent: a second leave
-- changes nothing.
-- ARGV[1] member, ARGV[2] unused (one calling convention for all three), ARGV[3] most expired
-- leases to drop in this call
-- Returns {'LEFT'|'ABSENT'|'NEED_LIMIT', slots held, limit, 0, 0, ''}.
if not limit then
  return need_limit()
end
local status = 'ABSENT'
if redis.call('ZSCORE', LEASES, ARGV[1]) then
  drop({ARGV[1]})
  status = 'LEFT'
end
if redis.call('ZSCORE', PLACES, ARGV[1]) then
  unqueue({ARGV[1]})
  status = 'LEFT'
end
return settle(status, limit, 0, now)
