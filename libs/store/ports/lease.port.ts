import type { Fence } from '../fence.js';

export interface Lease {
  scope: string;
  holder: string;
  /** Fencing token: grows on every acquisition of this scope. */
  token: number;
}

/** `SET NX PX` leases with fencing tokens (state.md, "Leases"). */
export interface LeaseStore {
  /** The lease if it was free (or expired); null while someone else holds it. */
  acquire(scope: string, holder: string, ttlMs: number): Promise<Lease | null>;
  /** Extends the lease; false when it was lost (expired or taken over). */
  renew(lease: Lease, ttlMs: number): Promise<boolean>;
  /** Gives the lease up; false when it was no longer held with this token. */
  release(lease: Lease): Promise<boolean>;
  get(scope: string): Promise<Lease | null>;
  /** True while the lease of `fence.scope` is held with `fence.token`. */
  isCurrent(fence: Fence): Promise<boolean>;
}
