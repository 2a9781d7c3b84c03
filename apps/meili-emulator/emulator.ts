/** One emulated Meilisearch node: state, task worker, keys, HTTP servers, faults and persistence. */
import type { FastifyInstance } from 'fastify';
import type { ErrorObject } from '#lib/errors';
import { KeyStore, type ApiKey } from './auth/key-store.js';
import { seededRandom } from '#lib/random';
import type { FaultRule } from './admin/faults.js';
import { buildAdminServer, buildApiServer } from './http/server.js';
import { resolveOptions, type EmulatorOptions, type ResolvedOptions } from './options.js';
import { NodeState } from './state/node-state.js';
import { Persistence } from './state/persistence.js';
import { restoreNode, snapshotNode } from './state/restore.js';
import { executeTask } from './tasks/task-executor.js';
import { TaskQueue, type FinishRecord } from './tasks/task-queue.js';
import type { Task, TaskPayload, TaskType } from './tasks/task.js';
import { hasBigInt } from '#lib/meili-api';

export type DownMode = 'refuse' | 'reset' | 'hang' | 'status';

export interface TaskFault {
  match: { indexUid?: string; type?: string };
  error: ErrorObject;
  remaining: number;
}

export interface RequestLogEntry {
  time: string;
  method: string;
  path: string;
  index: string | null;
  status: number;
  durationMs: number;
  keyUid: string | null;
}

/** Journal entries past which the journal is compacted into a snapshot. */
const COMPACT_AFTER_ENTRIES = 1000;

export class Emulator {
  readonly options: ResolvedOptions;
  /** Live-changeable through PATCH /_emulator/config. */
  readonly config: { taskDelayMs: number; taskDelayJitterMs: number; payloadLimitBytes: number };
  readonly state = new NodeState();
  readonly keys: KeyStore;
  queue: TaskQueue;
  readonly random: () => number;
  faults: FaultRule[] = [];
  nextFaultId = 1;
  taskFaults: TaskFault[] = [];
  requestLog: RequestLogEntry[] = [];
  /** Some stored value is an integer beyond 2^53 (kept exact): replies are written with them. */
  holdsBigInts = false;
  down: { mode: DownMode; timer?: NodeJS.Timeout } | null = null;
  private persistence?: Persistence;
  private app?: FastifyInstance;
  private adminApp?: FastifyInstance;
  private closed = false;
  url = '';
  port = 0;
  adminUrl?: string;

  constructor(options: EmulatorOptions = {}) {
    this.options = resolveOptions(options);
    const { taskDelayMs, taskDelayJitterMs, payloadLimitBytes } = this.options;
    this.config = { taskDelayMs, taskDelayJitterMs, payloadLimitBytes };
    this.random = seededRandom(this.options.seed);
    this.keys = new KeyStore(this.options.masterKey);
    this.queue = this.newQueue();
  }

  async start(): Promise<void> {
    if (this.options.dbPath) {
      this.persistence = new Persistence(this.options.dbPath);
      const { snapshot, journal } = this.persistence.load();
      if (snapshot || journal.length > 0) restoreNode(this, snapshot, journal);
      else this.keys.createDefaults(Date.now());
      this.holdsBigInts = hasBigInt(snapshot) || hasBigInt(journal);
      this.persistence.writeSnapshot(snapshotNode(this));
    } else {
      this.keys.createDefaults(Date.now());
    }
    this.app = buildApiServer(this);
    await this.app.listen({ host: this.options.host, port: this.options.port });
    this.port = (this.app.server.address() as { port: number }).port;
    this.url = `http://${this.options.host}:${this.port}`;
    if (this.options.adminPort !== undefined) {
      this.adminApp = buildAdminServer(this);
      await this.adminApp.listen({ host: this.options.host, port: this.options.adminPort });
      this.adminUrl = `http://${this.options.host}:${(this.adminApp.server.address() as { port: number }).port}`;
    }
    this.queue.start();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.queue.stop();
    if (this.down?.mode === 'refuse') await this.goUp();
    if (this.down?.timer) clearTimeout(this.down.timer);
    if (this.persistence) {
      this.persistence.writeSnapshot(snapshotNode(this));
      this.persistence.close();
    }
    await Promise.all([this.app?.close(), this.adminApp?.close()]);
  }

