/**
 * The cluster at a glance (issue 15, "Cluster health"): green when every copy of every shard can
 * serve reads, yellow when some copy cannot (a node failed, a copy lagging or stale), red when some
 * shard has no copy that can. Pure: the caller says which node copies are readable.
 */
export type HealthStatus = 'green' | 'yellow' | 'red';

export interface HealthNode {
  id: string;
  /** Lifecycle / health state (`active`, `failed`, …). */
  state: string;
  /** Copy state from its writer (`caught-up`, `lagging`, `stale`), when known. */
  copyState: string | null;
  /** Whether its copies serve reads now. */
  readable: boolean;
}

export interface HealthIndex {
  uid: string;
  /** Per shard, the nodes holding a copy (every replica group). */
  owners: readonly (readonly string[])[];
}

export interface ClusterHealth {
  status: HealthStatus;
  reasons: string[];
}

const list = (shards: number[]) =>
  shards.length > 8
    ? `${shards.slice(0, 8).join(', ')} and ${shards.length - 8} more`
    : shards.join(', ');

export function clusterHealth(
  nodes: readonly HealthNode[],
  indexes: readonly HealthIndex[],
): ClusterHealth {
  if (nodes.length === 0) return { status: 'red', reasons: ['no nodes in the topology'] };
  const readable = new Set(nodes.filter((n) => n.readable).map((n) => n.id));
  const reasons: string[] = [];
  let status: HealthStatus = 'green';
  for (const node of nodes) {
    if (node.readable || node.state === 'removed') continue;
    status = 'yellow';
    reasons.push(
      node.state !== 'active' && node.state !== 'draining'
        ? `node ${node.id} is ${node.state}`
        : node.copyState && node.copyState !== 'caught-up'
          ? `node ${node.id}'s copies are ${node.copyState}`
          : `node ${node.id} does not answer`,
    );
  }
  for (const index of indexes) {
    const unreadable: number[] = [];
    const degraded: number[] = [];
    index.owners.forEach((owners, shard) => {
      const live = owners.filter((o) => readable.has(o)).length;
      if (live === 0) unreadable.push(shard);
      else if (live < owners.length) degraded.push(shard);
    });
    if (unreadable.length > 0) {
      status = 'red';
      reasons.push(`index ${index.uid}: no readable copy of shard ${list(unreadable)}`);
    }
    if (degraded.length > 0) {
      if (status === 'green') status = 'yellow';
      reasons.push(`index ${index.uid}: ${degraded.length} shard(s) with a copy that cannot serve`);
    }
  }
  return { status, reasons };
}
