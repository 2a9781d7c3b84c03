import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { perGroupCount, scaledCount, type NodeTaskView } from '#lib/reconcile';

const v = (details: Record<string, unknown>): NodeTaskView => ({ details });

describe('distinct-document counts', () => {
  it('additions: Σ indexed / Σ received over node batches, scaled to what the client sent', () => {
    // 10 documents, RF 2 over 3 nodes: 20 copies split 7/6/7; node 2 indexed only 5 of its 7.
    const nodes: [string, NodeTaskView][] = [
      ['a', v({ receivedDocuments: 7, indexedDocuments: 7 })],
      ['b', v({ receivedDocuments: 6, indexedDocuments: 6 })],
      ['c', v({ receivedDocuments: 7, indexedDocuments: 5 })],
    ];
    expect(scaledCount(10, nodes, 'indexedDocuments', 'receivedDocuments')).toBe(9);
    expect(scaledCount(10, [], 'indexedDocuments', 'receivedDocuments')).toBeNull();
  });

  it('deletions by id: the fraction of id copies that existed, over the ids sent', () => {
    const nodes: [string, NodeTaskView][] = [
      ['a', v({ providedIds: 2, deletedDocuments: 1 })],
      ['b', v({ providedIds: 2, deletedDocuments: 1 })],
    ];
    expect(scaledCount(2, nodes, 'deletedDocuments', 'providedIds')).toBe(1);
  });

  it('broadcast deletions: per group Σ / copies, the fullest group wins', () => {
    const layout = { groupOf: { a: 'g1', b: 'g1', c: 'g1', d: 'g2' }, copies: { g1: 2, g2: 1 } };
    const nodes: [string, NodeTaskView][] = [
      ['a', v({ deletedDocuments: 4 })],
      ['b', v({ deletedDocuments: 3 })],
      ['c', v({ deletedDocuments: 3 })],
      ['d', v({ deletedDocuments: 4 })],
    ];
    expect(perGroupCount(nodes, 'deletedDocuments', layout)).toBe(5);
  });

  it('property: when every copy agrees, the scaled count is the distinct count', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 200 }),
        fc.integer({ min: 1, max: 5 }),
        (copiesPerDoc, nodeCount) => {
          // Spread each document's copies over distinct nodes, round-robin.
          const received = new Array<number>(nodeCount).fill(0);
          copiesPerDoc.forEach((copies, doc) => {
            for (let c = 0; c < Math.min(copies, nodeCount); c++)
              received[(doc + c) % nodeCount]! += 1;
          });
          const uniform = copiesPerDoc.map((c) => Math.min(c, nodeCount));
          fc.pre(uniform.every((c) => c === uniform[0]));
          const nodes = received.map(
            (r, i) =>
              [`n${i}`, v({ receivedDocuments: r, indexedDocuments: r })] as [string, NodeTaskView],
          );
          expect(
            scaledCount(copiesPerDoc.length, nodes, 'indexedDocuments', 'receivedDocuments'),
          ).toBe(copiesPerDoc.length);
        },
      ),
    );
  });
});
