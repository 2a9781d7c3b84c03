import { defineScript, FENCE_CHECK } from '../script-runner.js';

/**
 * A node writer's status, fenced by its lease; counts the change.
 * KEYS: [1] lease, [2] statuses hash, [3] change counter   ARGV: [1] token, [2] node id, [3] json
 */
export const WRITER_PUT = defineScript(
  'writer-put',
  `${FENCE_CHECK}
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
redis.call('INCR', KEYS[3])
return 1
`,
);

/**
 * Marks tasks started unless canceled; returns [uid, canceledBy, ...] of the canceled ones.
 * KEYS: [1] gates hash   ARGV: task uids
 */
export const GATE_START = defineScript(
  'gate-start',
  `
local canceled = {}
for _, uid in ipairs(ARGV) do
  local v = redis.call('HGET', KEYS[1], uid)
  if v and string.sub(v, 1, 2) == 'c:' then
    table.insert(canceled, uid)
    table.insert(canceled, string.sub(v, 3))
  elseif not v then
    redis.call('HSET', KEYS[1], uid, 's')
  end
end
return canceled
`,
);

/**
 * Cancels the tasks nobody started; returns their uids.
 * KEYS: [1] gates hash   ARGV: [1] canceling task uid, [2..] task uids
 */
export const GATE_CANCEL = defineScript(
  'gate-cancel',
  `
local done = {}
for i = 2, #ARGV do
  if redis.call('HSETNX', KEYS[1], ARGV[i], 'c:' .. ARGV[1]) == 1 then table.insert(done, ARGV[i]) end
end
return done
`,
);
