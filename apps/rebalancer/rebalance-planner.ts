import { randomBytes } from 'node:crypto';
import type { EventBus, WriteLog } from '#lib/bus';
import type { JobData } from '#lib/contracts';
import type { JobQueues } from '#lib/jobs';
import type { NodeApi } from '#lib/node-client';
import { servingCopies } from '#lib/replication';
import {
  listedCopies,
  minimumMoves,
  moveKey,
  lastCopyOn,
  nodesOfPlacement,
  planRebalance,
  withoutNode,
  type Placement,
  type PlannedMove,
} from '#lib/routing';
import type { Log } from '#lib/service';
import { activateNode, appendPlacementStep, waitForGateways } from './topology-steps.js';
import {
  isFinishedPhase,
  type Fence,
  type MigrationRecord,
  type RebalanceRun,
  type Store,
} from '#lib/store';

/** The store id of a move: one move of one copy at a time. */
export function migrationId(
  j: Pick<JobData<'migrations'>, 'indexUid' | 'group' | 'shard' | 'target'>,
) {
  return `${j.indexUid}.${j.group}.${j.shard}.${j.target}`;
}

/** A move's record as planned (phase `planned`, nothing copied yet). */
export function plannedMigration(
  run: string,
  indexUid: string,
  move: Pick<PlannedMove, 'nodeUid' | 'shard' | 'group' | 'source' | 'target' | 'displaced'>,
): MigrationRecord {
  const now = new Date().toISOString();
  return {
    id: migrationId({ indexUid: move.nodeUid, ...move }),
    run,
    indexUid,
    nodeUid: move.nodeUid,
    shard: move.shard,
    group: move.group,
    source: move.source,
    target: move.target,
    displaced: move.displaced,
    phase: 'planned',
    incomingSeq: null,
    cursor: 0,
    counts: { copied: 0, total: 0, repaired: 0 },
    cutoverEpoch: null,
    attempts: 0,
    error: null,
    createdAt: now,
    updatedAt: now,
    finishedAt: null,
  };
}

function jobOf(m: MigrationRecord): JobData<'migrations'> {
  return {
    indexUid: m.nodeUid,
    shard: m.shard,
    group: m.group,
    source: m.source,
    target: m.target,
    epoch: Date.parse(m.createdAt),
  };
}

export interface PlannerDeps {
  store: Store;
  nodes: NodeApi;
  /** The write log: placement steps the planner appends, and its last position. */
  log: WriteLog;
  jobs: JobQueues;
  bus: Pick<EventBus, 'publish'>;
  logger: Log;
  maxConcurrent: number;
  /** How long after every gateway switched a removed copy may still be read (a node request's timeout, and some). */
  graceMs: number;
  /** Remove a node failed this long and re-replicate its copies (null: never). */
  replaceFailedAfterMs: number | null;
  now?: () => number;
}

/**
 * The leader's rebalance loop: plans the moves from each placement to its HRW target (one BullMQ
 * job per move, at most `max_concurrent_migrations` at once), keeps the moves in progress queued,
 * removes drained nodes once they hold no copy, and keeps the run's record (planned, minimum,
 * paused) that `GET /_miroir/rebalance` shows.
 */
export class RebalancePlanner {
  constructor(private readonly d: PlannerDeps) {}

