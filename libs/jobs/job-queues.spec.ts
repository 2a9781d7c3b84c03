import { afterAll, describe, expect, it } from '@jest/globals';
import { UnrecoverableError } from 'bullmq';
import { JobQueues, redisConnection } from '#lib/jobs';
import { testRedisUrl, uniquePrefix } from '#lib/testing';

const queues = new JobQueues({ redisUrl: testRedisUrl(), keyPrefix: uniquePrefix('jobs') });
afterAll(async () => {
  await queues.obliterate('checks');
  await queues.close();
});

describe('JobQueues', () => {
  it('parses redis URLs into connection options', () => {
    expect(redisConnection('redis://user:p%40ss@h:6380/2')).toMatchObject({
      host: 'h',
      port: 6380,
      username: 'user',
      password: 'p@ss',
      db: 2,
    });
  });

  it('delivers each enqueued job once, even when enqueued twice', async () => {
    const seen: string[] = [];
    let resolveDone: () => void;
    const done = new Promise<void>((r) => (resolveDone = r));
    queues.work(
      'checks',
      async (data) => {
        seen.push(data.checkId);
        if (seen.includes('c2')) resolveDone();
      },
      { concurrency: 1 },
    );
    const job = (checkId: string) => ({ checkId, indexUid: 'movies', repair: false });
    await queues.enqueue('checks', job('c1'));
    await queues.enqueue('checks', job('c1'));
    await queues.enqueue('checks', job('c2'));
    await done;
    await new Promise((r) => setTimeout(r, 200));
    expect(seen.sort()).toEqual(['c1', 'c2']);
  });

  it('refuses a payload that does not fit the queue schema', async () => {
    await expect(
      queues.enqueue('checks', { checkId: 'a:b', indexUid: 'movies', repair: false }),
    ).rejects.toThrow();
  });

  it('requeue runs again a job that gave up, where enqueue is a no-op', async () => {
    const other = new JobQueues({ redisUrl: testRedisUrl(), keyPrefix: uniquePrefix('requeue') });
    let runs = 0;
    const ran = (n: number) =>
      new Promise<void>((resolve) => {
        const check = setInterval(() => runs >= n && (clearInterval(check), resolve()), 20);
      });
    const job = { checkId: 'c7', indexUid: 'movies', repair: false };
    other.work('checks', async () => {
      runs++;
      if (runs === 1) throw new UnrecoverableError('give up at once');
    });
    await other.enqueue('checks', job);
    await ran(1);
    await new Promise((r) => setTimeout(r, 200));
    await other.enqueue('checks', job);
    await new Promise((r) => setTimeout(r, 300));
    expect(runs).toBe(1); // the failed job still holds its id
    await other.requeue('checks', job);
    await ran(2);
    expect(runs).toBe(2);
    await other.obliterate('checks');
    await other.close();
  });
});
