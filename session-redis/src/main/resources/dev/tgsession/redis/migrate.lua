-- Moves a session of layout 2 or 3 to layout 4 in one step: renames its updates state and channels
-- to their layout-4 names (same hash tag, same slot) and marks the layout, so that no reader sees
-- the state under both names or under neither. Only while the session is still marked 2 or 3 (a
-- second instance finding it moved leaves it alone); on one server, lists it in the index.
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
