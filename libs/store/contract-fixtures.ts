import type { Store } from './store.js';
import type { TaskRecord, TaskStatus } from './ports/task.port.js';

/**
 * What a contract suite gets from an adapter: `open()` returns a handle on the same state —
 * a new connection each time for Redis (so races are real), the same instance for memory.
 */
export interface StoreHarness {
  open(): Store;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export const iso = (ms: number): string => new Date(ms).toISOString();

export const T0 = Date.parse('2026-01-01T00:00:00.000Z');

export function task(uid: number, patch: Partial<TaskRecord> = {}): TaskRecord {
  const status: TaskStatus = patch.status ?? 'enqueued';
  return {
    uid,
    indexUid: 'movies',
    type: 'documentAdditionOrUpdate',
    status,
    details: { receivedDocuments: 1 },
    error: null,
    canceledBy: null,
    enqueuedAt: iso(T0 + uid * 1000),
    startedAt: null,
    finishedAt: null,
    duration: null,
    nodeTasks: { 'meili-1': { taskUid: uid, status, error: null } },
    ...patch,
  };
}
