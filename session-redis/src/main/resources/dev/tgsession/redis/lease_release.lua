-- Ends the lease if it is still held with this token; the token counter stays.
-- KEYS: lease. ARGV: token.
local held = redis.call('GET', KEYS[1])
if held and string.sub(held, 1, #ARGV[1] + 1) == ARGV[1] .. ' ' then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
