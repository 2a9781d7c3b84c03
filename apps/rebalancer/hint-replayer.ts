import type { NodeWrite } from '#lib/writes';
import { isNodeDown, NodeApiError, type NodeApi } from '#lib/node-client';
import type { HintBatch, Store } from '#lib/store';
import type { Log } from '#lib/service';

export interface ReplayOutcome {
  /** False when the node did not answer `/health`: nothing was tried. */
  reachable: boolean;
  /** Batches the node accepted and finished. */
  replayed: number;
  /** Batches the node refused (4xx) or that could not be read: dropped, logged. */
  dropped: number;
}

export interface ReplayerOptions {
  store: Store;
  nodes: NodeApi;
  log: Log;
  healthTimeoutMs: number;
  /** Batches read per page (default 100). */
  pageSize?: number;
  /** How long to wait for a page's node tasks to finish (default 60 s). */
  taskWaitMs?: number;
}

/** Thrown when a replay stops part-way: the job is retried with backoff. */
export class ReplayInterrupted extends Error {
  override readonly name = 'ReplayInterrupted';
}

const METHODS = new Set<string>(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
const TERMINAL = new Set(['succeeded', 'failed', 'canceled']);

/**
 * Hinted handoff, the replay side: sends a node the batches it missed, in sequence order, page by
 * page. A page's batches are acknowledged only once the node has finished the page's last task
 * (a node runs its tasks in order), so "no pending hints" means the node holds every missed write
 * and may serve reads again. A batch the node refuses with a Meilisearch 4xx error can never apply:
 * it is logged and dropped so it does not block the node forever. Replaying a page twice (after a
 * crash before the ack) is harmless: each batch sets documents or settings to recorded values.
 */
export class HintReplayer {
  private readonly pageSize: number;
  private readonly taskWaitMs: number;

  constructor(private readonly o: ReplayerOptions) {
    this.pageSize = o.pageSize ?? 100;
    this.taskWaitMs = o.taskWaitMs ?? 60_000;
  }

  async replay(nodeId: string, signal?: AbortSignal): Promise<ReplayOutcome> {
    const outcome: ReplayOutcome = { reachable: true, replayed: 0, dropped: 0 };
    try {
      await this.o.nodes.health(nodeId, { timeoutMs: this.o.healthTimeoutMs, signal });
    } catch {
      // Not now: the prober asks again once the node answers.
      return { ...outcome, reachable: false };
    }
    for (;;) {
      const page = await this.o.store.hints.pending(nodeId, this.pageSize);
      if (page.length === 0) return outcome;
      let lastTask: number | null = null;
      const done: number[] = [];
      for (const hint of page) {
        if (signal?.aborted) throw new ReplayInterrupted(`replay of ${nodeId} stopped`);
        const taskUid = await this.send(nodeId, hint, signal);
        if (taskUid === 'dropped') outcome.dropped++;
        else {
          outcome.replayed++;
          if (taskUid !== null) lastTask = taskUid;
        }
        done.push(hint.seq);
      }
      if (lastTask !== null) await this.waitTask(nodeId, lastTask, signal);
      for (const seq of done) await this.o.store.hints.ack(nodeId, seq);
    }
  }

  /** The node task uid of the replayed batch, null when it answered without one, or 'dropped'. */
  private async send(
    nodeId: string,
    hint: HintBatch,
    signal?: AbortSignal,
  ): Promise<number | null | 'dropped'> {
    const write = asWrite(hint.request);
    if (!write) {
      this.o.log('error', 'hint-unreadable', { nodeId, seq: hint.seq, taskUid: hint.taskUid });
      return 'dropped';
    }
    try {
      const { body } = await this.o.nodes.request<{ taskUid?: unknown }>(
        nodeId,
        write.method,
        write.path,
        {
          query: write.query,
          body: write.body,
          rawBody: write.rawBody,
          contentType: write.contentType,
          route: 'replay',
          signal,
        },
      );
      return typeof body?.taskUid === 'number' ? body.taskUid : null;
    } catch (err) {
      if (err instanceof NodeApiError && err.status >= 400 && err.status < 500) {
        this.o.log('error', 'hint-refused', {
          nodeId,
          seq: hint.seq,
          taskUid: hint.taskUid,
          indexUid: hint.indexUid,
          status: err.status,
          code: err.body.code,
          message: err.body.message,
        });
        return 'dropped';
      }
      throw new ReplayInterrupted(
        `replay of ${nodeId} stopped at seq ${hint.seq}: ${String(err)}`,
        {
          cause: err,
        },
      );
    }
  }

  /** Waits until the node has finished `taskUid` (and so every task it enqueued before). */
  private async waitTask(nodeId: string, taskUid: number, signal?: AbortSignal): Promise<void> {
    const deadline = Date.now() + this.taskWaitMs;
    let delay = 25;
    for (;;) {
      try {
        const task = await this.o.nodes.getTask(nodeId, taskUid, { signal });
        if (TERMINAL.has(task.status)) {
          if (task.status !== 'succeeded') {
            this.o.log('warn', 'hint-task-not-succeeded', { nodeId, taskUid, status: task.status });
          }
          return;
        }
      } catch (err) {
        if (isNodeDown(err) || !(err instanceof NodeApiError)) {
          throw new ReplayInterrupted(`node ${nodeId} lost while waiting for task ${taskUid}`, {
            cause: err,
          });
        }
        // The task is gone (pruned): it finished long ago.
        if (err.status === 404) return;
        throw err;
      }
      if (Date.now() >= deadline) {
        throw new ReplayInterrupted(`node ${nodeId} did not finish task ${taskUid} in time`);
      }
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 500);
    }
  }
}

/** The recorded write, or null when it is not one (a corrupt or foreign record). */
function asWrite(request: unknown): NodeWrite | null {
  if (typeof request !== 'object' || request === null) return null;
  const r = request as Record<string, unknown>;
  if (typeof r.method !== 'string' || !METHODS.has(r.method)) return null;
  if (typeof r.path !== 'string' || !r.path.startsWith('/')) return null;
  if (r.rawBody !== undefined && typeof r.rawBody !== 'string') return null;
  if (r.contentType !== undefined && typeof r.contentType !== 'string') return null;
  if (r.query !== undefined && (typeof r.query !== 'object' || r.query === null)) return null;
  return r as unknown as NodeWrite;
}
