-- Atomic dedup check-and-register (see streams/store/dedup.py for the layout).
-- ARGV: ns, article_id, source, exact, entry, shingles, delivery, threshold,
--       retention_s, signature_bytes, band fields...
local ns, article_id, source, exact, entry = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local shingles, delivery = tonumber(ARGV[6]), ARGV[7]
local threshold, retention, sigbytes = tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10])
local SEP = '\31'

local now = tonumber(redis.call('TIME')[1])
local today = math.floor(now / 86400)
local oldest = math.floor((now - retention) / 86400)
local function key(day, kind) return ns .. ':dedup:' .. day .. ':' .. kind end
local function find(kind, field)
  for day = today, oldest, -1 do
    local value = redis.call('HGET', key(day, kind), field)
    if value then return value end
  end
  return nil
end

-- A redelivered message gets the decision it got the first time.
local seen = find('d', delivery)
if seen then return seen end

local decision = nil
local same_text = find('x', exact)
if same_text then decision = same_text .. SEP .. '1.0000' .. SEP .. 'exact' end

if not decision and shingles > 0 then
  local sig = string.sub(entry, 5, 4 + sigbytes)
  local positions = sigbytes / 4
  local best, best_id, tried = 0, nil, {}
  local candidates = {}
  for day = today, oldest, -1 do
    local found = redis.call('HMGET', key(day, 'b'), unpack(ARGV, 11))
    for _, id in ipairs(found) do
      if id then candidates[#candidates + 1] = id end
    end
  end
  for _, candidate in ipairs(candidates) do
    if not tried[candidate] then
      tried[candidate] = true
      local other = find('e', candidate)
      if other then
        local size = struct.unpack('<I4', other)
        local same = 0
        for p = 1, sigbytes, 4 do
          if string.sub(sig, p, p + 3) == string.sub(other, 4 + p, 7 + p) then same = same + 1 end
        end
        local score = same / positions
        if score > 0 and size > 0 then
          local common = score * (shingles + size) / (1 + score)
          local contained = math.min(1, common / math.min(shingles, size))
          if contained > score then score = contained end
        end
        if score > best then best, best_id = score, candidate end
      end
    end
  end
  if best_id and best >= threshold then
    decision = best_id .. SEP .. string.format('%.4f', best) .. SEP .. 'near'
  end
end

local expire_at = (today + 1) * 86400 + retention
if decision then
  local original = string.match(decision, '^([^' .. SEP .. ']*)')
  local cluster = ns .. ':dedup:cluster:' .. original
  redis.call('HINCRBY', cluster, 'copies', 1)
  if source ~= '' then redis.call('HINCRBY', cluster, 'src:' .. source, 1) end
  redis.call('EXPIREAT', cluster, expire_at)
else
  decision = ''
  redis.call('HSET', key(today, 'x'), exact, article_id)
  redis.call('HSET', key(today, 'e'), article_id, entry)
  for i = 11, #ARGV do redis.call('HSETNX', key(today, 'b'), ARGV[i], article_id) end
  for _, kind in ipairs({'x', 'e', 'b'}) do redis.call('EXPIREAT', key(today, kind), expire_at) end
end
redis.call('HSET', key(today, 'd'), delivery, decision)
redis.call('EXPIREAT', key(today, 'd'), expire_at)
return decision
