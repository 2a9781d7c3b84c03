import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { MiroirConfig } from '#lib/config';
import { EventBus } from '#lib/bus';
import { HttpNodeClient, NodeHealth } from '#lib/node-client';
import {
  isPlacementCandidate,
  balancedPlacement,
  type NodeState,
  type Placement,
} from '#lib/routing';
import {
  EPOCH_BEACON_TTL_MS,
  type Store,
  type StoredTopology,
  type WriterStatus,
} from '#lib/store';
import { MeiliError } from '#lib/errors';
import { subjects } from '#lib/contracts';
import { CONFIG, STORE } from './tokens.js';

/** Cache lifetime: the safety net behind `miroir.topology.changed` events. */
const CACHE_TTL_MS = 1000;
/**
 * Copy states are read this often at most (and at once on `miroir.nodes.*.*` events): well inside
 * the reconciler's READ_STATE_PROPAGATION_MS, so a copy that stops serving reads is dropped here
 * before any task waits no more for it.
 */
const COPIES_TTL_MS = 500;
/** How often the gateway looks at the store's epoch and says which one it routes with. */
const BEACON_MS = 500;

/**
 * The gateway's view of the topology and placement tables: cached, refreshed on
 * `miroir.topology.changed` and at most every second; keeps the node client's pools in step.
 */
@Injectable()
export class TopologyService implements OnModuleDestroy {
  private readonly logger = new Logger('Topology');
  private topology: StoredTopology | null = null;
  private loadedAt = 0;
  private placements = new Map<string, { placement: Placement; loadedAt: number }>();
  private unsubscribe: (() => void) | null = null;
  private unsubscribeCopies: (() => void) | null = null;
  private copies: { byNode: Map<string, WriterStatus>; at: number } = { byNode: new Map(), at: 0 };
  private beaconTimer: NodeJS.Timeout | null = null;
  private seenEpoch = -1;
  private readonly pod: string;

  constructor(
    @Inject(CONFIG) private readonly config: MiroirConfig,
    @Inject(STORE) private readonly store: Store,
    private readonly nodes: HttpNodeClient,
    readonly health: NodeHealth,
    private readonly bus: EventBus,
  ) {
    this.pod = `${config.podId}.${process.pid}`;
  }

  /** Seeds the topology from MIROIR_NODES when the store has none, then loads it. */
  async start(): Promise<void> {
    await this.seed();
    try {
      await this.refresh();
    } catch (err) {
      // Serve anyway: requests answer miroir_not_ready until nodes are added.
      this.logger.warn(
        `no topology yet (${(err as Error).message}); set MIROIR_NODES or add nodes`,
      );
    }
    this.unsubscribe = this.bus.subscribe(subjects.topologyChanged(), () => {
      this.loadedAt = 0;
      this.placements.clear();
    });
    this.unsubscribeCopies = this.bus.subscribe(subjects.node('*', '*'), () => {
      this.copies.at = 0;
    });
    await this.refreshCopies();
    await this.beacon();
    this.beaconTimer = setInterval(() => void this.beacon(), BEACON_MS);
    this.beaconTimer.unref();
  }

  /**
   * Drops cached placements when the store's epoch moved (events usually said so first), then
   * records the epoch this gateway now routes with: a migration deletes a displaced copy only once
   * every live gateway reports its cut-over epoch.
   */
  private async beacon(): Promise<void> {
    try {
      const epoch = await this.store.topology.epoch();
      if (epoch !== this.seenEpoch) {
        this.loadedAt = 0;
        this.placements.clear();
        this.seenEpoch = epoch;
      }
      await this.store.epochBeacons.put(
        this.pod,
        { pod: this.pod, epoch, seenAt: new Date().toISOString() },
        { ttlMs: EPOCH_BEACON_TTL_MS },
      );
    } catch (err) {
      this.logger.warn(`epoch beacon not written: ${(err as Error).message}`);
    }
  }

  /** Writes the configured nodes as the topology when the store has none (first start, or a store that came back empty). */
  private async seed(): Promise<void> {
    const existing = await this.store.topology.getTopology();
    if (!existing && this.config.nodes.length > 0) {
      const result = await this.store.topology.commit(
        {
          topology: {
            nodes: this.config.nodes.map((n) => ({
              ...n,
              state: 'active' as const,
              lastSeen: null,
              error: null,
            })),
            replicationFactor: this.config.replicationFactor,
            replicaGroups: this.config.replicaGroups,
          },
        },
        await this.store.topology.epoch(),
      );
      if (result.ok) this.logger.log(`topology seeded from MIROIR_NODES at epoch ${result.epoch}`);
    }
  }

