import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { LogHeader } from '#lib/contracts';
import {
  applyPlacementChange,
  SHARD_FIELD,
  shardFilter,
  shardOfTag,
  targetPlacement,
  VERSION_FIELD,
  versionOfTag,
} from '#lib/routing';
import {
  batchWrite,
  coalesce,
  compareCopies,
  contentDigest,
  moveRepairFor,
  nextCopyState,
  nodeOpsFor,
  targetsOf,
  type CopyObservation,
  type CopyStatus,
  type NodeContext,
  type PlannedOp,
} from '#lib/replication';

const placement = targetPlacement(
  {
    nodes: ['m0', 'm1', 'm2'].map((id) => ({
      id,
      url: `http://${id}`,
      group: '0',
      state: 'active',
    })),
    replicationFactor: 2,
    epoch: 1,
  },
  8,
);
const owners = (shard: number) => placement.groups['0']![shard]!.owners;
const index = { uid: 'movies', nodeUid: 'movies' };
const task = {
  type: 'documentAdditionOrUpdate',
  indexUid: 'movies',
  details: null,
  enqueuedAt: '2030-01-01T00:00:00.000Z',
};

function ctx(nodeId: string, deleted = false): NodeContext {
  return { nodeId, placement: () => placement, deleted: () => deleted, nodeSettings: () => null };
}

function documentsMessage(parts: { shard: number; docs: string[] }[]): {
  header: LogHeader;
  body: Buffer;
} {
  const bodies = parts.map((p) => Buffer.from(p.docs.map((d) => `${d}\n`).join('')));
  return {
    header: {
      v: 1,
      task,
      op: {
        kind: 'documents',
        index,
        method: 'replace',
        primaryKey: 'id',
        parts: parts.map((p, i) => ({
          shard: p.shard,
          bytes: bodies[i]!.length,
          count: p.docs.length,
        })),
      },
    },
    body: Buffer.concat(bodies),
  };
}

