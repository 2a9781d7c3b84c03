import { Inject, Injectable, Logger } from '@nestjs/common';
import { EventBus } from '#lib/bus';
import { MeiliError, type ErrorObject } from '#lib/errors';
import { JobQueues } from '#lib/jobs';
import { allowsIndex, type TaskFilterParams, type TaskQueryParams } from '#lib/meili-api';
import type { NodeTask, Store, TaskHint, TaskRecord } from '#lib/store';
import { toTaskObject } from '#lib/reconcile';
import type { Access } from '../auth/access.js';
import { STORE } from '../infra/tokens.js';
import { renderTask, summarise, type TaskSummary } from './task-view.js';

export interface NewTask {
  indexUid: string | null;
  type: string;
  details: Record<string, unknown> | null;
  /** Node id → the node task behind this Miroir task (copies that acknowledged). */
  nodeTasks: Record<string, NodeTask>;
  hints?: TaskHint[];
  /** Refused before any node was called: the task is recorded as failed with this error. */
  error?: ErrorObject;
}

/**
 * Miroir tasks: integer uids from the store's sequence, records in the store, one reconcile job
 * each on `miroir-tasks`. The reconciler advances them; nothing here fakes progress.
 */
@Injectable()
export class TaskService {
  private readonly logger = new Logger('Tasks');

  constructor(
    @Inject(STORE) private readonly store: Store,
    private readonly jobs: JobQueues,
    private readonly bus: EventBus,
  ) {}

  /** Allocates the uid first, for records (hints) that must carry it before the task exists. */
  nextUid(): Promise<number> {
    return this.store.tasks.nextUid();
  }

  async record(input: NewTask, uid?: number): Promise<TaskSummary> {
    const taskUid = uid ?? (await this.store.tasks.nextUid());
    const now = new Date().toISOString();
    const failed = input.error !== undefined;
    const task: TaskRecord = {
      uid: taskUid,
      indexUid: input.indexUid,
      type: input.type,
      status: failed ? 'failed' : 'enqueued',
      details: input.details,
      error: input.error ?? null,
      canceledBy: null,
      enqueuedAt: now,
      startedAt: failed ? now : null,
      finishedAt: failed ? now : null,
      duration: failed ? 'PT0S' : null,
      nodeTasks: input.nodeTasks,
      hints: input.hints ?? [],
    };
    await this.store.tasks.create(task);
    if (!failed) await this.jobs.enqueue('tasks', { taskUid });
    else this.announceRefused(task);
    return summarise(task);
  }

  /**
   * A refused task never reaches the reconciler (it is terminal from the start), so its terminal
   * status is published here; subscribers to `miroir.tasks.>` see every outcome.
   */
  private announceRefused(task: TaskRecord): void {
    try {
      this.bus.publish('tasks.status', toTaskObject(task));
    } catch (err) {
      // An index uid the subject cannot carry (the request was refused for it): no event.
      this.logger.warn(`task ${task.uid}: status not published (${String(err)})`);
    }
  }

  /** A task refused before any node was called: failed at once with Meilisearch's error. */
  recordRefused(
    indexUid: string | null,
    type: string,
    details: Record<string, unknown> | null,
    error: MeiliError,
  ): Promise<TaskSummary> {
    return this.record({ indexUid, type, details, nodeTasks: {}, error: error.toJSON() });
  }

  async get(uid: number, access: Access): Promise<Record<string, unknown>> {
    const task = await this.store.tasks.get(uid);
    if (!task || (task.indexUid !== null && !allowsIndex(access.indexes, task.indexUid))) {
      throw new MeiliError('task_not_found', `Task \`${uid}\` not found.`);
    }
    return renderTask(task);
  }

  async list(query: TaskQueryParams, access: Access): Promise<Record<string, unknown>> {
    const visible = await this.visibleIndexes(access, query.indexUids);
    const page = await this.store.tasks.list({ ...query, indexUids: visible });
    return { ...page, results: page.results.map(renderTask) };
  }

  /**
   * Every task matching Meilisearch's filter that the credential may see and that was enqueued
   * before `beforeUid` (cancel and delete act on the tasks that existed when they were asked).
   */
  async findMatching(
    filter: TaskFilterParams,
    access: Access,
    beforeUid: number,
  ): Promise<TaskRecord[]> {
    if (beforeUid <= 0) return [];
    const { batchUids, ...rest } = filter;
    const visible = await this.visibleIndexes(access, rest.indexUids);
    const found: TaskRecord[] = [];
    let from: number | undefined = beforeUid - 1;
    while (from !== undefined) {
      const page = await this.store.tasks.list({ ...rest, indexUids: visible, limit: 1000, from });
      found.push(...page.results);
      from = page.next ?? undefined;
    }
    // A Miroir task is its own batch once it started (see renderTask).
    return batchUids
      ? found.filter((t) => t.status !== 'enqueued' && batchUids.includes(t.uid))
      : found;
  }

  /** Index filter for a key limited to some indexes: the existing indexes it covers. */
  private async visibleIndexes(
    access: Access,
    requested?: string[],
  ): Promise<string[] | undefined> {
    if (access.indexes.includes('*')) return requested;
    const all = await this.store.indexes.list({ offset: 0, limit: 100_000 });
    const covered = all.results.map((i) => i.uid).filter((uid) => allowsIndex(access.indexes, uid));
    return requested ? requested.filter((uid) => covered.includes(uid)) : covered;
  }
}
