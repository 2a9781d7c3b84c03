import { defineScript, FENCE_CHECK } from '../script-runner.js';

/**
 * Generic tables: one string per record, one sorted set as index (score 0 → ordered by id; TTL
 * tables score by expiry ms, so expired entries are pruned by score). Expiry scores use the
 * server's clock (TIME), the one that expires the records, so pods' clock skew cannot make an
 * index drop a live record.
 */

const SERVER_NOW_MS = `
local function server_now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
`;

/**
 * KEYS: [1] lease, [2] record, [3] index
 * ARGV: [1] token, [2] id, [3] json, [4] ttl ms ('' = none), [5] 'set' | 'nx'
 * A TTL put also prunes the index's expired entries, so an index nobody lists stays bounded.
 * Returns 1 when stored; for 'nx' the existing value when the id is taken.
 */
export const TABLE_PUT = defineScript(
  'table-put',
  FENCE_CHECK +
    SERVER_NOW_MS +
    `
local score = 0
if ARGV[4] ~= '' then
  local now = server_now_ms()
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. now)
  score = now + tonumber(ARGV[4])
end
if ARGV[5] == 'nx' then
  local cur = redis.call('GET', KEYS[2])
  if cur then return cur end
end
if ARGV[4] ~= '' then
  redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4])
else
  redis.call('SET', KEYS[2], ARGV[3])
end
redis.call('ZADD', KEYS[3], score, ARGV[2])
return 1
`,
);

/**
 * KEYS: [1] index
 * ARGV: [1] 'ttl' | '' (prune expired entries first), [2] offset, [3] limit
 * Returns {total, id…} for the page.
 */
export const TABLE_LIST = defineScript(
  'table-list',
  SERVER_NOW_MS +
    `
if ARGV[1] == 'ttl' then redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. server_now_ms()) end
local out = {redis.call('ZCARD', KEYS[1])}
local offset, limit = tonumber(ARGV[2]), tonumber(ARGV[3])
if limit > 0 then
  for _, id in ipairs(redis.call('ZRANGE', KEYS[1], offset, offset + limit - 1)) do table.insert(out, id) end
end
return out
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
