import { defineScript, FENCE_CHECK } from '../script-runner.js';

/**
 * Compare-and-set of a scoped key record on its generation (a table record of `scoped-keys`).
 * KEYS: [1] lease, [2] record, [3] table index
 * ARGV: [1] token, [2] expected generation ('' = must be absent), [3] json, [4] index uid
 * Returns {1} when written, {0, current generation or ''} otherwise.
 */
export const SCOPED_KEY_PUT = defineScript(
  'scoped-key-put',
  FENCE_CHECK +
    `
local cur = redis.call('GET', KEYS[2])
local gen = ''
if cur then gen = tostring(cjson.decode(cur).generation) end
if gen ~= ARGV[2] then return {0, gen} end
redis.call('SET', KEYS[2], ARGV[3])
redis.call('ZADD', KEYS[3], 0, ARGV[4])
return {1}
`,
);
