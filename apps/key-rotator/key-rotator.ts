import { randomUUID } from 'node:crypto';
import type { MiroirConfig } from '#lib/config';
import type { EventBus } from '#lib/bus';
import type { JobQueues } from '#lib/jobs';
import { isNodeKeyBeacon, NODE_KEY_RECORD, rotationStep, type RotationPolicy } from '#lib/keys';
import { HttpNodeClient } from '#lib/node-client';
import { StaleFenceError, type Fence, type ScopedKeyRecord, type Store } from '#lib/store';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { createOnEveryNode, deleteOnEveryNode } from './keys-on-nodes.js';
import { NodeKeyRotation } from './node-key-rotation.js';
import {
  connectionProblems,
  connectService,
  Leadership,
  leaderGauge,
  type Log,
  type NodeKeyFollower,
  type ServiceOps,
} from '#lib/service';

const LEASE_SCOPE = 'key-rotator';
const LEASE_TTL_MS = 10_000;
const TICK_MS = 1000;

/**
 * The key-rotator process: the lease holder walks every node-side index's scoped search key
 * through the rotation of operations.md, one stored step per tick (so a new leader resumes at the
 * stored step); every replica takes manual rotation requests (`miroir-keys` jobs), which only
 * start a rotation through a compare-and-set on the key record.
 */
export class KeyRotator {
  private readonly leadership: Leadership;
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> = Promise.resolve();
  private steps: Promise<void> = Promise.resolve();
  private stopped = false;
  readonly ops: ServiceOps;
  private readonly rotations: Counter;
  private readonly revocationWait: Histogram;
  private readonly nodeKeyRotation: NodeKeyRotation;

