-- Applies a batch of peer records (reduced by PeerBatch, so claims never collide within it)
-- atomically: merge each record into the stored one (a missing field keeps, a present one
-- replaces), then enforce its username, phone and self claims against every other peer.
-- KEYS: peers, usernames, phones, self.
-- ARGV: S, then S claiming pairs (id, record), then F ids, then the F records of those ids
-- (records that claim nothing: usernames, phone and self unknown, exactly 11 bytes).
-- Record: u8 version=1, u8 known mask (1 hash, 2 bot, 4 self, 8 usernames, 16 phone,
-- 32 channel kind), u8 values (1 bot, 2 self, kind << 2), 8 byte access hash,
-- [u16 count, (u8 length, bytes)*], [u8 length, digits].
--
-- Fast path first, for the records that claim nothing: two commands for all of them (HMGET of
-- their stored records, or HGET for one; one HSET of those that change, none if nothing does),
-- merged on the bytes without tables (the header is fixed-position; the stored usernames and
-- phone are kept as they are). Such a record changes only its own hash, bot and kind, which a
-- claim never touches in another peer's record, so applying them before the claiming records
-- gives the same result as the batch's order.
-- Then the claiming records, one by one: decoded into tables, merged, indexes and other peers
-- updated. Their functions are only defined when there is one (most calls have none).
local peers, usernames, phones, selfkey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]

