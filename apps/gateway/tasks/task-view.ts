import type { TaskRecord } from '#lib/store';

/** The task object of GET /tasks and GET /tasks/{uid}: Meilisearch's fields, nothing of Miroir's. */
export function renderTask(task: TaskRecord): Record<string, unknown> {
  return {
    uid: task.uid,
    batchUid: task.status === 'enqueued' ? null : task.uid,
    indexUid: task.indexUid,
    status: task.status,
    type: task.type,
    canceledBy: task.canceledBy,
    details: task.details ?? undefined,
    error: task.error,
    duration: task.duration,
    enqueuedAt: task.enqueuedAt,
    startedAt: task.startedAt,
    finishedAt: task.finishedAt,
  };
}

/** The 202 answer to an accepted write. */
export interface TaskSummary {
  taskUid: number;
  indexUid: string | null;
  status: 'enqueued';
  type: string;
  enqueuedAt: string;
}

export function summarise(task: TaskRecord): TaskSummary {
  return {
    taskUid: task.uid,
    indexUid: task.indexUid,
    status: 'enqueued',
    type: task.type,
    enqueuedAt: task.enqueuedAt,
  };
}
