import { isFinishedStatus } from '#lib/contracts';
import { formatDuration } from '#lib/meili-api';
import { clientFacingMessage } from '#lib/node-client';
import type { NodeTaskOutcome, TaskError, TaskRecord, TaskStatus } from '#lib/store';
import type { CopyView, NodeTaskView, Observation } from './observation.js';
import { settledDetails } from './task-details.js';
import { DELETION_TARGETS } from './task-object.js';

export type ReconcileAction =
  /** The status changed: publish `miroir.tasks.<uid>.<status>` once the record is stored. */
  | { type: 'publish'; status: TaskStatus }
  /** A `taskDeletion`: delete these finished records, then observe again. */
  | { type: 'deleteTasks'; uids: number[] }
  /** A `taskCancelation`: count the tasks it canceled, then observe again. */
  | { type: 'countCanceled' }
  /** These copies refused a part their siblings took: they no longer agree, mark them stale. */
  | { type: 'breakCopies'; nodes: string[]; reason: string };

export interface ReconcileStep {
  task: TaskRecord;
  actions: ReconcileAction[];
}

/** Whether a task is finished (the contracts' finished set). */
export function isTerminal(status: TaskStatus): boolean {
  return isFinishedStatus(status);
}

/**
 * How long a copy's change of read state takes to reach every gateway (their cache lives 1 s; the
 * event usually arrives first). A copy that stopped serving reads less than this ago may still be
 * read, so tasks wait for it.
 */
export const READ_STATE_PROPAGATION_MS = 1500;

/**
 * R4: the copies a task at `seq` must be applied on before it may say `succeeded` — every copy
 * that serves reads, one that stopped too recently for every gateway to know, and a rejoining one
 * whose target is before the task (it will serve reads without having applied it otherwise). A copy
 * whose writer never reported is waited for.
 */
export function copiesToWaitFor(obs: Observation): string[] {
  return obs.targets.filter((node) => {
    const copy = obs.copies[node];
    if (!copy) return true;
    if (copy.state === 'caught-up') return true;
    if (obs.now - copy.stateSince < READ_STATE_PROPAGATION_MS) return true;
    return copy.state === 'lagging' && copy.rejoinTarget !== null && copy.rejoinTarget < obs.seq;
  });
}

function finishedOn(node: string, obs: Observation): boolean {
  if (obs.outcomes[node]) return true;
  const copy: CopyView | undefined = obs.copies[node];
  return copy !== undefined && copy.appliedSeq >= obs.seq;
}

const indexNotFound = (uid: string | null): TaskError => ({
  message: `Index \`${uid}\` not found.`,
  code: 'index_not_found',
  type: 'invalid_request',
  link: 'https://docs.meilisearch.com/errors#index_not_found',
});

/**
 * The first failing node's error (by node id), as one Meilisearch would word it: every copy fails
 * a part the same way, so the error is the node's, with Miroir's own names taken out.
 */
function failure(
  nodeTasks: [string, NodeTaskOutcome][],
  task: TaskRecord,
  obs: Observation,
): TaskError | null {
  const first = nodeTasks.find(([, n]) => n.status === 'failed' && n.error);
  if (!first) return null;
  const error = first[1].error!;
  const index =
    obs.nodeIndexUid && task.indexUid
      ? { nodeUid: obs.nodeIndexUid, uid: task.indexUid }
      : undefined;
  return { ...error, message: clientFacingMessage(error.message, index) };
}

