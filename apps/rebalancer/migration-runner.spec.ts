/**
 * The move runner's decisions at the moments an adversarial review found unsafe (issue 12): a move
 * canceled after its cut-over reached the log, a source released while a verify read it, and a
 * partial update that creates a document while the target is still guarded. Memory store, a log
 * that de-duplicates appends by id as JetStream does, and a scripted copy checker.
 */
import { beforeEach, describe, expect, it } from '@jest/globals';
import { RecordingNodeClient } from '#lib/node-client';
import { freshWriterStatus, type Difference } from '#lib/replication';
import {
  applyPlacementChange,
  withoutNode,
  type Placement,
  type PlacementChange,
} from '#lib/routing';
import {
  createMemoryStore,
  type CatalogRecord,
  type MigrationRecord,
  type Store,
} from '#lib/store';
import { MemoryWriteLog } from '#lib/testing';
import type { CopyChecker } from './copy-checker.js';
import { MigrationBlocked, MigrationRunner } from './migration-runner.js';
import { plannedMigration } from './rebalance-planner.js';

const NODE_UID = 'movies-1';
const record: CatalogRecord = {
  uid: 'movies',
  nodeUid: NODE_UID,
  primaryKey: 'id',
  primaryKeyFixed: true,
  shards: 2,
  createdAt: '2030-01-01T00:00:00.000Z',
  updatedAt: '2030-01-01T00:00:00.000Z',
  settings: {},
  settingsVersion: 1,
};

let store: Store;
let log: MemoryWriteLog;
let checks: { whole: boolean }[];
let repairs: Difference[][];

/** What the scripted checker finds, one answer per call (then: the copies agree). */
let answers: (() => Promise<Difference[]>)[];

function runner(): MigrationRunner {
  const checker = {
    checkShard: async (_i: CatalogRecord, _n: string[], _s: number, whole = false) => {
      checks.push({ whole });
      return { copies: [], differences: await (answers.shift() ?? (async () => []))() };
    },
    repair: async (_i: CatalogRecord, differences: Difference[]) => {
      repairs.push(differences);
      return { repairTaskUid: null, repaired: { put: differences.length, removed: 0 } };
    },
  } as unknown as CopyChecker;
  return new MigrationRunner({
    store,
    nodes: new RecordingNodeClient(),
    log: log as never,
    bus: { publish: () => undefined as never },
    checker,
    logger: () => undefined,
    timeoutMs: 1000,
    graceMs: 0,
  });
}

const placement = (): Promise<Placement> =>
  store.topology.getPlacement(NODE_UID) as Promise<Placement>;

async function setState(node: string, state: 'active' | 'draining' | 'removed' | 'failed') {
  const snapshot = await store.topology.snapshot();
  const { epoch: _e, ...topology } = snapshot.topology!;
  const nodes = topology.nodes.map((n) => (n.id === node ? { ...n, state } : n));
  await store.topology.commit({ topology: { ...topology, nodes } }, snapshot.epoch);
}

/** Commits a placement step to the store as a writer passing it would. */
async function commit(change: PlacementChange, seq: number) {
  const { epoch: _e, ...next } = applyPlacementChange(await placement(), change, seq);
  const result = await store.topology.commit(
    { placements: { [NODE_UID]: next } },
    await store.topology.epoch(),
  );
  expect(result.ok).toBe(true);
}

/** A placement step of shard 0 in the log (the memory log's writer commits it). */
async function step(change: Pick<PlacementChange, 'step' | 'node' | 'displaced'>, msgId: string) {
  await log.append({
    subject: 'x',
    header: {
      v: 1,
      task: { type: 'miroirShardMove', indexUid: 'movies', details: null, enqueuedAt: '' },
      op: {
        kind: 'placement',
        index: { uid: 'movies', nodeUid: NODE_UID },
        change: { shard: 0, group: '0', ...change, displaced: change.displaced ?? null },
      },
    },
    msgId,
  });
}

/** The move's cut-over in the log (writers committed it), as a runner that crashed after it left it. */
const cutOver = (msgId = 'cutover') => step({ step: 'cutover', node: 'd', displaced: 'b' }, msgId);

