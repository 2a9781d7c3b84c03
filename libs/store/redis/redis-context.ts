import type { Redis } from 'ioredis';
import type { Clock } from '../clock.js';
import type { Fence } from '../fence.js';
import type { RedisKeys } from './keys.js';
import { fenceArgs, type ScriptRunner } from './script-runner.js';

/** What every Redis port shares: one connection, the key builder, the script runner, the clock. */
/** Optimistic read-modify-write gives up after this many lost races in a row. */
export const MAX_CAS_ATTEMPTS = 100;

export interface RedisContext {
  redis: Redis;
  keys: RedisKeys;
  scripts: ScriptRunner;
  clock: Clock;
}

export function fenceOf(ctx: RedisContext, fence?: Fence): [string, string] {
  return fenceArgs((s) => ctx.keys.lease(s), ctx.keys.noLease(), fence);
}

/** Unwraps a MULTI/pipeline reply, throwing the first command error. */
export function execReplies<T>(replies: [Error | null, unknown][] | null): T[] {
  return (replies ?? []).map(([err, v]) => {
    if (err) throw err;
    return v as T;
  });
}