describe('nodeOpsFor', () => {
  it('gives a node the documents of the shards it holds, stamped with shard and version', () => {
    const { header, body } = documentsMessage([
      { shard: 0, docs: ['{"id":"a","n":12345678901234567890}', '{ "id" : "b" }'] },
      { shard: 3, docs: ['{"id":"c"}'] },
    ]);
    for (const node of ['m0', 'm1', 'm2']) {
      const op = nodeOpsFor(header, body, 41, ctx(node))[0]!;
      const expected = [0, 3].filter((s) => owners(s).includes(node));
      if (expected.length === 0) {
        expect(op).toEqual({ kind: 'none', reason: 'no-shard-here' });
        continue;
      }
      if (op.kind !== 'documents') throw new Error(`unexpected ${op.kind}`);
      const lines = op.ndjson.split('\n').filter(Boolean);
      expect(op.count).toBe(lines.length);
      for (const line of lines) {
        const doc = JSON.parse(line) as Record<string, string>;
        expect(expected).toContain(shardOfTag(doc[SHARD_FIELD]));
        expect(versionOfTag(doc[VERSION_FIELD])).toBe(41);
      }
      if (expected.includes(0)) expect(op.ndjson).toContain('"n":12345678901234567890');
    }
  });

  it('creates the index first when the write creates it; drops work for a deleted index', () => {
    const { header, body } = documentsMessage([{ shard: 0, docs: ['{"id":"a"}'] }]);
    if (header.op.kind !== 'documents') throw new Error('documents expected');
    header.op.create = { filterableAttributes: [SHARD_FIELD] };
    const node = owners(0)[0]!;
    expect(nodeOpsFor(header, body, 7, ctx(node)).map((o) => o.kind)).toEqual([
      'createIndex',
      'documents',
    ]);
    const settings: LogHeader = {
      v: 1,
      task,
      op: { kind: 'settings', index, patch: { stopWords: ['a'] } },
    };
    expect(nodeOpsFor(settings, Buffer.alloc(0), 8, ctx('m0', true))).toEqual([
      { kind: 'none', reason: 'index-deleted' },
    ]);
    const drop: LogHeader = { v: 1, task, op: { kind: 'deleteIndex', index } };
    expect(nodeOpsFor(drop, Buffer.alloc(0), 9, ctx('m0', true))[0]!.kind).toBe('deleteIndex');
  });

  it('targets the copies of the touched shards, or every node for index-wide work', () => {
    const { header } = documentsMessage([{ shard: 2, docs: ['{"id":"x"}'] }]);
    const nodes = ['m0', 'm1', 'm2', 'm3'].map((id) => ({
      id,
      url: '',
      group: '0',
      state: (id === 'm3' ? 'removed' : 'active') as 'active' | 'removed',
    }));
    expect(targetsOf(header.op, placement, nodes)).toEqual([...owners(2)].sort());
    expect(targetsOf({ kind: 'deleteAll', index }, placement, nodes)).toEqual(['m0', 'm1', 'm2']);
    expect(targetsOf({ kind: 'none' }, placement, nodes)).toEqual([]);
  });

  it('a node that joined later: no index-wide work before its first copy, the index with its settings at it', () => {
    const joinAt = 50;
    const moved = applyPlacementChange(
      placement,
      { shard: 1, group: '0', step: 'incoming', node: 'm9' },
      joinAt,
    );
    const settings = { filterableAttributes: [SHARD_FIELD, 'genre'] };
    const joined: NodeContext = {
      nodeId: 'm9',
      placement: () => moved,
      deleted: () => false,
      nodeSettings: () => settings,
    };
    const patch: LogHeader = {
      v: 1,
      task,
      op: { kind: 'settings', index, patch: { stopWords: ['a'] } },
    };
    const wipe: LogHeader = { v: 1, task, op: { kind: 'deleteAll', index } };
    // Replayed before the move (its writer read the newer placement first): nothing to do there.
    expect(nodeOpsFor(patch, Buffer.alloc(0), joinAt - 5, joined)).toEqual([
      { kind: 'none', reason: 'no-shard-here' },
    ]);
    const step: LogHeader = {
      v: 1,
      task,
      op: {
        kind: 'placement',
        index,
        change: { shard: 1, group: '0', step: 'incoming', node: 'm9' },
      },
    };
    expect(nodeOpsFor(step, Buffer.alloc(0), joinAt, joined)).toEqual([
      { kind: 'createIndex', nodeUid: index.nodeUid, settings },
    ]);
    expect(nodeOpsFor(wipe, Buffer.alloc(0), joinAt + 1, joined)[0]!.kind).toBe('deleteAll');
    // Documents of the shard from the move on only; other nodes ignore the step.
    const docs = documentsMessage([{ shard: 1, docs: ['{"id":"z"}'] }]);
    expect(nodeOpsFor(docs.header, docs.body, joinAt - 1, joined)[0]!.kind).toBe('none');
    expect(nodeOpsFor(docs.header, docs.body, joinAt + 2, joined)[0]!.kind).toBe('documents');
    expect(nodeOpsFor(step, Buffer.alloc(0), joinAt, ctx('m0'))).toEqual([
      { kind: 'none', reason: 'no-shard-here' },
    ]);
    // Index-wide work reaches the nodes listed in the placement only.
    const nodes = ['m0', 'm1', 'm2', 'm9'].map((id) => ({
      id,
      url: '',
      group: '0',
      state: 'active' as const,
    }));
    expect(targetsOf(wipe.op, placement, nodes)).toEqual(['m0', 'm1', 'm2']);
    expect(targetsOf(wipe.op, moved, nodes)).toEqual(['m0', 'm1', 'm2', 'm9']);
  });

  it('a released copy deletes the shard, whatever placement its writer read; an owner keeps it', () => {
    const releaseOf = (node: string): LogHeader => ({
      v: 1,
      task,
      op: {
        kind: 'placement',
        index,
        change: { shard: 4, group: '0', step: 'release', node },
      },
    });
    const [owner] = owners(4);
    const outsider = ['m0', 'm1', 'm2'].find((n) => !owners(4).includes(n))!;
    // A writer that starts after the release reads a placement that no longer lists its copy.
    expect(nodeOpsFor(releaseOf(outsider), Buffer.alloc(0), 60, ctx(outsider))).toEqual([
      { kind: 'deleteFilter', nodeUid: index.nodeUid, filter: shardFilter([4]) },
    ]);
    // A copy displaced at 50 and released at 60 goes.
    const cut = applyPlacementChange(
      applyPlacementChange(placement, { shard: 4, group: '0', step: 'incoming', node: 'm9' }, 40),
      { shard: 4, group: '0', step: 'cutover', node: 'm9', displaced: owner! },
      50,
    );
    const at = (p: typeof placement, nodeId: string): NodeContext => ({
      ...ctx(nodeId),
      placement: () => p,
    });
    expect(nodeOpsFor(releaseOf(owner!), Buffer.alloc(0), 60, at(cut, owner!))[0]!.kind).toBe(
      'deleteFilter',
    );
    // A release reaching a copy that was cut over before it (a move canceled after appending its
    // cut-over) deletes nothing: the copy serves reads.
    expect(nodeOpsFor(releaseOf('m9'), Buffer.alloc(0), 60, at(cut, 'm9'))).toEqual([
      { kind: 'none', reason: 'nothing-for-nodes' },
    ]);
    expect(nodeOpsFor(releaseOf(owner!), Buffer.alloc(0), 60, ctx(owner!))[0]!.kind).toBe('none');
  });
});

