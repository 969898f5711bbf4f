-- Take over unsent alerts of an earlier attempt (see agents/redis/profiles.py).
-- KEYS: per alert, its entity's unsent set and its lease key. ARGV: owner, lease ms,
-- then the alert ids in the order of KEYS. Returns per alert: -1 sent already, 0 now
-- leased to owner, > 0 the milliseconds left on another owner's lease.
local owner, ms = ARGV[1], ARGV[2]
local out = {}
for k = 1, #KEYS / 2 do
  local unsent, lease, id = KEYS[2 * k - 1], KEYS[2 * k], ARGV[2 + k]
  if redis.call('SISMEMBER', unsent, id) == 0 then
    out[k] = -1
  else
    local holder = redis.call('GET', lease)
    if (not holder) or holder == owner then
      redis.call('SET', lease, owner, 'PX', ms)
      out[k] = 0
    else
      out[k] = math.max(redis.call('PTTL', lease), 1)
    end
  end
end
return out
