-- Admit one request for a tenant, atomically: idempotency, daily quotas, rate limits.
-- KEYS: 1 idempotency key ('' slot unused when ARGV[9] == ''), 2 daily requests, 3 daily tokens,
--       4 requests-per-minute bucket, 5 tokens-per-minute bucket, 6 request record
-- ARGV: 1 request id, 2 reserved tokens, 3 requests/day, 4 tokens/day, 5 requests/min, 6 tokens/min,
--       7 over-limit policy ('reject' | 'fallback'), 8 record ttl s, 9 idempotency key ('' = none),
--       10 idempotency ttl s, 11 request kind, 12 day ttl s, 13 request fingerprint
-- Returns {'dup', 'request_id fingerprint'} | {'quota', what, retry_after_ms} | {'rate', what, retry_after_ms}
--       | {'ok', fallback 0/1, reason}
-- A limit of 0 means unlimited. Rate limits are token buckets (capacity = the per-minute limit,
-- refilled continuously) on Redis' own clock, so replicas with skewed clocks agree.

if ARGV[9] ~= '' then
  local existing = redis.call('GET', KEYS[1])
  if existing then return {'dup', existing} end
end

local reserve = tonumber(ARGV[2])
local per_day_req, per_day_tok = tonumber(ARGV[3]), tonumber(ARGV[4])
local used_req = tonumber(redis.call('GET', KEYS[2]) or '0')
local used_tok = tonumber(redis.call('GET', KEYS[3]) or '0')
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local to_midnight = 86400000 - (now % 86400000)
if per_day_req > 0 and used_req + 1 > per_day_req then return {'quota', 'requests_per_day', to_midnight} end
if per_day_tok > 0 and used_tok + reserve > per_day_tok then return {'quota', 'tokens_per_day', to_midnight} end

-- Returns tokens left after refill and the ms until `cost` tokens are available (0 = now).
local function bucket(key, capacity, cost)
  if capacity <= 0 then return nil, 0 end
  local state = redis.call('HMGET', key, 'tokens', 'ts')
  local tokens, ts = tonumber(state[1]), tonumber(state[2])
  if tokens == nil then tokens, ts = capacity, now end
  local rate = capacity / 60000.0
  tokens = math.min(capacity, tokens + math.max(0, now - ts) * rate)
  cost = math.min(cost, capacity)
  if tokens >= cost then return tokens, 0 end
  return tokens, math.ceil((cost - tokens) / rate)
end

local rpm, tpm = tonumber(ARGV[5]), tonumber(ARGV[6])
local req_tokens, req_wait = bucket(KEYS[4], rpm, 1)
local tok_tokens, tok_wait = bucket(KEYS[5], tpm, reserve)
local fallback, reason = 0, ''
if req_wait > 0 or tok_wait > 0 then
  local what = req_wait > 0 and 'requests_per_minute' or 'tokens_per_minute'
  if ARGV[7] ~= 'fallback' then return {'rate', what, math.max(req_wait, tok_wait)} end
  fallback, reason = 1, what
else
  if req_tokens then redis.call('HSET', KEYS[4], 'tokens', req_tokens - 1, 'ts', now) end
  if tok_tokens then redis.call('HSET', KEYS[5], 'tokens', tok_tokens - math.min(reserve, tpm), 'ts', now) end
  redis.call('PEXPIRE', KEYS[4], 120000)
  redis.call('PEXPIRE', KEYS[5], 120000)
end

redis.call('INCR', KEYS[2])
redis.call('INCRBY', KEYS[3], reserve)
redis.call('EXPIRE', KEYS[2], tonumber(ARGV[12]))
redis.call('EXPIRE', KEYS[3], tonumber(ARGV[12]))
redis.call('HSET', KEYS[6], 'state', 'pending', 'reserved', reserve, 'charged_tpm', fallback == 1 and 0 or reserve,
           'kind', ARGV[11], 'created', now)
redis.call('EXPIRE', KEYS[6], tonumber(ARGV[8]))
if ARGV[9] ~= '' then redis.call('SET', KEYS[1], ARGV[1] .. ' ' .. ARGV[13], 'EX', tonumber(ARGV[10])) end
return {'ok', fallback, reason}
