import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { StaleFenceError, type Fence } from '../fence.js';

export interface LuaScript {
  name: string;
  lua: string;
  sha: string;
}

export function defineScript(name: string, lua: string): LuaScript {
  return { name, lua, sha: createHash('sha1').update(lua).digest('hex') };
}

/**
 * Lua shared by fenced scripts. Convention: KEYS[1] is the lease key and ARGV[1] the token
 * ('' = unfenced write). Lease values are `<token>:<holder>`.
 */
export const FENCE_CHECK = `
local function fence_ok(lease_key, token)
  if token == '' then return true end
  local cur = redis.call('GET', lease_key)
  return cur ~= false and string.match(cur, '^(%d+):') == token
end
if not fence_ok(KEYS[1], ARGV[1]) then return redis.error_reply('STALE_FENCE') end
`;

/** Runs scripts by SHA, loading them on NOSCRIPT; maps the scripts' error codes to typed errors. */
export class ScriptRunner {
  constructor(private readonly redis: Redis) {}

  async run(
    script: LuaScript,
    keys: string[],
    args: (string | number)[],
    fence?: Fence,
  ): Promise<unknown> {
    try {
      try {
        return await this.redis.evalsha(script.sha, keys.length, ...keys, ...args);
      } catch (err) {
        if (!String(err).includes('NOSCRIPT')) throw err;
        return await this.redis.eval(script.lua, keys.length, ...keys, ...args);
      }
    } catch (err) {
      if (String(err).includes('STALE_FENCE') && fence) throw new StaleFenceError(fence);
      throw err;
    }
  }
}

/** KEYS[1]/ARGV[1] of a fenced script. */
export function fenceArgs(
  leaseKey: (scope: string) => string,
  noLease: string,
  fence?: Fence,
): [string, string] {
  return fence ? [leaseKey(fence.scope), String(fence.token)] : [noLease, ''];
}