  /** Exits at once without compacting (the journal is already durable); in-process: drops all connections. */
  crash(): void {
    this.closed = true;
    this.queue.stop();
    this.persistence?.close();
    for (const app of [this.app, this.adminApp]) {
      app?.server.closeAllConnections();
      app?.server.close();
    }
    this.options.onCrash?.();
  }

  /** POST /_emulator/reset: a fresh node (nothing stored, uids from 0, new default keys). */
  reset(): void {
    this.queue.stop();
    this.state.clear();
    this.keys.clear();
    this.keys.createDefaults(Date.now());
    this.faults = [];
    this.taskFaults = [];
    this.requestLog = [];
    this.queue = this.newQueue();
    this.persistence?.writeSnapshot(snapshotNode(this));
    this.queue.start();
  }

  flush(): void {
    this.persistence?.writeSnapshot(snapshotNode(this));
  }

  /** Records an accepted write; durable (journal) before it returns. */
  enqueue(
    type: TaskType,
    indexUid: string | null,
    details: Task['details'],
    payload: TaskPayload,
    customMetadata?: string,
  ): Task {
    return this.queue.enqueue(type, indexUid, details, payload, customMetadata);
  }

  journalKey(op: { op: 'keyPut'; key: ApiKey } | { op: 'keyDelete'; uid: string }): void {
    this.persistence?.append(op);
  }

  async goDown(mode: DownMode, durationMs?: number): Promise<void> {
    await this.goUp();
    this.down = { mode };
    if (mode === 'refuse' && this.app) {
      this.app.server.close();
      this.app.server.closeAllConnections();
    }
    if (durationMs !== undefined) {
      this.down.timer = setTimeout(() => void this.goUp(), durationMs);
      this.down.timer.unref();
    }
  }

  async goUp(): Promise<void> {
    const down = this.down;
    this.down = null;
    if (!down) return;
    if (down.timer) clearTimeout(down.timer);
    if (down.mode === 'refuse' && this.app && !this.closed) {
      const server = this.app.server;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(this.port, this.options.host, () => (server.off('error', reject), resolve()));
      });
    }
  }

  logRequest(entry: RequestLogEntry): void {
    if (this.options.requestLogSize === 0) return;
    this.requestLog.push(entry);
    if (this.requestLog.length > this.options.requestLogSize) this.requestLog.shift();
  }

  private taskDelay(): number {
    const { taskDelayMs, taskDelayJitterMs } = this.config;
    return (
      taskDelayMs +
      (taskDelayJitterMs > 0 ? Math.floor(this.random() * (taskDelayJitterMs + 1)) : 0)
    );
  }

  private injectedFailure(task: Task): ErrorObject | undefined {
    const fault = this.taskFaults.find(
      (f) =>
        f.remaining > 0 &&
        (f.match.indexUid === undefined || f.match.indexUid === task.indexUid) &&
        (f.match.type === undefined || f.match.type === task.type),
    );
    if (!fault) return undefined;
    fault.remaining -= 1;
    return fault.error;
  }

  private afterFinish(record: FinishRecord): void {
    if (!this.persistence) return;
    this.persistence.append({ op: 'finish', record });
    if (this.persistence.entries >= COMPACT_AFTER_ENTRIES && this.queue.pendingCount <= 1) {
      // Compact on the next tick, once the finish record is applied to the queue.
      setImmediate(() => !this.closed && this.persistence?.writeSnapshot(snapshotNode(this)));
    }
  }

  /** Runs a task's effects (worker and journal replay). */
  runTask(task: Task, at: string): Task['details'] {
    return executeTask(task, {
      state: this.state,
      at,
      cancelTasks: (uids, by) => this.queue.cancelTasks(uids, by, at),
      deleteTasks: (uids) => this.queue.deleteTasks(uids),
    });
  }

  private newQueue(): TaskQueue {
    return new TaskQueue({
      now: () => Date.now(),
      delayMs: () => this.taskDelay(),
      execute: (task, at) => this.runTask(task, at),
      injectedFailure: (task) => this.injectedFailure(task),
      onEnqueue: (task) => this.persistence?.append({ op: 'enqueue', task }),
      onFinish: (record) => this.afterFinish(record),
    });
  }
}
