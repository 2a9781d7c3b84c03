import { QUEUES, type QueueKey } from '#lib/contracts';
import { EventBus, WriteLog } from '#lib/bus';
import { CopyChecker } from './copy-checker.js';
import type { MiroirConfig } from '#lib/config';
import { JobQueues } from '#lib/jobs';
import { HttpNodeClient } from '#lib/node-client';
import { StaleFenceError, type Lease, type Store } from '#lib/store';
import { HealthProber } from './health-prober.js';
import { MigrationRunner } from './migration-runner.js';
import { RebalancePlanner } from './rebalance-planner.js';
import { Gauge, Registry } from 'prom-client';
import {
  connectionProblems,
  connectService,
  Leadership,
  leaderGauge,
  type Log,
  type ServiceOps,
  type NodeKeyFollower,
} from '#lib/service';
import { migrationId } from './rebalance-planner.js';

const LEASE_SCOPE = 'rebalancer';
const TOPOLOGY_REFRESH_MS = 2000;
const PLAN_INTERVAL_MS = 1000;

/**
 * The rebalancer process: the leader probes node health and stores transitions; every replica runs
 * jobs (the copy checker's verify and repair).
 */
export class Rebalancer {
  private readonly stopping = new AbortController();
  private nodeKey: NodeKeyFollower | null = null;
  private readonly timers: NodeJS.Timeout[] = [];
  private probeTimer: NodeJS.Timeout | null = null;
  private probing: Promise<void> = Promise.resolve();
  private readonly leadership: Leadership;
  private readonly prober: HealthProber;
  private planner!: RebalancePlanner;
  private planTimer: NodeJS.Timeout | null = null;
  private planning: Promise<void> = Promise.resolve();

  private constructor(
    private readonly store: Store,
    private readonly bus: EventBus,
    private readonly jobs: JobQueues,
    private readonly nodes: HttpNodeClient,
    private readonly writeLog: WriteLog,
    private readonly log: Log,
    /** Unique per process: the lease holder's name. */
    readonly instance: string,
    private readonly config: MiroirConfig,
  ) {
    this.prober = new HealthProber({
      store,
      nodes,
      bus,
      log,
      timeoutMs: config.rebalancer.probeTimeoutMs,
    });
    this.leadership = new Leadership({
      leases: store.leases,
      scope: LEASE_SCOPE,
      holder: instance,
      ttlMs: config.rebalancer.leaseTtlMs,
      log,
      onChange: (lease) => this.onLeadership(lease),
    });
    this.ops = { registry: this.metrics(), notReady: () => connectionProblems(store, bus) };
  }

  readonly ops: ServiceOps;

