/**
 * Issue 15's cluster health: `GET /_miroir/health` turns yellow when a node is frozen, red when a
 * shard has no copy left that can serve, green again after recovery; `/_miroir/ready` fails only
 * when no node can serve at all. (It also caught idle copies staying `lagging` for good after one
 * failed node call: the node writer now asks an unreachable node's health while idle.)
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { freeze, thaw } from '#lib/testing';
import { startGatewayStack, type GatewayStack } from './support/gateway-stack.js';

let g: GatewayStack;

beforeAll(async () => {
  g = await startGatewayStack({ nodes: 3, replicationFactor: 2, shards: 8, rebalancer: true });
  await g.waitWrite(await g.client.createIndex('things', { primaryKey: 'id' }));
  await g.waitWrite(
    await g.client.index('things').addDocuments(Array.from({ length: 40 }, (_, id) => ({ id }))),
  );
}, 60_000);
afterAll(async () => {
  for (const n of g?.stack.nodes ?? []) thaw(n);
  await g?.stop();
});

const health = async () =>
  (await (await g.gateway('/_miroir/health', { key: g.stack.adminApiKey })).json()) as {
    status: string;
    reasons: string[];
  };
const ready = async () => (await g.gateway('/_miroir/ready', { key: null })).status;

async function until(status: string) {
  const end = Date.now() + 30_000;
  for (;;) {
    const h = await health();
    if (h.status === status) return h;
    if (Date.now() > end) throw new Error(`health stayed ${h.status}: ${h.reasons.join('; ')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('cluster health', () => {
  it('goes yellow, red and green again as nodes freeze and thaw', async () => {
    expect(await until('green')).toEqual({
      status: 'green',
      reasons: [],
      nodes: expect.any(Array),
      indexes: 1,
    });
    const [a, b, c] = g.stack.nodes;
    freeze(a!);
    const yellow = await until('yellow');
    expect(yellow.reasons).toContain(`node ${a!.id} is failed`);
    expect(await ready()).toBe(200);
    freeze(b!);
    const red = await until('red');
    expect(red.reasons.some((r) => r.startsWith('index things: no readable copy of shard'))).toBe(
      true,
    );
    freeze(c!);
    const end = Date.now() + 30_000;
    while ((await ready()) !== 503 && Date.now() < end)
      await new Promise((r) => setTimeout(r, 200));
    expect(await ready()).toBe(503);
    for (const n of [a!, b!, c!]) thaw(n);
    await until('green');
    expect(await ready()).toBe(200);
  }, 90_000);
});

describe('gateway log', () => {
  /** The gateway's JSON log lines so far. */
  const lines = () =>
    g.stack.gateway
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);

  it('has one line per request, with its id and route template, and one per failed node call', async () => {
    const res = await g.gateway('/indexes/things/search', {
      method: 'POST',
      key: g.stack.masterKey,
      headers: { 'content-type': 'application/json', 'x-request-id': 'trace-me-1' },
      body: JSON.stringify({ q: 'secret words' }),
    });
    expect(res.status).toBe(200);
    const line = await waitFor(() =>
      lines().find((l) => l.event === 'request' && l.requestId === 'trace-me-1'),
    );
    expect(line).toMatchObject({
      level: 'info',
      service: 'gateway',
      method: 'POST',
      route: '/indexes/:indexUid/search',
      status: 200,
    });
    expect(JSON.stringify(line)).not.toContain('secret words'); // no query text in the log
    const [a] = g.stack.nodes;
    freeze(a!);
    try {
      const failed = await waitFor(async () => {
        await g.gateway('/indexes/things/search', {
          method: 'POST',
          key: g.stack.masterKey,
          headers: { 'content-type': 'application/json' },
          body: '{}',
        });
        return lines().find((l) => l.event === 'node-request-failed' && l.nodeId === a!.id);
      });
      expect(failed).toMatchObject({ level: 'warn', status: 'timeout' });
    } finally {
      thaw(a!);
    }
  }, 60_000);
});

async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const end = Date.now() + 30_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error('not logged in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