  async round(fence: Fence): Promise<void> {
    const { store } = this.d;
    const topology = await store.topology.getTopology();
    if (!topology) return;
    const placements = await store.topology.listPlacements();
    const migrations = (await store.migrations.list({ limit: 100_000 })).results;
    const active = migrations.filter((m) => !isFinishedPhase(m.phase));
    if (await this.rebuildStale(fence, active)) return;
    if (await this.sweepUnaccounted(fence)) return;
    await this.replaceFailed(fence);
    // A joining node may own copies without a move: an index created while it joined.
    for (const node of topology.nodes.filter((n) => n.state === 'joining')) {
      const owns = Object.values(placements).some((p) =>
        Object.values(p.groups).some((copies) => copies.some((c) => c.owners.includes(node.id))),
      );
      if (owns) await activateNode(store, this.d.bus, node.id);
    }
    let run = await store.rebalance.get('current');
    for (const m of active) await this.d.jobs.requeue('migrations', jobOf(m));

    const readable = servingCopies(topology.nodes, await store.writers.list());
    const busy = new Map(
      active.map((m) => [
        moveKey(m.nodeUid, m.group, m.shard),
        { target: m.target, displaced: m.displaced },
      ]),
    );
    const plan = planRebalance({
      topology,
      placements,
      busy,
      readable,
      room: run?.paused ? 0 : Math.max(0, this.d.maxConcurrent - active.length),
    });

    if (plan.needed > 0 && (!run || run.finishedAt !== null)) {
      run = {
        id: `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`,
        startedAt: new Date().toISOString(),
        finishedAt: null,
        planned: 0,
        minimum: minimumMoves(topology, placements),
        paused: run?.paused ?? false,
      };
      await store.rebalance.put('current', run, { fence });
      this.d.bus.publish('rebalance.planned', {
        rebalanceId: run.id,
        epoch: topology.epoch,
        moves: [],
        drops: [],
      });
      this.d.logger('info', 'rebalance-started', {
        id: run.id,
        needed: plan.needed,
        minimum: run.minimum,
      });
    }
    if (run && plan.moves.length > 0) {
      await this.start(run, plan.moves, fence);
      run = await store.rebalance.update(
        'current',
        (r) => ({
          ...r,
          planned: r.planned + plan.moves.length,
        }),
        fence,
      );
    }
    if (run && run.finishedAt === null && plan.needed === 0 && active.length === 0) {
      const finished = { ...run, finishedAt: new Date().toISOString() };
      await store.rebalance.put('current', finished, { fence });
      const moves = migrations.filter((m) => m.run === run!.id && m.phase === 'done');
      this.d.bus.publish('rebalance.completed', {
        rebalanceId: run.id,
        movesDone: moves.length,
        documentsCopied: moves.reduce((a, m) => a + m.counts.copied, 0),
        durationMs: Date.now() - Date.parse(run.startedAt),
      });
      this.d.logger('info', 'rebalance-completed', { id: run.id, moves: moves.length });
    }
    await this.finishDrains(fence, placements, active);
  }

  private async start(run: RebalanceRun, moves: PlannedMove[], fence: Fence): Promise<void> {
    for (const move of moves) {
      const catalog = await this.d.store.catalog.nodeIndex(move.nodeUid);
      const record = plannedMigration(run.id, catalog?.uid ?? move.nodeUid, move);
      await this.d.store.migrations.put(record.id, record, { fence });
      await this.d.jobs.enqueue('migrations', jobOf(record));
      this.d.logger('info', 'move-planned', { ...move });
    }
  }

