-- Atomic dedup check-and-register for a batch of articles, in order (see
-- streams/store/dedup.py for the layout).
-- ARGV: ns, now (unix seconds), threshold, retention_s, signature_bytes, band_bytes,
--       then 6 per article: id, source, exact, entry, delivery, packed band digests.
local ns, now, threshold = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local retention, sigbytes, bandbytes = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local SEP = '\31'
local FIRST, PER = 7, 6

local today = math.floor(now / 86400)
local oldest = math.floor((now - retention) / 86400)
local expire_at = (today + 1) * 86400 + retention
local todays = ns .. ':dedup:' .. today

-- Only days that still exist are read: a missing day costs a call per article for nothing.
local days = {}
for day = today, oldest, -1 do
  local bucket = ns .. ':dedup:' .. day
  if day == today or redis.call('EXISTS', bucket) == 1 then days[#days + 1] = bucket end
end

-- The first value found for each field, newest day first, and whether it was today's.
local function lookup(fields)
  local found, today_has, missing = {}, {}, #fields
  for d, bucket in ipairs(days) do
    local values = redis.call('HMGET', bucket, unpack(fields))
    for i = 1, #fields do
      if not found[i] and values[i] then
        found[i], today_has[i], missing = values[i], d == 1, missing - 1
      end
    end
    if missing == 0 then break end
  end
  return found, today_has
end

local function entry_of(id)
  for _, bucket in ipairs(days) do
    local value = redis.call('HGET', bucket, 'e' .. id)
    if value then return value end
  end
  return nil
end

-- Overlap: max(Jaccard estimate, containment of the smaller shingle set in the larger).
-- Signatures are unpacked in one call each (a string.sub per value costs twice as much).
local perms = sigbytes / 4
local VALUES = '<' .. string.rep('I4', perms)
local function overlap(values, shingles, other)
  local size = struct.unpack('<I4', other)
  local theirs = {struct.unpack(VALUES, other, 5)}
  local same = 0
  for p = 1, perms do
    if values[p] == theirs[p] then same = same + 1 end
  end
  local score = same / perms
  if score > 0 and size > 0 and shingles > 0 then
    local common = score * (shingles + size) / (1 + score)
    local contained = math.min(1, common / math.min(shingles, size))
    if contained > score then score = contained end
  end
  return score
end

local function decide(id, source, exact, entry, delivery, packed)
  local fields = {'d' .. delivery, 'x' .. exact}
  for i = 0, #packed / bandbytes - 1 do
    fields[#fields + 1] = 'b' .. string.char(i) .. string.sub(packed, i * bandbytes + 1,
                                                             (i + 1) * bandbytes)
  end
  local found, today_has = lookup(fields)
  -- A redelivered message gets the decision it got the first time.
  if found[1] then return found[1] end

  -- A decision is "original SEP similarity SEP kind"; the original is whatever precedes
  -- the last two separators, so an id may hold any byte, SEP included.
  local decision, original = nil, nil
  if found[2] then original, decision = found[2], found[2] .. SEP .. '1.0000' .. SEP .. 'exact' end
  local shingles = struct.unpack('<I4', entry)
  if not decision and shingles > 0 then
    local values = {struct.unpack(VALUES, entry, 5)}
    local best, best_id, tried = 0, nil, {}
    for i = 3, #fields do
      local candidate = found[i]
      if candidate and not tried[candidate] then
        tried[candidate] = true
        local other = entry_of(candidate)
        if other then
          local score = overlap(values, shingles, other)
          if score > best then best, best_id = score, candidate end
        end
      end
    end
    if best_id and best >= threshold then
      original, decision = best_id, best_id .. SEP .. string.format('%.4f', best) .. SEP .. 'near'
    end
  end

  if decision then
    local cluster = ns .. ':dedup:cluster:' .. original
    redis.call('HINCRBY', cluster, 'copies', 1)
    if source ~= '' then redis.call('HINCRBY', cluster, 'src:' .. source, 1) end
    redis.call('EXPIREAT', cluster, expire_at)
  else
    -- A band taken today keeps its first original; one seen only on an older day is
    -- written again so it lives as long as this article.
    local writes = {fields[1], '', fields[2], id, 'e' .. id, entry}
    for i = 3, #fields do
      if not today_has[i] then writes[#writes + 1] = fields[i]; writes[#writes + 1] = id end
    end
    redis.call('HSET', todays, unpack(writes))
    return ''
  end
  redis.call('HSET', todays, fields[1], decision)
  return decision
end

local decisions = {}
for a = FIRST, #ARGV, PER do
  decisions[#decisions + 1] = decide(ARGV[a], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3],
                                     ARGV[a + 4], ARGV[a + 5])
end
redis.call('EXPIREAT', todays, expire_at)
return decisions
