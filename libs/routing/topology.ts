/** Health/lifecycle state of a node (operations.md). */
export type NodeState = 'joining' | 'active' | 'draining' | 'failed' | 'removed';

export interface TopologyNode {
  /** Stable id; hashed for placement, never reused for another machine. */
  id: string;
  url: string;
  /** Replica group: the nodes of one group together hold every shard once per RF. */
  group: string;
  state: NodeState;
}

export interface Topology {
  nodes: TopologyNode[];
  /** RF: copies of each shard inside one group. */
  replicationFactor: number;
  /** Grows on every change; gateways compare it to refresh their caches. */
  epoch: number;
}

/**
 * Owners serve reads and writes; incoming copies receive writes only while a migration fills them;
 * outgoing copies (displaced by a migration's cut-over) keep receiving writes, unread, until every
 * gateway reads the new owner and the copy is deleted.
 */
export interface ShardCopies {
  owners: string[];
  incoming: string[];
  outgoing?: string[];
  /** Incoming copies a move found complete: partial updates reach them whole (see `PlacementChange`). */
  filled?: string[];
  /**
   * Log position from which a node holds this copy (set when a migration makes it incoming): its
   * writer applies the shard's writes from there on, whatever newer placement it reads first.
   */
  since?: Record<string, number>;
  /** Log position of the last placement step applied to this shard's copies. */
  at?: number;
}

/** The placement table of one index: `groups[group][shard]`. */
export interface Placement {
  shards: number;
  epoch: number;
  groups: Record<string, ShardCopies[]>;
}

/** Nodes that may be given data: draining and removed nodes are leaving, failed ones keep theirs. */
export function isPlacementCandidate(node: TopologyNode): boolean {
  return node.state !== 'draining' && node.state !== 'removed';
}

/** Group ids in a stable order. */
export function groupsOf(topology: Topology): string[] {
  return [...new Set(topology.nodes.map((n) => n.group))].sort(compareIds);
}

/**
 * Order of node ids, group names and node index uids, for deterministic plans: they are ASCII
 * (`A-Z a-z 0-9 _ -`), where code-unit order is byte order. Document text uses `compareUtf8`.
 */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