local function incompatible(r)
  error({err = 'TGSESSION_INCOMPATIBLE expected a peer record of version 1, found version '
    .. tostring(string.byte(r, 1)) .. ' of ' .. #r .. ' bytes'})
end

-- The merge of a record that claims nothing (r) into the stored one (s, false if none).
local function merge(r, s)
  local version, known, values = string.byte(r, 1, 3)
  if version ~= 1 or #r ~= 11 or bit.band(known, 28) ~= 0 then
    error({err = 'expected a record that claims nothing, found ' .. #r .. ' bytes, known '
      .. tostring(known) .. '; the session sent a malformed batch'})
  end
  if not s then
    return r
  end
  local sversion, sknown, svalues = string.byte(s, 1, 3)
  if sversion ~= 1 or #s < 11 then
    incompatible(s)
  end
  -- Most often the merge is the incoming record itself: the same components known, the hash
  -- among them, nothing stored after it. Otherwise splice the bytes.
  if sknown == known and #s == 11 and bit.band(known, 1) ~= 0 then
    return r
  end
  local mask = 0
  if bit.band(known, 2) ~= 0 then mask = 1 end
  if bit.band(known, 32) ~= 0 then mask = mask + 12 end
  values = bit.bor(bit.band(values, mask), bit.band(svalues, bit.bnot(mask)))
  local hash
  if bit.band(known, 1) ~= 0 then hash = string.sub(r, 4, 11) else hash = string.sub(s, 4, 11) end
  return string.char(1, bit.bor(sknown, known), values) .. hash .. string.sub(s, 12)
end

local claiming = tonumber(ARGV[1])
local first = 2 + 2 * claiming
local count = (#ARGV - first + 1) / 2
if count == 1 then
  local id = ARGV[first]
  local s = redis.call('HGET', peers, id)
  local r = merge(ARGV[first + 1], s)
  if r ~= s then
    redis.call('HSET', peers, id, r)
  end
elseif count > 1 then
  local stored = redis.call('HMGET', peers, unpack(ARGV, first, first + count - 1))
  local changed, n = {}, 0
  local records = first + count - 1
  for j = 1, count do
    local s = stored[j]
    local r = merge(ARGV[records + j], s)
    if r ~= s then
      changed[n + 1] = ARGV[first + j - 1]
      changed[n + 2] = r
      n = n + 2
    end
  end
  if n > 0 then
    redis.call('HSET', peers, unpack(changed))
  end
end
if claiming == 0 then
  return count
end

local function decode(r)
  local version = string.byte(r, 1)
  if version ~= 1 or #r < 11 then
    incompatible(r)
  end
  local known, values = string.byte(r, 2, 3)
  local p = {}
  if bit.band(known, 1) ~= 0 then p.hash = string.sub(r, 4, 11) end
  if bit.band(known, 2) ~= 0 then p.bot = bit.band(values, 1) end
  if bit.band(known, 4) ~= 0 then p.self = bit.rshift(bit.band(values, 2), 1) end
  if bit.band(known, 32) ~= 0 then p.kind = bit.band(bit.rshift(values, 2), 3) end
  local pos = 12
  if bit.band(known, 8) ~= 0 then
    local hi, lo = string.byte(r, pos, pos + 1)
    pos = pos + 2
    local names = {}
    for i = 1, hi * 256 + lo do
      local len = string.byte(r, pos)
      names[i] = string.sub(r, pos + 1, pos + len)
      pos = pos + 1 + len
    end
    p.names = names
  end
  if bit.band(known, 16) ~= 0 then
    local len = string.byte(r, pos)
    p.phone = string.sub(r, pos + 1, pos + len)
  end
  return p
end

local function encode(p)
  local known, values = 0, 0
  if p.hash then known = known + 1 end
  if p.bot then known = known + 2; values = values + p.bot end
  if p.self then known = known + 4; values = values + 2 * p.self end
  if p.names then known = known + 8 end
  if p.phone then known = known + 16 end
  if p.kind then known = known + 32; values = values + 4 * p.kind end
  local parts = {string.char(1, known, values), p.hash or string.rep('\0', 8)}
  if p.names then
    local n = #p.names
    parts[#parts + 1] = string.char(math.floor(n / 256), n % 256)
    for _, name in ipairs(p.names) do
      parts[#parts + 1] = string.char(#name) .. name
    end
  end
  if p.phone then
    parts[#parts + 1] = string.char(#p.phone) .. p.phone
  end
  return table.concat(parts)
end

-- Rewrites another stored peer (one that loses a claim); a missing record is left missing.
local function update(id, change)
  local raw = redis.call('HGET', peers, id)
  if raw then
    local p = decode(raw)
    change(p)
    redis.call('HSET', peers, id, encode(p))
  end
end

for i = 2, 2 * claiming, 2 do
  local id = ARGV[i]
  local incoming = decode(ARGV[i + 1])
  local raw = redis.call('HGET', peers, id)
  local stored = raw and decode(raw) or nil
  local merged = {}
  if stored then
    for k, v in pairs(stored) do merged[k] = v end
  end
  for k, v in pairs(incoming) do merged[k] = v end

  if incoming.names then
    local kept = {}
    for _, name in ipairs(incoming.names) do kept[name] = true end
    if stored and stored.names then
      for _, name in ipairs(stored.names) do
        if not kept[name] and redis.call('HGET', usernames, name) == id then
          redis.call('HDEL', usernames, name)
        end
      end
    end
    for _, name in ipairs(incoming.names) do
      local owner = redis.call('HGET', usernames, name)
      if owner and owner ~= id then
        update(owner, function(p)
          if p.names then
            local left = {}
            for _, n in ipairs(p.names) do
              if n ~= name then left[#left + 1] = n end
            end
            p.names = left
          end
        end)
      end
      redis.call('HSET', usernames, name, id)
    end
  end

  if incoming.phone then
    if stored and stored.phone and stored.phone ~= incoming.phone
        and redis.call('HGET', phones, stored.phone) == id then
      redis.call('HDEL', phones, stored.phone)
    end
    local owner = redis.call('HGET', phones, incoming.phone)
    if owner and owner ~= id then
      update(owner, function(p) p.phone = nil end)
    end
    redis.call('HSET', phones, incoming.phone, id)
  end

  if incoming.self == 1 then
    local current = redis.call('GET', selfkey)
    if current and current ~= id then
      update(current, function(p) p.self = 0 end)
    end
    redis.call('SET', selfkey, id)
  elseif incoming.self == 0 and redis.call('GET', selfkey) == id then
    redis.call('DEL', selfkey)
  end

  redis.call('HSET', peers, id, encode(merged))
end

return claiming + count