describe('shard moves (placement steps)', () => {
  const move = (
    step: 'incoming' | 'filled' | 'cutover' | 'release',
    node: string,
    displaced?: string,
  ) => ({
    shard: 2,
    group: '0',
    step,
    node,
    ...(displaced ? { displaced } : {}),
  });
  const copiesOf = (p: typeof placement) => p.groups['0']![2]!;
  const [kept, displaced] = owners(2);

  it('applies each step once, in log order: a step applied again or late changes nothing', () => {
    const incoming = applyPlacementChange(placement, move('incoming', 'm9'), 10);
    const cut = applyPlacementChange(incoming, move('cutover', 'm9', displaced), 20);
    expect(copiesOf(cut).owners.sort()).toEqual([kept, 'm9'].sort());
    expect(copiesOf(cut).outgoing).toEqual([displaced]);
    // A writer passing the incoming step again after the cut-over (it committed late).
    expect(applyPlacementChange(cut, move('incoming', 'm9'), 10)).toBe(cut);
    // A move abandoned at 30 (released), then a new move of the same copy at 40; the release,
    // committed again by a slow writer, does not undo the new move.
    const abandoned = applyPlacementChange(incoming, move('release', 'm9'), 30);
    const again = applyPlacementChange(abandoned, move('incoming', 'm9'), 40);
    expect(copiesOf(again).incoming).toEqual(['m9']);
    expect(applyPlacementChange(again, move('release', 'm9'), 30)).toBe(again);
  });

  it('cuts over only a copy still incoming: a released copy never becomes an owner', () => {
    const incoming = applyPlacementChange(placement, move('incoming', 'm9'), 10);
    const released = applyPlacementChange(incoming, move('release', 'm9'), 11);
    const cut = applyPlacementChange(released, move('cutover', 'm9', displaced), 12);
    expect(copiesOf(cut).owners.sort()).toEqual([...owners(2)].sort());
    expect(copiesOf(cut).outgoing).toBeUndefined();
  });

  it('a partial update reaching a copy being filled is guarded; a replacement and an owner copy are not', () => {
    const filling = applyPlacementChange(placement, move('incoming', 'm9'), 10);
    const on = (nodeId: string): NodeContext => ({ ...ctx(nodeId), placement: () => filling });
    const { header, body } = documentsMessage([
      { shard: 2, docs: ['{"id":"a","title":"x"}'] },
      { shard: 3, docs: ['{"id":"b","title":"y"}'] },
    ]);
    const update = { ...header, op: { ...header.op, method: 'update' } } as LogHeader;
    const [guarded] = nodeOpsFor(update, body, 11, on('m9'));
    expect(guarded).toMatchObject({ kind: 'guardedUpdate', ndjson: '', count: 1 });
    expect((guarded as { guarded: string }).guarded).toContain('"id":"a"');
    expect(nodeOpsFor(update, body, 11, on(kept!))[0]!.kind).toBe('documents');
    expect(nodeOpsFor(header, body, 11, on('m9'))[0]!.kind).toBe('documents');
    // The batch's request is the writer's to decide: it joins no other write.
    const ops: PlannedOp[] = [{ seq: 11, taskUid: 10, op: guarded! }];
    expect(batchWrite(coalesce(ops, 1 << 20)[0]!)).toBeNull();
    // Once the move found the copy complete (filled), a partial update reaches it whole: one that
    // creates a document creates it there too.
    const filled = applyPlacementChange(filling, move('filled', 'm9'), 12);
    const whole = nodeOpsFor(update, body, 13, { ...ctx('m9'), placement: () => filled });
    expect(whole[0]).toMatchObject({ kind: 'documents', method: 'update', count: 1 });
  });

  it('a repair of an index deleted before it reaches a writer does nothing', () => {
    const repair: LogHeader = {
      v: 1,
      task,
      op: {
        kind: 'repair',
        index,
        primaryKey: 'id',
        nodes: [{ nodeId: 'm1', bytes: 11, count: 1, removals: [] }],
      },
    };
    expect(nodeOpsFor(repair, Buffer.from('{"id":"a"}\n'), 70, ctx('m1', true))).toEqual([
      { kind: 'none', reason: 'index-deleted' },
    ]);
  });
});

