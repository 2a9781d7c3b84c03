import { MeiliError } from '#lib/errors';

/**
 * A fixed-window limit per client address (one minute), per gateway process: public routes
 * (the search page, its sessions) and admin logins answer 429 `miroir_rate_limited` past it.
 */
export class AddressLimit {
  private readonly seen = new Map<string, { minute: number; count: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly message: string,
  ) {}

  /** Counts one request from `address`; throws past the limit. */
  take(address: string): void {
    const minute = Math.floor(Date.now() / 60_000);
    const seen = this.seen.get(address);
    const count = seen && seen.minute === minute ? seen.count + 1 : 1;
    this.seen.set(address, { minute, count });
    if (this.seen.size > 10_000) {
      for (const [k, v] of this.seen) if (v.minute !== minute) this.seen.delete(k);
    }
    if (count > this.perMinute) throw new MeiliError('miroir_rate_limited', this.message);
  }
}
