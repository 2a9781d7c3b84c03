import type { Transition } from '#lib/health';
import type { Fence, Store } from '#lib/store';

const ATTEMPTS = 5;

/**
 * Stores a node's health transition: compare-and-set on the store's epoch, fenced by the leader
 * lease (a deposed leader's write throws StaleFenceError). Returns the new epoch, or null when the
 * node is gone or no longer in `from` (another writer moved it; the prober resyncs next tick).
 */
export async function commitNodeState(
  store: Store,
  fence: Fence,
  nodeId: string,
  transition: Transition,
  lastSeen: string | null,
): Promise<number | null> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const snapshot = await store.topology.snapshot();
    const topology = snapshot.topology;
    const node = topology?.nodes.find((n) => n.id === nodeId);
    if (!topology || !node || node.state !== transition.from) return null;
    const { epoch: _epoch, ...rest } = topology;
    const nodes = topology.nodes.map((n) =>
      n.id === nodeId
        ? { ...n, state: transition.to, error: transition.error, lastSeen: lastSeen ?? n.lastSeen }
        : n,
    );
    const result = await store.topology.commit(
      { topology: { ...rest, nodes } },
      snapshot.epoch,
      fence,
    );
    if (result.ok) return result.epoch;
  }
  return null;
}
