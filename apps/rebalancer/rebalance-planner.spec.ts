/**
 * The planner's care of copies left behind (issue 12 review): incoming or outgoing copies no move
 * accounts for, and moves onto a node whose copy went stale. Memory store, a memory log, a node
 * client that answers every deletion.
 */
import { beforeEach, describe, expect, it } from '@jest/globals';
import type { JobQueues } from '#lib/jobs';
import { RecordingNodeClient } from '#lib/node-client';
import { freshWriterStatus } from '#lib/replication';
import type { Placement, ShardCopies } from '#lib/routing';
import { createMemoryStore, type Fence, type MigrationRecord, type Store } from '#lib/store';
import { MemoryWriteLog } from '#lib/testing';
import { plannedMigration, RebalancePlanner } from './rebalance-planner.js';

const NODE_UID = 'movies-1';
let store: Store;
let log: MemoryWriteLog;
let fence: Fence;
let planner: RebalancePlanner;

async function setup(
  groups: ShardCopies[],
  states: Record<string, 'active' | 'removed'> = {},
): Promise<void> {
  await store.topology.commit(
    {
      topology: {
        nodes: ['a', 'b', 'c', 'd'].map((id) => ({
          id,
          url: `http://${id}`,
          group: '0',
          state: states[id] ?? ('active' as const),
          lastSeen: null,
          error: null,
        })),
        replicationFactor: 2,
        replicaGroups: 1,
      },
      placements: { [NODE_UID]: { shards: groups.length, groups: { '0': groups } } },
    },
    await store.topology.epoch(),
  );
}

const copies = async (shard: number) =>
  ((await store.topology.getPlacement(NODE_UID)) as Placement).groups['0']![shard]!;

function move(shard: number, phase: MigrationRecord['phase'], target: string, displaced: string) {
  const m: MigrationRecord = {
    ...plannedMigration('r1', 'movies', {
      nodeUid: NODE_UID,
      shard,
      group: '0',
      source: 'a',
      target,
      displaced,
    }),
    phase,
    incomingSeq: 1,
  };
  return store.migrations.put(m.id, m);
}

beforeEach(async () => {
  store = createMemoryStore();
  log = new MemoryWriteLog(store);
  const lease = (await store.leases.acquire('rebalancer', 'me', 60_000))!;
  fence = { scope: lease.scope, token: lease.token };
  const nodes = new RecordingNodeClient();
  nodes.when('deleteIndex').respond(() => ({ taskUid: 1 }));
  nodes.when('getTask').respond(() => ({ uid: 1, status: 'succeeded', error: null }));
  for (const id of ['a', 'b', 'c', 'd']) await store.writers.put(freshWriterStatus(id, 0, 0));
  planner = new RebalancePlanner({
    store,
    nodes,
    log: log as never,
    jobs: { enqueue: async () => undefined, requeue: async () => undefined } as never as JobQueues,
    bus: { publish: () => undefined as never },
    logger: () => undefined,
    maxConcurrent: 4,
    graceMs: 0,
    replaceFailedAfterMs: null,
  });
});

describe('RebalancePlanner', () => {
  it('gives back incoming copies no move accounts for, and lets outgoing ones own again', async () => {
    // Left by moves canceled after their steps reached the log: without a sweep, a drain of b or
    // d would wait on them forever.
    await setup([
      { owners: ['a'], incoming: ['d'], outgoing: ['b'], since: { d: 1 } },
      { owners: ['a', 'c'], incoming: [] },
    ]);
    await planner.round(fence);
    expect(log.steps()).toEqual(['release d', 'reinstate b']);
    expect(await copies(0)).toMatchObject({ owners: ['a', 'b'], incoming: [] });
    expect((await copies(0)).outgoing).toBeUndefined();
  });

  it('releases an outgoing copy on a removed node instead (nothing reads it again)', async () => {
    await setup(
      [
        { owners: ['a', 'c'], incoming: [], outgoing: ['b'] },
        { owners: ['a', 'c'], incoming: [] },
      ],
      { b: 'removed' },
    );
    await planner.round(fence);
    expect(log.steps()).toEqual(['release b']);
    expect((await copies(0)).owners).toEqual(['a', 'c']);
  });

  it('sweeps nothing in a shard a move in progress is moving', async () => {
    await setup([
      { owners: ['a', 'd'], incoming: [], outgoing: ['b'] },
      { owners: ['a', 'c'], incoming: ['d', 'b'], since: { d: 1, b: 1 } },
    ]);
    await move(0, 'cleanup', 'd', 'b');
    // b's incoming copy of shard 1 is no move's, but the shard is moving: left to that move.
    await move(1, 'copy', 'd', 'c');
    await planner.round(fence);
    expect(log.steps()).toEqual([]);
    expect((await copies(0)).outgoing).toEqual(['b']);
  });

  it('rebuilding a stale copy waits for a move past its cut-over onto it to end, then ends the others', async () => {
    await setup([
      { owners: ['a', 'd'], incoming: [], outgoing: ['b'], since: { d: 1 } },
      { owners: ['a', 'c'], incoming: ['d'], since: { d: 1 } },
    ]);
    await move(0, 'cleanup', 'd', 'b');
    await move(1, 'copy', 'd', 'c');
    await store.writers.put({ ...freshWriterStatus('d', 0, 0), state: 'stale' });
    await planner.round(fence);
    const phase = async (shard: number) =>
      (await store.migrations.get(`${NODE_UID}.0.${shard}.d`))!.phase;
    // Taking d out now could let that move release b for a copy about to be emptied: its runner
    // gives it up first (b owns again).
    expect(await store.rebuilds.get('d')).toBeNull();
    expect(await phase(1)).toBe('copy');
    await store.migrations.update(`${NODE_UID}.0.0.d`, (m) => ({ ...m, phase: 'canceled' }));
    await planner.round(fence);
    expect(await phase(1)).toBe('canceled');
    expect(await store.rebuilds.get('d')).not.toBeNull();
    expect(await copies(0)).toMatchObject({ owners: ['a'], outgoing: ['b'] });
    expect(await copies(1)).toMatchObject({ owners: ['a', 'c'], incoming: [] });
  });

  it('forgets a removed node listed as an owner beside live ones, never the last owner', async () => {
    await setup(
      [
        { owners: ['a', 'b', 'd'], incoming: [] },
        { owners: ['d'], incoming: [] },
      ],
      { d: 'removed' },
    );
    await planner.round(fence);
    expect((await copies(0)).owners).toEqual(['a', 'b']);
    expect((await copies(1)).owners).toEqual(['d']);
  });
});
