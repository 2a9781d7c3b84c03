/**
 * A leader's proof of its lease: the scope and the fencing token it was given on acquisition.
 * Writes that carry one are refused atomically when the lease is no longer held with that token.
 */
export interface Fence {
  scope: string;
  token: number;
}

/** Thrown by a fenced write whose token is not the lease's current one (lost, expired or replaced). */
export class StaleFenceError extends Error {
  constructor(readonly fence: Fence) {
    super(`stale fencing token ${fence.token} for lease "${fence.scope}"`);
    this.name = 'StaleFenceError';
  }
}
