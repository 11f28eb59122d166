-- Settle a request when its guarded response arrives: reconcile the token reservation with the
-- real usage and store the result. Idempotent: a redelivered response settles nothing twice.
-- KEYS: 1 request record, 2 daily tokens, 3 tokens-per-minute bucket
-- ARGV: 1 tokens used, 2 result (JSON of what the caller may read), 3 result ttl s, 4 state
-- Returns 1 when settled now, 0 when already settled or unknown (not admitted here, or expired).
local state = redis.call('HMGET', KEYS[1], 'state', 'reserved', 'charged_tpm')
if state[1] ~= 'pending' then return 0 end
local reserved, charged = tonumber(state[2]), tonumber(state[3])
local used = tonumber(ARGV[1])
if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('INCRBY', KEYS[2], used - reserved) end
local refund = charged - math.min(used, charged)
if refund > 0 and redis.call('EXISTS', KEYS[3]) == 1 then
  redis.call('HINCRBYFLOAT', KEYS[3], 'tokens', refund)
end
redis.call('HSET', KEYS[1], 'state', ARGV[4], 'result', ARGV[2], 'used', used)
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[3]))
return 1
