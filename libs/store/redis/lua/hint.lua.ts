import { defineScript } from '../script-runner.js';

/**
 * Hints: per node a sorted set of sequence numbers (replay order) and a hash seq → batch json.
 *
 * HINT_APPEND — KEYS: [1] sequence, [2] node queue, [3] node data, [4] set of nodes with hints
 * ARGV: [1] node id, [2] batch json without its opening `{` and the seq
 * Returns the batch's sequence number.
 */
export const HINT_APPEND = defineScript(
  'hint-append',
  `
local seq = redis.call('INCR', KEYS[1])
redis.call('ZADD', KEYS[2], seq, seq)
redis.call('HSET', KEYS[3], seq, '{"seq":' .. seq .. ',' .. ARGV[2])
redis.call('SADD', KEYS[4], ARGV[1])
return seq
`,
);

/**
 * HINT_ACK — KEYS: [1] node queue, [2] node data, [3] set of nodes with hints
 * ARGV: [1] node id, [2] seq
 * Returns 1 when the batch was pending.
 */
export const HINT_ACK = defineScript(
  'hint-ack',
  `
local n = redis.call('ZREM', KEYS[1], ARGV[2])
redis.call('HDEL', KEYS[2], ARGV[2])
if redis.call('ZCARD', KEYS[1]) == 0 then redis.call('SREM', KEYS[3], ARGV[1]) end
return n
`,
);
