-- Switches a staged replacement in: every live data key becomes its staged copy (or goes, when
-- nothing was staged for it), in one step no reader and no crash can split.
-- KEYS: the n live keys, then the n staged keys in the same order. ARGV: none.
local n = #KEYS / 2
for i = 1, n do
  if redis.call('EXISTS', KEYS[n + i]) == 1 then
    redis.call('RENAME', KEYS[n + i], KEYS[i])
  else
    redis.call('DEL', KEYS[i])
  end
end
return n
