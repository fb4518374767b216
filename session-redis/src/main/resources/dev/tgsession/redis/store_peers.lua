-- Applies a batch of peers (reduced by PeerBatch, so claims never collide within it) atomically.
-- KEYS: peers, info, usernames, phones, self (a key the batch does not need is given as peers).
-- ARGV: one triple per peer: 8-byte id, its new peers value (the 8-byte access hash followed by
-- the time, or empty when the hash is unknown), info record (empty when the peer knows none of its
-- components); then the claims the records carry, as the session encoded them: a (username, id)
-- pair per username of every record, a (phone, id) pair per phone; then the number of username
-- pairs and of phone pairs (decimal); last, the time they are cached at (epoch nanoseconds, 19
-- decimal digits), recorded for every peer of the batch (a merge that changes nothing too).
-- peers value: the access hash (8 bytes, or none) followed by the time (19 digits); 0.3.0 wrote the
-- hash alone (0 or 8 bytes, the time in the cached hash), which is read as before and replaced by
-- the next write of the peer.
-- Info record: u8 version=1, u8 known mask (2 bot, 4 self, 8 usernames, 16 phone, 32 channel
-- kind), u8 values (1 bot, 2 self, kind << 2), [u16 count, (u8 length, bytes)*], [u8 length,
-- digits].
--
-- 1. Access hashes and times: one HSET (one HMGET first when some hash is unknown).
-- 2. Info records that claim nothing (bot, channel kind): HGET or one HMGET of the stored records,
--    merged on the bytes (a known component replaces, an unknown one keeps; the stored usernames
--    and phone stay as they are), one HSET of those that change.
-- 3. Info records that claim usernames, a phone or the self flag: one HMGET of the stored records;
--    those equal to the stored ones are done. When every other one is new (no stored record), does
--    not know the self flag, and claims only usernames and phones nobody holds (one HMGET each of
--    the session's pairs), the records and pairs are written as they are (one HSET per hash), the
--    records never decoded. Otherwise, in order, against the stored records, usernames and phones;
--    what they change is kept in tables (read before the stored values) and written at the end
--    with one HSET (and HDEL) per hash.
-- Steps 1 and 2 touch only the batch's own peers and components a claim never takes from another
-- peer, so applying them first gives the same result as the batch's order.
local peers, info, usernames, phones, selfkey = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local cached_at = table.remove(ARGV)
local phone_pairs = tonumber(table.remove(ARGV))
local name_pairs = tonumber(table.remove(ARGV))

local function incompatible(r)
  error({err = 'TGSESSION_INCOMPATIBLE expected a peer record of version 1, found version '
    .. tostring(string.byte(r, 1)) .. ' of ' .. #r .. ' bytes'})
end

local function malformed(what)
  error({err = 'expected ' .. what .. '; the session sent a malformed batch'})
end

if not name_pairs or not phone_pairs then
  malformed('the numbers of username and phone pairs')
end
-- the triples end at last, the username pairs start at last + 1, the phone pairs at phones_at
local last = #ARGV - 2 * (name_pairs + phone_pairs)
local phones_at = last + 1 + 2 * name_pairs
if last < 0 or last % 3 ~= 0 then
  malformed('triples of id, hash and info, then ' .. name_pairs .. ' username and ' .. phone_pairs
    .. ' phone pairs, found ' .. #ARGV .. ' arguments')
end

-- 1. access hashes and times, one HSET: a known hash replaces the stored one, an unknown one
--    keeps it (read with one HMGET); the field marks the peer as stored.
local values, h, unknown = {}, 0, {}
for i = 1, last, 3 do
  local hash = ARGV[i + 1]
  if #hash == 27 then
    values[h + 1] = ARGV[i]
    values[h + 2] = hash
    h = h + 2
  elseif #hash == 0 then
    unknown[#unknown + 1] = ARGV[i]
  else
    malformed('an 8-byte access hash and the time, or none, found ' .. #hash .. ' bytes')
  end
end
if #unknown > 0 then
  local stored = redis.call('HMGET', peers, unpack(unknown))
  for j = 1, #unknown do
    local s = stored[j]
    local keep = ''
    if s and (#s == 8 or #s == 27) then
      keep = string.sub(s, 1, 8)
    elseif s and #s ~= 0 and #s ~= 19 then
      error({err = 'TGSESSION_INCOMPATIBLE expected a stored access hash of 0, 8, 19 or 27 bytes,'
        .. ' found ' .. #s .. ' bytes'})
    end
    values[h + 1] = unknown[j]
    values[h + 2] = keep .. cached_at
    h = h + 2
  end
end
redis.call('HSET', peers, unpack(values, 1, h))

-- The merge of an info record that claims nothing (r) into the stored one (s, false if none).
local function merge(r, s)
  if not s then
    return r
  end
  local sversion, sknown, svalues = string.byte(s, 1, 3)
  if sversion ~= 1 or #s < 3 then
    incompatible(s)
  end
  local _, known, values = string.byte(r, 1, 3)
  -- Most often the merge is the incoming record itself: the same components known, nothing
  -- stored after the header. Otherwise splice the bytes.
  if sknown == known and #s == 3 then
    return r
  end
  local mask = 0
  if bit.band(known, 2) ~= 0 then mask = 1 end
  if bit.band(known, 32) ~= 0 then mask = mask + 12 end
  values = bit.bor(bit.band(values, mask), bit.band(svalues, bit.bnot(mask)))
  return string.char(1, bit.bor(sknown, known), values) .. string.sub(s, 4)
end

-- 2. info records that claim nothing; the others are kept for step 3
local plain_ids, plain_records, claiming = {}, {}, {}
for i = 1, last, 3 do
  local r = ARGV[i + 2]
  if #r > 0 then
    local version, known = string.byte(r, 1, 2)
    if version ~= 1 or #r < 3 then
      malformed('an info record of version 1, found ' .. #r .. ' bytes')
    end
    if bit.band(known, 28) == 0 then
      if #r ~= 3 then
        malformed('a record that claims nothing to be 3 bytes, found ' .. #r)
      end
      plain_ids[#plain_ids + 1] = ARGV[i]
      plain_records[#plain_records + 1] = r
    else
      claiming[#claiming + 1] = i
    end
  end
end
local count = #plain_ids
if count == 1 then
  local s = redis.call('HGET', info, plain_ids[1])
  local r = merge(plain_records[1], s)
  if r ~= s then
    redis.call('HSET', info, plain_ids[1], r)
  end
elseif count > 1 then
  local stored = redis.call('HMGET', info, unpack(plain_ids))
  local changed, n = {}, 0
  for j = 1, count do
    local s = stored[j]
    local r = merge(plain_records[j], s)
    if r ~= s then
      changed[n + 1] = plain_ids[j]
      changed[n + 2] = r
      n = n + 2
    end
  end
  if n > 0 then
    redis.call('HSET', info, unpack(changed, 1, n))
  end
end
if #claiming == 0 then
  return last / 3
end

-- A claiming record equal byte for byte to the stored one changes nothing: its claims are already
-- in the indexes (a record holds a username, phone or the self flag exactly when the index points
-- to it), and no other record of a reduced batch can take them. Re-caching known users with a new
-- access hash, the common case, is then one HMGET here, and the script ends before the rest of it
-- is even set up.
local claiming_ids = {}
for j, i in ipairs(claiming) do
  claiming_ids[j] = ARGV[i]
end
local before = redis.call('HMGET', info, unpack(claiming_ids))
local changed = {}
for j, i in ipairs(claiming) do
  if before[j] ~= ARGV[i + 2] then
    changed[#changed + 1] = j
  end
end
if #changed == 0 then
  return last / 3
end

-- Step 3. What this script wrote, read before what was stored: records by id, owners by username
-- and by phone (false: released).
local records, owners, phone_owners = {}, {}, {}
local stored_records, stored_owners, stored_phone_owners = {}, {}, {}

-- The fresh records: new ones (no stored record) that do not know the self flag. Their claims are
-- exactly the session's pairs of them, and nothing of theirs is stored to merge or release.
local fresh, all_fresh = {}, true
for _, j in ipairs(changed) do
  local i = claiming[j]
  if before[j] or bit.band(string.byte(ARGV[i + 2], 2), 4) ~= 0 then
    all_fresh = false
    break
  end
  fresh[ARGV[i]] = true
end

-- Reads the owners of the usernames or phones of the fresh records' pairs (count pairs from ARGV
-- index from) into stored; returns those pairs as HSET arguments and whether nobody holds any.
local function unheld(from, count, hash, stored)
  local fields, set = {}, {}
  for k = from, from + 2 * count - 1, 2 do
    if fresh[ARGV[k + 1]] then
      fields[#fields + 1] = ARGV[k]
      set[#set + 1] = ARGV[k]
      set[#set + 1] = ARGV[k + 1]
    end
  end
  if #fields == 0 then
    return set, true
  end
  local held = redis.call('HMGET', hash, unpack(fields))
  local free = true
  for j = 1, #fields do
    stored[fields[j]] = held[j]
    if held[j] then free = false end
  end
  return set, free
end

if all_fresh then
  local name_set, names_free = unheld(last + 1, name_pairs, usernames, stored_owners)
  local phone_set, phones_free = unheld(phones_at, phone_pairs, phones, stored_phone_owners)
  if names_free and phones_free then
    if #name_set > 0 then redis.call('HSET', usernames, unpack(name_set)) end
    if #phone_set > 0 then redis.call('HSET', phones, unpack(phone_set)) end
    local set = {}
    for _, j in ipairs(changed) do
      local i = claiming[j]
      set[#set + 1] = ARGV[i]
      set[#set + 1] = ARGV[i + 2]
    end
    redis.call('HSET', info, unpack(set))
    return last / 3
  end
end

local function decode(r)
  local version = string.byte(r, 1)
  if version ~= 1 or #r < 3 then
    incompatible(r)
  end
  local known, values = string.byte(r, 2, 3)
  local p = {}
  if bit.band(known, 2) ~= 0 then p.bot = bit.band(values, 1) end
  if bit.band(known, 4) ~= 0 then p.self = bit.rshift(bit.band(values, 2), 1) end
  if bit.band(known, 32) ~= 0 then p.kind = bit.band(bit.rshift(values, 2), 3) end
  local pos = 4
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
  if p.bot then known = known + 2; values = values + p.bot end
  if p.self then known = known + 4; values = values + 2 * p.self end
  if p.names then known = known + 8 end
  if p.phone then known = known + 16 end
  if p.kind then known = known + 32; values = values + 4 * p.kind end
  local parts = {string.char(1, known, values)}
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

-- Otherwise the general way. The value of key in hash: what this script wrote (written), else what was read from it
-- (stored), else read now and remembered.
local function lookup(written, stored, hash, key)
  local v = written[key]
  if v == nil then
    v = stored[key]
    if v == nil then
      v = redis.call('HGET', hash, key)
      stored[key] = v
    end
  end
  return v
end

local function record_of(id)
  return lookup(records, stored_records, info, id)
end

local function owner_of(name)
  return lookup(owners, stored_owners, usernames, name)
end

local function phone_owner_of(phone)
  return lookup(phone_owners, stored_phone_owners, phones, phone)
end

-- Rewrites the record of another stored peer (one that loses a claim); a missing record is left
-- missing.
local function update(id, change)
  local raw = record_of(id)
  if raw then
    local p = decode(raw)
    change(p)
    records[id] = encode(p)
  end
end

-- Applies one record (r, decoded: incoming) that claims usernames, a phone or the self flag.
local function process_claiming(id, r, incoming)
  local raw = record_of(id)
  local stored = raw and decode(raw) or nil
  local merged = r
  if stored then
    local m = {}
    for k, v in pairs(stored) do m[k] = v end
    for k, v in pairs(incoming) do m[k] = v end
    merged = m
  end

  if incoming.names then
    local kept = {}
    for _, name in ipairs(incoming.names) do kept[name] = true end
    if stored and stored.names then
      for _, name in ipairs(stored.names) do
        if not kept[name] and owner_of(name) == id then
          owners[name] = false
        end
      end
    end
    for _, name in ipairs(incoming.names) do
      local owner = owner_of(name)
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
      owners[name] = id
    end
  end

  if incoming.phone then
    if stored and stored.phone and stored.phone ~= incoming.phone
        and phone_owner_of(stored.phone) == id then
      phone_owners[stored.phone] = false
    end
    local owner = phone_owner_of(incoming.phone)
    if owner and owner ~= id then
      update(owner, function(p) p.phone = nil end)
    end
    phone_owners[incoming.phone] = id
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

  records[id] = stored and encode(merged) or merged
end

local changing, names, numbers = {}, {}, {}
for j, i in ipairs(claiming) do
  stored_records[ARGV[i]] = before[j]
end
for _, j in ipairs(changed) do
  local i = claiming[j]
  local incoming = decode(ARGV[i + 2])
  changing[#changing + 1] = {i, incoming}
  if incoming.names then
    for _, name in ipairs(incoming.names) do names[#names + 1] = name end
  end
  if incoming.phone then numbers[#numbers + 1] = incoming.phone end
end
-- the owners not read yet (the fresh records' were, above)
local function read_owners(hash, fields, stored)
  local unread = {}
  for _, field in ipairs(fields) do
    if stored[field] == nil then unread[#unread + 1] = field end
  end
  if #unread > 0 then
    local held = redis.call('HMGET', hash, unpack(unread))
    for j, field in ipairs(unread) do stored[field] = held[j] end
  end
end
read_owners(usernames, names, stored_owners)
read_owners(phones, numbers, stored_phone_owners)
for _, c in ipairs(changing) do
  local i = c[1]
  -- an earlier record of the batch may have changed this one's stored record: compare again
  if record_of(ARGV[i]) ~= ARGV[i + 2] then
    process_claiming(ARGV[i], ARGV[i + 2], c[2])
  end
end

-- Writes what changed: one HSET (and one HDEL) per hash.
local function flush(key, changes)
  local set, gone = {}, {}
  for field, value in pairs(changes) do
    if value then
      set[#set + 1] = field
      set[#set + 1] = value
    else
      gone[#gone + 1] = field
    end
  end
  if #gone > 0 then
    redis.call('HDEL', key, unpack(gone))
  end
  if #set > 0 then
    redis.call('HSET', key, unpack(set))
  end
end
flush(usernames, owners)
flush(phones, phone_owners)
flush(info, records)

return last / 3
