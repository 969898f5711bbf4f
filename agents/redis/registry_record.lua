-- Record the sightings of a batch of articles (see streams/store/registry.py for keys).
-- ARGV: ns, now, ttl, JSON [[article_id, [[id, name, label, kind, watched, block, [forms]]...]]...]
local ns, now, ttl = ARGV[1], ARGV[2], tonumber(ARGV[3])
local function k(kind, key) return ns .. ':reg:' .. kind .. ':' .. key end

for _, sighting in ipairs(cjson.decode(ARGV[4])) do
  local article = sighting[1]
  for _, e in ipairs(sighting[2]) do
    local id, name, label, kind, watched, block, forms = e[1], e[2], e[3], e[4], e[5], e[6], e[7]
    local ek, ak, nk = k('e', id), k('a', id), k('n', id)
    redis.call('HSETNX', ek, 'first_seen', now)
    if watched == 1 then  -- the watchlist's name wins; otherwise the first one seen
      redis.call('HSET', ek, 'name', name, 'kind', kind)
    else
      redis.call('HSETNX', ek, 'name', name)
    end
    redis.call('HSET', ek, 'label', label, 'watched', watched, 'last_seen', now)
    for _, form in ipairs(forms) do redis.call('HINCRBY', ak, form, 1) end
    redis.call('PFADD', nk, article)
    if block ~= '' then
      redis.call('SADD', k('b', block), id)
      redis.call('EXPIRE', k('b', block), ttl)
    end
    for _, key in ipairs({ek, ak, nk}) do
      if watched == 1 then redis.call('PERSIST', key) else redis.call('EXPIRE', key, ttl) end
    end
  end
end
return 0
