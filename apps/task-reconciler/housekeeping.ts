import type { JobQueues } from '#lib/jobs';
import type { Store } from '#lib/store';
import type { Log } from '#lib/service';

const SWEEP_PAGE = 500;
const PRUNE_SCOPE = 'task-reconciler-prune';
const PRUNE_LEASE_MS = 60_000;
const DAY_MS = 86_400_000;

/**
 * Re-enqueues every task not yet terminal. Job ids derive from the task uid, so a task whose job
 * is waiting or running is untouched; one whose enqueue was lost (gateway died after storing it)
 * gets its job, and one whose job gave up (all attempts failed) is run again.
 */
export async function sweepUnsettled(store: Store, jobs: JobQueues, log: Log): Promise<number> {
  let from: number | undefined;
  let count = 0;
  for (;;) {
    const page = await store.tasks.list({
      statuses: ['enqueued', 'processing'],
      limit: SWEEP_PAGE,
      reverse: true,
      from,
    });
    for (const task of page.results) await jobs.requeue('tasks', { taskUid: task.uid });
    count += page.results.length;
    if (page.next === null) break;
    from = page.next;
  }
  if (count > 0) log('info', 'sweep', { enqueued: count });
  return count;
}

/** Deletes tasks finished more than the retention period ago; one process at a time (lease). */
export async function pruneFinished(
  store: Store,
  retentionDays: number,
  holder: string,
  log: Log,
  now = Date.now(),
): Promise<number | null> {
  const lease = await store.leases.acquire(PRUNE_SCOPE, holder, PRUNE_LEASE_MS);
  if (!lease) return null;
  try {
    const pruned = await store.tasks.prune(now - retentionDays * DAY_MS);
    if (pruned > 0) log('info', 'pruned', { tasks: pruned, retentionDays });
    return pruned;
  } finally {
    await store.leases.release(lease).catch(() => false);
  }
}
