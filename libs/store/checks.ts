import { DEFAULT_ALIAS_HISTORY } from './ports/alias.port.js';

/** Argument checks both adapters share, so bad input fails the same way everywhere. */

export function checkRetention(retention: number | undefined): number {
  const r = retention ?? DEFAULT_ALIAS_HISTORY;
  if (!Number.isInteger(r) || r < 1)
    throw new RangeError('alias history retention must be a positive integer');
  return r;
}

export function checkUid(uid: number): number {
  if (!Number.isSafeInteger(uid) || uid < 0)
    throw new RangeError('task uid must be a non-negative integer');
  return uid;
}

export function checkTtl(what: string, ttlMs: number): number {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new RangeError(`${what} ttl must be positive`);
  return Math.ceil(ttlMs);
}