async function move(phase: MigrationRecord['phase'], extra: Partial<MigrationRecord> = {}) {
  const m: MigrationRecord = {
    ...plannedMigration('r1', 'movies', {
      nodeUid: NODE_UID,
      shard: 0,
      group: '0',
      source: 'a',
      target: 'd',
      displaced: 'b',
    }),
    phase,
    incomingSeq: 1,
    ...extra,
  };
  await store.migrations.put(m.id, m);
  return m;
}

beforeEach(async () => {
  store = createMemoryStore();
  log = new MemoryWriteLog(store);
  checks = [];
  repairs = [];
  answers = [];
  await store.topology.commit(
    {
      topology: {
        nodes: ['a', 'b', 'c', 'd'].map((id) => ({
          id,
          url: `http://${id}`,
          group: '0',
          state: 'active' as const,
          lastSeen: null,
          error: null,
        })),
        replicationFactor: 2,
        replicaGroups: 1,
      },
      placements: {
        [NODE_UID]: {
          shards: 2,
          groups: {
            '0': [
              { owners: ['a', 'b'], incoming: [] },
              { owners: ['a', 'c'], incoming: [] },
            ],
          },
        },
      },
    },
    0,
  );
  await store.catalog.apply({ seq: 1, prevSeq: 0, records: { movies: record }, dropped: [] });
  // Every copy has applied everything: the runner never waits on a writer here.
  for (const id of ['a', 'b', 'c', 'd']) await store.writers.put(freshWriterStatus(id, 0, 1e9));
  // The move made d incoming at position 1 (the log's first message).
  await step({ step: 'incoming', node: 'd' }, 'incoming');
});

