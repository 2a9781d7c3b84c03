import { afterAll, describe, expect, it } from '@jest/globals';
import { UnrecoverableError } from 'bullmq';
import { JobQueues, redisConnection } from '#lib/jobs';
import { testRedisUrl, uniquePrefix } from '#lib/testing';

const queues = new JobQueues({ redisUrl: testRedisUrl(), keyPrefix: uniquePrefix('jobs') });
afterAll(async () => {
  await queues.obliterate('tasks');
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

  it('delivers each enqueued task job once, even when enqueued twice', async () => {
    const seen: number[] = [];
    let resolveDone: () => void;
    const done = new Promise<void>((r) => (resolveDone = r));
    queues.work(
      'tasks',
      async (data) => {
        seen.push(data.taskUid);
        if (seen.includes(2)) resolveDone();
      },
      { concurrency: 1 },
    );
    await queues.enqueue('tasks', { taskUid: 1 });
    await queues.enqueue('tasks', { taskUid: 1 });
    await queues.enqueue('tasks', { taskUid: 2 });
    await done;
    await new Promise((r) => setTimeout(r, 200));
    expect(seen.sort()).toEqual([1, 2]);
  });

  it('refuses a payload that does not fit the queue schema', async () => {
    await expect(queues.enqueue('tasks', { taskUid: -1 })).rejects.toThrow();
  });

  it('requeue runs again a job that gave up, where enqueue is a no-op', async () => {
    const other = new JobQueues({ redisUrl: testRedisUrl(), keyPrefix: uniquePrefix('requeue') });
    let runs = 0;
    const ran = (n: number) =>
      new Promise<void>((resolve) => {
        const check = setInterval(() => runs >= n && (clearInterval(check), resolve()), 20);
      });
    other.work('tasks', async () => {
      runs++;
      if (runs === 1) throw new UnrecoverableError('give up at once');
    });
    await other.enqueue('tasks', { taskUid: 7 });
    await ran(1);
    await new Promise((r) => setTimeout(r, 200));
    await other.enqueue('tasks', { taskUid: 7 });
    await new Promise((r) => setTimeout(r, 300));
    expect(runs).toBe(1); // the failed job still holds its id
    await other.requeue('tasks', { taskUid: 7 });
    await ran(2);
    expect(runs).toBe(2);
    await other.obliterate('tasks');
    await other.close();
  });
});
