import { contextOf, recordEvent } from '#lib/telemetry';
import type { EventBus } from '#lib/bus';
import { FINISHED_TASK_STATUSES, type LogHeader } from '#lib/contracts';
import {
  copiesToWaitFor,
  isTerminal,
  reconcileTask,
  taskRecordOf,
  toTaskObject,
  type CopyLayout,
  type CopyView,
  type Observation,
} from '#lib/reconcile';
import { applyCatalogChange, targetsOf } from '#lib/replication';
import type { Placement } from '#lib/routing';
import type { Log } from '#lib/service';
import type { StoredTopology, Store, TaskGate, TaskRecord, TaskStatus } from '#lib/store';
import { copyLayout } from './copy-layout.js';
import { eventsOf } from './log-events.js';

interface Pending {
  seq: number;
  header: LogHeader;
  task: TaskRecord;
}

export interface SettlerDeps {
  store: Store;
  bus: Pick<EventBus, 'publish' | 'flush'>;
  log: Log;
  now?: () => number;
}

const TOPOLOGY_TTL_MS = 1000;
/** A pass runs at least this often even when nothing reported (gates, copies leaving reads). */
const IDLE_PASS_MS = 250;

/**
 * Follows every task from its log message to its final status (replication.md, R4): a task is
 * done once every copy that serves reads for its part (and every copy that may still be read, or
 * will be again without it) has applied its position; it failed if a part failed, it was canceled
 * if the gate says so. Records are stored with compare-and-set and each status change is published
 * once the store took it. Tasks are taken in log order; the position up to which all are settled is
 * saved only after their events were accepted, so a restart announces nothing less.
 */
export class TaskSettler {
  private readonly pending = new Map<number, Pending>();
  private topology: { value: StoredTopology | null; at: number } = { value: null, at: 0 };
  private readonly placements = new Map<string, Placement | null>();
  private readonly now: () => number;
  /** Every message up to this position was taken in. */
  private taken = 0;

  constructor(private readonly d: SettlerDeps) {
    this.now = d.now ?? Date.now;
  }

  get backlog(): number {
    return this.pending.size;
  }

  /** Takes in a log message: its task record exists afterwards, its events are announced. */
  async take(seq: number, header: LogHeader): Promise<void> {
    if (header.catalog) {
      await applyCatalogChange(this.d.store, seq, header.catalog);
      this.placements.clear();
    }
    if (header.op.kind === 'placement' || (header.op.kind === 'repair' && header.op.migration)) {
      // A shard move's step: node writers' business, not a client task.
      this.taken = seq;
      return;
    }
    const fresh = taskRecordOf(seq, header);
    let task = fresh;
    if (!(await this.d.store.tasks.create(fresh))) {
      task = (await this.d.store.tasks.get(fresh.uid)) ?? fresh;
    }
    for (const e of eventsOf(seq, header)) this.d.bus.publish(e.type, e.data as never, e.id);
    if (header.op.kind === 'cancelTasks') {
      // The gateway cancels before it answers; doing it again is harmless and covers its crash.
      await this.d.store.writers.cancel(header.op.uids, fresh.uid);
    }
    if (isTerminal(task.status)) this.announce(task, header);
    else this.pending.set(seq, { seq, header, task });
    this.taken = seq;
  }

  private lastPass = { changes: -1, taken: -1, at: 0 };

  /**
   * One pass over every pending task, when something could have moved (writers reported, messages
   * arrived, or a while passed: time alone moves a copy past READ_STATE_PROPAGATION_MS); returns
   * the position up to which all are settled.
   */
  async settle(): Promise<number> {
    const changes = await this.d.store.writers.changes();
    const moved =
      changes !== this.lastPass.changes ||
      this.taken !== this.lastPass.taken ||
      this.now() - this.lastPass.at > IDLE_PASS_MS;
    if (this.pending.size > 0 && moved) {
      this.lastPass = { changes, taken: this.taken, at: this.now() };
      const now = this.now();
      const topology = await this.currentTopology(now);
      const layout = topology ? copyLayout(topology) : { groupOf: {}, copies: {} };
      const copies = Object.fromEntries(
        (await this.d.store.writers.list()).map((w) => [w.nodeId, w as CopyView]),
      );
      // Messages keep arriving while a pass runs: it settles the ones it started with.
      const batch = [...this.pending.values()];
      const gates = await this.d.store.writers.gates(batch.map((p) => p.task.uid));
      for (const p of batch) {
        await this.step(p, now, topology, layout, copies, gates.get(p.task.uid)!);
      }
    }
    const first = this.pending.keys().next();
    const settled = first.done ? this.taken : first.value - 1;
    return settled;
  }

