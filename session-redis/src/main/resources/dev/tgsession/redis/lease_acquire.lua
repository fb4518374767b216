-- Takes the session's lease unless someone holds an unexpired one.
-- KEYS: the lease (string "token owner", expiring), the token counter (never deleted).
-- ARGV: owner, length in milliseconds.
-- Returns {token, length} when taken, or {0, holder's "token owner", its remaining milliseconds}.
local held = redis.call('GET', KEYS[1])
if held then
  return {0, held, redis.call('PTTL', KEYS[1])}
end
local token = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], token .. ' ' .. ARGV[1], 'PX', ARGV[2])
return {token, tonumber(ARGV[2])}
