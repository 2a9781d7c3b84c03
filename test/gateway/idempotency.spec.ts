/** `Idempotency-Key` (api.md): a retried write returns the original task and never writes twice. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  jsonOf,
  meiliError,
  startGatewayStack,
  type GatewayStack,
} from './support/gateway-stack.js';

const INDEX = 'retries';
let g: GatewayStack;

beforeAll(async () => {
  g = await startGatewayStack({ nodes: 3, replicationFactor: 2, shards: 8 });
  await g.waitWrite(await g.client.createIndex(INDEX, { primaryKey: 'id' }));
}, 60_000);
afterAll(() => g?.stop());

const add = (key: string, docs: unknown, apiKey?: string) =>
  g.gateway(`/indexes/${INDEX}/documents`, {
    method: 'POST',
    body: typeof docs === 'string' ? docs : JSON.stringify(docs),
    headers: { 'idempotency-key': key, 'content-type': 'application/json' },
    ...(apiKey ? { key: apiKey } : {}),
  });
const taskCount = async () => (await g.client.tasks.getTasks({ limit: 1 })).total;

describe('Idempotency-Key', () => {
  it('a retry with the same key and body returns the original task and writes nothing', async () => {
    const docs = [{ id: 1, title: 'one' }];
    const first = await jsonOf(await add('k-1', docs));
    expect(first.status).toBe(202);
    const before = await taskCount();
    const again = await jsonOf(await add('k-1', docs));
    expect(again).toEqual(first);
    expect(await taskCount()).toBe(before);
  });

  it('the same key with another request is refused', async () => {
    await add('k-2', [{ id: 2 }]);
    expect(await jsonOf(await add('k-2', [{ id: 3 }]))).toEqual({
      status: 409,
      body: meiliError('miroir_idempotency_key_reused'),
    });
  });

  it('concurrent retries write once', async () => {
    const before = await taskCount();
    const answers = await Promise.all(
      Array.from({ length: 5 }, async () => jsonOf(await add('k-3', [{ id: 4 }]))),
    );
    const uids = new Set(answers.map((a) => (a.body as { taskUid: number }).taskUid));
    expect(answers.every((a) => a.status === 202)).toBe(true);
    expect(uids.size).toBe(1);
    expect(await taskCount()).toBe(before + 1);
  });

  it('a refused request does not keep the key; keys are per credential', async () => {
    expect((await add('k-4', '{not json')).status).toBe(400);
    expect((await add('k-4', [{ id: 5 }])).status).toBe(202);
    const other = await g.client.createKey({ actions: ['*'], indexes: ['*'], expiresAt: null });
    const mine = await jsonOf(await add('k-5', [{ id: 6 }]));
    const theirs = await jsonOf(await add('k-5', [{ id: 6 }], other.key));
    expect(theirs.status).toBe(202);
    expect((theirs.body as { taskUid: number }).taskUid).not.toBe(
      (mine.body as { taskUid: number }).taskUid,
    );
  });
});
