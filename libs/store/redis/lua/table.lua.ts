import { defineScript, FENCE_CHECK } from '../script-runner.js';

/**
 * Generic tables: one string per record, one sorted set as index (score 0 → ordered by id; TTL
 * tables score by expiry ms, so expired entries are pruned by score).
 */

/**
 * KEYS: [1] lease, [2] record, [3] index
 * ARGV: [1] token, [2] id, [3] json, [4] ttl ms ('' = none), [5] index score, [6] 'set' | 'nx',
 *       [7] now ms (prunes expired index entries of TTL tables)
 * Returns 1 when stored; for 'nx' the existing value when the id is taken.
 */
export const TABLE_PUT = defineScript(
  'table-put',
  FENCE_CHECK +
    `
if ARGV[4] ~= '' then redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. ARGV[7]) end
if ARGV[6] == 'nx' then
  local cur = redis.call('GET', KEYS[2])
  if cur then return cur end
end
if ARGV[4] ~= '' then
  redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4])
else
  redis.call('SET', KEYS[2], ARGV[3])
end
redis.call('ZADD', KEYS[3], ARGV[5], ARGV[2])
return 1
`,
);

/**
 * Compare-and-swap of one record's value, keeping its TTL and index entry.
 * KEYS: [1] lease, [2] record
 * ARGV: [1] token, [2] expected json, [3] new json
 * Returns 1 when swapped, 0 when the value changed (or vanished) meanwhile.
 */
export const TABLE_CAS = defineScript(
  'table-cas',
  FENCE_CHECK +
    `
if redis.call('GET', KEYS[2]) ~= ARGV[2] then return 0 end
redis.call('SET', KEYS[2], ARGV[3], 'KEEPTTL')
return 1
`,
);

/**
 * KEYS: [1] lease, [2] record, [3] index
 * ARGV: [1] token, [2] id
 * Returns 1 when a live record was deleted.
 */
export const TABLE_DELETE = defineScript(
  'table-delete',
  FENCE_CHECK +
    `
redis.call('ZREM', KEYS[3], ARGV[2])
return redis.call('DEL', KEYS[2])
`,
);
