import { Inject, Injectable, Logger } from '@nestjs/common';
import { parseTaskFilter, requireTaskFilter, type Query } from '#lib/meili-api';
import { HttpNodeClient, type NodeApi } from '#lib/node-client';
import { DELETION_TARGETS, isTerminal } from '#lib/reconcile';
import type { NodeTask, Store, TaskRecord } from '#lib/store';
import type { Access } from '../auth/access.js';
import { STORE } from '../infra/tokens.js';
import { TopologyService } from '../infra/topology.service.js';
import { TaskService } from './task.service.js';
import type { TaskSummary } from './task-view.js';

type NodeCall = (nodes: NodeApi, nodeId: string, uids: number[]) => Promise<{ taskUid: number }>;

/**
 * POST /tasks/cancel and DELETE /tasks over Miroir tasks: find the matching tasks, act on the node
 * tasks behind them, and record Meilisearch's `taskCancelation` / `taskDeletion` task, which the
 * reconciler settles (counting what was canceled, deleting the finished records).
 */
@Injectable()
export class TaskControlService {
  private readonly logger = new Logger('TaskControl');

  constructor(
    @Inject(STORE) private readonly store: Store,
    private readonly tasks: TaskService,
    private readonly topology: TopologyService,
    private readonly nodes: HttpNodeClient,
  ) {}

  /**
   * Marks each unfinished match with this cancelation (shown once it ends `canceled`) and asks
   * every node to cancel the node tasks behind them.
   */
  async cancel(query: Query, rawQuery: string, access: Access): Promise<TaskSummary> {
    requireTaskFilter(query, 'cancel');
    const filter = parseTaskFilter(query);
    const uid = await this.tasks.nextUid();
    const matched = await this.tasks.findMatching(filter, access, uid);
    const targets: TaskRecord[] = [];
    for (const task of matched.filter((t) => !isTerminal(t.status))) {
      const marked = await this.store.tasks.update(task.uid, (cur) =>
        isTerminal(cur.status) || cur.canceledBy !== null ? cur : { ...cur, canceledBy: uid },
      );
      if (marked && marked.canceledBy === uid) targets.push(marked);
    }
    const nodeTasks = await this.onNodes(
      targets,
      (nt) => !isTerminal(nt.status),
      (nodes, nodeId, uids) => nodes.cancelTasks(nodeId, { uids }),
    );
    return this.tasks.record(
      {
        indexUid: null,
        type: 'taskCancelation',
        details: { matchedTasks: matched.length, canceledTasks: null, originalFilter: rawQuery },
        nodeTasks,
      },
      uid,
    );
  }

  /** Deletes the finished matches (when the reconciler processes the task) and their node tasks. */
  async delete(query: Query, rawQuery: string, access: Access): Promise<TaskSummary> {
    requireTaskFilter(query, 'delete');
    const filter = parseTaskFilter(query);
    const uid = await this.tasks.nextUid();
    const matched = await this.tasks.findMatching(filter, access, uid);
    const finished = matched.filter((t) => isTerminal(t.status));
    const nodeTasks = await this.onNodes(
      finished,
      () => true,
      (nodes, nodeId, uids) => nodes.deleteTasks(nodeId, { uids }),
    );
    return this.tasks.record(
      {
        indexUid: null,
        type: 'taskDeletion',
        details: {
          matchedTasks: matched.length,
          deletedTasks: null,
          originalFilter: rawQuery,
          [DELETION_TARGETS]: finished.map((t) => t.uid),
        },
        nodeTasks,
      },
      uid,
    );
  }

  /**
   * One call per node with the node task uids behind `tasks`; the node's own cancel/delete task
   * becomes a node task of the Miroir task. A node that cannot be reached is skipped: its copies
   * go on (a cancel then ends with the copies that did stop).
   */
  private async onNodes(
    tasks: TaskRecord[],
    include: (nt: NodeTask) => boolean,
    call: NodeCall,
  ): Promise<Record<string, NodeTask>> {
    const perNode = new Map<string, number[]>();
    for (const task of tasks) {
      for (const [nodeId, nt] of Object.entries(task.nodeTasks)) {
        if (nt.taskUid === null || !include(nt)) continue;
        perNode.set(nodeId, [...(perNode.get(nodeId) ?? []), nt.taskUid]);
      }
    }
    if (perNode.size > 0) await this.topology.current(); // node endpoints up to date
    const nodeTasks: Record<string, NodeTask> = {};
    await Promise.all(
      [...perNode].map(async ([nodeId, uids]) => {
        try {
          const { taskUid } = await call(this.nodes, nodeId, uids);
          nodeTasks[nodeId] = { taskUid, status: 'enqueued', error: null };
        } catch (err) {
          this.logger.warn(`node ${nodeId} did not take the task request: ${String(err)}`);
        }
      }),
    );
    return nodeTasks;
  }
}
