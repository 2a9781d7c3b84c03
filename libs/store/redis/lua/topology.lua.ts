import { defineScript, FENCE_CHECK } from '../script-runner.js';

/**
 * Commits a topology/placement change if the epoch is still the expected one; epoch + 1.
 * KEYS: [1] lease, [2] epoch, [3] topology, [4] placement index, [5 ..] placement records
 * ARGV: [1] token, [2] expected epoch, [3] topology json ('' = unchanged),
 *       then per placement record (same order as KEYS[5 ..]): index uid, json ('' = delete)
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
for i = 5, #KEYS do
  local uid, json = ARGV[4 + (i - 5) * 2], ARGV[5 + (i - 5) * 2]
  if json == '' then
    redis.call('DEL', KEYS[i])
    redis.call('ZREM', KEYS[4], uid)
  else
    redis.call('SET', KEYS[i], json)
    redis.call('ZADD', KEYS[4], 0, uid)
  end
end
return {1, epoch}
`,
);