  /** Leader gauge, moves of the current rebalance by phase and documents they copied, nodes by state. */
  private metrics(): Registry {
    const registry = new Registry();
    const { store } = this;
    leaderGauge(registry, LEASE_SCOPE, () => this.leadership.fence !== null);
    const currentMoves = async () => {
      const run = await store.rebalance.get('current');
      if (!run) return [];
      const { results } = await store.migrations.list({ limit: 100_000 });
      return results.filter((m) => m.run === run.id);
    };
    new Gauge({
      name: 'miroir_rebalance_moves',
      help: 'Moves of the current (or last) rebalance, by phase',
      labelNames: ['phase'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const m of await currentMoves()) this.inc({ phase: m.phase });
      },
    });
    new Gauge({
      name: 'miroir_rebalance_documents_copied',
      help: 'Documents copied by the moves of the current (or last) rebalance',
      registers: [registry],
      async collect() {
        this.set((await currentMoves()).reduce((a, m) => a + m.counts.copied, 0));
      },
    });
    const { jobs } = this;
    new Gauge({
      name: 'miroir_queue_jobs',
      help: 'Jobs of each queue (moves, copy checks, key rotations) by state',
      labelNames: ['queue', 'state'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const queue of Object.keys(QUEUES) as QueueKey[]) {
          const counts = await jobs.counts(queue);
          for (const [state, n] of Object.entries(counts)) this.set({ queue, state }, n);
        }
      },
    });
    new Gauge({
      name: 'miroir_nodes',
      help: 'Nodes of the topology, by state',
      labelNames: ['state'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const n of (await store.topology.getTopology())?.nodes ?? []) {
          this.inc({ state: n.state });
        }
      },
    });
    return registry;
  }

  static async start(config: MiroirConfig, log: Log): Promise<Rebalancer> {
    const c = await connectService(config, 'rebalancer', {
      log: true,
      logger: log,
      // Copy checks and moves call nodes with five probe timeouts.
      longestCallMs: Math.max(config.nodeTimeoutMs, config.rebalancer.probeTimeoutMs * 5),
    });
    const r = new Rebalancer(c.store, c.bus, c.jobs, c.nodes, c.log!, log, c.instance, config);
    r.nodeKey = c.nodeKey;
    await r.refreshTopology();
    r.run();
    return r;
  }

  private async refreshTopology(): Promise<void> {
    try {
      const topology = await this.store.topology.getTopology();
      if (topology) this.nodes.setNodes(topology.nodes.filter((n) => n.state !== 'removed'));
    } catch (err) {
      this.log('warn', 'topology-refresh-failed', { error: String(err) });
    }
  }

  private run(): void {
    const checker = new CopyChecker({
      store: this.store,
      nodes: this.nodes,
      log: this.writeLog,
      logger: this.log,
      timeoutMs: this.config.rebalancer.probeTimeoutMs * 5,
    });
    this.jobs.work(
      'checks',
      async ({ checkId }) => {
        await this.refreshTopology();
        const result = await checker.run(checkId, this.stopping.signal);
        this.log('info', 'check-done', {
          checkId,
          status: result.status,
          disagreements: result.disagreements,
          repaired: result.repaired,
        });
      },
      {
        concurrency: 2,
        onInvalid: (jobId, error) => this.log('error', 'invalid-job', { jobId, error }),
      },
    );
    const runner = new MigrationRunner({
      store: this.store,
      nodes: this.nodes,
      log: this.writeLog,
      bus: this.bus,
      checker,
      logger: this.log,
      timeoutMs: this.config.rebalancer.probeTimeoutMs * 5,
      graceMs: this.config.nodeTimeoutMs + 500,
    });
    this.planner = new RebalancePlanner({
      store: this.store,
      nodes: this.nodes,
      log: this.writeLog,
      jobs: this.jobs,
      bus: this.bus,
      logger: this.log,
      maxConcurrent: this.config.maxConcurrentMigrations,
      graceMs: this.config.nodeTimeoutMs + 500,
      replaceFailedAfterMs: this.config.failedNodeReplaceAfterMs,
    });
    this.jobs.work(
      'migrations',
      async (data) => {
        await this.refreshTopology();
        const id = migrationId(data);
        const m = await runner.run(id, this.stopping.signal, data.epoch);
        this.log('info', 'migration-finished', { id, phase: m?.phase ?? 'gone' });
      },
      {
        concurrency: this.config.maxConcurrentMigrations,
        // A worker killed mid-move has its move taken over within seconds, from its last phase.
        lockDurationMs: this.config.rebalancer.leaseTtlMs,
        stalledIntervalMs: Math.max(500, Math.floor(this.config.rebalancer.leaseTtlMs / 2)),
        onInvalid: (jobId, error) => this.log('error', 'invalid-job', { jobId, error }),
      },
    );
    const refresh = setInterval(() => void this.refreshTopology(), TOPOLOGY_REFRESH_MS);
    refresh.unref();
    this.timers.push(refresh);
    this.leadership.start();
    this.scheduleProbe(0);
    this.schedulePlan(0);
  }

  /** The leader plans moves and finishes drains; any replica runs the moves (jobs). */
  private schedulePlan(delayMs: number): void {
    if (this.stopping.signal.aborted) return;
    this.planTimer = setTimeout(() => {
      this.planning = this.planRound().finally(() => this.schedulePlan(PLAN_INTERVAL_MS));
    }, delayMs);
  }

  private async planRound(): Promise<void> {
    const fence = this.leadership.fence;
    if (!fence) return;
    try {
      await this.planner.round(fence);
    } catch (err) {
      if (err instanceof StaleFenceError) this.leadership.lost();
      this.log('warn', 'plan-round-failed', { error: String(err) });
    }
  }

  private onLeadership(_lease: Lease | null): void {
    this.prober.reset();
  }

  private scheduleProbe(delayMs: number): void {
    if (this.stopping.signal.aborted) return;
    this.probeTimer = setTimeout(() => {
      this.probing = this.probeRound().finally(() =>
        this.scheduleProbe(this.config.rebalancer.probeIntervalMs),
      );
    }, delayMs);
  }

  private async probeRound(): Promise<void> {
    const fence = this.leadership.fence;
    if (!fence) return;
    try {
      await this.refreshTopology();
      await this.prober.round(fence);
    } catch (err) {
      if (err instanceof StaleFenceError) this.leadership.lost();
      this.log('warn', 'probe-round-failed', { error: String(err) });
    }
  }

  /** Stops probing and taking jobs, releases the lease; jobs in flight are retried later. */
  async stop(): Promise<void> {
    this.stopping.abort();
    for (const timer of this.timers) clearInterval(timer);
    if (this.probeTimer) clearTimeout(this.probeTimer);
    if (this.planTimer) clearTimeout(this.planTimer);
    await Promise.all([this.probing, this.planning]);
    await this.leadership.stop();
    await this.nodeKey?.stop();
    await this.jobs.close().catch(() => undefined);
    await Promise.allSettled([this.bus.close(), this.nodes.close(), this.writeLog.close()]);
    await this.store.close();
  }
}
