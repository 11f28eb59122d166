-- Release an admitted request that never reached the pipeline (the produce failed): give back
-- its daily request and token reservation and its rate-limit charge, and forget its
-- idempotency key so that a retry is admitted afresh.
-- KEYS: 1 request record, 2 daily requests, 3 daily tokens, 4 rpm bucket, 5 tpm bucket, 6 idempotency key
-- ARGV: 1 '1' when the request has an idempotency key
local state = redis.call('HMGET', KEYS[1], 'state', 'reserved', 'charged_tpm')
if state[1] ~= 'pending' then return 0 end
local reserved, charged = tonumber(state[2]), tonumber(state[3])
redis.call('DECR', KEYS[2])
redis.call('DECRBY', KEYS[3], reserved)
if charged > 0 and redis.call('EXISTS', KEYS[4]) == 1 then redis.call('HINCRBYFLOAT', KEYS[4], 'tokens', 1) end
if charged > 0 and redis.call('EXISTS', KEYS[5]) == 1 then redis.call('HINCRBYFLOAT', KEYS[5], 'tokens', charged) end
redis.call('DEL', KEYS[1])
if ARGV[1] == '1' then redis.call('DEL', KEYS[6]) end
return 1
