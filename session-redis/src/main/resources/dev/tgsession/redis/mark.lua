-- Marks the session's key layout (before an instance's first write) and, on one server, lists the
-- session in the directory's name index in the same step. A session still marked 2 or 3 is moved
-- to layout 4 first, in the same step: its updates state and channels are renamed to their layout-4
-- names (same hash tag, same slot), so that no reader sees the state under both names or under
-- neither (a second instance finding it moved renames nothing).
-- KEYS: dcs, old state, state, old channels, channels [, index]. ARGV: layout version, the name.
local was = redis.call('HGET', KEYS[1], 'layout')
if was == '2' or was == '3' then
  for i = 2, 4, 2 do
    if redis.call('EXISTS', KEYS[i]) == 1 then
      redis.call('RENAME', KEYS[i], KEYS[i + 1])
    end
  end
end
redis.call('HSET', KEYS[1], 'layout', ARGV[1])
if KEYS[6] then
  redis.call('ZADD', KEYS[6], 0, ARGV[2])
end
return 1
