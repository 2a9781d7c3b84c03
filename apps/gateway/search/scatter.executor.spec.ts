import { describe, expect, it } from '@jest/globals';
import { MeiliError } from '#lib/errors';
import { NodeApiError, NodeTimeoutError, RecordingNodeClient } from '#lib/node-client';
import { coveringSet, targetPlacement, type Topology } from '#lib/routing';
import { mergeSearch, planSearch, type SearchContext } from '#lib/search';
import { DEFAULT_SETTINGS } from '../../../libs/search/search-fixtures.js';
import { readKey, ScatterExecutor, type ContextSource } from './scatter.executor.js';

const NODES = ['meili-0', 'meili-1', 'meili-2'];
const topology: Topology = {
  nodes: NODES.map((id) => ({ id, url: '', group: '0', state: 'active' })),
  replicationFactor: 2,
  epoch: 1,
};
const placement = targetPlacement(topology, 8);

/** Contexts as the gateway builds them: covering sets from the choice, minus unreadable nodes. */
function contexts(down: Set<string> = new Set()): ContextSource {
  return async (indexUid, choice) =>
    ({
      indexUid,
      nodeUid: indexUid,
      shards: 8,
      unavailableShardPolicy: 'partial',
      settings: DEFAULT_SETTINGS,
      covering: coveringSet({
        placement,
        group: '0',
        rotation: choice.rotation,
        isHealthy: (n) => !down.has(n) && !choice.exclude.has(n),
      }),
    }) satisfies SearchContext;
}

/** A search through the executor; `attempts` gets each attempt's node requests. */
function search(
  scatter: ScatterExecutor,
  nodes: RecordingNodeClient,
  query: object,
  attempts: { nodeId: string; shards: number[] }[][] = [],
) {
  return scatter.run(readKey('search movies', query), async (lookup) => {
    const plan = planSearch(query, await lookup('movies'));
    attempts.push(plan.requests.map((r) => ({ nodeId: r.nodeId, shards: r.shards })));
    const replies = await Promise.all(
      plan.requests.map((r) => nodes.search(r.nodeId, 'movies', r.body)),
    );
    return { body: mergeSearch(plan, replies), uncoveredShards: plan.uncoveredShards };
  });
}

const empty = { hits: [], query: '', processingTimeMs: 0, estimatedTotalHits: 0 };
const nodesOf = (nodes: RecordingNodeClient) => nodes.log.map((l) => l.split(' ')[1]!).sort();

describe('ScatterExecutor', () => {
  it('reads the same copies for every page of one query, and other copies for other queries', async () => {
    const nodes = new RecordingNodeClient();
    nodes.when('search').reply(empty);
    const scatter = new ScatterExecutor(contexts());
    const seen = new Map<string, string>();
    for (const q of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']) {
      const lines: string[] = [];
      for (const offset of [0, 20, 40]) {
        nodes.clear();
        await search(scatter, nodes, { q, offset, limit: 20 });
        lines.push(nodes.log.map((l) => l.replace(/ offset.*/, '')).join('|'));
      }
      // Pages of one query: identical node requests (same nodes, same shards each).
      expect(new Set(lines).size).toBe(1);
      seen.set(q, lines[0]!);
    }
    // Load still spreads: different queries do not all read the same copies.
    expect(new Set(seen.values()).size).toBeGreaterThan(1);
  });

  it('keys a query by its content, not its paging or key order', () => {
    expect(readKey('s', { q: 'x', filter: 'a = 1', offset: 0 })).toBe(
      readKey('s', { filter: 'a = 1', limit: 5, q: 'x', page: 2 }),
    );
    expect(readKey('s', { q: 'x' })).not.toBe(readKey('s', { q: 'y' }));
  });

  it('fails over when a node answers 500 or times out, leaving that node out', async () => {
    for (const failure of [
      new NodeApiError('meili-1', 'search', 500, {
        message: 'internal',
        code: 'internal',
        type: 'internal',
        link: '',
      }),
      new NodeTimeoutError('meili-1', 'search', 5000),
    ]) {
      const nodes = new RecordingNodeClient();
      nodes.when('search').reply(empty);
      nodes.when('search', 'meili-1').fail(failure);
      const scatter = new ScatterExecutor(contexts());
      let failedOver = 0;
      for (const q of ['a', 'b', 'c', 'd', 'e', 'f']) {
        const attempts: { nodeId: string; shards: number[] }[][] = [];
        const answer = await search(scatter, nodes, { q }, attempts);
        expect(answer.degraded).toBeUndefined();
        const last = attempts[attempts.length - 1]!;
        // The answer came from an attempt without meili-1 that covered all 8 shards.
        expect(last.map((r) => r.nodeId)).not.toContain('meili-1');
        expect(last.flatMap((r) => r.shards).sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
        if (attempts.length > 1) failedOver++;
      }
      expect(failedOver).toBeGreaterThan(0);
    }
  });

  it("passes a node's 4xx answer through without trying another copy", async () => {
    const nodes = new RecordingNodeClient();
    nodes.when('search').fail(
      (call) =>
        new NodeApiError(call.nodeId, 'search', 400, {
          message: 'Attribute `x` is not filterable.',
          code: 'invalid_search_filter',
          type: 'invalid_request',
          link: 'https://docs.meilisearch.com/errors#invalid_search_filter',
        }),
    );
    const scatter = new ScatterExecutor(contexts());
    await expect(search(scatter, nodes, { q: 'a' })).rejects.toMatchObject({
      status: 400,
      body: { code: 'invalid_search_filter' },
    });
    expect(new Set(nodesOf(nodes)).size).toBe(nodes.log.length);
  });

  it('answers the covered shards with X-Miroir-Degraded and counts the partial answer', async () => {
    const nodes = new RecordingNodeClient();
    nodes.when('search').reply(empty);
    let partial = 0;
    // Two nodes down: the shards only they hold are uncovered.
    const scatter = new ScatterExecutor(contexts(new Set(['meili-0', 'meili-1'])), () => partial++);
    const answer = await search(scatter, nodes, { q: 'a' });
    const alone = placement.groups['0']!.flatMap((c, shard) =>
      c.owners.includes('meili-2') ? [] : [shard],
    );
    expect(alone.length).toBeGreaterThan(0);
    expect(answer.degraded).toBe(`shards=${alone.join(',')}`);
    expect(partial).toBe(1);
    expect(nodesOf(nodes)).toEqual(['meili-2']);
  });

  it('gives up after every copy failed, with the last failure', async () => {
    const nodes = new RecordingNodeClient();
    nodes.when('search').fail((call) => new NodeTimeoutError(call.nodeId, 'search', 5000));
    const scatter = new ScatterExecutor(contexts());
    const err = await search(scatter, nodes, { q: 'a' }).catch((e: unknown) => e);
    // Every node left out in turn, then nothing covers the index: Meilisearch-shaped refusal.
    expect(err instanceof NodeTimeoutError || err instanceof MeiliError).toBe(true);
  });
});
