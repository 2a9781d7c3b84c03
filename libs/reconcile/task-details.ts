import type { TaskRecord, TaskStatus } from '#lib/store';
import { publicDetails } from './task-object.js';
import type { CopyLayout, NodeTaskView } from './observation.js';

/** The counters Meilisearch fills once a task finishes (0 when it failed or was canceled). */
const COUNTERS = ['indexedDocuments', 'deletedDocuments', 'canceledTasks', 'deletedTasks'];

export interface SettleInput {
  task: TaskRecord;
  status: TaskStatus;
  /** Observed node tasks (node id → view); nodes never observed are simply absent. */
  nodes: [string, NodeTaskView][];
  layout: CopyLayout;
  canceledTasks?: number;
  deletedTasks?: number;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * Routed writes (additions, deletions by id): each node's batch holds only the documents of its
 * shards, every document in as many batches as it has acknowledged copies. Σ counted / Σ sent over
 * the observed nodes is the fraction of copies that counted; applied to what the client sent it
 * gives distinct documents, exactly when every copy agrees (the normal case), and it needs no
 * knowledge of which shard went where. Nodes whose details were not seen are left out of both sums.
 */
export function scaledCount(
  total: number,
  nodes: [string, NodeTaskView][],
  counted: string,
  sent: string,
): number | null {
  let c = 0;
  let s = 0;
  for (const [, view] of nodes) {
    const a = num(view.details?.[counted]);
    const b = num(view.details?.[sent]);
    if (a === null || b === null) continue;
    c += a;
    s += b;
  }
  return s === 0 ? null : Math.round((total * c) / s);
}

/**
 * Broadcast deletions (by filter, all documents, index deletion): every node deletes what it holds,
 * and inside one replica group every document sits on `copies` nodes. Σ per group / copies is that
 * group's distinct count; the fullest group wins (a group with a node not observed undercounts).
 */
export function perGroupCount(
  nodes: [string, NodeTaskView][],
  counted: string,
  layout: CopyLayout,
): number | null {
  const sums = new Map<string, number>();
  for (const [nodeId, view] of nodes) {
    const n = num(view.details?.[counted]);
    if (n === null) continue;
    const group = layout.groupOf[nodeId] ?? `node:${nodeId}`;
    sums.set(group, (sums.get(group) ?? 0) + n);
  }
  let best: number | null = null;
  for (const [group, sum] of sums) {
    const copies = Math.max(1, layout.copies[group] ?? 1);
    best = Math.max(best ?? 0, Math.round(sum / copies));
  }
  return best;
}

function isRoutedDeletion(d: Record<string, unknown>): boolean {
  return d.originalFilter === null && (num(d.providedIds) ?? 0) > 0;
}

/**
 * A finished task's `details`: what the gateway recorded (the request's side, e.g. submitted
 * settings or `receivedDocuments`) with the counters filled over distinct documents. Index and
 * settings tasks keep the recorded details; with none recorded, one node's are copied.
 */
export function settledDetails(input: SettleInput): Record<string, unknown> | null {
  const { task, status, nodes, layout } = input;
  const firstSeen = nodes.find(([, v]) => v.details !== null)?.[1].details ?? null;
  const base = publicDetails(task.details) ?? (firstSeen ? { ...firstSeen } : null);
  if (base === null) return null;
  if (status !== 'succeeded') {
    for (const key of COUNTERS) if (key in base) base[key] = 0;
    return base;
  }
  switch (task.type) {
    case 'documentAdditionOrUpdate': {
      const received = num(base.receivedDocuments) ?? 0;
      // Nothing observed: every acknowledged copy succeeded, so every document was indexed.
      base.indexedDocuments =
        scaledCount(received, nodes, 'indexedDocuments', 'receivedDocuments') ?? received;
      break;
    }
    case 'documentDeletion':
      base.deletedDocuments =
        (isRoutedDeletion(base)
          ? scaledCount(num(base.providedIds) ?? 0, nodes, 'deletedDocuments', 'providedIds')
          : perGroupCount(nodes, 'deletedDocuments', layout)) ?? 0;
      break;
    case 'indexDeletion':
      base.deletedDocuments = perGroupCount(nodes, 'deletedDocuments', layout) ?? 0;
      break;
    case 'taskCancelation':
      base.canceledTasks = input.canceledTasks ?? 0;
      break;
    case 'taskDeletion':
      base.deletedTasks = input.deletedTasks ?? 0;
      break;
  }
  return base;
}