function sortedEntries<T>(record: Record<string, T>): [string, T][] {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Cancel and delete tasks have work of their own before they finish. */
function ownWork(task: TaskRecord, obs: Observation): ReconcileAction | null {
  if (task.type === 'taskCancelation' && obs.canceledTasks === undefined) {
    return { type: 'countCanceled' };
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
 * it. A canceled task is `canceled`; a task whose index was deleted before it fails with
 * `index_not_found` on every copy; otherwise it finishes once every copy of `copiesToWaitFor`
 * finished its part (at least one copy when none serves reads): `failed` if a part failed, else
 * `succeeded`. Before that it is `processing` once any writer started it.
 */
export function reconcileTask(task: TaskRecord, obs: Observation): ReconcileStep {
  if (isTerminal(task.status)) return { task, actions: [] };
  const nowIso = new Date(obs.now).toISOString();
  const startedAt = task.startedAt ?? nowIso;
  const finish = (status: TaskStatus, patch: Partial<TaskRecord>): ReconcileStep => {
    const start = status === 'canceled' && !obs.gate.started ? null : startedAt;
    const updated: TaskRecord = {
      ...task,
      ...patch,
      status,
      startedAt: start,
      finishedAt: nowIso,
      duration: start === null ? null : formatDuration(obs.now - Date.parse(start)),
    };
    return { task: updated, actions: [{ type: 'publish', status }] };
  };

  if (obs.gate.canceledBy !== null) {
    return finish('canceled', {
      canceledBy: obs.gate.canceledBy,
      details: settledDetails({ task, status: 'canceled', nodes: [], layout: obs.layout }),
    });
  }
  const work = ownWork(task, obs);
  if (work) return { task, actions: [work] };

  const waitFor = copiesToWaitFor(obs);
  const finished = obs.targets.filter((n) => finishedOn(n, obs));
  const done =
    waitFor.length > 0
      ? waitFor.every((n) => finishedOn(n, obs))
      : obs.targets.length === 0 || finished.length > 0;
  if (!done) {
    const started =
      obs.gate.started || obs.targets.some((n) => (obs.copies[n]?.sentSeq ?? 0) >= obs.seq);
    if (!started || task.status === 'processing') return { task, actions: [] };
    return {
      task: { ...task, status: 'processing', startedAt },
      actions: [{ type: 'publish', status: 'processing' }],
    };
  }
  if (obs.indexDeletedAt !== null && obs.indexDeletedAt < obs.seq) {
    return finish('failed', {
      error: indexNotFound(task.indexUid),
      details: settledDetails({ task, status: 'failed', nodes: [], layout: obs.layout }),
    });
  }
  // Copies that are not waited for (stale, long lagging) never make a task fail.
  const counted = waitFor.length > 0 ? waitFor : finished;
  const nodeTasks: Record<string, NodeTaskOutcome> = {};
  for (const node of counted) {
    const outcome = obs.outcomes[node];
    nodeTasks[node] = {
      taskUid: outcome?.nodeTaskUid ?? null,
      status: outcome?.status === 'failed' ? 'failed' : 'succeeded',
      error: outcome?.status === 'failed' ? (outcome.error ?? null) : null,
    };
  }
  const entries = sortedEntries(nodeTasks);
  const failedOn = entries.filter(([, n]) => n.status === 'failed').map(([id]) => id);
  // Copies that refused what their siblings applied disagree with them: the task counts as done
  // where it was applied, and the refusing copies leave the read path to be rebuilt.
  const mixed = failedOn.length > 0 && failedOn.length < entries.length;
  const error = mixed ? null : failure(entries, task, obs);
  const status: TaskStatus = error ? 'failed' : 'succeeded';
  const breaks: ReconcileAction[] = mixed
    ? [
        {
          type: 'breakCopies',
          nodes: failedOn,
          reason: `refused task ${task.uid} (${nodeTasks[failedOn[0]!]!.error?.code ?? 'error'}) that its sibling copies applied`,
        },
      ]
    : [];
  if (mixed) for (const id of failedOn) nodeTasks[id] = { ...nodeTasks[id]!, status: 'failed' };
  const views: [string, NodeTaskView][] = counted.flatMap((node) => {
    const details = obs.outcomes[node]?.details;
    return details ? [[node, { details }] as [string, NodeTaskView]] : [];
  });
  const settled = finish(status, {
    nodeTasks,
    error,
    details: settledDetails({
      task,
      status,
      nodes: views,
      layout: obs.layout,
      canceledTasks: obs.canceledTasks,
      deletedTasks: obs.deletedTasks,
    }),
  });
  return { task: settled.task, actions: [...breaks, ...settled.actions] };
}
