-- Fencing: the script runs only while the session's lease is still held with the given token.
-- The last key is the lease token counter and the last argument the token; both are removed
-- before the script proper sees KEYS and ARGV.
local fence_key, fence_token = table.remove(KEYS), table.remove(ARGV)
if redis.call('GET', fence_key) ~= fence_token then
  return redis.error_reply('TGSESSION_LEASE_LOST another owner took the lease over (token '
    .. tostring(redis.call('GET', fence_key)) .. ', this session holds ' .. fence_token .. ')')
end
