import { taskUidOf, type LogHeader } from '#lib/contracts';
import type { TaskRecord } from '#lib/store';

/** Details keys Miroir keeps for itself on a record (bookkeeping); never shown to clients. */
export const PRIVATE_DETAIL_PREFIX = '_miroir';

/** Target Miroir task uids of a `taskDeletion`, kept until the deletion is processed. */
export const DELETION_TARGETS = '_miroir_targets';

/** Meilisearch's task object (emulator.md §2.2), as GET /tasks/{uid} and the events carry it. */
export interface TaskObject {
  uid: number;
  batchUid: number | null;
  indexUid: string | null;
  status: TaskRecord['status'];
  type: string;
  canceledBy: number | null;
  details: Record<string, unknown> | null;
  error: TaskRecord['error'];
  duration: string | null;
  enqueuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export function publicDetails(
  details: Record<string, unknown> | null,
): Record<string, unknown> | null {
  if (details === null) return null;
  return Object.fromEntries(
    Object.entries(details).filter(([k]) => !k.startsWith(PRIVATE_DETAIL_PREFIX)),
  );
}

/**
 * The client-visible task object of a record: Meilisearch's fields, none of Miroir's. Each Miroir
 * task is its own batch, so `batchUid` is the task uid once processing starts. `canceledBy` is
 * shown only on canceled tasks: the gateway marks a task's canceler before the nodes confirm.
 */
export function toTaskObject(task: TaskRecord): TaskObject {
  return {
    uid: task.uid,
    batchUid: task.status === 'enqueued' ? null : task.uid,
    indexUid: task.indexUid,
    status: task.status,
    type: task.type,
    canceledBy: task.status === 'canceled' ? task.canceledBy : null,
    details: publicDetails(task.details),
    error: task.error,
    duration: task.duration,
    enqueuedAt: task.enqueuedAt,
    startedAt: task.startedAt,
    finishedAt: task.finishedAt,
  };
}

/**
 * The task record a log message stands for, as enqueued (or failed at once, when refused at the
 * door). The gateway stores it before answering; the reconciler stores it if the gateway died first.
 */
export function taskRecordOf(seq: number, header: LogHeader): TaskRecord {
  const { task, op } = header;
  const failed = task.error !== undefined;
  const details =
    op.kind === 'deleteTasks'
      ? { ...(task.details ?? {}), [DELETION_TARGETS]: op.uids }
      : task.details;
  return {
    uid: taskUidOf(seq),
    indexUid: task.indexUid,
    type: task.type,
    status: failed ? 'failed' : 'enqueued',
    details,
    error: task.error ?? null,
    canceledBy: null,
    enqueuedAt: task.enqueuedAt,
    startedAt: failed ? task.enqueuedAt : null,
    finishedAt: failed ? task.enqueuedAt : null,
    duration: failed ? 'PT0S' : null,
    nodeTasks: {},
  };
}
