-- Reads the peer an index points to, in one round trip.
-- KEYS: index (a hash when ARGV[1] is given, else a string), peers. ARGV: [field].
local id
if ARGV[1] then
  id = redis.call('HGET', KEYS[1], ARGV[1])
else
  id = redis.call('GET', KEYS[1])
end
if not id then return false end
local record = redis.call('HGET', KEYS[2], id)
if not record then return false end
return {id, record}