describe('moveRepairFor', () => {
  it('makes the target hold what the source holds', () => {
    const d = (s: number | null, t: number | null) => ({ id: 'x', versions: { s, t } });
    expect(moveRepairFor(d(5, null), 's', 't')).toEqual({
      kind: 'put',
      id: 'x',
      version: 5,
      nodes: ['t'],
    });
    expect(moveRepairFor(d(7, 5), 's', 't')).toMatchObject({ kind: 'put', version: 7 });
    // A page copied a document deleted afterwards: gone from the target, whatever the log still holds.
    expect(moveRepairFor(d(null, 5), 's', 't')).toEqual({
      kind: 'remove',
      id: 'x',
      version: 5,
      nodes: ['t'],
    });
    expect(moveRepairFor(d(5, 5), 's', 't')).toBeNull();
    // Same version, other content: a partial update created the target's cut down.
    expect(moveRepairFor({ ...d(5, 5), content: true }, 's', 't')).toEqual({
      kind: 'put',
      id: 'x',
      version: 5,
      nodes: ['t'],
    });
  });
});

describe('compareCopies', () => {
  const listing = (nodeId: string, docs: Record<string, unknown>[], whole: boolean) => ({
    nodeId,
    docs: new Map(docs.map((doc) => [String(doc.id), doc.v as number])),
    ...(whole
      ? { contents: new Map(docs.map((doc) => [String(doc.id), contentDigest(doc)])) }
      : {}),
  });

  it('compares versions, and with contents also what documents hold, whatever their field order', () => {
    const source = [
      { id: 1, v: 5, title: 'a', genre: 'g' },
      { id: 2, v: 6, title: 'b', _vectors: { e: [0.1] } },
    ];
    const target = [
      { genre: 'g', title: 'a', v: 5, id: 1 },
      { id: 2, v: 6, title: 'b', _vectors: { e: [0.1000001] } },
    ];
    expect(
      compareCopies([listing('s', source, true), listing('t', target, true)]).differences,
    ).toEqual([]);
    const cutDown = [{ id: 1, v: 5, title: 'a' }, target[1]!];
    expect(
      compareCopies([listing('s', source, false), listing('t', cutDown, false)]).differences,
    ).toEqual([]);
    expect(
      compareCopies([listing('s', source, true), listing('t', cutDown, true)]).differences,
    ).toEqual([{ id: '1', versions: { s: 5, t: 5 }, content: true }]);
  });
});