  private constructor(
    private readonly config: MiroirConfig,
    private readonly store: Store,
    private readonly bus: EventBus,
    private readonly jobs: JobQueues,
    private readonly nodes: HttpNodeClient,
    private readonly nodeKey: NodeKeyFollower | null,
    private readonly log: Log,
    readonly instance: string,
  ) {
    this.leadership = new Leadership({
      leases: store.leases,
      scope: LEASE_SCOPE,
      holder: instance,
      ttlMs: LEASE_TTL_MS,
      log,
      onChange: () => undefined,
    });
    const registry = new Registry();
    leaderGauge(registry, LEASE_SCOPE, () => this.leadership.fence !== null);
    this.rotations = new Counter({
      name: 'miroir_key_rotations_total',
      help: 'Scoped search keys promoted to a new generation by this process',
      labelNames: ['index'],
      registers: [registry],
    });
    this.revocationWait = new Histogram({
      name: 'miroir_key_revocation_wait_seconds',
      help: 'From a promotion to the revocation of the previous key (the drain)',
      buckets: [1, 5, 15, 30, 60, 120, 300, 600],
      registers: [registry],
    });
    const keys = async () =>
      (
        await Promise.all((await store.catalog.list()).map((r) => store.scopedKeys.get(r.nodeUid)))
      ).filter((k): k is ScopedKeyRecord => k !== null);
    new Gauge({
      name: 'miroir_scoped_key_age_seconds',
      help: 'Age of the scoped search key of a node index (since it was minted or promoted)',
      labelNames: ['index'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const k of await keys()) {
          if (k.rotatedAt)
            this.set({ index: k.indexUid }, (Date.now() - Date.parse(k.rotatedAt)) / 1000);
        }
      },
    });
    new Gauge({
      name: 'miroir_scoped_key_generation',
      help: 'Generation of the scoped search key of a node index',
      labelNames: ['index'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const k of await keys()) this.set({ index: k.indexUid }, k.generation);
      },
    });
    new Gauge({
      name: 'miroir_node_key_age_seconds',
      help: 'Age of the API key Miroir sends to nodes, when it rotates (since created or promoted)',
      registers: [registry],
      async collect() {
        this.reset();
        const k = await store.nodeKeys.get(NODE_KEY_RECORD);
        if (k?.rotatedAt) this.set((Date.now() - Date.parse(k.rotatedAt)) / 1000);
      },
    });
    new Gauge({
      name: 'miroir_node_key_generation',
      help: 'Generation of the API key Miroir sends to nodes (1 = the configured key)',
      registers: [registry],
      async collect() {
        this.reset();
        const k = await store.nodeKeys.get(NODE_KEY_RECORD);
        if (k) this.set(k.generation);
      },
    });
    this.nodeKeyRotation = new NodeKeyRotation(
      config,
      store,
      bus,
      nodes,
      nodeKey,
      log,
      () => this.rotations.inc({ index: '(node key)' }),
      (seconds) => this.revocationWait.observe(seconds),
    );
    this.ops = { registry, notReady: () => connectionProblems(store, bus) };
  }

  static async start(config: MiroirConfig, log: Log): Promise<KeyRotator> {
    const c = await connectService(config, 'key-rotator', { logger: log });
    const r = new KeyRotator(config, c.store, c.bus, c.jobs, c.nodes, c.nodeKey, log, c.instance);
    r.jobs.work(
      'keys',
      // Only the leader writes key records, one step at a time: a request waits for the tick in
      // progress, and a standby hands the job back to be retried (BullMQ backoff) until the leader
      // takes it, so a request never overwrites the uid a leader is creating on the nodes.
      async ({ indexUid, nodeKey }) => {
        await r.asLeader(async (fence) => {
          if (nodeKey) await r.nodeKeyRotation.request(fence);
          else await r.choose(indexUid!, await r.store.scopedKeys.get(indexUid!), true, fence);
        });
      },
      {
        concurrency: 1,
        onInvalid: (jobId, error) => log('error', 'invalid-job', { jobId, error }),
      },
    );
    r.leadership.start();
    r.schedule(0);
    return r;
  }

  private get policy(): RotationPolicy {
    const k = this.config.scopedKeys;
    return {
      maxAgeMs: k.maxAgeMs,
      rotateBeforeMs: k.rotateBeforeMs,
      drainMs: k.drainMs,
      requestTimeoutMs: this.config.nodeTimeoutMs,
      beaconTtlMs: k.beaconTtlMs,
    };
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.ticking = this.serially(() => this.tick()).finally(() => this.schedule(TICK_MS));
    }, delayMs);
  }

  /** Runs `step` after every earlier step of this process (ticks and requests never interleave). */
  private serially(step: () => Promise<void>): Promise<void> {
    const run = this.steps.then(step);
    this.steps = run.catch(() => undefined);
    return run;
  }

  /** A manual request's step, as the leader; throws on a standby so the job is retried. */
  private asLeader(step: (fence: Fence) => Promise<void>): Promise<void> {
    return this.serially(async () => {
      const fence = this.leadership.fence;
      if (!fence) throw new Error('not the key-rotator leader: retried');
      await step(fence);
    });
  }

  /** One step for every node-side index, as its leader. */
  private async tick(): Promise<void> {
    const fence = this.leadership.fence;
    if (!fence) return;
    try {
      const topology = await this.store.topology.getTopology();
      const live = (topology?.nodes ?? []).filter((n) => n.state !== 'removed');
      this.nodes.setNodes(live);
      const beacons = (await this.store.beacons.list({ limit: 10_000 })).results;
      // Its own failures (a node down holds a node key rotation) never hold the scoped keys back.
      await this.nodeKeyRotation
        .tick(
          live.map((n) => n.id),
          beacons.filter(isNodeKeyBeacon),
          fence,
        )
        .catch((err: unknown) => {
          if (err instanceof StaleFenceError) throw err;
          this.log('warn', 'node-key-step-failed', { error: String(err) });
        });
      if (!this.config.scopedKeys.enabled) return;
      const targets = live.filter((n) => n.state !== 'failed').map((n) => n.id);
      const nodeIndexes = new Set((await this.store.catalog.list()).map((r) => r.nodeUid));
      const gatewayBeacons = beacons.filter((b) => !isNodeKeyBeacon(b));
      for (const nodeUid of nodeIndexes) {
        const record = await this.store.scopedKeys.get(nodeUid);
        const step = rotationStep(record, gatewayBeacons, Date.now(), this.policy);
        if (step.kind === 'wait') {
          if (step.slow)
            this.log('warn', 'rotation-drain-slow', { index: nodeUid, reason: step.reason });
          continue;
        }
        if (step.kind === 'choose') await this.choose(nodeUid, record, false, fence);
        else if (step.kind === 'create')
          await this.create(record!, step.uid, step.then, targets, fence);
        else await this.revoke(record!, step.uid, targets, fence);
      }
    } catch (err) {
      if (err instanceof StaleFenceError) this.leadership.lost();
      this.log('warn', 'rotation-tick-failed', { error: String(err) });
    }
  }

  /** Chooses the next key uid and stores it before any node sees it (a resume reuses it). */
  private async choose(
    nodeUid: string,
    record: ScopedKeyRecord | null,
    force: boolean,
    fence?: Fence,
  ): Promise<void> {
    const uid = randomUUID();
    if (!record) {
      await this.store.scopedKeys.put(
        {
          indexUid: nodeUid,
          primaryUid: uid,
          previousUid: null,
          nextUid: null,
          generation: 0,
          state: 'minted',
          rotatedAt: null,
        },
        null,
        fence,
      );
      return;
    }
    if (record.state !== 'stable' && record.state !== 'revoked') return; // one rotation at a time
    if (!force && rotationStep(record, [], Date.now(), this.policy).kind !== 'choose') return;
    await this.store.scopedKeys.put(
      { ...record, state: 'minted', nextUid: uid },
      record.generation,
      fence,
    );
    this.log('info', 'rotation-started', { index: nodeUid, generation: record.generation, force });
  }

  /** Creates `uid` on every node (an existing one counts), then stores the next state. */
  private async create(
    record: ScopedKeyRecord,
    uid: string,
    then: 'stable' | 'promoted',
    nodes: string[],
    fence: Fence,
  ): Promise<void> {
    const expiresAt = new Date(Date.now() + this.config.scopedKeys.maxAgeMs)
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');
    const body = {
      uid,
      name: `miroir-search-${record.indexUid}`,
      description: 'Search-only key Miroir uses for this index (rotated by the key-rotator)',
      actions: ['search'],
      indexes: [record.indexUid],
      expiresAt,
    };
    await createOnEveryNode(this.nodes, nodes, body);
    const now = new Date().toISOString();
    const next: ScopedKeyRecord =
      then === 'stable'
        ? { ...record, generation: 1, state: 'stable', rotatedAt: now }
        : {
            ...record,
            primaryUid: uid,
            previousUid: record.primaryUid,
            nextUid: null,
            generation: record.generation + 1,
            state: 'promoted',
            rotatedAt: now,
          };
    const written = await this.store.scopedKeys.put(next, record.generation, fence);
    if (!written.ok) return;
    if (then === 'promoted') this.rotations.inc({ index: record.indexUid });
    this.bus.publish(
      'keys.rotated',
      {
        indexUid: record.indexUid,
        generation: next.generation,
        oldKeyUid: then === 'stable' ? null : record.primaryUid,
        newKeyUid: next.primaryUid,
      },
      `keys-${record.indexUid}-${next.generation}`,
    );
    this.log('info', then === 'stable' ? 'key-minted' : 'key-promoted', {
      index: record.indexUid,
      generation: next.generation,
    });
  }

  /** Deletes the previous key on every node (404 counts as done), then stores `stable`. */
  private async revoke(
    record: ScopedKeyRecord,
    uid: string | null,
    nodes: string[],
    fence: Fence,
  ): Promise<void> {
    if (uid) await deleteOnEveryNode(this.nodes, nodes, uid);
    const written = await this.store.scopedKeys.put(
      { ...record, previousUid: null, state: 'stable' },
      record.generation,
      fence,
    );
    if (written.ok && uid && record.rotatedAt) {
      this.revocationWait.observe((Date.now() - Date.parse(record.rotatedAt)) / 1000);
    }
    this.log('info', 'key-revoked', { index: record.indexUid, generation: record.generation });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.ticking;
    await this.leadership.stop();
    await this.nodeKey?.stop();
    await this.jobs.close().catch(() => undefined);
    await Promise.allSettled([this.bus.close(), this.nodes.close()]);
    await this.store.close();
  }
}
