import { checkTtl } from '../checks.js';
import type { Clock } from '../clock.js';
import { StaleFenceError, type Fence } from '../fence.js';
import type { Lease, LeaseStore } from '../ports/lease.port.js';

interface Held {
  holder: string;
  token: number;
  expiresAt: number;
}

const checkLeaseTtl = (ttlMs: number): number => checkTtl('lease', ttlMs);

/** Leases in process memory; also the fence check every memory write uses. */
export class MemoryLeaseStore implements LeaseStore {
  private readonly held = new Map<string, Held>();
  /** Never reset, like the Redis INCR counter. */
  private readonly tokens = new Map<string, number>();

  constructor(private readonly clock: Clock) {}

  private live(scope: string): Held | null {
    const h = this.held.get(scope);
    if (h === undefined) return null;
    if (h.expiresAt <= this.clock.now()) {
      this.held.delete(scope);
      return null;
    }
    return h;
  }

  private holds(lease: Lease): Held | null {
    const h = this.live(lease.scope);
    return h !== null && h.token === lease.token && h.holder === lease.holder ? h : null;
  }

  async acquire(scope: string, holder: string, ttlMs: number): Promise<Lease | null> {
    const ttl = checkLeaseTtl(ttlMs);
    if (this.live(scope) !== null) return null;
    const token = (this.tokens.get(scope) ?? 0) + 1;
    this.tokens.set(scope, token);
    this.held.set(scope, { holder, token, expiresAt: this.clock.now() + ttl });
    return { scope, holder, token };
  }

  async renew(lease: Lease, ttlMs: number): Promise<boolean> {
    const ttl = checkLeaseTtl(ttlMs);
    const h = this.holds(lease);
    if (h === null) return false;
    h.expiresAt = this.clock.now() + ttl;
    return true;
  }

  async release(lease: Lease): Promise<boolean> {
    if (this.holds(lease) === null) return false;
    this.held.delete(lease.scope);
    return true;
  }

  async get(scope: string): Promise<Lease | null> {
    const h = this.live(scope);
    return h === null ? null : { scope, holder: h.holder, token: h.token };
  }

  async isCurrent(fence: Fence): Promise<boolean> {
    return this.live(fence.scope)?.token === fence.token;
  }

  /** Synchronous, so the check and the write that follows it are one atomic step. */
  assertFence(fence: Fence | undefined): void {
    if (fence !== undefined && this.live(fence.scope)?.token !== fence.token) {
      throw new StaleFenceError(fence);
    }
  }
}
