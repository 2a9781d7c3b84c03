import { defineScript, FENCE_CHECK } from '../script-runner.js';

/**
 * Commits a topology/placement change if the epoch is still the expected one; epoch + 1.
 * KEYS: [1] lease, [2] epoch, [3] topology, [4] placements hash (index uid → json)
 * ARGV: [1] token, [2] expected epoch, [3] topology json ('' = unchanged),
 *       then pairs of index uid, placement json ('' = delete)
 * Returns {1, new epoch} or {0, current epoch}.
 */
export const TOPOLOGY_COMMIT = defineScript(
  'topology-commit',
  FENCE_CHECK +
    `
local epoch = tonumber(redis.call('GET', KEYS[2]) or '0')
if epoch ~= tonumber(ARGV[2]) then return {0, epoch} end
epoch = redis.call('INCR', KEYS[2])
if ARGV[3] ~= '' then redis.call('SET', KEYS[3], ARGV[3]) end
for i = 4, #ARGV, 2 do
  if ARGV[i + 1] == '' then
    redis.call('HDEL', KEYS[4], ARGV[i])
  else
    redis.call('HSET', KEYS[4], ARGV[i], ARGV[i + 1])
  end
end
return {1, epoch}
`,
);
