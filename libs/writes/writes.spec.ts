import { describe, expect, it } from '@jest/globals';
import { MeiliError } from '#lib/errors';
import { shardOf, shardOfTag, targetPlacement, type Topology } from '#lib/routing';
import {
  degradedHeader,
  documentId,
  evaluateQuorum,
  planDocumentWrite,
  planIdsByNode,
} from '#lib/writes';

const topology: Topology = {
  nodes: ['m0', 'm1', 'm2'].map((id) => ({ id, url: `http://${id}`, group: '0', state: 'active' })),
  replicationFactor: 2,
  epoch: 1,
};
const placement = targetPlacement(topology, 16);

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof MeiliError ? err.code : 'not-a-meili-error';
  }
  return undefined;
}

describe('documentId', () => {
  it.each([
    [{ id: 1 }, 1],
    [{ id: 'a-B_9' }, 'a-B_9'],
    [{ id: 'x'.repeat(511) }, 'x'.repeat(511)],
  ])('accepts %j', (doc, id) => expect(documentId(doc, 'id')).toEqual(id));

  it.each([
    [{ other: 1 }, 'missing_document_id'],
    [{ id: 'a b' }, 'invalid_document_id'],
    [{ id: '' }, 'invalid_document_id'],
    [{ id: 1.5 }, 'invalid_document_id'],
    [{ id: null }, 'invalid_document_id'],
    [{ id: ['a'] }, 'invalid_document_id'],
    [{ id: 'x'.repeat(512) }, 'invalid_document_id'],
    [{ id: 'é' }, 'invalid_document_id'],
  ])('refuses %j with %s', (doc, code) => expect(codeOf(() => documentId(doc, 'id'))).toBe(code));
});

describe('planDocumentWrite', () => {
  const docs = Array.from({ length: 200 }, (_, i) => ({
    id: i % 3 ? `doc-${i}` : i,
    title: `t${i}`,
  }));

  it('sends every document, stamped with its shard, to each owner of that shard, once', () => {
    const plan = planDocumentWrite(docs, 'id', placement);
    const seen = new Map<string, string[]>();
    for (const batch of plan.batches) {
      const body = JSON.parse(batch.body.toString()) as Array<{
        id: string | number;
        _miroir_shard: number;
      }>;
      expect(body).toHaveLength(batch.documents);
      for (const doc of body) {
        expect(shardOfTag(doc._miroir_shard)).toBe(shardOf(doc.id, 16));
        expect(batch.shards).toContain(shardOfTag(doc._miroir_shard));
        seen.set(String(doc.id), [...(seen.get(String(doc.id)) ?? []), batch.nodeId]);
      }
    }
    for (const doc of docs) {
      const owners = placement.groups['0']![shardOf(doc.id, 16)]!.owners;
      expect(seen.get(String(doc.id))!.sort()).toEqual([...owners].sort());
    }
    expect(plan.received).toBe(200);
  });

  it('refuses the whole batch for one bad document, before planning anything', () => {
    expect(codeOf(() => planDocumentWrite([...docs, { title: 'no id' }], 'id', placement))).toBe(
      'missing_document_id',
    );
    expect(codeOf(() => planDocumentWrite([{ id: 1, _miroir_shard: 3 }], 'id', placement))).toBe(
      'miroir_reserved_field',
    );
  });

  it('routes deletes by id to every copy of each shard', () => {
    const { byNode } = planIdsByNode([1, 'a', 'b'], placement);
    const total = [...byNode.values()].reduce((n, ids) => n + ids.length, 0);
    expect(total).toBe(6);
  });
});

describe('evaluateQuorum', () => {
  const targets = planDocumentWrite(
    [{ id: 'a' }, { id: 'b' }, { id: 'c' }],
    'id',
    placement,
  ).targets;

  it('accepts with every copy acknowledged and reports nothing degraded', () => {
    const outcome = evaluateQuorum(targets, () => true, 'all');
    expect(outcome).toMatchObject({ accepted: true, unreached: [], degradedGroups: [] });
    expect(degradedHeader(outcome)).toBeUndefined();
  });

  it('with one node down (RF 2): quorum one accepts, degraded, hints for that node only', () => {
    const outcome = evaluateQuorum(targets, (n) => n !== 'm1', 'one');
    expect(outcome.accepted).toBe(true);
    expect([...outcome.missed.keys()]).toEqual(outcome.missed.size ? ['m1'] : []);
    const m1Shards = [...targets.keys()].filter((s) =>
      placement.groups['0']![s]!.owners.includes('m1'),
    );
    expect(outcome.missed.get('m1') ?? []).toEqual(m1Shards.sort((a, b) => a - b));
    if (m1Shards.length)
      expect(degradedHeader(outcome)).toBe(`groups=0; shards=${m1Shards.join(',')}`);
  });

  it('majority and all refuse when a copy of RF 2 is missing', () => {
    const someShard = [...targets.keys()][0]!;
    const victim = placement.groups['0']![someShard]!.owners[0]!;
    expect(evaluateQuorum(targets, (n) => n !== victim, 'majority').unreached).toContain(someShard);
    expect(evaluateQuorum(targets, (n) => n !== victim, 'all').accepted).toBe(false);
  });

  it('refuses when no copy of a shard acknowledged', () => {
    const outcome = evaluateQuorum(targets, () => false, 'one');
    expect(outcome.accepted).toBe(false);
    expect(outcome.unreached).toEqual([...targets.keys()].sort((a, b) => a - b));
  });
});
