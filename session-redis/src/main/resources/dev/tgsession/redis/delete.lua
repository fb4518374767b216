-- Deletes every key of one session (data, lease, lease tokens, staged copies) unless someone
-- holds its lease and the delete is not forced; on one server, its entry in the name index too.
-- KEYS: the lease, then every other key of the session [, the index last when ARGV[3] is '1'].
-- ARGV: '1' to force, the session's name, '1' when the index is the last key.
-- Returns {1, keys deleted + index entries removed} or {0, the holder's "token owner", its ms}.
local held = redis.call('GET', KEYS[1])
if held and ARGV[1] ~= '1' then
  return {0, held, redis.call('PTTL', KEYS[1])}
end
local last = #KEYS
local removed = 0
if ARGV[3] == '1' then
  removed = redis.call('ZREM', KEYS[last], ARGV[2])
  last = last - 1
end
local keys = {}
for i = 1, last do keys[i] = KEYS[i] end
removed = removed + redis.call('DEL', unpack(keys))
return {1, removed}
