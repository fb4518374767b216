-- Extends the lease if the token counter still holds this lease's token (nobody took over, even if
-- the lease expired meanwhile). KEYS: lease, token counter. ARGV: token, owner, length in ms.
-- Returns 1 when extended, 0 when another lease was taken since.
if redis.call('GET', KEYS[2]) ~= ARGV[1] then
  return 0
end
redis.call('SET', KEYS[1], ARGV[1] .. ' ' .. ARGV[2], 'PX', ARGV[3])
return 1
