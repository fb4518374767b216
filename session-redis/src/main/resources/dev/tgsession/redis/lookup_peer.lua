-- Reads one peer, found by id or through an index, in one round trip and one consistent view.
-- KEYS: peers, info, [index]. ARGV: 'id' and the 8-byte id; or 'field' and the index hash's field
-- (username or phone); or 'string' (the index is a string holding the id: the self user).
-- Returns {id, access hash (empty when unknown), info record (empty when none)}, or false.
local id
local mode = ARGV[1]
if mode == 'id' then
  id = ARGV[2]
elseif mode == 'field' then
  id = redis.call('HGET', KEYS[3], ARGV[2])
elseif mode == 'string' then
  id = redis.call('GET', KEYS[3])
else
  error({err = "expected lookup mode 'id', 'field' or 'string', found " .. tostring(mode)})
end
if not id then return false end
local hash = redis.call('HGET', KEYS[1], id)
if not hash then return false end
return {id, hash, redis.call('HGET', KEYS[2], id) or ''}
