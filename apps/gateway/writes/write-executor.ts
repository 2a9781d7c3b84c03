import { Inject, Injectable } from '@nestjs/common';
import type { ErrorObject } from '#lib/errors';
import { JobQueues } from '#lib/jobs';
import { HttpNodeClient, NodeApiError, NodeHealth } from '#lib/node-client';
import type { NodeTask, Store, TaskHint } from '#lib/store';
import type { NodeWrite } from '#lib/writes';
import { STORE } from '../infra/tokens.js';
import { TopologyService } from '../infra/topology.service.js';

/** How long a node's "hints pending" answer is trusted before asking the store again. */
const PENDING_HINTS_TTL_MS = 250;

export interface WriteResult {
  /** Node → the node's task uid. */
  acked: Map<string, number>;
  /** Nodes that did not answer (down, timed out, in back-off): their writes become hints. */
  missed: string[];
  /** Nodes that answered with a Meilisearch error: the write failed there. */
  rejected: Map<string, ErrorObject & { status: number }>;
}

/**
 * The one executor for writes: sends each node its write in parallel through the node client,
 * sorts the answers into acknowledged, missed and rejected, and turns missed writes into hints.
 */
@Injectable()
export class WriteExecutor {
  constructor(
    private readonly nodes: HttpNodeClient,
    private readonly health: NodeHealth,
    private readonly jobs: JobQueues,
    @Inject(STORE) private readonly store: Store,
    private readonly topology: TopologyService,
  ) {}

  /** Node → whether it had hints pending, and when that was read. */
  private readonly pendingHints = new Map<string, { pending: boolean; at: number }>();

  /**
   * Whether a node's copy must go to hints rather than to the node: it is in passive back-off,
   * marked failed, or still has missed writes waiting. Writing to it directly before its hints are
   * replayed would let an older hinted version overwrite a newer one.
   */
  private async mustHandOff(nodeId: string): Promise<boolean> {
    if (!this.health.isHealthy(nodeId)) return true;
    if ((await this.topology.nodeState(nodeId)) === 'failed') return true;
    const cached = this.pendingHints.get(nodeId);
    if (cached && Date.now() - cached.at < PENDING_HINTS_TTL_MS) return cached.pending;
    const pending = (await this.store.hints.count(nodeId)) > 0;
    this.pendingHints.set(nodeId, { pending, at: Date.now() });
    return pending;
  }

  async execute(writes: Map<string, NodeWrite>): Promise<WriteResult> {
    const result: WriteResult = { acked: new Map(), missed: [], rejected: new Map() };
    await Promise.all(
      [...writes].map(async ([nodeId, write]) => {
        if (await this.mustHandOff(nodeId)) {
          result.missed.push(nodeId);
          return;
        }
        try {
          const { body } = await this.nodes.request<{ taskUid: number }>(
            nodeId,
            write.method,
            write.path,
            {
              query: write.query,
              body: write.body,
              rawBody: write.rawBody,
              contentType: write.contentType,
              route: 'write',
            },
          );
          result.acked.set(nodeId, body.taskUid);
        } catch (err) {
          if (err instanceof NodeApiError) {
            result.rejected.set(nodeId, { ...(err.body as ErrorObject), status: err.status });
          } else {
            result.missed.push(nodeId);
          }
        }
      }),
    );
    result.missed.sort();
    return result;
  }

  /** Node tasks of a Miroir task: acknowledged copies to follow, rejected ones already failed. */
  nodeTasks(result: WriteResult): Record<string, NodeTask> {
    const tasks: Record<string, NodeTask> = {};
    for (const [nodeId, taskUid] of result.acked) {
      tasks[nodeId] = { taskUid, status: 'enqueued', error: null };
    }
    for (const [nodeId, { status: _status, ...error }] of result.rejected) {
      tasks[nodeId] = { taskUid: null, status: 'failed', error };
    }
    return tasks;
  }

  /** Records the missed writes durably, in order per node, and asks for their replay. */
  async handOff(
    indexUid: string,
    taskUid: number,
    missed: string[],
    writes: Map<string, NodeWrite>,
  ): Promise<TaskHint[]> {
    const hints: TaskHint[] = [];
    for (const nodeId of missed) {
      const seq = await this.store.hints.append({
        nodeId,
        indexUid,
        taskUid,
        request: writes.get(nodeId),
        createdAt: new Date().toISOString(),
      });
      hints.push({ nodeId, seq });
      this.pendingHints.set(nodeId, { pending: true, at: Date.now() });
      await this.jobs.enqueue('hints', { nodeId });
    }
    return hints;
  }
}
