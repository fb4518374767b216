-- One command, run only while the session's lease is still held with the given token (fencing).
-- KEYS: the lease token counter, then the command's keys. ARGV: the token, the command, then the
-- command's other arguments.
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return redis.error_reply('TGSESSION_LEASE_LOST another owner took the lease over (token '
    .. tostring(redis.call('GET', KEYS[1])) .. ', this session holds ' .. ARGV[1] .. ')')
end
local args = {}
for i = 2, #KEYS do args[#args + 1] = KEYS[i] end
for i = 3, #ARGV do args[#args + 1] = ARGV[i] end
return redis.call(ARGV[2], unpack(args))
