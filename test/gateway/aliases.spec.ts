/**
 * Issue 11's aliases (operations.md, Aliases): blue-green reindexing through two gateway processes
 * with the official client. A single alias reads and writes its target; a flip under search load
 * fails no request, every answer comes from one target, and once the flip is seen no answer comes
 * from the old one; multi-target aliases merge reads and refuse writes; history is bounded.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Meilisearch } from 'meilisearch';
import { startGatewayStack, type GatewayStack } from './support/gateway-stack.js';

let g: GatewayStack;
let clients: Meilisearch[];

const docs = (version: string, from: number) =>
  Array.from({ length: 30 }, (_, i) => ({ id: from + i, title: `lamp ${i}`, version }));

const admin = (method: string, path: string, body?: unknown) =>
  g.gateway(path, {
    method,
    key: g.stack.adminApiKey,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

beforeAll(async () => {
  g = await startGatewayStack({ nodes: 3, replicationFactor: 2, shards: 8, gateways: 2 });
  clients = g.stack.gateways.map(
    (p) => new Meilisearch({ host: p.listening.url, apiKey: g.stack.masterKey }),
  );
  for (const [uid, version, from] of [
    ['products_v1', 'v1', 0],
    ['products_v2', 'v2', 1000],
  ] as const) {
    await g.waitWrite(await g.client.createIndex(uid, { primaryKey: 'id' }));
    await g.waitWrite(await g.client.index(uid).addDocuments(docs(version, from)));
  }
}, 60_000);
afterAll(() => g?.stop());

/** The versions a search through `client` returned (one per hit). */
async function versionsSeen(client: Meilisearch, name: string): Promise<string[]> {
  const res = await client.index(name).search('lamp', { limit: 30 });
  return res.hits.map((h) => h.version as string);
}

describe('aliases', () => {
  it('refuses names that shadow an index, targets that are missing or aliases', async () => {
    const shadow = await admin('POST', '/_miroir/aliases', {
      name: 'products_v1',
      target: 'products_v2',
    });
    expect(shadow.status).toBe(409);
    expect(((await shadow.json()) as { code: string }).code).toBe('miroir_alias_already_exists');
    const missing = await admin('POST', '/_miroir/aliases', { name: 'ghost', target: 'nope' });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { code: string }).code).toBe('index_not_found');
    const bad = await admin('POST', '/_miroir/aliases', { name: 'x', target: 'a', targets: ['b'] });
    expect(bad.status).toBe(400);
    const noKey = await g.gateway('/_miroir/aliases', { key: null });
    expect(noKey.status).toBe(401);
  });

  it('reads and writes a single alias target; an index cannot take its name', async () => {
    const created = await admin('POST', '/_miroir/aliases', {
      name: 'products',
      target: 'products_v1',
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({
      name: 'products',
      kind: 'single',
      targets: ['products_v1'],
      version: 0,
    });
    for (const c of clients)
      expect(new Set(await versionsSeen(c, 'products'))).toEqual(new Set(['v1']));
    const added = await clients[1]!
      .index('products')
      .addDocuments([{ id: 500, title: 'lamp new', version: 'v1' }]);
    await g.waitWrite(added);
    expect(await g.client.index('products_v1').getDocument(500)).toMatchObject({ id: 500 });
    expect((await g.client.index('products').getSettings()).rankingRules).toBeDefined();
    const viaAlias = await admin('POST', '/_miroir/aliases', { name: 'chain', target: 'products' });
    expect(viaAlias.status).toBe(400); // an alias points at indexes only
    await expect(g.client.createIndex('products')).rejects.toMatchObject({
      cause: { code: 'miroir_alias_already_exists' },
    });
  });

  it('flips under search load through both gateways: no failure, no torn answer, no way back', async () => {
    let flippedAt = 0;
    const failures: string[] = [];
    const torn: string[] = [];
    const lateOld: number[] = [];
    let stop = false;
    const load = async (c: Meilisearch) => {
      while (!stop) {
        const started = Date.now();
        try {
          const seen = new Set(await versionsSeen(c, 'products'));
          if (seen.size !== 1) torn.push([...seen].join(','));
          // A request that started after every gateway had the flip must see the new target.
          if (flippedAt && started > flippedAt + 250 && seen.has('v1')) lateOld.push(started);
        } catch (err) {
          failures.push(String(err));
        }
      }
    };
    const runs = [...clients, ...clients].map(load);
    await new Promise((r) => setTimeout(r, 500));
    const flip = await admin('PUT', '/_miroir/aliases/products', { target: 'products_v2' });
    flippedAt = Date.now();
    expect(flip.status).toBe(200);
    expect(await flip.json()).toMatchObject({ version: 1, targets: ['products_v2'] });
    await new Promise((r) => setTimeout(r, 2000));
    stop = true;
    await Promise.all(runs);
    expect({ failures, torn, lateOld }).toEqual({ failures: [], torn: [], lateOld: [] });
    for (const c of clients)
      expect(new Set(await versionsSeen(c, 'products'))).toEqual(new Set(['v2']));
  });

  it('keeps the last 10 flips in its history', async () => {
    for (let i = 0; i < 11; i++) {
      const target = i % 2 === 0 ? 'products_v1' : 'products_v2';
      expect((await admin('PUT', '/_miroir/aliases/products', { target })).status).toBe(200);
    }
    const alias = (await (await admin('GET', '/_miroir/aliases/products')).json()) as {
      version: number;
      history: unknown[];
    };
    expect(alias.version).toBe(12);
    expect(alias.history).toHaveLength(10);
    expect(alias.history[0]).toMatchObject({
      version: 12,
      targets: ['products_v1'],
      actor: 'admin',
    });
    // Task filters by index name resolve an alias to its current target.
    const tasks = await clients[0]!.tasks.getTasks({ indexUids: ['products'] });
    expect(tasks.results.length).toBeGreaterThan(0);
    expect(new Set(tasks.results.map((t) => t.indexUid))).toEqual(new Set(['products_v1']));
    const metrics = await (await g.gateway('/metrics')).text();
    expect(metrics).toMatch(/miroir_alias_flips_total\{alias="products"\} \d+/);
  });

  it('merges reads over a multi-target alias and refuses writes and operator edits of a policy-owned one', async () => {
    const created = await admin('POST', '/_miroir/aliases', {
      name: 'catalog',
      targets: ['products_v1', 'products_v2'],
      ownerPolicy: 'daily',
    });
    expect(created.status).toBe(201);
    const res = await clients[0]!.index('catalog').search('lamp', { limit: 100 });
    expect(new Set(res.hits.map((h) => h.version))).toEqual(new Set(['v1', 'v2']));
    expect(res.hits).toHaveLength(61);
    expect(res.estimatedTotalHits).toBe(61);
    expect(res.hits.every((h) => !('_federation' in h))).toBe(true);
    await expect(
      clients[1]!.index('catalog').addDocuments([{ id: 9, title: 'x' }]),
    ).rejects.toMatchObject({ cause: { code: 'miroir_multi_alias_not_writable' } });
    const edit = await admin('PUT', '/_miroir/aliases/catalog', {
      targets: ['products_v2', 'products_v1'],
    });
    expect(edit.status).toBe(409);
    expect(((await edit.json()) as { code: string }).code).toBe('miroir_alias_policy_owned');
    expect((await admin('DELETE', '/_miroir/aliases/catalog')).status).toBe(409);
    expect((await admin('DELETE', '/_miroir/aliases/catalog?policy=daily')).status).toBe(204);
    expect((await admin('GET', '/_miroir/aliases/catalog')).status).toBe(404);
  });
});
