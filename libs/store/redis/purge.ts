import { Redis } from 'ioredis';
import { TABLES } from '../tables.js';
import type { TaskRecord } from '../ports/task.port.js';
import { RedisKeys } from './keys.js';
import { taskIndexEntries } from './task-index.js';

const CHUNK = 500;

async function delChunks(redis: Redis, keys: string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += CHUNK) await redis.del(...keys.slice(i, i + CHUNK));
}

/**
 * Deletes every key of the store under `prefix` by walking its index sets (never KEYS/SCAN):
 * for tests, and for an operator dropping one cluster's state from a shared Redis.
 */
export async function purgeRedisStore(redis: Redis, prefix: string): Promise<void> {
  const k = new RedisKeys(prefix);
  const doomed: string[] = [];

  for (const spec of Object.values(TABLES)) {
    const ids = await redis.zrange(k.tableIndex(spec.name), '0', '-1');
    doomed.push(...ids.map((id) => k.record(spec.name, id)), k.tableIndex(spec.name));
  }

  // Tasks: each record names the index sets it is in.
  const uids = await redis.zrange(k.tasksAll(), '0', '-1');
  for (let i = 0; i < uids.length; i += CHUNK) {
    const keys = uids.slice(i, i + CHUNK).map((u) => k.task(Number(u)));
    const raws = await redis.mget(keys);
    for (const raw of raws) {
      if (raw)
        doomed.push(...taskIndexEntries(k, JSON.parse(raw) as TaskRecord).map(([key]) => key));
    }
    doomed.push(...keys);
  }
  doomed.push(k.tasksAll(), k.taskSeq());

  doomed.push(k.placements(), k.epoch(), k.topology());

  const scopes = await redis.smembers(k.leaseIndex());
  doomed.push(...scopes.flatMap((s) => [k.lease(s), k.leaseFence(s)]), k.leaseIndex());

  const aliases = await redis.zrange(k.aliasIndex(), '0', '-1');
  doomed.push(...aliases.flatMap((a) => [k.alias(a), k.aliasHistory(a)]), k.aliasIndex());

  doomed.push(k.catalogSeq(), k.catalogRecords(), k.catalogNodeIndexes());
  const parts = await redis.zrange(k.partOutcomesIndex(), '0', '-1');
  doomed.push(...parts.map((u) => k.partOutcomes(Number(u))), k.partOutcomesIndex());
  doomed.push(k.writers(), k.writerChanges(), k.taskGates(), k.copyBreaks());

  await delChunks(redis, [...new Set(doomed)]);
}

/** `purgeRedisStore` over a connection of its own (for callers that hold no Redis client). */
export async function purgeRedisStoreAt(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 3 });
  try {
    await purgeRedisStore(redis, prefix);
  } finally {
    redis.disconnect();
  }
}
