-- The registered entities under some blocking keys, for canonicalize (see
-- streams/store/registry.py for keys).
-- ARGV: ns, blocking keys...
-- Returns JSON {"members": [[id...] per key], "entries": {id: [name, label, kind, watched,
-- [aliases]]}}; entries whose hash has expired are left out.
local ns = ARGV[1]
local function k(kind, key) return ns .. ':reg:' .. kind .. ':' .. key end

local members, entries = {}, {}
for i = 2, #ARGV do
  local ids = redis.call('SMEMBERS', k('b', ARGV[i]))
  members[#members + 1] = ids
  for _, id in ipairs(ids) do
    if entries[id] == nil then
      local e = redis.call('HMGET', k('e', id), 'name', 'label', 'kind', 'watched')
      if e[1] then
        entries[id] = {e[1], e[2] or 'PERSON', e[3] or '', e[4] == '1', redis.call('HKEYS', k('a', id))}
      else
        entries[id] = false
      end
    end
  end
end
return cjson.encode({members = members, entries = entries})