  onModuleDestroy(): void {
    if (this.beaconTimer) clearInterval(this.beaconTimer);
    void this.store.epochBeacons.delete(this.pod).catch(() => undefined);
    this.unsubscribe?.();
    this.unsubscribeCopies?.();
  }

  /** Node writers' progress and copy states (R4: only caught-up copies serve reads). */
  async writerStatuses(): Promise<Map<string, WriterStatus>> {
    if (Date.now() - this.copies.at >= COPIES_TTL_MS) await this.refreshCopies();
    return this.copies.byNode;
  }

  private async refreshCopies(): Promise<void> {
    try {
      const list = await this.store.writers.list();
      this.copies = { byNode: new Map(list.map((w) => [w.nodeId, w])), at: Date.now() };
    } catch (err) {
      this.logger.warn(`copy states not refreshed: ${(err as Error).message}`);
    }
  }

  private async refresh(): Promise<StoredTopology> {
    let topology = await this.store.topology.getTopology();
    if (!topology) {
      await this.seed();
      topology = await this.store.topology.getTopology();
    }
    if (!topology) throw new MeiliError('miroir_not_ready', 'The topology is not loaded yet.');
    this.topology = topology;
    this.loadedAt = Date.now();
    this.nodes.setNodes(topology.nodes.filter((n) => n.state !== 'removed'));
    return topology;
  }

  async current(): Promise<StoredTopology> {
    if (Date.now() - this.copies.at >= COPIES_TTL_MS) await this.refreshCopies();
    if (this.topology && Date.now() - this.loadedAt < CACHE_TTL_MS) return this.topology;
    return this.refresh();
  }

  /** Node ids that receive broadcasts (index, settings and delete-by-filter operations). */
  async broadcastNodes(): Promise<string[]> {
    const topology = await this.current();
    return topology.nodes.filter(isPlacementCandidate).map((n) => n.id);
  }

  /** The placement table of an index; null when the index has none. */
  async placement(indexUid: string): Promise<Placement | null> {
    const cached = this.placements.get(indexUid);
    if (cached && Date.now() - cached.loadedAt < CACHE_TTL_MS) return cached.placement;
    const placement = await this.store.topology.getPlacement(indexUid);
    if (placement) this.placements.set(indexUid, { placement, loadedAt: Date.now() });
    else this.placements.delete(indexUid);
    return placement;
  }

  /** Commits the HRW target placement of a new index (compare-and-set on the epoch, retried). */
  async createPlacement(indexUid: string, shards: number): Promise<Placement> {
    for (let attempt = 0; attempt < 10; attempt++) {
      // The store's epoch, read before the topology: every placement commit bumps it, while
      // `topology.epoch` only moves with node changes (comparing to it failed every index after
      // the first). A topology change after this read fails the compare-and-set and retries.
      const epoch = await this.store.topology.epoch();
      const topology = await this.refresh();
      const { epoch: _epoch, ...placement } = balancedPlacement(topology, shards);
      const result = await this.store.topology.commit(
        { placements: { [indexUid]: placement } },
        epoch,
      );
      if (result.ok) {
        this.placements.delete(indexUid);
        return { ...placement, epoch: result.epoch };
      }
    }
    throw new MeiliError('miroir_not_ready', 'The topology kept changing; try again.');
  }

  async deletePlacement(indexUid: string): Promise<void> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const epoch = await this.store.topology.epoch();
      if ((await this.store.topology.commit({ placements: { [indexUid]: null } }, epoch)).ok) {
        this.placements.delete(indexUid);
        return;
      }
    }
  }

  /** A node's state in the current topology (undefined for an unknown node). */
  async nodeState(nodeId: string): Promise<NodeState | undefined> {
    return (await this.current()).nodes.find((n) => n.id === nodeId)?.state;
  }

  /**
   * Whether reads may go to a node now: active in the topology, not in passive back-off, and its
   * copy caught up (a lagging or stale copy serves no reads; a node whose writer never reported
   * has nothing newer to miss).
   */
  isReadable(topology: StoredTopology, nodeId: string): boolean {
    const node = topology.nodes.find((n) => n.id === nodeId);
    const copy = this.copies.byNode.get(nodeId);
    return (
      !!node &&
      (node.state === 'active' || node.state === 'draining') &&
      this.health.isHealthy(nodeId) &&
      (copy === undefined || copy.state === 'caught-up')
    );
  }
}
