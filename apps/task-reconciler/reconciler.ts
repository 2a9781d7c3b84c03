import { EventBus } from '#lib/bus';
import type { MiroirConfig } from '#lib/config';
import { JobQueues } from '#lib/jobs';
import { HttpNodeClient } from '#lib/node-client';
import { EMPTY_LAYOUT, type CopyLayout } from '#lib/reconcile';
import type { Store } from '#lib/store';
import { copyLayout } from './copy-layout.js';
import { pruneFinished, sweepUnsettled } from './housekeeping.js';
import { connectService, type Log } from '#lib/service';
import { FollowInterrupted, TaskFollower } from './task-follower.js';

// Followers mostly sleep between polls; a task waiting for a free slot is settled late.
export const CONCURRENCY = 256;
const TOPOLOGY_REFRESH_MS = 2000;
const SWEEP_EVERY_MS = 60_000;
const PRUNE_EVERY_MS = 10 * 60_000;

/**
 * The task-reconciler process: BullMQ workers on `miroir-tasks`, each job following one Miroir
 * task to its terminal status; plus the node endpoints kept in step with the topology, a sweep
 * that re-enqueues unsettled tasks, and retention pruning.
 */
export class Reconciler {
  private readonly stopping = new AbortController();
  private readonly timers: NodeJS.Timeout[] = [];
  private layout: CopyLayout = EMPTY_LAYOUT;

  private constructor(
    private readonly config: MiroirConfig,
    private readonly store: Store,
    private readonly bus: EventBus,
    private readonly jobs: JobQueues,
    private readonly nodes: HttpNodeClient,
    private readonly log: Log,
    /** Unique per process: two reconcilers on one pod id still tell their leases apart. */
    readonly instance: string,
  ) {}

  static async start(config: MiroirConfig, log: Log): Promise<Reconciler> {
    const { store, bus, jobs, nodes, instance } = await connectService(config, 'task-reconciler');
    const r = new Reconciler(config, store, bus, jobs, nodes, log, instance);
    await r.refreshTopology();
    r.run();
    return r;
  }

  private async refreshTopology(): Promise<void> {
    try {
      const topology = await this.store.topology.getTopology();
      if (!topology) return;
      this.nodes.setNodes(topology.nodes.filter((n) => n.state !== 'removed'));
      this.layout = copyLayout(topology);
    } catch (err) {
      this.log('warn', 'topology-refresh-failed', { error: String(err) });
    }
  }

  private run(): void {
    const follower = new TaskFollower({
      store: this.store,
      nodes: this.nodes,
      publish: (task) => this.bus.publish('tasks.status', task),
      flush: () => this.bus.flush(),
      layout: () => this.layout,
      log: this.log,
    });
    this.jobs.work(
      'tasks',
      async ({ taskUid }) => {
        this.log('debug', 'follow', { uid: taskUid, instance: this.instance });
        try {
          const outcome = await follower.follow(taskUid, this.stopping.signal);
          this.log('info', 'followed', { uid: taskUid, outcome, instance: this.instance });
        } catch (err) {
          if (!(err instanceof FollowInterrupted)) {
            this.log('error', 'follow-failed', { uid: taskUid, error: String(err) });
          }
          throw err; // BullMQ retries the job with backoff, here or on another process.
        }
      },
      {
        concurrency: CONCURRENCY,
        // A killed reconciler's tasks are taken over within seconds, not BullMQ's default minute.
        lockDurationMs: 5_000,
        stalledIntervalMs: 5_000,
        onInvalid: (jobId, error) => this.log('error', 'invalid-job', { jobId, error }),
      },
    );
    const every = (ms: number, task: () => Promise<unknown>) => {
      const tick = () =>
        void task().catch((err) => this.log('warn', 'housekeeping-failed', { error: String(err) }));
      tick();
      const timer = setInterval(tick, ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(TOPOLOGY_REFRESH_MS, () => this.refreshTopology());
    every(SWEEP_EVERY_MS, () => sweepUnsettled(this.store, this.jobs, this.log));
    every(PRUNE_EVERY_MS, () =>
      pruneFinished(this.store, this.config.taskRetentionDays, this.instance, this.log),
    );
  }

  /** Stops taking jobs; jobs in flight are interrupted and retried by another worker. */
  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.stopping.abort();
    await this.jobs.close().catch(() => undefined);
    await Promise.allSettled([this.bus.close(), this.nodes.close()]);
    await this.store.close();
  }
}
