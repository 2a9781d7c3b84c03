/** Task records (emulator.md §2.1, §2.2, §5): types, payloads and their API rendering. */
import type { ErrorObject } from '#lib/errors';
import { formatDuration, TASK_STATUSES, TASK_TYPES } from '#lib/meili-api';
import type { Document, SettingsPatch } from '../engine/index.js';

export { TASK_STATUSES, TASK_TYPES };
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** Every v1.30 task type (valid filter values); the emulator produces the first nine. */
export type TaskType = (typeof TASK_TYPES)[number];

export type { Swap } from '#lib/meili-api';
import type { Swap } from '#lib/meili-api';

/** What the worker needs to run a task; kept until the task finishes (and in the journal). */
export type TaskPayload =
  | { kind: 'indexCreation'; primaryKey: string | null }
  | { kind: 'indexUpdate'; primaryKey: string | null; rename?: string | null }
  | { kind: 'indexDeletion' }
  | { kind: 'indexSwap'; swaps: Swap[] }
  | {
      kind: 'documents';
      documents: Document[];
      mode: 'replace' | 'update';
      primaryKey: string | null;
    }
  | { kind: 'deleteIds'; ids: string[] }
  | { kind: 'deleteFilter'; filter: unknown }
  | { kind: 'deleteAll' }
  | { kind: 'settings'; patch: SettingsPatch }
  | { kind: 'cancel' | 'delete'; uids: number[] };

export interface Task {
  uid: number;
  batchUid: number | null;
  indexUid: string | null;
  status: TaskStatus;
  type: TaskType;
  canceledBy: number | null;
  details: Record<string, unknown> | null;
  error: ErrorObject | null;
  enqueuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** `customMetadata` of a document route (Meilisearch ≥ 1.26), shown on the task when set. */
  customMetadata?: string;
  payload?: TaskPayload;
}

export function isFinished(task: Task): boolean {
  return task.status === 'succeeded' || task.status === 'failed' || task.status === 'canceled';
}

export { formatDuration };

/** The task object of GET /tasks/{uid}. */
export function renderTask(task: Task): Record<string, unknown> {
  const duration =
    task.startedAt !== null && task.finishedAt !== null
      ? formatDuration(Date.parse(task.finishedAt) - Date.parse(task.startedAt))
      : null;
  return {
    uid: task.uid,
    batchUid: task.batchUid,
    indexUid: task.indexUid,
    status: task.status,
    type: task.type,
    canceledBy: task.canceledBy,
    details: task.details,
    error: task.error,
    duration,
    enqueuedAt: task.enqueuedAt,
    startedAt: task.startedAt,
    finishedAt: task.finishedAt,
    ...(task.customMetadata !== undefined ? { customMetadata: task.customMetadata } : {}),
  };
}

/** The 202 summary of an accepted write. */
export function renderSummary(task: Task): Record<string, unknown> {
  return {
    taskUid: task.uid,
    indexUid: task.indexUid,
    status: 'enqueued',
    type: task.type,
    enqueuedAt: task.enqueuedAt,
  };
}

/** Details once failed or canceled: every count becomes 0 (emulator.md §2.2). */
export function zeroedDetails(
  details: Record<string, unknown> | null,
): Record<string, unknown> | null {
  if (details === null) return null;
  const counts = ['indexedDocuments', 'deletedDocuments', 'canceledTasks', 'deletedTasks'];
  return Object.fromEntries(
    Object.entries(details).map(([k, v]) => [k, counts.includes(k) ? 0 : v]),
  );
}
