import { afterAll, beforeAll, describe, expect } from '@jest/globals';
import { Redis } from 'ioredis';
import { missingService, testRedisUrl, uniquePrefix } from '#lib/testing';
import type { StoreHarness } from './contract-fixtures.js';
import { describeCoordinationContract } from './coordination.contract.js';
import { describeCoreContract } from './core.contract.js';
import { describeFeatureContract } from './feature.contract.js';
import { purgeRedisStore } from './redis/purge.js';
import { createRedisStore } from './redis/redis-store.js';
import { describeTaskContract } from './task.contract.js';

const url = testRedisUrl();

/** Keys left under a prefix; SCAN here only checks that the store's own index sets were complete. */
export async function leftoverKeys(redis: Redis, prefix: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    found.push(...keys);
    cursor = next;
  } while (cursor !== '0');
  // Rate-limit counters are not indexed by design: they expire with their window.
  return found.filter((k) => !k.startsWith(`${prefix}rl:`)).sort();
}

/**
 * A fresh prefix per group; every `open()` is a new connection to it. After the group, the
 * store is purged through its index sets and nothing may remain.
 */
function redisHarness(name: string): StoreHarness {
  const prefix = uniquePrefix(name);
  const admin = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  beforeAll(async () => {
    try {
      await admin.connect();
      await admin.ping();
    } catch (err) {
      admin.disconnect();
      throw missingService('Redis', url, err);
    }
  });
  afterAll(async () => {
    try {
      await purgeRedisStore(admin, prefix);
      expect(await leftoverKeys(admin, prefix)).toEqual([]);
    } finally {
      await admin.quit();
    }
  });
  return { open: () => createRedisStore({ url, prefix }) };
}

describe('redis store: core', () => describeCoreContract(redisHarness('core')));
describe('redis store: tasks', () => describeTaskContract(redisHarness('tasks')));
describe('redis store: coordination', () =>
  describeCoordinationContract(redisHarness('coordination')));
describe('redis store: features', () => describeFeatureContract(redisHarness('features')));
