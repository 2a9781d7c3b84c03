import type { NodeState, Placement, Topology, TopologyNode } from '#lib/routing';
import type { Fence } from '../fence.js';

export interface StoredNode extends TopologyNode {
  state: NodeState;
  /** ISO time of the last successful probe. */
  lastSeen: string | null;
  error: string | null;
}

/** `epoch` is the epoch of the commit that last changed the topology (placements carry their own). */
export interface StoredTopology extends Topology {
  nodes: StoredNode[];
  /** RG: number of replica groups the operator asked for. */
  replicaGroups: number;
}

/** One atomic change of the placement state; `null` deletes an index's placement. */
export interface TopologyChange {
  topology?: Omit<StoredTopology, 'epoch'>;
  placements?: Record<string, Omit<Placement, 'epoch'> | null>;
}

/** Epoch, topology and every placement read in one atomic step. */
export interface TopologySnapshot {
  epoch: number;
  topology: StoredTopology | null;
  /** By index uid, in uid order. */
  placements: Record<string, Placement>;
}

export type CommitResult = { ok: true; epoch: number } | { ok: false; epoch: number };

/**
 * Topology and placement tables share one epoch that grows by one on every committed change.
 * Writers compare-and-set on it, so two rebalancers cannot interleave changes.
 */
export interface TopologyStore {
  /** Current epoch (0 before the first commit). */
  epoch(): Promise<number>;
  getTopology(): Promise<StoredTopology | null>;
  getPlacement(indexUid: string): Promise<Placement | null>;
  listPlacements(): Promise<Record<string, Placement>>;
  /** What a gateway caches: a consistent view at one epoch. */
  snapshot(): Promise<TopologySnapshot>;
  /** Applies the change only if the epoch still equals `expectedEpoch`; stamps epoch+1. */
  commit(change: TopologyChange, expectedEpoch: number, fence?: Fence): Promise<CommitResult>;
}
