import { Injectable } from '@nestjs/common';
import { MeiliError } from '#lib/errors';
import { TaskService, type NewTask } from '../tasks/task.service.js';
import type { TaskSummary } from '../tasks/task-view.js';
import { TopologyService } from '../infra/topology.service.js';
import type { NodeWrite } from '#lib/writes';
import { WriteExecutor } from '../writes/write-executor.js';

export interface BroadcastResult {
  summary: TaskSummary;
  /** Nodes that missed the write (hinted), for `X-Miroir-Degraded`. */
  missed: string[];
  nodeTasks: Record<string, number>;
}

/**
 * Index, settings and delete-by-filter operations go to every node as one Miroir task. Nodes that
 * are down get the write as a hint; nodes that reject it leave failed node tasks, so the Miroir task
 * fails saying which nodes failed. With no node reachable nothing is acknowledged.
 */
@Injectable()
export class BroadcastService {
  constructor(
    private readonly topology: TopologyService,
    private readonly executor: WriteExecutor,
    private readonly tasks: TaskService,
  ) {}

  async broadcast(
    indexUid: string | null,
    type: string,
    details: Record<string, unknown> | null,
    write: NodeWrite,
  ): Promise<BroadcastResult> {
    const nodes = await this.topology.broadcastNodes();
    const writes = new Map(nodes.map((n) => [n, write]));
    const result = await this.executor.execute(writes);
    if (result.acked.size === 0) {
      // Every node refused the request itself (bad input a node checks): answer as it did.
      const [rejection] = result.rejected.values();
      if (rejection) {
        const { status, ...body } = rejection;
        throw MeiliError.fromObject(body, status);
      }
      throw new MeiliError('miroir_no_quorum', 'No node could be reached: nothing was written.');
    }
    const uid = await this.tasks.nextUid();
    const hints = await this.executor.handOff(indexUid ?? '', uid, result.missed, writes);
    const task: NewTask = {
      indexUid,
      type,
      details,
      nodeTasks: this.executor.nodeTasks(result),
      hints,
    };
    const summary = await this.tasks.record(task, uid);
    return { summary, missed: result.missed, nodeTasks: Object.fromEntries(result.acked) };
  }
}
