import { NodeApiError, type NodeApi } from '#lib/node-client';
import type { NodeTaskView } from '#lib/reconcile';
import type { TaskError } from '#lib/store';

const STATUSES = new Set(['enqueued', 'processing', 'succeeded', 'failed', 'canceled']);

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function errorOf(v: unknown): TaskError | null {
  if (typeof v !== 'object' || v === null) return null;
  const e = v as Record<string, unknown>;
  const message = str(e.message);
  const code = str(e.code);
  const type = str(e.type);
  const link = str(e.link);
  return message !== null && code !== null && type !== null && link !== null
    ? { message, code, type, link }
    : null;
}

/** A node's task object checked at the edge; null when it is not one (a proxy page, say). */
export function toView(body: unknown): NodeTaskView | null {
  if (typeof body !== 'object' || body === null) return null;
  const t = body as Record<string, unknown>;
  if (typeof t.status !== 'string' || !STATUSES.has(t.status)) return null;
  const details = t.details;
  return {
    status: t.status as NodeTaskView['status'],
    startedAt: str(t.startedAt),
    finishedAt: str(t.finishedAt),
    details:
      typeof details === 'object' && details !== null && !Array.isArray(details)
        ? (details as Record<string, unknown>)
        : null,
    error: errorOf(t.error),
  };
}

/**
 * One node task's current view, or null when the node cannot say right now (down, timing out,
 * answering nonsense): the caller keeps polling. A node that no longer knows the task (reset,
 * task deleted behind Miroir's back) will never finish it: that copy failed, with the node's error.
 */
export async function pollNodeTask(
  nodes: NodeApi,
  nodeId: string,
  taskUid: number,
): Promise<NodeTaskView | null> {
  try {
    return toView(await nodes.getTask(nodeId, taskUid));
  } catch (err) {
    if (err instanceof NodeApiError && err.body.code === 'task_not_found') {
      return {
        status: 'failed',
        startedAt: null,
        finishedAt: null,
        details: null,
        error: {
          ...err.body,
          message: `Node task ${taskUid} disappeared from node \`${nodeId}\`: ${err.body.message}`,
        },
      };
    }
    return null;
  }
}