describe('coalesce', () => {
  const docs = (seq: number, bytes = 10, uid = 'movies'): PlannedOp => ({
    seq,
    taskUid: seq - 1,
    op: {
      kind: 'documents',
      nodeUid: uid,
      method: 'replace',
      primaryKey: 'id',
      ndjson: 'x'.repeat(bytes),
      count: 1,
    },
  });
  const none = (seq: number): PlannedOp => ({
    seq,
    taskUid: seq - 1,
    op: { kind: 'none', reason: 'no-shard-here' },
  });
  const del = (seq: number): PlannedOp => ({
    seq,
    taskUid: seq - 1,
    op: { kind: 'deleteAll', nodeUid: 'movies' },
  });

  it('joins consecutive document writes of one index up to the byte limit, keeping log order', () => {
    const batches = coalesce(
      [docs(1), none(2), docs(3), del(4), docs(5), docs(6, 10, 'books'), docs(7, 95)],
      100,
    );
    expect(batches.map((b) => [b.fromSeq, b.toSeq])).toEqual([
      [1, 3],
      [4, 4],
      [5, 5],
      [6, 6],
      [7, 7],
    ]);
    const write = batchWrite(batches[0]!);
    expect(write).toMatchObject({ kind: 'documents', ndjson: 'x'.repeat(20) });
    expect(batchWrite(coalesce([none(9)], 100)[0]!)).toBeNull();
  });

  it('property: batches cover every position once, in order', () => {
    const op = fc.oneof(fc.constant('docs'), fc.constant('none'), fc.constant('del'));
    fc.assert(
      fc.property(
        fc.array(op, { maxLength: 40 }),
        fc.integer({ min: 5, max: 60 }),
        (kinds, max) => {
          const ops = kinds.map((k, i) =>
            k === 'docs' ? docs(i + 1, 7) : k === 'none' ? none(i + 1) : del(i + 1),
          );
          const batches = coalesce(ops, max);
          expect(batches.flatMap((b) => b.ops.map((o) => o.seq))).toEqual(ops.map((o) => o.seq));
          for (const b of batches) {
            const requests = b.ops.filter((o) => o.op.kind !== 'none');
            if (requests.some((o) => o.op.kind !== 'documents')) expect(requests).toHaveLength(1);
          }
        },
      ),
    );
  });
});

describe('nextCopyState', () => {
  const limits = { maxReadLagMs: 5000, logMaxAgeMs: 3_600_000, unreachableAfterMs: 1000 };
  const caughtUp: CopyStatus = { state: 'caught-up', stateSince: 0, rejoinTarget: null };
  const o = (over: Partial<CopyObservation>): CopyObservation => ({
    now: 100_000,
    unreachableSince: null,
    oldestPendingAt: null,
    bestOldestPendingAt: null,
    appliedSeq: 50,
    logLastSeq: 60,
    broken: null,
    limits,
    ...over,
  });

  it('lags when the node cannot be reached, or falls behind the best copy', () => {
    expect(nextCopyState(caughtUp, o({ unreachableSince: 99_500 })).changed).toBeUndefined();
    expect(nextCopyState(caughtUp, o({ unreachableSince: 99_000 })).copy.state).toBe('lagging');
    // Everyone equally behind (a big import): still serving reads.
    expect(
      nextCopyState(caughtUp, o({ oldestPendingAt: 80_000, bestOldestPendingAt: 81_000 })).changed,
    ).toBeUndefined();
    expect(
      nextCopyState(caughtUp, o({ oldestPendingAt: 80_000, bestOldestPendingAt: null })).copy.state,
    ).toBe('lagging');
  });

  it('rejoins only after applying what was in the log when it asked', () => {
    const lagging: CopyStatus = { state: 'lagging', stateSince: 0, rejoinTarget: null };
    const asked = nextCopyState(lagging, o({ appliedSeq: 55, logLastSeq: 60 }));
    expect(asked.copy).toEqual({ state: 'lagging', stateSince: 0, rejoinTarget: 60 });
    expect(nextCopyState(asked.copy, o({ appliedSeq: 59, logLastSeq: 70 })).copy.state).toBe(
      'lagging',
    );
    expect(nextCopyState(asked.copy, o({ appliedSeq: 60, logLastSeq: 70 })).copy).toEqual({
      state: 'caught-up',
      stateSince: 100_000,
      rejoinTarget: null,
    });
    // Unreachable again: the request to rejoin is withdrawn.
    expect(nextCopyState(asked.copy, o({ unreachableSince: 99_900 })).copy.rejoinTarget).toBeNull();
  });

  it('is stale for good once broken or about to lose messages', () => {
    const broken = nextCopyState(caughtUp, o({ broken: 'gap' }));
    expect(broken.changed).toEqual({ from: 'caught-up', to: 'stale', reason: 'gap' });
    expect(nextCopyState(broken.copy, o({})).copy.state).toBe('stale');
    expect(nextCopyState(caughtUp, o({ oldestPendingAt: 100_000 - 3_300_000 })).copy.state).toBe(
      'stale',
    );
  });
});
