-- Writes DC option records and the key vault of an encrypted session as one unit (Redis runs a
-- script whole: no other client sees, and no crash leaves, half of it).
-- KEYS[1]: the dcs hash. ARGV[1]: 'set' (store ARGV[2] as the vault) or 'del' (no vault: plain
-- keys), ARGV[2]: the vault, ARGV[3]: the key layout version, then field, record pairs.
-- Each record overwrites the field that held the DC's plain auth key, in this same script.
local dcs = KEYS[1]
for i = 4, #ARGV, 2 do
  redis.call('HSET', dcs, ARGV[i], ARGV[i + 1])
end
if ARGV[1] == 'set' then
  redis.call('HSET', dcs, 'vault', ARGV[2])
else
  redis.call('HDEL', dcs, 'vault')
end
redis.call('HSET', dcs, 'layout', ARGV[3])
return 1
