import { randomBytes } from 'node:crypto';

/**
 * Redis and NATS for tests. `npm test` (scripts/test.mjs) reuses or starts them and exports these
 * variables; running Jest directly falls back to localhost's default ports. A suite that cannot
 * reach them fails with this message rather than skipping.
 */
export function testRedisUrl(): string {
  return process.env.MIROIR_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
}

export function testNatsUrl(): string {
  return process.env.MIROIR_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
}

export function missingService(what: 'Redis' | 'NATS', url: string, cause: unknown): Error {
  return new Error(
    `${what} is not reachable at ${url} (${String(cause)}). Run the suite with \`npm test\`, which ` +
      `reuses or starts Redis and NATS, or set MIROIR_TEST_${what.toUpperCase()}_URL.`,
  );
}

/** A key prefix unique to one test run, so suites can share one Redis. */
export function uniquePrefix(name = 'test'): string {
  return `miroir-${name}-${randomBytes(4).toString('hex')}:`;
}
