import { checkTtl } from '../checks.js';
import type { Fence } from '../fence.js';
import type { Lease, LeaseStore } from '../ports/lease.port.js';
import { LEASE_ACQUIRE, LEASE_RELEASE, LEASE_RENEW } from './lua/lease.lua.js';
import type { RedisContext } from './redis-context.js';

const checkLeaseTtl = (ttlMs: number): number => checkTtl('lease', ttlMs);

const valueOf = (l: Lease): string => `${l.token}:${l.holder}`;

export class RedisLeaseStore implements LeaseStore {
  constructor(private readonly ctx: RedisContext) {}

  async acquire(scope: string, holder: string, ttlMs: number): Promise<Lease | null> {
    const { keys } = this.ctx;
    const token = await this.ctx.scripts.run(
      LEASE_ACQUIRE,
      [keys.lease(scope), keys.leaseFence(scope), keys.leaseIndex()],
      [holder, checkLeaseTtl(ttlMs), scope],
    );
    return token === null ? null : { scope, holder, token: Number(token) };
  }

  async renew(lease: Lease, ttlMs: number): Promise<boolean> {
    const ok = await this.ctx.scripts.run(
      LEASE_RENEW,
      [this.ctx.keys.lease(lease.scope)],
      [valueOf(lease), checkLeaseTtl(ttlMs)],
    );
    return ok === 1;
  }

  async release(lease: Lease): Promise<boolean> {
    return (
      (await this.ctx.scripts.run(
        LEASE_RELEASE,
        [this.ctx.keys.lease(lease.scope)],
        [valueOf(lease)],
      )) === 1
    );
  }

  async get(scope: string): Promise<Lease | null> {
    const raw = await this.ctx.redis.get(this.ctx.keys.lease(scope));
    const m = raw === null ? null : /^(\d+):(.*)$/s.exec(raw);
    return m ? { scope, holder: m[2]!, token: Number(m[1]) } : null;
  }

  async isCurrent(fence: Fence): Promise<boolean> {
    return (await this.get(fence.scope))?.token === fence.token;
  }
}
