import { defineScript, FENCE_CHECK } from '../script-runner.js';

/**
 * An alias is a hash {name, kind, targets (json), ownerPolicy, version, createdAt, updatedAt}
 * plus a history list, newest first.
 *
 * ALIAS_CREATE — KEYS: [1] alias, [2] alias index
 * ARGV: [1] name, [2] kind, [3] targets json, [4] owner policy ('' = none), [5] createdAt
 * Returns 1 when created, 0 when the name is taken.
 */
export const ALIAS_CREATE = defineScript(
  'alias-create',
  `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'name', ARGV[1], 'kind', ARGV[2], 'targets', ARGV[3],
  'ownerPolicy', ARGV[4], 'version', 0, 'createdAt', ARGV[5], 'updatedAt', ARGV[5])
redis.call('ZADD', KEYS[2], 0, ARGV[1])
return 1
`,
);

/**
 * ALIAS_FLIP — KEYS: [1] lease, [2] alias, [3] history
 * ARGV: [1] token, [2] expected version ('' = any), [3] targets json, [4] flippedAt,
 *       [5] history entry json without its opening `{` and the version, [6] retention
 * Returns {1, alias hash fields, history} (the state this flip produced), {0, 'not_found'} or
 * {0, 'version_mismatch', version}.
 */
export const ALIAS_FLIP = defineScript(
  'alias-flip',
  FENCE_CHECK +
    `
local cur = redis.call('HGET', KEYS[2], 'version')
if not cur then return {0, 'not_found'} end
if ARGV[2] ~= '' and cur ~= ARGV[2] then return {0, 'version_mismatch', tonumber(cur)} end
local v = redis.call('HINCRBY', KEYS[2], 'version', 1)
redis.call('HSET', KEYS[2], 'targets', ARGV[3], 'updatedAt', ARGV[4])
redis.call('LPUSH', KEYS[3], '{"version":' .. v .. ',' .. ARGV[5])
redis.call('LTRIM', KEYS[3], 0, tonumber(ARGV[6]) - 1)
return {1, redis.call('HGETALL', KEYS[2]), redis.call('LRANGE', KEYS[3], 0, -1)}
`,
);

/**
 * ALIAS_DELETE — KEYS: [1] alias, [2] history, [3] alias index   ARGV: [1] name
 * Returns 1 when deleted.
 */
export const ALIAS_DELETE = defineScript(
  'alias-delete',
  `
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('DEL', KEYS[2])
return redis.call('DEL', KEYS[1])
`,
);
