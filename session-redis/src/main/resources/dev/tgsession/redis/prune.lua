-- Deletes the peers last cached before a time, never the self user, releasing the usernames and
-- the phone they hold; one script, so a cache write racing it lands before (and its peer is kept
-- if it is now fresh) or after (and stores its peer again).
-- KEYS: peers, info, usernames, phones, self, cached. ARGV: the time, epoch nanoseconds in 19
-- decimal digits (compared as strings: same width, so exact). The time is the tail of the peer's
-- value (hash and time: 27 bytes, time alone: 19); a value 0.3.0 wrote (0 or 8 bytes) has it in the
-- cached hash; a peer without a recorded time counts as cached at 0.
-- Returns how many peers went.
local peers, info, usernames, phones, selfkey, cached = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local before = ARGV[1]
local self_id = redis.call('GET', selfkey)

-- The usernames and phone an info record claims (see store_peers.lua for the layout).
local function claims(r)
  local names, phone = {}, nil
  if not r or #r < 3 or string.byte(r, 1) ~= 1 then
    return names, phone
  end
  local known = string.byte(r, 2)
  local pos = 4
  if bit.band(known, 8) ~= 0 then
    local hi, lo = string.byte(r, pos, pos + 1)
    pos = pos + 2
    for i = 1, hi * 256 + lo do
      local len = string.byte(r, pos)
      names[i] = string.sub(r, pos + 1, pos + len)
      pos = pos + 1 + len
    end
  end
  if bit.band(known, 16) ~= 0 then
    local len = string.byte(r, pos)
    phone = string.sub(r, pos + 1, pos + len)
  end
  return names, phone
end

local gone, cursor = 0, '0'
local old = {}
repeat
  local page = redis.call('HSCAN', peers, cursor, 'COUNT', 1000)
  cursor = page[1]
  local entries = page[2]
  for i = 1, #entries, 2 do
    local id, value = entries[i], entries[i + 1]
    if id ~= self_id and not old[id] then
      local t
      if #value == 27 then
        t = string.sub(value, 9)
      elseif #value == 19 then
        t = value
      else
        t = redis.call('HGET', cached, id)
      end
      if not t or t < before then
        old[id] = true
      end
    end
  end
until cursor == '0'
for id in pairs(old) do
  local names, phone = claims(redis.call('HGET', info, id))
  for _, name in ipairs(names) do
    if redis.call('HGET', usernames, name) == id then
      redis.call('HDEL', usernames, name)
    end
  end
  if phone and redis.call('HGET', phones, phone) == id then
    redis.call('HDEL', phones, phone)
  end
  redis.call('HDEL', peers, id)
  redis.call('HDEL', info, id)
  redis.call('HDEL', cached, id)
  gone = gone + 1
end
return gone