describe('MigrationRunner', () => {
  it('finishes a move whose cut-over reached the log before a crash, even with its target draining since', async () => {
    const m = await move('cutover', { filledSeq: 1 });
    // The crashed runner appended the cut-over (same id as the runner's) but never recorded it;
    // then the target was drained.
    await cutOver(`${m.id}.${Date.parse(m.createdAt)}.cutover.d`);
    await setState('d', 'draining');
    const done = await runner().run(m.id, new AbortController().signal);
    expect(done?.phase).toBe('done');
    // Never a release of the copy that was cut over (its writer would delete a copy read from).
    expect(log.steps()).toEqual(['incoming d', 'cutover d', 'release b']);
    expect((await placement()).groups['0']![0]).toMatchObject({ owners: ['a', 'd'], incoming: [] });
  });

  it('gives up a move whose target died before its cut-over: the displaced copy keeps owning', async () => {
    const m = await move('cutover', { filledSeq: 1 });
    await setState('d', 'removed');
    const done = await runner().run(m.id, new AbortController().signal);
    expect(done).toMatchObject({ phase: 'canceled', error: 'target d is removed' });
    expect(log.steps()).toEqual(['incoming d', 'release d', 'reinstate b']);
    expect((await placement()).groups['0']![0]).toMatchObject({ owners: ['a', 'b'], incoming: [] });
  });

  it('never releases the displaced copy for a target that died after its cut-over: it owns again', async () => {
    const m = await move('cleanup', { filledSeq: 1, cutoverEpoch: 1 });
    await cutOver();
    expect((await placement()).groups['0']![0]).toMatchObject({
      owners: ['a', 'd'],
      outgoing: ['b'],
    });
    // Failed, it may come back: the move waits, and releases nothing.
    await setState('d', 'failed');
    await expect(runner().run(m.id, new AbortController().signal)).rejects.toThrow(
      'target d is failed',
    );
    expect(log.steps()).toEqual(['incoming d', 'cutover d']);
    await setState('d', 'removed');
    const done = await runner().run(m.id, new AbortController().signal);
    expect(done?.phase).toBe('canceled');
    expect(log.steps()).toEqual(['incoming d', 'cutover d', 'release d', 'reinstate b']);
    const copies = (await placement()).groups['0']![0]!;
    // d stays listed until the planner forgets removed owners beside live ones.
    expect([...copies.owners].sort()).toEqual(['a', 'b', 'd']);
    expect(copies.outgoing).toBeUndefined();
  });

  it('gives up, and keeps the displaced copy, when a stale rebuild took the target out before its cleanup', async () => {
    const m = await move('cleanup', { filledSeq: 1, cutoverEpoch: 1 });
    await cutOver();
    // The rebuild took d out of the placement (store only) and emptied it; its new writer serves.
    const { epoch: _e, ...p } = withoutNode(await placement(), 'd');
    await store.topology.commit({ placements: { [NODE_UID]: p } }, await store.topology.epoch());
    const done = await runner().run(m.id, new AbortController().signal);
    expect(done).toMatchObject({ phase: 'canceled', error: 'target d no longer owns shard 0' });
    expect(log.steps()).toEqual(['incoming d', 'cutover d', 'release d', 'reinstate b']);
    expect((await placement()).groups['0']![0]).toMatchObject({ owners: ['a', 'b'] });
  });

  it('waits for the new copy to serve before it releases the displaced one', async () => {
    const m = await move('cleanup', { filledSeq: 1, cutoverEpoch: 1 });
    await cutOver();
    await store.writers.put({ ...freshWriterStatus('d', 0, 1e9), state: 'lagging' });
    await expect(runner().run(m.id, new AbortController().signal)).rejects.toThrow(
      'target d is not serving yet',
    );
    expect(log.steps()).toEqual(['incoming d', 'cutover d']);
  });

  it('gives back the incoming copy of a move canceled before its cut-over, even one still `planned`', async () => {
    // A crash after appending the incoming step, before recording the phase.
    const m = await move('planned');
    await setState('d', 'draining');
    const done = await runner().run(m.id, new AbortController().signal);
    expect(done?.phase).toBe('canceled');
    expect(log.steps()).toEqual(['incoming d', 'release d']);
    expect((await placement()).groups['0']![0]).toMatchObject({ owners: ['a', 'b'], incoming: [] });
  });

  it('never repairs from a source released while the verify read it', async () => {
    const m = await move('verify', { filledSeq: 1 });
    answers.push(async () => {
      // Another group's move released the source meanwhile: its copy is being emptied.
      await commit({ shard: 0, group: '0', step: 'cutover', node: 'd', displaced: 'a' }, 5);
      await commit({ shard: 0, group: '0', step: 'release', node: 'a' }, 6);
      return [{ id: 'x', versions: { a: null, d: 3 } }];
    });
    await expect(runner().run(m.id, new AbortController().signal)).rejects.toThrow(
      MigrationBlocked,
    );
    expect(repairs).toEqual([]);
  });

  it('ends guarding once the copies agree, then compares whole documents before the cut-over', async () => {
    const m = await move('verify');
    answers.push(async () => []);
    // A partial update created `x` between the two comparisons: guarded, the target left it out;
    // a later one created it there cut down, with the source's version.
    answers.push(async () => [{ id: 'x', versions: { a: 9, d: 9 }, content: true }]);
    const done = await runner().run(m.id, new AbortController().signal);
    expect(done?.phase).toBe('done');
    expect(checks).toEqual([{ whole: false }, { whole: true }, { whole: true }]);
    expect(repairs).toEqual([[{ id: 'x', versions: { a: 9, d: 9 }, content: true }]]);
    expect(log.steps()).toEqual(['incoming d', 'filled d', 'cutover d', 'release b']);
    expect(done?.filledSeq).toBe(2);
  });

  it('says so when the target holds newer versions than its source', async () => {
    const m = await move('verify', { filledSeq: 1 });
    for (let i = 0; i < 5; i++) answers.push(async () => [{ id: 'x', versions: { a: 3, d: 7 } }]);
    await expect(runner().run(m.id, new AbortController().signal)).rejects.toThrow(
      /target holds newer versions than its source a for 1 document\(s\) \(e\.g\. `x`\); run `miroir-ctl repair movies`/,
    );
  });
});
