import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { missingService, testRedisUrl, uniquePrefix } from '#lib/testing';
import { sleep, task } from '../contract-fixtures.js';
import { RedisKeys } from './keys.js';
import { purgeRedisStore } from './purge.js';
import { createRedisStore } from './redis-store.js';
import { defineScript, ScriptRunner } from './script-runner.js';

const url = testRedisUrl();
const prefixes: string[] = [];
let redis: Redis;

function newPrefix(): string {
  const p = uniquePrefix('redis-adapter');
  prefixes.push(p);
  return p;
}

beforeAll(async () => {
  redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
  } catch (err) {
    redis.disconnect();
    throw missingService('Redis', url, err);
  }
});

afterAll(async () => {
  try {
    for (const p of prefixes) await purgeRedisStore(redis, p);
  } finally {
    await redis.quit();
  }
});

describe('redis adapter', () => {
  it('keeps two clusters apart by prefix and leaves a caller-owned client open', async () => {
    const [pa, pb] = [newPrefix(), newPrefix()];
    const a = createRedisStore({ client: redis, prefix: pa });
    const b = createRedisStore({ client: redis, prefix: pb });
    await a.tasks.create(task(5));
    expect(await b.tasks.get(5)).toBeNull();
    expect(await redis.get(new RedisKeys(pa).task(5))).not.toBeNull();
    await a.close();
    await b.close();
    expect(await redis.ping()).toBe('PONG');
  });

  it('takes leases with SET NX PX: the key carries token and holder and expires on its own', async () => {
    const p = newPrefix();
    const store = createRedisStore({ client: redis, prefix: p });
    const lease = (await store.leases.acquire('key-rotator', 'pod:7', 10_000))!;
    const key = new RedisKeys(p).lease('key-rotator');
    expect(await redis.get(key)).toBe(`${lease.token}:pod:7`);
    const pttl = await redis.pttl(key);
    expect(pttl).toBeGreaterThan(9_000);
    expect(pttl).toBeLessThanOrEqual(10_000);
    expect(await store.leases.get('key-rotator')).toEqual(lease);
    await store.close();
  });

  it('prunes expired entries from a TTL index on write, so an unlisted index stays bounded', async () => {
    const p = newPrefix();
    const store = createRedisStore({ client: redis, prefix: p });
    const rec = (i: number) => ({ key: `k${i}`, bodyHash: 'h', taskUid: i, createdAt: '' });
    for (let i = 0; i < 5; i++)
      await store.idempotency.putIfAbsent(`k${i}`, rec(i), { ttlMs: 300 });
    const index = new RedisKeys(p).tableIndex('idempotency');
    expect(await redis.zcard(index)).toBe(5);
    await sleep(400);
    await store.idempotency.putIfAbsent('fresh', rec(9), { ttlMs: 10_000 });
    expect(await redis.zrange(index, '0', '-1')).toEqual(['fresh']);
    await store.close();
  });

  it('drops an index entry whose record is gone when listing', async () => {
    const p = newPrefix();
    const store = createRedisStore({ client: redis, prefix: p });
    const keys = new RedisKeys(p);
    await store.beacons.put(
      'pod-1',
      { pod: 'pod-1', generations: {}, seenAt: '' },
      { ttlMs: 10_000 },
    );
    await store.beacons.put(
      'pod-2',
      { pod: 'pod-2', generations: {}, seenAt: '' },
      { ttlMs: 10_000 },
    );
    await redis.del(keys.record('beacons', 'pod-1')); // as if Redis expired it before our clock did
    expect(await store.beacons.list()).toEqual({
      results: [expect.objectContaining({ pod: 'pod-2' })],
      total: 1,
    });
    expect(await redis.zrange(keys.tableIndex('beacons'), '0', '-1')).toEqual(['pod-2']);
    await store.close();
  });

  it('loads a script the server has not seen (NOSCRIPT) and runs it', async () => {
    const script = defineScript('probe', `return ARGV[1] .. '${uniquePrefix('lua')}'`);
    expect(await redis.script('EXISTS', script.sha)).toEqual([0]);
    const out = await new ScriptRunner(redis).run(script, [], ['x']);
    expect(String(out).startsWith('x')).toBe(true);
    expect(await redis.script('EXISTS', script.sha)).toEqual([1]);
  });

  it('stores no temporary keys after a filtered task list', async () => {
    const p = newPrefix();
    const store = createRedisStore({ client: redis, prefix: p });
    await store.tasks.create(task(0));
    await store.tasks.create(task(1, { status: 'failed' }));
    const page = await store.tasks.list({
      statuses: ['failed', 'enqueued'],
      indexUids: ['movies'],
      afterEnqueuedAt: 0,
    });
    expect(page.total).toBe(2);
    const [, tmp] = await redis.scan('0', 'MATCH', `${p}tmp:*`, 'COUNT', 1000);
    expect(tmp).toEqual([]);
    await store.close();
  });
});
