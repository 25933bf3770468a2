-- Replace a cached limit only if it still holds what the caller read before asking
-- PostgreSQL, so a slow refresh never overwrites a newer `set-limit`.
-- KEYS: the room's four keys (only KEYS[3], the cached limit, is used)
-- ARGV[1] expected value ('' = missing), ARGV[2] new value ('' = delete)
-- Returns 1 when written, 0 when the cache changed meanwhile.
local cur = redis.call('GET', KEYS[3])
if (cur or '') ~= ARGV[1] then
  return 0
end
if ARGV[2] == '' then
  redis.call('DEL', KEYS[3])
else
  redis.call('SET', KEYS[3], ARGV[2])
end
return 1
