-- Writes DC option records and the key vault of an encrypted session as one unit (Redis runs a
-- script whole: no other client sees, and no crash leaves, half of it).
-- KEYS[1]: the dcs hash. ARGV[1]: 'set' (store ARGV[2] as the vault) or 'del' (no vault: plain
-- keys), ARGV[2]: the vault, ARGV[3]: the key layout version, ARGV[4]: the vault this instance last
-- read or wrote, empty for none (it must still be the stored one, else nothing is written);
-- then field, record pairs. Each record overwrites the field that held the DC's plain auth key.
local dcs = KEYS[1]
local current = redis.call('HGET', dcs, 'vault')
local expected = ARGV[4]
-- A call repeated after a lost reply (cluster retries) finds its own result: that is no conflict.
local done = (ARGV[1] == 'set' and current == ARGV[2]) or (ARGV[1] ~= 'set' and not current)
if not done and ((expected == '' and current) or (expected ~= '' and current ~= expected)) then
  return redis.error_reply('TGSESSION_INCOMPATIBLE another instance encrypted, re-encrypted,'
    .. ' cleared, changed or put back in plain the auth keys of this session since this one read'
    .. ' them; nothing was written; reopen the session (with its current encryption-key)')
end
for i = 5, #ARGV, 2 do
  redis.call('HSET', dcs, ARGV[i], ARGV[i + 1])
end
if ARGV[1] == 'set' then
  redis.call('HSET', dcs, 'vault', ARGV[2])
else
  redis.call('HDEL', dcs, 'vault')
end
redis.call('HSET', dcs, 'layout', ARGV[3])
return 1
