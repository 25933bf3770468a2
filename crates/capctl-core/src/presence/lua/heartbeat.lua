-- heartbeat: extend a lease that still holds its slot: live, or expired but within the room's
-- grace (the owner gets it back without a capacity check). A lease past grace, or missing
-- (never granted, left, evicted by the viewer's newer device), is LOST and is not revived:
-- the person must join again, through the capacity check.
-- ARGV[1] member, ARGV[2] lease length (ms), or 0 = keep the lease's own length,
-- ARGV[3] most expired leases to drop in this call, ARGV[4] length (ms) for a lease that has
-- none stored (granted before lengths were stored)
-- Returns {'EXTENDED'|'LOST'|'NEED_LIMIT', slots held, limit, lease expiry ms (0 = none), 0, ''}.
if not limit then
  return need_limit()
end
local member = ARGV[1]
local score = redis.call('ZSCORE', LEASES, member)
if not (score and tonumber(score) > held_floor(now)) then
  if score then
    drop({member})
  end
  return settle('LOST', limit, 0, now)
end
local ttl = tonumber(ARGV[2])
if ttl == 0 then
  ttl = tonumber(redis.call('HGET', TTLS, member)) or tonumber(ARGV[4])
end
return settle('EXTENDED', limit, hold(member, now, ttl), now)
