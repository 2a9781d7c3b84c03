import type { EventBus } from '#lib/bus';
import {
  DEFAULT_THRESHOLDS,
  initialHealth,
  nextHealth,
  type HealthState,
  type HealthThresholds,
  type ProbeResult,
} from '#lib/health';
import type { NodeApi } from '#lib/node-client';
import type { Fence, Store, StoredNode } from '#lib/store';
import type { Log } from '#lib/service';
import { commitNodeState } from './node-state.writer.js';

export interface ProberOptions {
  store: Store;
  nodes: NodeApi;
  bus: Pick<EventBus, 'publish'>;
  log: Log;
  /** Per-probe timeout of `GET /health` (operations.md: 2 s). */
  timeoutMs: number;
  thresholds?: HealthThresholds;
  now?: () => number;
}

/**
 * One round of active health checks (leader only): probes every node's `/health` in parallel,
 * feeds the pure health machine, stores and publishes its transitions.
 */
export class HealthProber {
  private readonly health = new Map<string, HealthState>();
  private readonly now: () => number;

  constructor(private readonly o: ProberOptions) {
    this.now = o.now ?? Date.now;
  }

  /** Forgets the counts (a new leadership starts from the stored states). */
  reset(): void {
    this.health.clear();
  }

  /** One round; throws StaleFenceError when the lease was lost. */
  async round(fence: Fence): Promise<void> {
    const topology = await this.o.store.topology.getTopology();
    if (!topology) return;
    const probed = topology.nodes.filter((n) => n.state !== 'removed');
    for (const id of this.health.keys()) {
      if (!probed.some((n) => n.id === id)) this.health.delete(id);
    }
    const results = await Promise.all(probed.map((n) => this.probe(n.id)));
    for (const [i, node] of probed.entries()) await this.apply(node, results[i]!, fence);
  }

  private async probe(nodeId: string): Promise<ProbeResult> {
    try {
      await this.o.nodes.health(nodeId, { timeoutMs: this.o.timeoutMs });
    } catch (err) {
      return { ok: false, error: err instanceof Error ? err.message : String(err) };
    }
    return { ok: true };
  }

  private async apply(node: StoredNode, probe: ProbeResult, fence: Fence): Promise<void> {
    let current = this.health.get(node.id);
    // Another writer (admin API, a previous leader) moved the node: count from its stored state.
    if (!current || current.state !== node.state) {
      current = initialHealth(node.state, node.lastSeen ? Date.parse(node.lastSeen) : null);
    }
    const now = this.now();
    const { health, transition } = nextHealth(
      current,
      probe,
      now,
      this.o.thresholds ?? DEFAULT_THRESHOLDS,
    );
    this.health.set(node.id, transition ? { ...health, state: transition.from } : health);
    if (!transition) return;

    const lastSeen = health.lastSeen === null ? null : new Date(health.lastSeen).toISOString();
    const epoch = await commitNodeState(this.o.store, fence, node.id, transition, lastSeen);
    if (epoch === null) {
      this.o.log('warn', 'node-state-not-committed', { nodeId: node.id, ...transition });
      return;
    }
    this.health.set(node.id, health);
    this.o.log('info', 'node-state', { nodeId: node.id, ...transition, epoch });
    this.o.bus.publish('nodes.state', { nodeId: node.id, ...transition });
    this.o.bus.publish('topology.changed', { epoch, change: 'nodeState', nodeId: node.id });
  }
}
