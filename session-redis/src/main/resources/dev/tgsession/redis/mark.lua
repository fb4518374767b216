-- Marks the session's key layout (before an instance's first write) and, on one server, lists the
-- session in the directory's name index in the same step. KEYS: dcs [, index]. ARGV: layout
-- version, the session's name. A session marked 2 or 3 is left alone (returns 0): its updates
-- state must move first, which migrate.lua does with the mark.
local was = redis.call('HGET', KEYS[1], 'layout')
if was == '2' or was == '3' then
  return 0
end
redis.call('HSET', KEYS[1], 'layout', ARGV[1])
if KEYS[2] then
  redis.call('ZADD', KEYS[2], 0, ARGV[2])
end
return 1
