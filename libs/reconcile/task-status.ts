import { formatDuration } from '#lib/meili-api';
import { timeOf, type NodeTask, type TaskRecord, type TaskStatus } from '#lib/store';
import type { NodeTaskView, Observation } from './observation.js';
import { settledDetails } from './task-details.js';
import { DELETION_TARGETS } from './task-object.js';

export type ReconcileAction =
  /** The status changed: publish `miroir.tasks.<uid>.<status>` once the record is stored. */
  | { type: 'publish'; status: TaskStatus }
  /** A `taskDeletion` whose node tasks settled: delete these finished records, then observe. */
  | { type: 'deleteTasks'; uids: number[] }
  /** A `taskCancelation` whose node tasks settled: count its targets next tick. */
  | { type: 'observeCancelTargets' };

export interface ReconcileStep {
  task: TaskRecord;
  actions: ReconcileAction[];
}

const TERMINAL: ReadonlySet<TaskStatus> = new Set(['succeeded', 'failed', 'canceled']);

export function isTerminal(status: TaskStatus): boolean {
  return TERMINAL.has(status);
}

/** The record's node tasks with what was observed; failures rejected at write time stay as they are. */
function mergeNodeTasks(
  recorded: Record<string, NodeTask>,
  seen: Record<string, NodeTaskView>,
): Record<string, NodeTask> {
  const out: Record<string, NodeTask> = {};
  for (const [nodeId, nt] of Object.entries(recorded)) {
    const view = seen[nodeId];
    out[nodeId] =
      nt.taskUid === null || !view || isTerminal(nt.status)
        ? nt
        : { taskUid: nt.taskUid, status: view.status, error: view.error };
  }
  return out;
}

const iso = (ms: number) => new Date(ms).toISOString();

function earliest(values: (string | null)[]): number | null {
  const ms = values.map(timeOf).filter((t): t is number => t !== null);
  return ms.length ? Math.min(...ms) : null;
}

function latest(values: (string | null)[]): number | null {
  const ms = values.map(timeOf).filter((t): t is number => t !== null);
  return ms.length ? Math.max(...ms) : null;
}

/** Node clocks may run ahead of the gateway's: nothing starts before the Miroir task was enqueued. */
function startOf(task: TaskRecord, views: NodeTaskView[], fallback: number | null): number | null {
  const observed = earliest([task.startedAt, ...views.map((v) => v.startedAt)]) ?? fallback;
  if (observed === null) return null;
  return Math.max(observed, timeOf(task.enqueuedAt) ?? observed);
}

function aggregateStatus(nodeTasks: NodeTask[]): TaskStatus {
  if (nodeTasks.some((n) => n.status === 'failed')) return 'failed';
  if (nodeTasks.some((n) => n.status === 'canceled')) return 'canceled';
  return 'succeeded';
}

/** The first failing node's error (by node id), its message naming the node(s). */
function failure(nodeTasks: [string, NodeTask][]): TaskRecord['error'] {
  const failed = nodeTasks.filter(([, n]) => n.status === 'failed' && n.error);
  const first = failed[0];
  if (!first) return null;
  const error = first[1].error!;
  const names = failed.map(([id]) => `\`${id}\``).join(', ');
  return {
    ...error,
    message: `${error.message} (failed on node${failed.length > 1 ? 's' : ''} ${names})`,
  };
}

/** Cancel and delete tasks have work of their own after their node tasks settle. */
function pendingWork(task: TaskRecord, obs: Observation): ReconcileAction | null {
  if (task.type === 'taskCancelation') {
    return obs.cancelTargets && obs.cancelTargets.pending === 0
      ? null
      : { type: 'observeCancelTargets' };
  }
  if (task.type === 'taskDeletion' && obs.deletedTasks === undefined) {
    const raw = task.details?.[DELETION_TARGETS];
    const uids = Array.isArray(raw) ? raw.filter((u): u is number => Number.isSafeInteger(u)) : [];
    return { type: 'deleteTasks', uids };
  }
  return null;
}

/**
 * One reconcile step (pure): the record as the observations say it is now, and what to do about
 * it. Status per api.md: once every followed node task settled, `failed` if any failed, else
 * `canceled` if any was canceled, else `succeeded`; before that `processing` once any node task
 * left `enqueued`. Hinted copies are not node tasks here, so they never hold a task back.
 */
export function next(task: TaskRecord, obs: Observation): ReconcileStep {
  if (isTerminal(task.status)) return { task, actions: [] };
  const nodeTasks = mergeNodeTasks(task.nodeTasks, obs.nodes);
  const entries = Object.entries(nodeTasks).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const views = entries.flatMap(([id, nt]) => {
    const view = nt.taskUid === null ? undefined : obs.nodes[id];
    return view ? [[id, view] as [string, NodeTaskView]] : [];
  });
  const now = timeOf(obs.now) ?? Date.now();
  const settled = entries.every(([, n]) => isTerminal(n.status));
  const extra = settled ? pendingWork(task, obs) : null;

  let updated: TaskRecord;
  if (!settled || extra) {
    // A status never goes back (a node may re-enqueue a task it aborted).
    const started =
      extra !== null ||
      task.status === 'processing' ||
      entries.some(([, n]) => n.taskUid !== null && n.status !== 'enqueued');
    const startedAt = started
      ? startOf(
          task,
          views.map(([, v]) => v),
          now,
        )
      : null;
    updated = {
      ...task,
      nodeTasks,
      status: started ? 'processing' : 'enqueued',
      startedAt: startedAt === null ? null : iso(startedAt),
    };
  } else {
    const status = aggregateStatus(entries.map(([, n]) => n));
    // Canceled before any node started it: no start, as on Meilisearch.
    const start = startOf(
      task,
      views.map(([, v]) => v),
      status === 'canceled' ? null : now,
    );
    const ownWork = task.type === 'taskCancelation' || task.type === 'taskDeletion';
    const nodeFinish = latest(views.map(([, v]) => v.finishedAt));
    const finish = Math.max(
      ownWork ? now : (nodeFinish ?? now),
      start ?? timeOf(task.enqueuedAt) ?? now,
    );
    updated = {
      ...task,
      nodeTasks,
      status,
      error: status === 'failed' ? failure(entries) : null,
      canceledBy: status === 'canceled' ? task.canceledBy : null,
      startedAt: start === null ? null : iso(start),
      finishedAt: iso(finish),
      duration: start === null ? null : formatDuration(finish - start),
      details: settledDetails({
        task,
        status,
        nodes: views,
        layout: obs.layout,
        canceledTasks: obs.cancelTargets?.canceled,
        deletedTasks: obs.deletedTasks,
      }),
    };
  }
  const actions: ReconcileAction[] = [];
  if (extra) actions.push(extra);
  if (updated.status !== task.status) actions.push({ type: 'publish', status: updated.status });
  return { task: updated, actions };
}
