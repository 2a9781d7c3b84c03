import type { CopyState, WriterStatus } from '#lib/store';

/**
 * Whether a node's copy serves reads (replication.md R4, R7), as a pure step the node writer runs on
 * every tick: `next(copy, observation) → copy`.
 *
 * - caught-up → lagging: the node cannot be reached for `unreachableAfterMs`, or its backlog is
 *   older than the most caught-up copy's by more than `maxReadLagMs`.
 * - lagging → caught-up: once reachable and near the others again it asks to rejoin, fixing the
 *   log's last position as its target; it serves reads once it applied that far.
 * - → stale (final until a rebuild): it missed messages (the log dropped them), lost their order,
 *   or its backlog is about to pass the log's age limit.
 */
export interface CopyStatus {
  state: CopyState;
  stateSince: number;
  rejoinTarget: number | null;
}

export interface CopyObservation {
  now: number;
  /** Since when the node has failed every request (null: it answers). */
  unreachableSince: number | null;
  /** Log time of the oldest message this copy has not applied (null: none waiting). */
  oldestPendingAt: number | null;
  /** The same for the most caught-up readable copy of the cluster (null: none waiting). */
  bestOldestPendingAt: number | null;
  appliedSeq: number;
  /** The log's last position now. */
  logLastSeq: number;
  /** Why the copy can no longer be trusted (gap, order lost, internal failure); null if none. */
  broken: string | null;
  limits: CopyLimits;
}

export interface CopyLimits {
  maxReadLagMs: number;
  /** The log's age limit: a backlog older than a share of it is stale before it is dropped. */
  logMaxAgeMs: number;
  unreachableAfterMs: number;
}

/** A backlog older than this share of the log's age limit makes the copy stale. */
export const STALE_AGE_SHARE = 0.9;

export interface CopyStep {
  copy: CopyStatus;
  /** Set when the state changed: what to publish. */
  changed?: { from: CopyState; to: CopyState; reason: string };
}

function behindMs(oldest: number | null, now: number): number {
  return oldest === null ? 0 : Math.max(0, now - oldest);
}

export function nextCopyState(copy: CopyStatus, obs: CopyObservation): CopyStep {
  if (copy.state === 'stale') return { copy };
  const move = (to: CopyState, reason: string, rejoinTarget: number | null = null): CopyStep => ({
    copy: { state: to, stateSince: obs.now, rejoinTarget },
    changed: { from: copy.state, to, reason },
  });
  if (obs.broken !== null) return move('stale', obs.broken);
  const own = behindMs(obs.oldestPendingAt, obs.now);
  if (own > obs.limits.logMaxAgeMs * STALE_AGE_SHARE) {
    return move('stale', `backlog of ${Math.round(own / 1000)} s nears the log's age limit`);
  }
  const extra = own - behindMs(obs.bestOldestPendingAt, obs.now);
  const unreachable =
    obs.unreachableSince !== null &&
    obs.now - obs.unreachableSince >= obs.limits.unreachableAfterMs;
  if (copy.state === 'caught-up') {
    if (unreachable) return move('lagging', 'node unreachable');
    if (extra > obs.limits.maxReadLagMs) {
      return move('lagging', `${Math.round(extra)} ms behind the most caught-up copy`);
    }
    return { copy };
  }
  // lagging
  const near = obs.unreachableSince === null && extra <= obs.limits.maxReadLagMs / 2;
  if (!near) {
    return copy.rejoinTarget === null ? { copy } : { copy: { ...copy, rejoinTarget: null } };
  }
  const target = copy.rejoinTarget ?? obs.logLastSeq;
  if (obs.appliedSeq >= target) return move('caught-up', `applied up to ${target}`);
  return copy.rejoinTarget === target ? { copy } : { copy: { ...copy, rejoinTarget: target } };
}

/**
 * A node writer's first status, starting after log position `seq`: 0 for a node there from the
 * start; the log's last position for a node added later, which gets its copies by migrations.
 */
export function freshWriterStatus(nodeId: string, now: number, seq: number): WriterStatus {
  return {
    nodeId,
    fromSeq: seq,
    trusted: seq === 0,
    sentSeq: seq,
    appliedSeq: seq,
    oldestPendingAt: null,
    lastNodeTaskUid: null,
    inflight: [],
    state: 'caught-up',
    stateSince: now,
    rejoinTarget: null,
    lagMessages: 0,
    retries: 0,
    refusedParts: 0,
    holder: null,
    updatedAt: now,
    error: null,
  };
}

/**
 * Which nodes' copies can be read or copied from now: the node serves (active or draining) and its
 * copy is caught up (a node whose writer never reported has nothing newer to miss).
 */
export function servingCopies(
  nodes: readonly { id: string; state: string }[],
  writers: readonly Pick<WriterStatus, 'nodeId' | 'state'>[],
): (nodeId: string) => boolean {
  const state = new Map(nodes.map((n) => [n.id, n.state]));
  const copy = new Map(writers.map((w) => [w.nodeId, w.state]));
  return (id) => {
    const s = state.get(id);
    return (s === 'active' || s === 'draining') && (copy.get(id) ?? 'caught-up') === 'caught-up';
  };
}
