import { defineScript } from '../script-runner.js';

/**
 * A job is a hash {id, type, params, state, worker, claimUntil, progress, attempts, error,
 * createdAt, updatedAt} ('' = null; params/progress are json). `jobs:all` lists every job by
 * creation; `jobs:type:<t>` holds only claimable ones (pending or claimed), so claiming never
 * walks finished jobs.
 *
 * JOB_CREATE — KEYS: [1] job, [2] all jobs, [3] jobs of its type, [4] set of types, [5] sequence
 * ARGV: [1] id, [2] type, [3] params json, [4] createdAt, [5] unused, [6] index member (encoded id)
 * Index scores come from the sequence, so lists are in creation order.
 * Returns 1 when created, 0 when the id is taken.
 */
export const JOB_CREATE = defineScript(
  'job-create',
  `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'id', ARGV[1], 'type', ARGV[2], 'params', ARGV[3], 'state', 'pending',
  'worker', '', 'claimUntil', '', 'progress', 'null', 'attempts', 0, 'error', '',
  'createdAt', ARGV[4], 'updatedAt', ARGV[4])
local seq = redis.call('INCR', KEYS[5])
redis.call('ZADD', KEYS[2], seq, ARGV[6])
redis.call('ZADD', KEYS[3], seq, ARGV[6])
redis.call('SADD', KEYS[4], ARGV[2])
return 1
`,
);

/**
 * JOB_CLAIM_NEXT — KEYS: [1] jobs of the type
 * ARGV: [1] worker, [2] ttl ms, [3] now ms, [4] now iso, [5] job key prefix
 * Returns the claimed job's hash fields, or nil.
 */
export const JOB_CLAIM_NEXT = defineScript(
  'job-claim-next',
  `
local now = tonumber(ARGV[3])
local start = 0
while true do
  local ids = redis.call('ZRANGE', KEYS[1], start, start + 99)
  if #ids == 0 then return nil end
  for _, id in ipairs(ids) do
    local key = ARGV[5] .. id
    local st = redis.call('HMGET', key, 'state', 'claimUntil')
    local lapsed = st[1] == 'claimed' and tonumber(st[2]) ~= nil and tonumber(st[2]) < now
    if st[1] == 'pending' or lapsed then
      redis.call('HSET', key, 'state', 'claimed', 'worker', ARGV[1],
        'claimUntil', now + tonumber(ARGV[2]), 'updatedAt', ARGV[4])
      redis.call('HINCRBY', key, 'attempts', 1)
      return redis.call('HGETALL', key)
    end
  end
  start = start + 100
end
`,
);

/**
 * JOB_UPDATE — by the claim holder only.
 * KEYS: [1] job, [2] jobs of its type
 * ARGV: [1] index member, [2] worker, [3] op 'heartbeat' | 'progress' | 'complete' | 'fail',
 *       [4] value (claimUntil ms for heartbeat, progress json, error text; '' = keep progress),
 *       [5] now iso
 * Returns 1 when applied, 0 when the worker does not hold the claim.
 */
export const JOB_UPDATE = defineScript(
  'job-update',
  `
local st = redis.call('HMGET', KEYS[1], 'state', 'worker')
if st[1] ~= 'claimed' or st[2] ~= ARGV[2] then return 0 end
local op = ARGV[3]
if op == 'heartbeat' then
  redis.call('HSET', KEYS[1], 'claimUntil', ARGV[4], 'updatedAt', ARGV[5])
elseif op == 'progress' then
  redis.call('HSET', KEYS[1], 'progress', ARGV[4], 'updatedAt', ARGV[5])
else
  if op == 'complete' then
    redis.call('HSET', KEYS[1], 'state', 'done')
    if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'progress', ARGV[4]) end
  else
    redis.call('HSET', KEYS[1], 'state', 'failed', 'error', ARGV[4])
  end
  redis.call('HSET', KEYS[1], 'worker', '', 'claimUntil', '', 'updatedAt', ARGV[5])
  redis.call('ZREM', KEYS[2], ARGV[1])
end
return 1
`,
);

/**
 * JOB_DELETE — KEYS: [1] job, [2] all jobs, [3] jobs of its type   ARGV: [1] index member
 * Returns 1 when deleted.
 */
export const JOB_DELETE = defineScript(
  'job-delete',
  `
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
return redis.call('DEL', KEYS[1])
`,
);
