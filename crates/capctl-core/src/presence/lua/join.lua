-- join/enter: admit a person into a room unless the room is at its limit; a person who holds
-- a live lease has it renewed (idempotent).
-- ARGV[1] member, ARGV[2] lease length (ms), ARGV[3] most expired leases to drop in this call
-- Returns {'ADMITTED'|'REFRESHED'|'FULL'|'NEED_LIMIT', live count, limit, lease expiry ms}.
local limit = cached_limit()
if not limit then
  return NEED_LIMIT
end
local now = server_now()
local status = 'FULL'
if live_lease(ARGV[1], now) then
  status = 'REFRESHED'
elseif limit < 0 or live_count(now) < limit then
  status = 'ADMITTED'
end
local expires = 0
if status ~= 'FULL' then
  expires = hold(ARGV[1], now, tonumber(ARGV[2]))
end
return settle(status, limit, expires, now)
