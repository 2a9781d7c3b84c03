import type { Redis } from 'ioredis';
import type { RevocationBus } from '../ports/revocation.port.js';
import type { RedisContext } from './redis-context.js';

/** Pub/sub on a dedicated subscriber connection (a subscribed ioredis client can run nothing else). */
export class RedisRevocationBus implements RevocationBus {
  private subscriber: Promise<Redis> | null = null;
  private readonly handlers = new Set<(id: string) => void>();

  constructor(private readonly ctx: RedisContext) {}

  async publish(sessionId: string): Promise<void> {
    await this.ctx.redis.publish(this.ctx.keys.adminRevocations(), sessionId);
  }

  private async connect(): Promise<Redis> {
    const channel = this.ctx.keys.adminRevocations();
    const sub = this.ctx.redis.duplicate();
    sub.on('message', (ch: string, message: string) => {
      if (ch === channel) for (const h of this.handlers) h(message);
    });
    await sub.subscribe(channel);
    return sub;
  }

  async subscribe(onRevoked: (sessionId: string) => void): Promise<() => Promise<void>> {
    // A failed connection is forgotten, so the next subscribe tries again.
    this.subscriber ??= this.connect().catch((err: unknown) => {
      this.subscriber = null;
      throw err;
    });
    await this.subscriber;
    this.handlers.add(onRevoked);
    return async () => {
      this.handlers.delete(onRevoked);
    };
  }

  async close(): Promise<void> {
    const pending = this.subscriber;
    this.subscriber = null;
    this.handlers.clear();
    if (pending) {
      const sub = await pending.catch(() => null);
      if (sub) await sub.quit().catch(() => sub.disconnect());
    }
  }
}
