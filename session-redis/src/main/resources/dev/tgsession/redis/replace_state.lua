-- Replaces the whole updates state, channels included, atomically.
-- KEYS: state, channels. ARGV: pts, qts, date, seq, channel1, pts1, channel2, pts2, ...
redis.call('HSET', KEYS[1], 'pts', ARGV[1], 'qts', ARGV[2], 'date', ARGV[3], 'seq', ARGV[4])
redis.call('DEL', KEYS[2])
local args = {}
for i = 5, #ARGV do
  args[#args + 1] = ARGV[i]
  if #args == 1000 then
    redis.call('HSET', KEYS[2], unpack(args))
    args = {}
  end
end
if #args > 0 then
  redis.call('HSET', KEYS[2], unpack(args))
end
return 1
