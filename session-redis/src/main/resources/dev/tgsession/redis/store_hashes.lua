-- Peers known by id and access hash only, the most common write: their hashes replace the stored
-- ones (nothing else of the peer changes, exactly the merge) and the time they were cached is
-- recorded. KEYS: peers, cached. ARGV: id, hash pairs, then the time (epoch nanoseconds, 19
-- digits).
local cached_at = table.remove(ARGV)
redis.call('HSET', KEYS[1], unpack(ARGV))
local times = {}
for i = 1, #ARGV, 2 do
  times[#times + 1] = ARGV[i]
  times[#times + 1] = cached_at
end
redis.call('HSET', KEYS[2], unpack(times))
return #ARGV / 2
