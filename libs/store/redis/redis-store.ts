import { Redis } from 'ioredis';
import { assembleStore } from '../assemble.js';
import { systemClock, type Clock } from '../clock.js';
import type { Store } from '../store.js';
import { RedisKeys } from './keys.js';
import { RedisAliasStore } from './redis-alias.store.js';
import { RedisRevocationBus } from './redis-revocation.bus.js';
import { RedisCatalogStore } from './redis-catalog.store.js';
import { RedisLeaseStore } from './redis-lease.store.js';
import { RedisScopedKeyStore } from './redis-scoped-key.store.js';
import { TABLES } from '../tables.js';
import type { RedisContext } from './redis-context.js';
import { RedisTable } from './redis-table.js';
import { RedisTaskStore } from './redis-task.store.js';
import { RedisTopologyStore } from './redis-topology.store.js';
import { RedisWriterStore } from './redis-writer.store.js';
import { ScriptRunner } from './script-runner.js';

export const DEFAULT_PREFIX = 'miroir:';

export type RedisStoreOptions = (
  { url: string; client?: never } | { client: Redis; url?: never }
) & {
  /** Key prefix, `miroir:` by default; two clusters sharing one Redis use different ones. */
  prefix?: string;
  /** Clock for timestamps, job claims and TTL index scores (Redis itself expires the keys). */
  clock?: Clock;
};

/**
 * The production store. With `url` it opens (and `close()` closes) its own connection; with
 * `client` it uses the caller's and closes only the pub/sub connection it opened.
 */
export function createRedisStore(options: RedisStoreOptions): Store {
  const owned = options.client === undefined;
  const redis =
    options.client ?? new Redis(options.url!, { lazyConnect: false, maxRetriesPerRequest: 3 });
  const clock = options.clock ?? systemClock;
  const ctx: RedisContext = {
    redis,
    keys: new RedisKeys(options.prefix ?? DEFAULT_PREFIX),
    scripts: new ScriptRunner(redis),
    clock,
  };
  const revocations = new RedisRevocationBus(ctx);
  return assembleStore({
    table: (spec) => new RedisTable(ctx, spec),
    topology: new RedisTopologyStore(ctx),
    tasks: new RedisTaskStore(ctx),
    catalog: new RedisCatalogStore(ctx),
    writers: new RedisWriterStore(ctx),
    aliases: new RedisAliasStore(ctx),
    leases: new RedisLeaseStore(ctx),
    scopedKeys: new RedisScopedKeyStore(ctx),
    nodeKeys: new RedisScopedKeyStore(ctx, TABLES.nodeKeys),
    revocations,
    clock,
    close: async () => {
      await revocations.close();
      if (owned) await redis.quit().catch(() => redis.disconnect());
    },
  });
}
