/** A task's statuses, Meilisearch's five: the one list every library and app uses. */
export const TASK_STATUSES = ['enqueued', 'processing', 'succeeded', 'failed', 'canceled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** The statuses a task never leaves. */
export const FINISHED_TASK_STATUSES = [
  'succeeded',
  'failed',
  'canceled',
] as const satisfies readonly TaskStatus[];

export function isFinishedStatus(status: TaskStatus): boolean {
  return (FINISHED_TASK_STATUSES as readonly TaskStatus[]).includes(status);
}
