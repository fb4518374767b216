-- Writes a DC option record holding a plain auth key, unless the session is encrypted: an instance
-- opened before another one encrypted the session must not put a plain key back next to the vault.
-- KEYS[1]: the dcs hash. ARGV: field, record pairs.
if redis.call('HEXISTS', KEYS[1], 'vault') == 1 then
  return redis.error_reply('TGSESSION_INCOMPATIBLE another instance encrypted the auth keys of'
    .. ' this session since this one opened it; nothing was written; reopen the session with its'
    .. ' encryption-key')
end
for i = 1, #ARGV, 2 do
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
end
return 1
