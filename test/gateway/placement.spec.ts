/**
 * Acceptance 3: every document lives on exactly the nodes the placement table names, tagged with
 * its shard; and no client-facing answer ever shows a reserved `_miroir_*` field.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { shardOf, shardOfTag, shardTag, type Placement } from '#lib/routing';
import {
  jsonOf,
  reservedPaths,
  startGatewayStack,
  type GatewayStack,
} from './support/gateway-stack.js';

const SHARDS = 16;
const STRING_IDS = Array.from({ length: 240 }, (_, i) => (i % 3 === 0 ? `sku_${i}` : `item-${i}`));
const GENRES = ['drama', 'comedy', 'action', 'horror'];

let g: GatewayStack;

beforeAll(async () => {
  g = await startGatewayStack({ nodes: 3, replicationFactor: 2, shards: SHARDS });
  const { client } = g;
  await g.waitWrite(await client.createIndex('placed', { primaryKey: 'sku' }));
  await g.waitWrite(await client.createIndex('numbers', { primaryKey: 'id' }));
  await g.waitWrite(
    await client.index('placed').updateSettings({
      filterableAttributes: ['genre', 'year'],
      sortableAttributes: ['year'],
    }),
  );
  await client.index('placed').addDocuments(
    STRING_IDS.map((sku, i) => ({
      sku,
      title: `wonderful title ${i % 7}`,
      genre: GENRES[i % 4],
      year: 1990 + (i % 30),
    })),
  );
  const last = await client
    .index('numbers')
    .addDocuments(Array.from({ length: 60 }, (_, i) => ({ id: i * 7, name: `n${i}` })));
  await g.waitWrite(last);
}, 60_000);
afterAll(() => g?.stop());

async function placementOf(index: string): Promise<Placement> {
  const res = await g.gateway(`/_miroir/shards?index=${index}`, { key: g.stack.adminApiKey });
  expect(res.status).toBe(200);
  return (await res.json()) as Placement;
}

/** Every document each node holds for an index, asked with the node key. */
async function nodeDocuments(index: string): Promise<Map<string, Record<string, unknown>[]>> {
  const byNode = new Map<string, Record<string, unknown>[]>();
  for (const node of g.stack.nodes) {
    const { status, body } = await jsonOf(
      await g.node(node, `/indexes/${index}/documents?limit=100000`),
    );
    expect(status).toBe(200);
    byNode.set(node.id, body.results);
  }
  return byNode;
}

describe('placement', () => {
  it.each([
    ['placed', 'sku', STRING_IDS.length],
    ['numbers', 'id', 60],
  ])(
    'index %s: each document is on exactly its shard owners, tagged with its shard',
    async (index, pk, count) => {
      const placement = await placementOf(index);
      expect(placement.shards).toBe(SHARDS);
      const owners = placement.groups['0']!;
      expect(owners).toHaveLength(SHARDS);
      for (const copies of owners) {
        expect(copies.owners).toHaveLength(2);
        expect(copies.incoming).toEqual([]);
      }
      const holders = new Map<string, string[]>();
      for (const [nodeId, docs] of await nodeDocuments(index)) {
        for (const doc of docs) {
          const id = doc[pk] as string | number;
          const shard = shardOf(id, SHARDS);
          expect({ id, tag: doc._miroir_shard }).toEqual({ id, tag: shardTag(shard) });
          expect(shardOfTag(doc._miroir_shard)).toBe(shard);
          holders.set(String(id), [...(holders.get(String(id)) ?? []), nodeId]);
        }
      }
      expect(holders.size).toBe(count);
      // The placement route shows each copy with its document count, asked of its node.
      const perCopy = new Map<string, number>();
      for (const [nodeId, docs] of await nodeDocuments(index)) {
        for (const doc of docs) {
          const key = `${shardOfTag(doc._miroir_shard)}/${nodeId}`;
          perCopy.set(key, (perCopy.get(key) ?? 0) + 1);
        }
      }
      const { copies } = (await placementOf(index)) as Placement & {
        copies: { shard: number; node: string; role: string; documents: number; state: string }[];
      };
      expect(copies).toHaveLength(SHARDS * 2);
      for (const c of copies) {
        expect(c).toMatchObject({
          role: 'owner',
          state: 'caught-up',
          documents: perCopy.get(`${c.shard}/${c.node}`) ?? 0,
        });
      }
      for (const [id, nodes] of holders) {
        const shard = shardOf(pk === 'id' ? Number(id) : id, SHARDS);
        expect({ id, nodes: nodes.sort() }).toEqual({
          id,
          nodes: [...owners[shard]!.owners].sort(),
        });
      }
    },
  );

  it('the shard of an integer key is the shard of its decimal string', () => {
    expect(shardOf(42, SHARDS)).toBe(shardOf('42', SHARDS));
  });

  it('the placement table needs the admin key', async () => {
    const search = await g.client.getKeys();
    const searchKey = search.results.find((k) => k.name === 'Default Search API Key')!.key;
    for (const key of [null, searchKey, 'wrong']) {
      const res = await g.gateway('/_miroir/shards?index=placed', { key });
      expect(res.status).toBe(key === null ? 401 : 403);
    }
  });
});

