import type { Fence, Lease, LeaseStore } from '#lib/store';
import type { Log } from './log.js';

export interface LeadershipOptions {
  leases: LeaseStore;
  scope: string;
  holder: string;
  ttlMs: number;
  /** How often to renew (and, while not held, to try to acquire); ttl/3 by default. */
  renewEveryMs?: number;
  log: Log;
  /** Called with the new lease on election, with null when it is lost or given up. */
  onChange: (lease: Lease | null) => void;
  now?: () => number;
}

/**
 * A leader lease (state.md, "Leases"): acquired when free, renewed every ttl/3,
 * released on stop. A leader that cannot renew (lost, or Redis unreachable) for a whole ttl steps
 * down on its own, so it stops writing before another holder can start; its writes also carry the
 * fence, so a late one is refused by the store.
 */
export class Leadership {
  private lease: Lease | null = null;
  private renewedAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> = Promise.resolve();
  private readonly now: () => number;

  constructor(private readonly o: LeadershipOptions) {
    this.now = o.now ?? Date.now;
  }

  /** The fence of the current lease; null while not the leader. */
  get fence(): Fence | null {
    return this.lease ? { scope: this.lease.scope, token: this.lease.token } : null;
  }

  /** How long the lease is still certainly held (0 when not held): since the last renewal. */
  get leftMs(): number {
    return this.lease ? Math.max(0, this.renewedAt + this.o.ttlMs - this.now()) : 0;
  }

  start(): void {
    const loop = () => {
      this.ticking = this.tick().finally(() => {
        if (this.timer)
          this.timer = setTimeout(
            loop,
            Math.max(1, this.o.renewEveryMs ?? Math.floor(this.o.ttlMs / 3)),
          );
      });
    };
    this.timer = setTimeout(loop, 0);
  }

  /** Steps down when the lease is known lost (e.g. a fenced write was refused). */
  lost(): void {
    if (this.lease) this.change(null, 'fence refused');
  }

  private async tick(): Promise<void> {
    try {
      // The lease runs from when the request left, not from when the answer came back.
      const sent = this.now();
      if (this.lease) {
        if (await this.o.leases.renew(this.lease, this.o.ttlMs)) this.renewedAt = sent;
        else this.change(null, 'renew refused');
        return;
      }
      const lease = await this.o.leases.acquire(this.o.scope, this.o.holder, this.o.ttlMs);
      if (lease) {
        this.renewedAt = sent;
        this.change(lease, 'acquired');
      }
    } catch (err) {
      this.o.log('warn', 'lease-error', { scope: this.o.scope, error: String(err) });
      if (this.lease && this.now() - this.renewedAt >= this.o.ttlMs) {
        this.change(null, 'not renewed within ttl');
      }
    }
  }

  private change(lease: Lease | null, reason: string): void {
    const previous = this.lease;
    this.lease = lease;
    this.o.log('info', lease ? 'leader-elected' : 'leader-deposed', {
      scope: this.o.scope,
      holder: this.o.holder,
      token: (lease ?? previous)?.token,
      reason,
    });
    this.o.onChange(lease);
  }

  /** Stops the loop and releases the lease if held. */
  async stop(): Promise<void> {
    const timer = this.timer;
    this.timer = null;
    if (timer) clearTimeout(timer);
    await this.ticking;
    const lease = this.lease;
    if (!lease) return;
    this.lease = null;
    await this.o.leases.release(lease).catch(() => false);
  }
}