  /**
   * A stale copy (R7) is rebuilt by the moves: the node is taken out of every placement (once every
   * gateway routes without it), its node-side indexes are deleted, its writer starts again at the
   * log's end holding nothing, and the plan then moves its copies back onto it from healthy ones.
   * A node holding the only caught-up copy of a shard is left as it is (nothing to rebuild from).
   */
  private async rebuildStale(fence: Fence, active: MigrationRecord[]): Promise<boolean> {
    const { store } = this.d;
    const topology = await store.topology.getTopology();
    const writers = await store.writers.list();
    const caughtUp = new Set(writers.filter((w) => w.state === 'caught-up').map((w) => w.nodeId));
    const serving = (id: string) =>
      caughtUp.has(id) && topology?.nodes.find((n) => n.id === id)?.state === 'active';
    for (const w of writers.filter((x) => x.state === 'stale')) {
      const node = topology?.nodes.find((n) => n.id === w.nodeId);
      if (!node || (node.state !== 'active' && node.state !== 'joining')) continue;
      if (await store.rebuilds.get(w.nodeId)) continue;
      const placements = await store.topology.listPlacements();
      const held = Object.entries(placements).filter(([, p]) => nodesOfPlacement(p).has(w.nodeId));
      const orphan = held.find(([, p]) =>
        Array.from({ length: p.shards }, (_, s) =>
          Object.values(p.groups).flatMap((c) => c[s]?.owners ?? []),
        ).some(
          (owners) =>
            owners.includes(w.nodeId) && !owners.some((o) => o !== w.nodeId && serving(o)),
        ),
      );
      if (orphan) {
        this.d.logger('warn', 'rebuild-blocked', {
          nodeId: w.nodeId,
          reason: `holds the only caught-up copy of a shard of ${orphan[0]}`,
        });
        continue;
      }
      // A move past its cut-over onto it is given up by its runner first (its displaced copy owns
      // again): taking the node out now could let that move release the displaced copy for a
      // copy about to be emptied.
      if (active.some((x) => x.target === w.nodeId && x.phase === 'cleanup')) {
        this.d.logger('info', 'rebuild-waits', { nodeId: w.nodeId, reason: 'a move onto it ends' });
        continue;
      }
      // Moves onto it that nobody reads yet end here (taking the node out of the placement ends
      // their incoming copy too).
      for (const m of active.filter((x) => x.target === w.nodeId)) {
        await store.migrations.update(m.id, (cur) =>
          cur.phase === 'cleanup' || isFinishedPhase(cur.phase)
            ? cur
            : {
                ...cur,
                phase: 'canceled',
                error: 'target copy went stale',
                finishedAt: new Date().toISOString(),
              },
        );
      }
      const epoch = await this.demote(w.nodeId, fence);
      this.d.bus.publish('topology.changed', { epoch, change: 'placement', nodeId: w.nodeId });
      await waitForGateways(store, epoch, this.d.graceMs);
      // Every index Miroir knows goes, not only those the placements list: a copy left behind
      // would be read back as current when the node is given the shard again.
      const known = new Set([
        ...held.map(([nodeUid]) => nodeUid),
        ...(await store.catalog.list()).map((r) => r.nodeUid),
      ]);
      for (const nodeUid of known) await this.deleteNodeIndex(w.nodeId, nodeUid);
      const fromSeq = (await this.d.log.state()).lastSeq;
      await store.rebuilds.put(
        w.nodeId,
        { nodeId: w.nodeId, fromSeq, requestedAt: new Date().toISOString() },
        { fence },
      );
      this.d.logger('info', 'rebuild-started', { nodeId: w.nodeId, fromSeq, indexes: held.length });
      return true;
    }
    return false;
  }

