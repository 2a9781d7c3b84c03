import type { LogOp } from '#lib/contracts';
import { nodesOfPlacement, writeTargets, type Placement, type TopologyNode } from '#lib/routing';

/**
 * The nodes that hold a part of a message: the copies of its shards for routed document work, the
 * nodes holding a copy of the index for index-wide work (settings, deletions by filter or of
 * everything, index creation and deletion), the node a shard move's step is for; never a removed
 * node; none for tasks nodes never see.
 */
export function targetsOf(
  op: LogOp,
  placement: Placement | null,
  nodes: readonly TopologyNode[],
): string[] {
  switch (op.kind) {
    case 'none':
    case 'cancelTasks':
    case 'deleteTasks':
      return [];
    case 'repair':
      return op.nodes.map((n) => n.nodeId).sort();
    case 'placement':
      return [op.change.node];
    case 'documents':
    case 'deleteIds': {
      if (!placement) return [];
      // A removed node has no writer any more: it is listed until its copies have moved away.
      const removed = new Set(nodes.filter((n) => n.state === 'removed').map((n) => n.id));
      const found = new Set<string>();
      for (const part of op.parts) {
        for (const t of writeTargets(placement, part.shard)) {
          for (const n of t.nodes) if (!removed.has(n)) found.add(n);
        }
      }
      return [...found].sort();
    }
    default: {
      // Index-wide work reaches the nodes holding a copy (a node that joined later has no index).
      const holders = placement ? nodesOfPlacement(placement) : null;
      return nodes
        .filter((n) => n.state !== 'removed' && (!holders || holders.has(n.id)))
        .map((n) => n.id)
        .sort();
    }
  }
}
