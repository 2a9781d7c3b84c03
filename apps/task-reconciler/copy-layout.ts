import type { CopyLayout } from '#lib/reconcile';
import type { StoredTopology } from '#lib/store';

/** Groups and copies per group (min(RF, nodes in the group)) of the current topology. */
export function copyLayout(topology: StoredTopology): CopyLayout {
  const nodes = topology.nodes.filter((n) => n.state !== 'removed');
  const groupOf = Object.fromEntries(nodes.map((n) => [n.id, n.group]));
  const sizes = new Map<string, number>();
  for (const n of nodes) sizes.set(n.group, (sizes.get(n.group) ?? 0) + 1);
  const copies = Object.fromEntries(
    [...sizes].map(([g, size]) => [g, Math.max(1, Math.min(topology.replicationFactor, size))]),
  );
  return { groupOf, copies };
}
