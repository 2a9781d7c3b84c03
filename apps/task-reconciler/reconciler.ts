import { TASK_STATUSES } from '#lib/contracts';
import type { EventBus, LogFollower, WriteLog } from '#lib/bus';
import type { MiroirConfig } from '#lib/config';
import { Gauge, Registry } from 'prom-client';
import {
  connectionProblems,
  connectService,
  Leadership,
  leaderGauge,
  type Log,
  type ServiceOps,
} from '#lib/service';
import type { Lease, Store } from '#lib/store';
import { pruneFinished } from './housekeeping.js';
import { TaskSettler } from './task-settler.js';

const LEASE_SCOPE = 'task-reconciler';
const LEASE_TTL_MS = 10_000;
const SETTLE_EVERY_MS = 20;
const PRUNE_EVERY_MS = 10 * 60_000;

/**
 * The task-reconciler process: the lease holder reads the write log in order from the last settled
 * position, keeps every task record and its events, and settles tasks from the node writers'
 * progress (replication.md, R4). Standbys wait for the lease; a new holder resumes where the last
 * one had settled, so nothing is skipped and nothing is announced less than once.
 */
export class Reconciler {
  private readonly leadership: Leadership;
  private run: { abort: AbortController; done: Promise<void> } | null = null;
  private pruneTimer: NodeJS.Timeout | null = null;
  readonly ops: ServiceOps;

  private constructor(
    private readonly config: MiroirConfig,
    private readonly store: Store,
    private readonly bus: EventBus,
    private readonly log: WriteLog,
    private readonly logger: Log,
    readonly instance: string,
  ) {
    this.leadership = new Leadership({
      leases: store.leases,
      scope: LEASE_SCOPE,
      holder: instance,
      ttlMs: LEASE_TTL_MS,
      renewEveryMs: LEASE_TTL_MS / 5,
      log: logger,
      onChange: (lease) => this.onLease(lease),
    });
    const registry = new Registry();
    leaderGauge(registry, LEASE_SCOPE, () => this.leadership.fence !== null);
    new Gauge({
      name: 'miroir_tasks_unsettled_messages',
      help: 'Log messages appended but not yet settled into task records',
      registers: [registry],
      async collect() {
        const [state, settled] = await Promise.all([log.state(), store.tasks.settledThrough()]);
        this.set(Math.max(0, state.lastSeq - settled));
      },
    });
    new Gauge({
      name: 'miroir_tasks',
      help: 'Task records by status',
      labelNames: ['status'],
      registers: [registry],
      async collect() {
        const totals = await Promise.all(
          TASK_STATUSES.map(async (status) => {
            const page = await store.tasks.list({ statuses: [status], limit: 1 });
            return [status, page.total] as const;
          }),
        );
        for (const [status, total] of totals) this.set({ status }, total);
      },
    });
    this.ops = { registry, notReady: () => connectionProblems(store, bus) };
  }

  static async start(config: MiroirConfig, logger: Log): Promise<Reconciler> {
    const c = await connectService(config, 'task-reconciler', { log: true });
    await c.nodes.close(); // the reconciler never calls nodes: writers report their progress
    const r = new Reconciler(config, c.store, c.bus, c.log!, logger, c.instance);
    r.leadership.start();
    r.pruneTimer = setInterval(
      () =>
        void pruneFinished(r.store, config.taskRetentionDays, r.instance, logger).catch((err) =>
          logger('warn', 'prune-failed', { error: String(err) }),
        ),
      PRUNE_EVERY_MS,
    );
    r.pruneTimer.unref();
    return r;
  }

  private onLease(lease: Lease | null): void {
    const previous = this.run;
    if (previous) previous.abort.abort();
    if (!lease) {
      this.run = null;
      return;
    }
    const abort = new AbortController();
    const done = (async () => {
      await previous?.done.catch(() => undefined);
      while (!abort.signal.aborted) {
        try {
          await this.lead(abort.signal);
        } catch (err) {
          this.logger('error', 'reconcile-failed', { error: String(err) });
          await new Promise((r) => setTimeout(r, 1000));
        }
      }
    })();
    this.run = { abort, done };
  }

  /** While leader: take messages in as they are appended, settle tasks, save the position. */
  private async lead(signal: AbortSignal): Promise<void> {
    const settler = new TaskSettler({ store: this.store, bus: this.bus, log: this.logger });
    let saved = await this.store.tasks.settledThrough();
    const follower: LogFollower = await this.log.follow(saved + 1, {
      maxMessages: 1024,
      bodies: false,
    });
    const stop = () => follower.close();
    signal.addEventListener('abort', stop, { once: true });
    let failure: unknown = null;
    const reading = (async () => {
      try {
        for (;;) {
          const m = await follower.next();
          if (!m) return;
          await settler.take(m.seq, m.header);
        }
      } catch (err) {
        failure = err;
        follower.close();
      }
    })();
    try {
      while (!signal.aborted && failure === null) {
        const settled = await settler.settle();
        if (settled > saved) {
          // Announced before saved: a new leader re-announces rather than skips.
          await this.bus.flush();
          if (this.leadership.fence === null) return;
          await this.store.tasks.setSettledThrough(settled);
          saved = settled;
        }
        await new Promise((r) => setTimeout(r, SETTLE_EVERY_MS));
      }
      if (failure !== null) throw failure;
    } finally {
      signal.removeEventListener('abort', stop);
      follower.close();
      await reading;
    }
  }

  async stop(): Promise<void> {
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    this.run?.abort.abort();
    await this.run?.done.catch(() => undefined);
    await this.leadership.stop();
    await Promise.allSettled([this.log.close(), this.bus.close()]);
    await this.store.close();
  }
}
