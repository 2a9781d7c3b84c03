import { toTaskObject } from '#lib/reconcile';
import type { TaskSummary } from '#lib/meili-api';
import type { TaskRecord } from '#lib/store';

/**
 * The task object of GET /tasks and GET /tasks/{uid}: Meilisearch's fields, nothing of Miroir's
 * (the same object the reconciler publishes; `details` is left out when there are none).
 */
export function renderTask(task: TaskRecord): Record<string, unknown> {
  const object = toTaskObject(task);
  return { ...object, details: object.details ?? undefined };
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