  private async step(
    p: Pending,
    now: number,
    topology: StoredTopology | null,
    layout: CopyLayout,
    copies: Record<string, CopyView>,
    gate: TaskGate,
  ): Promise<void> {
    const op = p.header.op;
    const nodeUid = 'index' in op ? op.index.nodeUid : null;
    const placement = nodeUid ? await this.placement(nodeUid) : null;
    const obs: Observation = {
      now,
      seq: p.seq,
      targets: targetsOf(op, placement, topology?.nodes ?? []),
      copies,
      outcomes: {},
      gate,
      indexDeletedAt: null,
      nodeIndexUid: nodeUid,
      layout,
    };
    // Outcomes are recorded before positions move: read them once the positions say it is done.
    if (applied(obs)) {
      obs.outcomes = await this.d.store.writers.outcomes(p.task.uid);
      if (nodeUid)
        obs.indexDeletedAt = (await this.d.store.catalog.nodeIndex(nodeUid))?.deletedAtSeq ?? null;
    }
    if (op.kind === 'cancelTasks')
      obs.canceledTasks = await this.countCanceled(op.uids, p.task.uid);
    let step = reconcileTask(p.task, obs);
    for (const action of step.actions) {
      if (action.type === 'deleteTasks') {
        obs.deletedTasks = await this.deleteTasks(action.uids);
        step = reconcileTask(p.task, obs);
      }
    }
    if (step.task === p.task) return;
    let moved: TaskStatus | null = null;
    const stored = await this.d.store.tasks.update(p.task.uid, (current) => {
      const s = reconcileTask(current, obs);
      moved = s.task.status !== current.status ? s.task.status : null;
      return s.task;
    });
    if (!stored) {
      // The record is gone (deleted by a task deletion): nothing left to follow.
      this.pending.delete(p.seq);
      return;
    }
    p.task = stored;
    if (isTerminal(stored.status)) {
      for (const action of step.actions) {
        if (action.type !== 'breakCopies') continue;
        for (const node of action.nodes) await this.d.store.writers.breakCopy(node, action.reason);
        this.d.log('error', 'copies-disagree', {
          uid: stored.uid,
          nodes: action.nodes,
          reason: action.reason,
        });
      }
    }
    if (moved !== null) this.announce(stored, p.header);
    if (isTerminal(stored.status)) {
      this.pending.delete(p.seq);
      await this.d.store.writers.dropOutcomes([stored.uid]);
    }
  }

  private announce(task: TaskRecord, header?: LogHeader): void {
    this.d.bus.publish('tasks.status', toTaskObject(task), `task-${task.uid}-${task.status}`);
    if (header && isTerminal(task.status)) {
      // The end of the write's trace (tracing on): its task's final status.
      recordEvent(`task ${task.status}`, contextOf({ traceparent: header.trace }), {
        'miroir.task.uid': task.uid,
        'miroir.task.status': task.status,
      });
    }
  }

  /** Targets canceled by this task: by their gate, or (once settled and pruned) their record. */
  private async countCanceled(uids: number[], by: number): Promise<number> {
    if (uids.length === 0) return 0;
    const gates = await this.d.store.writers.gates(uids);
    const settled = await this.d.store.tasks.list({ uids, canceledBy: [by], limit: uids.length });
    const counted = new Set(settled.results.map((t) => t.uid));
    for (const [uid, gate] of gates) if (gate.canceledBy === by) counted.add(uid);
    return counted.size;
  }

  /** Deletes the finished targets; counts "no longer stored", so a rerun reports the same. */
  private async deleteTasks(uids: number[]): Promise<number> {
    if (uids.length === 0) return 0;
    await this.d.store.tasks.deleteWhere({ uids, statuses: [...FINISHED_TASK_STATUSES] });
    const left = await this.d.store.tasks.list({ uids, limit: 0 });
    return uids.length - left.total;
  }

  private async currentTopology(now: number): Promise<StoredTopology | null> {
    if (now - this.topology.at > TOPOLOGY_TTL_MS) {
      this.topology = { value: await this.d.store.topology.getTopology(), at: now };
      this.placements.clear();
    }
    return this.topology.value;
  }

  private async placement(nodeUid: string): Promise<Placement | null> {
    if (!this.placements.has(nodeUid)) {
      this.placements.set(nodeUid, await this.d.store.topology.getPlacement(nodeUid));
    }
    return this.placements.get(nodeUid)!;
  }
}

/** Whether the positions alone say the task's part is applied where it must be. */
function applied(obs: Observation): boolean {
  const waitFor = copiesToWaitFor(obs);
  const at = (n: string) => (obs.copies[n]?.appliedSeq ?? 0) >= obs.seq;
  if (waitFor.length > 0) return waitFor.every(at);
  return obs.targets.length === 0 || obs.targets.some(at);
}