  /**
   * Copies listed `incoming` or `outgoing` in a shard no move in progress is moving (left by a move
   * canceled after its step reached the log, or by a stale rebuild): an incoming one is released
   * (its writer deletes the partial copy); an outgoing one was written all along and is reinstated
   * as an owner, unless its node was removed (released too); the plan evens out from there. Both
   * go through the log, so writers and the store agree, and both act only on what the copy still
   * is when applied (a release that got there first wins). Without this, such a copy would keep a
   * drain from ever finishing.
   */
  private async sweepUnaccounted(fence: Fence): Promise<boolean> {
    const { store } = this.d;
    // The placement first, then the moves: a step in it came from a move created before it.
    const snapshot = await store.topology.snapshot();
    const moving = new Set(
      (await store.migrations.list({ limit: 100_000 })).results
        .filter((m) => !isFinishedPhase(m.phase))
        .map((m) => `${m.nodeUid}|${m.group}|${m.shard}`),
    );
    let swept = false;
    for (const [nodeUid, p] of Object.entries(snapshot.placements)) {
      for (const copy of listedCopies(p)) {
        if (copy.role === 'owner' || moving.has(`${nodeUid}|${copy.group}|${copy.shard}`)) continue;
        const gone = snapshot.topology?.nodes.find((n) => n.id === copy.node)?.state === 'removed';
        const step = copy.role === 'outgoing' && !gone ? 'reinstate' : 'release';
        this.d.logger('warn', 'copy-swept', { nodeUid, ...copy, step });
        const catalog = await store.catalog.nodeIndex(nodeUid);
        const at = p.groups[copy.group]?.[copy.shard]?.at ?? 0;
        // A deposed leader's late sweep could undo its successor's work.
        if (!(await store.leases.isCurrent(fence))) return swept;
        try {
          await appendPlacementStep(
            store,
            this.d.log,
            { uid: catalog?.uid ?? nodeUid, nodeUid },
            { shard: copy.shard, group: copy.group, step, node: copy.node },
            `sweep.${nodeUid}.${copy.group}.${copy.shard}.${copy.node}.${step}.${at}`,
          );
        } catch (err) {
          // Writers far behind: the next round looks again; the rest of this one goes on.
          this.d.logger('warn', 'sweep-waits', { nodeUid, ...copy, error: String(err) });
        }
        swept = true;
      }
    }
    if (await this.forgetRemovedOwners(fence)) swept = true;
    if (swept)
      this.d.bus.publish('topology.changed', {
        epoch: await store.topology.epoch(),
        change: 'placement',
      });
    return swept;
  }

  /**
   * A removed node listed as an owner beside live owners (a move given up after its cut-over onto
   * it) is forgotten, so the plan restores RF from the others. Store only: a removed node has no
   * writer and its id is never used again, so no writer's view of it matters.
   */
  private async forgetRemovedOwners(fence: Fence): Promise<boolean> {
    const snapshot = await this.d.store.topology.snapshot();
    const removed = new Set(
      (snapshot.topology?.nodes ?? []).filter((n) => n.state === 'removed').map((n) => n.id),
    );
    const change: Record<string, Omit<Placement, 'epoch'>> = {};
    for (const [nodeUid, p] of Object.entries(snapshot.placements)) {
      let changed = false;
      const groups = Object.fromEntries(
        Object.entries(p.groups).map(([g, copies]) => [
          g,
          copies.map((c) => {
            const live = c.owners.filter((n) => !removed.has(n));
            if (live.length === c.owners.length || live.length === 0) return c;
            changed = true;
            return { ...c, owners: live };
          }),
        ]),
      );
      if (changed) {
        const { epoch: _e, ...rest } = p;
        change[nodeUid] = { ...rest, groups };
      }
    }
    if (Object.keys(change).length === 0) return false;
    const result = await this.d.store.topology.commit(
      { placements: change },
      snapshot.epoch,
      fence,
    );
    return result.ok;
  }

