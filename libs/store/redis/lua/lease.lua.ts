import { defineScript } from '../script-runner.js';

/**
 * Takes a free lease with `SET NX PX` and hands out the next fencing token (INCR, never reset).
 * KEYS: [1] lease, [2] fence counter, [3] lease index (set of scopes, for listing and cleanup)
 * ARGV: [1] holder, [2] ttl ms, [3] scope
 * Returns the token, or nil while the lease is held.
 */
export const LEASE_ACQUIRE = defineScript(
  'lease-acquire',
  `
if redis.call('EXISTS', KEYS[1]) == 1 then return nil end
local token = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], token .. ':' .. ARGV[1], 'NX', 'PX', ARGV[2])
redis.call('SADD', KEYS[3], ARGV[3])
return token
`,
);

/**
 * KEYS: [1] lease   ARGV: [1] expected value `<token>:<holder>`, [2] ttl ms
 * Returns 1 when renewed.
 */
export const LEASE_RENEW = defineScript(
  'lease-renew',
  `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('PEXPIRE', KEYS[1], ARGV[2])
`,
);

/**
 * KEYS: [1] lease   ARGV: [1] expected value `<token>:<holder>`
 * Returns 1 when released.
 */
export const LEASE_RELEASE = defineScript(
  'lease-release',
  `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])
`,
);
