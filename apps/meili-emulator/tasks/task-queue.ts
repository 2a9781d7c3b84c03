/**
 * The task store and its single worker (emulator.md §5): uids from 0, one task per batch, pending
 * cancel/delete tasks first, then uid order; processing takes the configured delay, during which a
 * matching cancelation aborts it.
 */
import { MeiliError, type ErrorObject } from '#lib/errors';
import { isFinished, zeroedDetails, type Task, type TaskPayload, type TaskType } from './task.js';

export interface FinishRecord {
  uid: number;
  status: Task['status'];
  batchUid: number | null;
  startedAt: string | null;
  finishedAt: string | null;
  details: Task['details'];
  error: ErrorObject | null;
  canceledBy: number | null;
  /** An injected failure: replay must not re-run the task. */
  injected?: boolean;
}

export interface QueueHooks {
  now(): number;
  /** Processing time of the next task, ms. */
  delayMs(): number;
  /** Runs the task; returns final details or throws MeiliError. `at` = its finishedAt. */
  execute(task: Task, at: string): Task['details'];
  /** A scripted failure for this task (admin task-faults), if any. */
  injectedFailure(task: Task): ErrorObject | undefined;
  onEnqueue(task: Task): void;
  onFinish(record: FinishRecord): void;
}

const PRIORITY: ReadonlySet<TaskType> = new Set(['taskCancelation', 'taskDeletion']);

export class TaskQueue {
  readonly tasks = new Map<number, Task>();
  nextUid = 0;
  nextBatchUid = 0;
  private pending: number[] = [];
  private paused = false;
  private stopped = true;
  private running?: { task: Task; abort: () => void };
  private wake?: () => void;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly hooks: QueueHooks) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.loop();
  }

  stop(): void {
    this.stopped = true;
    this.running?.abort();
    this.wake?.();
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.wake?.();
  }

  get isPaused(): boolean {
    return this.paused;
  }

  get(uid: number): Task {
    const task = this.tasks.get(uid);
    if (!task) throw new MeiliError('task_not_found', `Task \`${uid}\` not found.`);
    return task;
  }

  /** Records a new enqueued task (durable once hooks.onEnqueue returns) and wakes the worker. */
  enqueue(
    type: TaskType,
    indexUid: string | null,
    details: Task['details'],
    payload: TaskPayload,
    customMetadata?: string,
  ): Task {
    const task: Task = {
      uid: this.nextUid,
      batchUid: null,
      indexUid,
      status: 'enqueued',
      type,
      canceledBy: null,
      details,
      error: null,
      enqueuedAt: new Date(this.hooks.now()).toISOString(),
      startedAt: null,
      finishedAt: null,
      ...(customMetadata !== undefined ? { customMetadata } : {}),
      payload,
    };
    this.hooks.onEnqueue(task);
    this.nextUid += 1;
    this.restore(task);
    // A cancelation covering the running task aborts it now; the cancel task then marks it canceled.
    if (payload.kind === 'cancel' && this.running && payload.uids.includes(this.running.task.uid))
      this.running.abort();
    this.wake?.();
    return task;
  }

  /** Puts a task back as persisted (restart): unfinished ones are enqueued again. */
  restore(task: Task): void {
    if (task.status === 'processing') task.status = 'enqueued';
    this.tasks.set(task.uid, task);
    if (task.status === 'enqueued') this.pending.push(task.uid);
  }

  /** Applies a finish record to the stored task (worker and journal replay alike). */
  applyFinish(record: FinishRecord): void {
    const task = this.tasks.get(record.uid);
    if (!task) return;
    Object.assign(task, {
      status: record.status,
      batchUid: record.batchUid,
      startedAt: record.startedAt,
      finishedAt: record.finishedAt,
      details: record.details,
      error: record.error,
      canceledBy: record.canceledBy,
    });
    delete task.payload;
    this.pending = this.pending.filter((uid) => uid !== record.uid);
    this.nextBatchUid = Math.max(this.nextBatchUid, (record.batchUid ?? -1) + 1);
  }

  cancelTasks(uids: number[], by: number, at: string): number {
    let canceled = 0;
    for (const uid of uids) {
      const task = this.tasks.get(uid);
      if (!task || (task.status !== 'enqueued' && task.status !== 'processing')) continue;
      const record: FinishRecord = {
        uid,
        status: 'canceled',
        batchUid: task.batchUid,
        startedAt: task.startedAt,
        finishedAt: at,
        details: zeroedDetails(task.details),
        error: null,
        canceledBy: by,
      };
      this.applyFinish(record);
      canceled += 1;
    }
    return canceled;
  }

  deleteTasks(uids: number[]): number {
    let deleted = 0;
    for (const uid of uids) {
      const task = this.tasks.get(uid);
      if (task && isFinished(task)) {
        this.tasks.delete(uid);
        deleted += 1;
      }
    }
    return deleted;
  }

  /** Resolves true once nothing is enqueued or processing, false after `timeoutMs`. */
  idle(timeoutMs: number): Promise<boolean> {
    if (this.pending.length === 0 && !this.running) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.idleWaiters = this.idleWaiters.filter((w) => w !== done);
        resolve(false);
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.idleWaiters.push(done);
    });
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  /** Whether a task of index `uid` is being processed (stats isIndexing). */
  isProcessing(indexUid: string): boolean {
    return this.running?.task.indexUid === indexUid;
  }

  private next(): Task | undefined {
    const uid = this.pending.find((u) => PRIORITY.has(this.tasks.get(u)!.type)) ?? this.pending[0];
    return uid === undefined ? undefined : this.tasks.get(uid);
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const task = this.paused ? undefined : this.next();
      if (!task) {
        if (this.pending.length === 0) this.idleWaiters.splice(0).forEach((w) => w());
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      await this.process(task);
      // Let requests in between tasks even when processing takes no time.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private async process(task: Task): Promise<void> {
    task.status = 'processing';
    task.startedAt = new Date(this.hooks.now()).toISOString();
    task.batchUid = this.nextBatchUid++;
    const delay = this.hooks.delayMs();
    if (delay > 0) {
      const finished = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(true), delay);
        this.running = { task, abort: () => (clearTimeout(timer), resolve(false)) };
      });
      this.running = undefined;
      if (!finished) {
        // Aborted (cancelation or stop): back to enqueued, the cancel task decides its fate.
        if (task.status === 'processing') task.status = 'enqueued';
        return;
      }
    }
    if (this.stopped) return;
    const at = new Date(this.hooks.now()).toISOString();
    const injected = this.hooks.injectedFailure(task);
    const record: FinishRecord = {
      uid: task.uid,
      status: 'succeeded',
      batchUid: task.batchUid,
      startedAt: task.startedAt,
      finishedAt: at,
      details: task.details,
      error: null,
      canceledBy: null,
    };
    if (injected)
      Object.assign(record, {
        status: 'failed',
        error: injected,
        details: zeroedDetails(task.details),
        injected: true,
      });
    else {
      try {
        record.details = this.hooks.execute(task, at);
      } catch (error) {
        const meili =
          error instanceof MeiliError
            ? error
            : new MeiliError('internal', `task ${task.uid} failed unexpectedly`);
        Object.assign(record, {
          status: 'failed',
          error: meili.toJSON(),
          details: zeroedDetails(task.details),
        });
      }
    }
    this.hooks.onFinish(record);
    this.applyFinish(record);
  }
}
