import type { NodeApi } from '#lib/node-client';
import {
  isTerminal,
  next,
  pollDelayMs,
  toTaskObject,
  type CopyLayout,
  type NodeTaskView,
  type Observation,
  type ReconcileStep,
} from '#lib/reconcile';
import type { Store, TaskRecord, TaskStatus } from '#lib/store';
import type { Log } from '#lib/service';
import { pollNodeTask } from './node-poller.js';

export type FollowOutcome = 'settled' | 'already-terminal' | 'gone';

/** The follower stopped because the process is shutting down; the job must run again elsewhere. */
export class FollowInterrupted extends Error {
  override readonly name = 'FollowInterrupted';
}

export interface FollowerDeps {
  store: Store;
  nodes: NodeApi;
  /** Publishes `miroir.tasks.<uid>.<status>` (the bus, or a recorder in tests). */
  publish: (task: ReturnType<typeof toTaskObject>) => void;
  /** Resolves once published events reached the server. */
  flush: () => Promise<void>;
  layout: () => CopyLayout;
  log: Log;
  now?: () => number;
}

const FINISHED: TaskStatus[] = ['succeeded', 'failed', 'canceled'];

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Follows one Miroir task to a terminal status: polls its node tasks with backoff, asks `next`
 * what the record should say, stores it only when it changed (compare-and-set: a concurrent
 * writer makes `next` run again on the fresh record) and publishes after the store accepted the
 * change. A record found terminal is never changed, so a restarted reconciler never announces a
 * second outcome; its stored outcome is announced again instead (the process that stored it may
 * have died before its event left), so subscribers see every outcome at least once.
 */
export class TaskFollower {
  private readonly now: () => number;

  constructor(private readonly deps: FollowerDeps) {
    this.now = deps.now ?? Date.now;
  }

  async follow(uid: number, signal: AbortSignal): Promise<FollowOutcome> {
    let task = await this.deps.store.tasks.get(uid);
    if (!task) return 'gone';
    if (isTerminal(task.status)) {
      await this.announce(task);
      return 'already-terminal';
    }
    const seen: Record<string, NodeTaskView> = {};
    const extra: Pick<Observation, 'cancelTargets' | 'deletedTasks'> = {};
    let attempt = 0;
    for (let first = true; ; first = false) {
      if (signal.aborted) throw new FollowInterrupted(`task ${uid} interrupted by shutdown`);
      // Any node task moving on (a copy started or finished) restarts the backoff at 25 ms.
      if ((await this.poll(task, seen, first)) && !first) attempt = 0;
      const observe = (): Observation => ({
        now: new Date(this.now()).toISOString(),
        nodes: seen,
        layout: this.deps.layout(),
        ...extra,
      });
      let step = next(task, observe());
      step = await this.doOwnWork(uid, task, step, extra, observe);
      if (JSON.stringify(step.task) !== JSON.stringify(task)) {
        const committed = await this.commit(uid, observe());
        if (!committed) return 'gone';
        task = committed.task;
        if (committed.published) attempt = 0;
        if (isTerminal(task.status)) return 'settled';
      }
      await sleep(pollDelayMs(attempt++), signal);
    }
  }

  /**
   * Polls the node tasks not known to be finished (all of them on the first round); true when a
   * node task's status changed.
   */
  private async poll(
    task: TaskRecord,
    seen: Record<string, NodeTaskView>,
    all: boolean,
  ): Promise<boolean> {
    let changed = false;
    await Promise.all(
      Object.entries(task.nodeTasks).map(async ([nodeId, nt]) => {
        if (nt.taskUid === null) return;
        if (!all && isTerminal(seen[nodeId]?.status ?? nt.status)) return;
        const view = await pollNodeTask(this.deps.nodes, nodeId, nt.taskUid);
        if (!view) return;
        if (seen[nodeId]?.status !== view.status) changed = true;
        seen[nodeId] = view;
      }),
    );
    return changed;
  }

  /** Cancel and delete tasks: count the canceled targets, or delete the finished ones. */
  private async doOwnWork(
    uid: number,
    task: TaskRecord,
    step: ReconcileStep,
    extra: Pick<Observation, 'cancelTargets' | 'deletedTasks'>,
    observe: () => Observation,
  ): Promise<ReconcileStep> {
    let again = false;
    for (const action of step.actions) {
      if (action.type === 'observeCancelTargets') {
        const count = async (statuses: TaskStatus[]) =>
          (await this.deps.store.tasks.list({ canceledBy: [uid], statuses, limit: 0 })).total;
        extra.cancelTargets = {
          pending: await count(['enqueued', 'processing']),
          canceled: await count(['canceled']),
        };
        again = true;
      } else if (action.type === 'deleteTasks') {
        extra.deletedTasks = await this.deleteTargets(action.uids);
        this.deps.log('info', 'tasks-deleted', { uid, deleted: extra.deletedTasks });
        again = true;
      }
    }
    return again ? next(task, observe()) : step;
  }

  /**
   * Deletes the finished targets; the count is "targets no longer stored", so running it twice
   * (a restart between deleting and recording) reports the same number.
   */
  private async deleteTargets(uids: number[]): Promise<number> {
    if (uids.length === 0) return 0;
    await this.deps.store.tasks.deleteWhere({ uids, statuses: FINISHED });
    const left = await this.deps.store.tasks.list({ uids, limit: 0 });
    return uids.length - left.total;
  }

  /** Stores the next record; publishes when the status moved (only the winner of the CAS does). */
  private async commit(
    uid: number,
    obs: Observation,
  ): Promise<{ task: TaskRecord; published: boolean } | null> {
    let moved: TaskStatus | null = null;
    const stored = await this.deps.store.tasks.update(uid, (current) => {
      const step = next(current, obs);
      moved = step.task.status !== current.status ? step.task.status : null;
      return step.task;
    });
    if (!stored) return null;
    if (moved !== null) await this.announce(stored);
    return { task: stored, published: moved !== null };
  }

  /** Publishes the task object; a terminal one is flushed before the job may complete. */
  private async announce(task: TaskRecord): Promise<void> {
    try {
      this.deps.publish(toTaskObject(task));
      if (isTerminal(task.status)) await this.deps.flush();
    } catch (err) {
      this.deps.log('error', 'publish-failed', { uid: task.uid, error: String(err) });
    }
    this.deps.log('debug', 'task-status', { uid: task.uid, status: task.status });
  }
}
