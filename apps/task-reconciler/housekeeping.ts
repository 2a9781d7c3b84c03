import type { Store } from '#lib/store';
import type { Log } from '#lib/service';

const PRUNE_SCOPE = 'task-reconciler-prune';
const PRUNE_LEASE_MS = 60_000;
const DAY_MS = 86_400_000;

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
