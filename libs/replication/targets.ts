import type { LogOp } from '#lib/contracts';
import { writeTargets, type Placement, type TopologyNode } from '#lib/routing';

/**
 * The nodes that hold a part of a message: the copies of its shards for routed document work, every
 * node that is not removed for index-wide work (settings, deletions by filter or of everything,
 * index creation and deletion), none for tasks nodes never see.
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
    case 'documents':
    case 'deleteIds': {
      if (!placement) return [];
      const found = new Set<string>();
      for (const part of op.parts) {
        for (const t of writeTargets(placement, part.shard)) for (const n of t.nodes) found.add(n);
      }
      return [...found].sort();
    }
    default:
      return nodes
        .filter((n) => n.state !== 'removed')
        .map((n) => n.id)
        .sort();
  }
}
