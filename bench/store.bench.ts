// Redis footprint of the store's big collections and the task-record write path (state.md:
// "Measure Redis memory per 10k tasks / sessions / idempotency keys"). Uses a unique prefix and
// purges it afterwards. Memory is reported two ways: the INFO used_memory delta (what the Redis
// process grew by; noisy if other clients write at the same time) and the sum of MEMORY USAGE
// over the keys written (exact for this prefix, immune to other clients).
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import { createRedisStore, purgeRedisStore, type Store, type TaskRecord } from '#lib/store';
import { missingService, testRedisUrl, uniquePrefix } from '#lib/testing';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

/** A finished 3-node document task, as the reconciler leaves it (7 index entries). */
function taskRecord(uid: number): TaskRecord {
  const node = (n: number) => ({ taskUid: uid * 3 + n, status: 'succeeded' as const, error: null });
  return {
    uid,
    indexUid: `index-${uid % 10}`,
    type: 'documentAdditionOrUpdate',
    status: 'succeeded',
    details: { receivedDocuments: 100, indexedDocuments: 100 },
    error: null,
    canceledBy: null,
    enqueuedAt: iso(T0 + uid * 10),
    startedAt: iso(T0 + uid * 10 + 2),
    finishedAt: iso(T0 + uid * 10 + 9),
    duration: 'PT0.007S',
    nodeTasks: { 'meili-0': node(0), 'meili-1': node(1), 'meili-2': node(2) },
  };
}

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? NaN);
}

/** Sum of MEMORY USAGE over the prefix's keys (SCAN here is the benchmark's, not the store's). */
async function prefixBytes(redis: Redis, prefix: string): Promise<{ bytes: number; keys: number }> {
  let cursor = '0';
  let bytes = 0;
  let keys = 0;
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    const pipe = redis.pipeline();
    for (const k of batch) pipe.memory('USAGE', k, 'SAMPLES', '0');
    for (const [err, n] of (await pipe.exec()) ?? []) {
      if (err) throw err;
      bytes += Number(n ?? 0);
      keys++;
    }
  } while (cursor !== '0');
  return { bytes, keys };
}

async function inParallel(
  n: number,
  concurrency: number,
  op: (i: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < n) await op(next++);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

interface Footprint {
  usedMemoryDelta: number;
  keyBytes: number;
  keys: number;
}

/** Writes `count` records with `write`, measures, then purges the prefix. */
async function footprint(
  admin: Redis,
  url: string,
  name: string,
  count: number,
  write: (store: Store, i: number) => Promise<unknown>,
): Promise<Footprint> {
  const prefix = uniquePrefix(`bench-${name}`);
  const store = createRedisStore({ url, prefix });
  try {
    const before = await usedMemory(admin);
    await inParallel(count, 64, (i) => write(store, i));
    const after = await usedMemory(admin);
    const { bytes, keys } = await prefixBytes(admin, prefix);
    return { usedMemoryDelta: after - before, keyBytes: bytes, keys };
  } finally {
    await purgeRedisStore(admin, prefix);
    await store.close();
  }
}

/** ops/s of task record writes, `concurrency` requests in flight on one connection. */
async function writePath(url: string, ops: number, concurrency: number): Promise<number> {
  const prefix = uniquePrefix('bench-write');
  const store = createRedisStore({ url, prefix });
  const admin = new Redis(url);
  try {
    const t0 = performance.now();
    let next = 0;
    await inParallel(ops, concurrency, async () => {
      await store.tasks.create(taskRecord(next++));
    });
    return Math.round(ops / ((performance.now() - t0) / 1000));
  } finally {
    await purgeRedisStore(admin, prefix);
    await Promise.all([store.close(), admin.quit()]);
  }
}

/** Median ms of a filtered GET /tasks page over 10k tasks. */
async function listLatency(url: string): Promise<number> {
  const prefix = uniquePrefix('bench-list');
  const store = createRedisStore({ url, prefix });
  const admin = new Redis(url);
  try {
    await inParallel(10_000, 64, (i) => store.tasks.create(taskRecord(i)));
    const ms: number[] = [];
    for (let i = 0; i < 30; i++) {
      const t0 = performance.now();
      await store.tasks.list({
        statuses: ['succeeded'],
        indexUids: ['index-3', 'index-4'],
        limit: 20,
      });
      ms.push(performance.now() - t0);
    }
    return Math.round(ms.sort((a, b) => a - b)[15]! * 100) / 100;
  } finally {
    await purgeRedisStore(admin, prefix);
    await Promise.all([store.close(), admin.quit()]);
  }
}

const perRecord = (f: Footprint, n: number) => Math.round(f.keyBytes / n);

export async function run(): Promise<Record<string, unknown>> {
  const url = testRedisUrl();
  const admin = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await admin.connect();
  } catch (err) {
    admin.disconnect();
    throw missingService('Redis', url, err);
  }
  try {
    const tasks = await footprint(admin, url, 'tasks', 10_000, (s, i) =>
      s.tasks.create(taskRecord(i)),
    );
    const sessions = await footprint(admin, url, 'sessions', 1_000, (s, i) =>
      s.sessions.put(
        `session-${i}`,
        {
          id: `session-${i}`,
          lastWriteTask: i,
          pinnedGroup: 'g1',
          minSettingsVersion: { movies: 3 },
        },
        { ttlMs: 3_600_000 },
      ),
    );
    const idem = await footprint(admin, url, 'idempotency', 1_000, (s, i) =>
      s.idempotency.putIfAbsent(
        `idem-${i}-6f1d2c`,
        { key: `idem-${i}-6f1d2c`, bodyHash: 'a'.repeat(64), taskUid: i, createdAt: iso(T0) },
        { ttlMs: 86_400_000 },
      ),
    );
    return {
      'tasks: 10k records, used_memory delta (bytes)': tasks.usedMemoryDelta,
      'tasks: 10k records, key bytes (MEMORY USAGE sum)': tasks.keyBytes,
      'tasks: bytes per task (3 node tasks, 7 index entries)': perRecord(tasks, 10_000),
      'sessions: 1k records, used_memory delta (bytes)': sessions.usedMemoryDelta,
      'sessions: 1k records, key bytes': sessions.keyBytes,
      'sessions: bytes per session': perRecord(sessions, 1_000),
      'idempotency: 1k keys, used_memory delta (bytes)': idem.usedMemoryDelta,
      'idempotency: 1k keys, key bytes': idem.keyBytes,
      'idempotency: bytes per key': perRecord(idem, 1_000),
      'task records created per second, 1 in flight': await writePath(url, 2_000, 1),
      'task records created per second, 64 in flight': await writePath(url, 10_000, 64),
      'GET /tasks filtered page over 10k tasks (ms, median)': await listLatency(url),
    };
  } finally {
    await admin.quit();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(await run());
}