describe('no reserved field reaches a client', () => {
  const index = () => g.client.index('placed');

  it.each<[string, () => Promise<unknown>]>([
    [
      'search with every attribute, highlight, crop, facets * and ranking details',
      () =>
        index().search('wonderful', {
          attributesToRetrieve: ['*'],
          attributesToHighlight: ['*'],
          attributesToCrop: ['*'],
          showMatchesPosition: true,
          showRankingScore: true,
          showRankingScoreDetails: true,
          facets: ['*'],
          limit: 50,
        }),
    ],
    [
      'search with a filter and sort',
      () => index().search('', { filter: 'genre = drama', sort: ['year:desc'] }),
    ],
    ['search with distinct', () => index().search('', { distinct: 'genre', facets: ['genre'] })],
    ['get one document', () => index().getDocument('sku_3')],
    ['browse documents', () => index().getDocuments({ limit: 100 })],
    [
      'fetch documents with a filter',
      () => index().getDocuments({ filter: 'genre = action', limit: 100 }),
    ],
    ['settings', () => index().getSettings()],
    ['filterable attributes', () => index().getFilterableAttributes()],
    ['index stats', () => index().getStats()],
    ['global stats', () => g.client.getStats()],
    ['index', () => index().getRawInfo()],
    [
      'multi-search',
      () =>
        g.client.multiSearch({
          queries: [
            { indexUid: 'placed', q: 'title', facets: ['*'], attributesToHighlight: ['*'] },
            { indexUid: 'numbers', q: '', limit: 5 },
          ],
        }),
    ],
    [
      'federated multi-search',
      () =>
        g.client.multiSearch({
          federation: { limit: 30, facetsByIndex: { placed: ['genre'] } },
          queries: [
            { indexUid: 'placed', q: 'wonderful' },
            { indexUid: 'numbers', q: '' },
          ],
        }),
    ],
    ['facet search', () => index().searchForFacetValues({ facetName: 'genre', facetQuery: '' })],
  ])('%s', async (_name, call) => {
    const answer = await call();
    expect(JSON.stringify(answer).length).toBeGreaterThan(2); // an answer, not an empty one
    expect(reservedPaths(answer)).toEqual([]);
  });

  it('a client cannot filter, facet, sort or search on the reserved field', async () => {
    for (const body of [
      { filter: `_miroir_shard = "${shardTag(3)}"` },
      { facets: ['_miroir_shard'] },
      { sort: ['_miroir_shard:asc'] },
      { attributesToSearchOn: ['_miroir_shard'] },
      { distinct: '_miroir_shard' },
    ]) {
      const { status, body: answer } = await jsonOf(
        await g.gateway('/indexes/placed/search', { method: 'POST', body: JSON.stringify(body) }),
      );
      expect({ body, status }).toEqual({ body, status: 400 });
      expect(answer.code).toMatch(/^invalid_search_/);
    }
    const facet = await jsonOf(
      await g.gateway('/indexes/placed/facet-search', {
        method: 'POST',
        body: JSON.stringify({ facetName: '_miroir_shard' }),
      }),
    );
    expect(facet.status).toBe(400);
    expect(facet.body.code).toBe('invalid_facet_search_facet_name');
  });

  it("a node's error about filterable attributes does not name the reserved field", async () => {
    const { status, body } = await jsonOf(
      await g.gateway('/indexes/placed/search', {
        method: 'POST',
        body: JSON.stringify({ filter: 'nowhere = 1' }),
      }),
    );
    expect(status).toBe(400);
    expect(body.code).toBe('invalid_search_filter');
    expect(body.message).not.toContain('_miroir_');
  });
});
