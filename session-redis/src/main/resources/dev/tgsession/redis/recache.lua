-- Re-caches peers with a new access hash and reads their stored info records: what RedisRecache's
-- transaction does, as a script where a transaction cannot serve (under a lease, behind
-- fence_prelude.lua, so the write is fenced like every other).
-- KEYS: peers, info. ARGV: (8-byte id, peers value: access hash and time) pairs.
-- Returns the stored info records of the ids, in order (nil where none).
redis.call('HSET', KEYS[1], unpack(ARGV))
local ids = {}
for i = 1, #ARGV, 2 do
  ids[#ids + 1] = ARGV[i]
end
return redis.call('HMGET', KEYS[2], unpack(ids))
