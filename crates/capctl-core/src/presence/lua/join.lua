-- join/enter, second part: the general path (a device cap, a queue, many expired leases; see
-- lua/join_plain.lua for the arguments and the reply).
if not limit then
  return need_limit()
end

if live_lease(member, now) then
  return settle('REFRESHED', limit, hold(member, now, ttl), now)
end

-- Device cap (streams with max_devices only): the viewer's other devices holding a slot.
local devices = nil
if MAX_DEVICES > 0 then
  local viewer, device = ARGV[5] or member, ARGV[6] or member
  local held = {}
  for d in string.gmatch(redis.call('HGET', DEVICES, viewer) or '', '%S+') do
    local score = d ~= device and live_lease(device_member(viewer, d), now)
    if score then
      held[#held + 1] = {d, score}
    end
  end
  if #held >= MAX_DEVICES then
    if not EVICT_OLDEST then
      return settle('DEVICE_LIMIT', limit, 0, now, MAX_DEVICES)
    end
    -- The viewer's least recently refreshed devices give their slots to this one: the
    -- stream's count does not change, and nobody else is ever evicted.
    table.sort(held, function(a, b) return a[2] < b[2] end)
    local evicted, names = {}, {}
    for i, h in ipairs(held) do
      if i <= #held - MAX_DEVICES + 1 then
        evicted[#evicted + 1] = device_member(viewer, h[1])
      else
        names[#names + 1] = h[1]
      end
    end
    names[#names + 1] = device
    drop(evicted)
    redis.call('HSET', DEVICES, viewer, table.concat(names, ' '))
    return settle('ADMITTED', limit, hold(member, now, ttl), now, 0, evicted[1])
  end
  devices = {}
  for _, h in ipairs(held) do
    devices[#devices + 1] = h[1]
  end
  devices[#devices + 1] = device
end

-- Capacity, and the queue: while people are queued a free slot is the head's, never a
-- newcomer's. Unlimited rooms skip all of it (nobody ever queues there).
if limit >= 0 then
  local free = live_count(now) < limit
  local waiting = redis.call('ZCARD', QUEUE)
  if waiting > 0 then
    prune_queue(now, tonumber(ARGV[3]))
    waiting = redis.call('ZCARD', QUEUE)
  end
  if ARGV[4] == 'q' then
    local rank = redis.call('ZRANK', QUEUE, member)
    if not (free and (waiting == 0 or rank == 0)) then
      if not rank then
        local last = redis.call('ZRANGE', QUEUE, -1, -1, 'WITHSCORES')
        local arrival = 1
        if last[2] then
          arrival = tonumber(last[2]) + 1
        end
        redis.call('ZADD', QUEUE, arrival, member)
        rank = waiting
      end
      redis.call('ZADD', PLACES, now + ttl, member)
      return settle('QUEUED', limit, 0, now, rank + 1)
    end
    if rank then
      unqueue({member})
    end
  elseif not free or waiting > 0 then
    return settle('FULL', limit, 0, now, waiting)
  end
end
if devices then
  redis.call('HSET', DEVICES, ARGV[5] or member, table.concat(devices, ' '))
end
return settle('ADMITTED', limit, hold(member, now, ttl), now)