  /** Deletes a node-side index and waits until the node did (an index it never had counts as deleted). */
  private async deleteNodeIndex(nodeId: string, nodeUid: string): Promise<void> {
    const o = { timeoutMs: 10_000 };
    const { taskUid } = await this.d.nodes.deleteIndex(nodeId, nodeUid, o);
    const deadline = Date.now() + 120_000;
    for (;;) {
      const task = await this.d.nodes.getTask(nodeId, taskUid, o);
      if (task.status === 'succeeded') return;
      if (task.status === 'failed' && task.error?.code === 'index_not_found') return;
      if (task.status === 'failed' || task.status === 'canceled' || Date.now() > deadline) {
        throw new Error(`deleting ${nodeUid} on ${nodeId}: ${task.error?.message ?? task.status}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /**
   * `auto_rebalance_on_failure`: a node failed for longer than the limit is removed, so the plan
   * re-replicates its copies from the others; never one holding the last copy of a shard.
   */
  private async replaceFailed(fence: Fence): Promise<void> {
    const after = this.d.replaceFailedAfterMs;
    if (after === null) return;
    const now = (this.d.now ?? Date.now)();
    const snapshot = await this.d.store.topology.snapshot();
    const topology = snapshot.topology;
    if (!topology) return;
    const serving = servingCopies(topology.nodes, await this.d.store.writers.list());
    for (const node of topology.nodes) {
      if (node.state !== 'failed' || !node.lastSeen) continue;
      if (now - Date.parse(node.lastSeen) < after) continue;
      const last = lastCopyOn(snapshot.placements, node.id, serving);
      if (last) {
        this.d.logger('warn', 'replace-blocked', { nodeId: node.id, ...last });
        continue;
      }
      const { epoch: _e, ...rest } = topology;
      const nodes = topology.nodes.map((n) =>
        n.id === node.id ? { ...n, state: 'removed' as const } : n,
      );
      const result = await this.d.store.topology.commit(
        { topology: { ...rest, nodes } },
        snapshot.epoch,
        fence,
      );
      if (!result.ok) return;
      this.d.bus.publish('nodes.state', {
        nodeId: node.id,
        from: 'failed',
        to: 'removed',
        error: node.error,
      });
      this.d.bus.publish('topology.changed', {
        epoch: result.epoch,
        change: 'nodeRemoved',
        nodeId: node.id,
      });
      this.d.logger('warn', 'failed-node-replaced', {
        nodeId: node.id,
        failedSince: node.lastSeen,
      });
      return;
    }
  }

  /** Takes a node out of every placement (store only: its writer is stopped, no other cares). */
  private async demote(nodeId: string, fence: Fence): Promise<number> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const snapshot = await this.d.store.topology.snapshot();
      const placements: Record<string, ReturnType<typeof withoutNode>> = {};
      for (const [nodeUid, p] of Object.entries(snapshot.placements)) {
        if (!nodesOfPlacement(p).has(nodeId)) continue;
        placements[nodeUid] = withoutNode(p, nodeId);
      }
      const change = Object.fromEntries(
        Object.entries(placements).map(([k, { epoch: _e, ...p }]) => [k, p]),
      );
      const result = await this.d.store.topology.commit(
        { placements: change },
        snapshot.epoch,
        fence,
      );
      if (result.ok) return result.epoch;
    }
    throw new Error('the placement kept changing');
  }

  /** A draining node that holds no copy any more (and takes part in no move) is removed. */
  private async finishDrains(
    fence: Fence,
    placements: Awaited<ReturnType<Store['topology']['listPlacements']>>,
    active: MigrationRecord[],
  ): Promise<void> {
    const held = new Set<string>();
    for (const p of Object.values(placements)) for (const n of nodesOfPlacement(p)) held.add(n);
    for (const m of active) for (const n of [m.source, m.target, m.displaced]) if (n) held.add(n);
    for (let attempt = 0; attempt < 5; attempt++) {
      const snapshot = await this.d.store.topology.snapshot();
      const topology = snapshot.topology;
      if (!topology) return;
      const done = topology.nodes.filter((n) => n.state === 'draining' && !held.has(n.id));
      if (done.length === 0) return;
      const { epoch: _e, ...rest } = topology;
      const nodes = topology.nodes.map((n) =>
        done.some((d) => d.id === n.id) ? { ...n, state: 'removed' as const } : n,
      );
      const result = await this.d.store.topology.commit(
        { topology: { ...rest, nodes } },
        snapshot.epoch,
        fence,
      );
      if (result.ok) {
        for (const n of done) {
          this.d.bus.publish('nodes.state', {
            nodeId: n.id,
            from: 'draining',
            to: 'removed',
            error: null,
          });
          this.d.bus.publish('topology.changed', {
            epoch: result.epoch,
            change: 'nodeRemoved',
            nodeId: n.id,
          });
          this.d.logger('info', 'node-removed', { nodeId: n.id });
        }
        return;
      }
    }
  }
}
