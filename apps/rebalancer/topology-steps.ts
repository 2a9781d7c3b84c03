import type { EventBus, WriteLog } from '#lib/bus';
import { logSubjects, type LogHeader } from '#lib/contracts';
import type { Placement, PlacementChange } from '#lib/routing';
import type { Store } from '#lib/store';

/** Topology steps a move and the planner share. */

/**
 * Waits until every live gateway routes with `epoch` or later (a dead one's beacon expires within
 * seconds), then a grace that outlasts a node request a gateway started just before it switched.
 * Throws if a live gateway stays behind: the caller keeps its step and tries again later.
 */
export async function waitForGateways(
  store: Store,
  epoch: number,
  graceMs: number,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { results } = await store.epochBeacons.list({ limit: 10_000 });
    const behind = results.filter((b) => b.epoch < epoch);
    if (behind.length === 0) break;
    if (Date.now() > deadline) {
      throw new GatewaysBehind(
        `${behind.length} gateway(s) still route with an epoch before ${epoch}`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await new Promise((r) => setTimeout(r, graceMs));
}

export class GatewaysBehind extends Error {
  override readonly name = 'GatewaysBehind';
}

/**
 * Makes a joining node active (it serves reads) once it owns a complete copy; false if the topology
 * kept changing. A node that is not joining is left as it is.
 */
export async function activateNode(
  store: Store,
  bus: Pick<EventBus, 'publish'>,
  nodeId: string,
): Promise<boolean> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const snapshot = await store.topology.snapshot();
    const topology = snapshot.topology;
    if (topology?.nodes.find((n) => n.id === nodeId)?.state !== 'joining') return true;
    const { epoch: _e, ...rest } = topology;
    const nodes = topology.nodes.map((n) =>
      n.id === nodeId ? { ...n, state: 'active' as const } : n,
    );
    const result = await store.topology.commit({ topology: { ...rest, nodes } }, snapshot.epoch);
    if (result.ok) {
      bus.publish('nodes.state', { nodeId, from: 'joining', to: 'active', error: null });
      bus.publish('topology.changed', { epoch: result.epoch, change: 'nodeState', nodeId });
      return true;
    }
  }
  return false;
}

/** A placement step is not in the store yet (no writer got there), or its index is gone. */
export class PlacementBusy extends Error {
  override readonly name = 'PlacementBusy';
}

/** How long writers may make no progress at all before a step's wait gives up. */
const STALLED_MS = 60_000;

/**
 * Appends a placement step to the log (every node writer applies it at its position), then waits
 * until it is in the store. Only node writers commit steps, each in log order, so the store always
 * holds every step up to a position: a step committed here first could make the store skip an
 * earlier one still on its way (a crashed mover's), and disagree with what writers hold. `msgId`
 * makes an append repeated after a crash one message (within the log's duplicate window); with
 * `seq` (the step was appended before, at that position) nothing is appended. The wait lasts as
 * long as writers make progress, however far behind they are.
 */
export async function appendPlacementStep(
  store: Store,
  log: WriteLog,
  index: { uid: string; nodeUid: string },
  change: PlacementChange,
  msgId: string,
  options: { seq?: number | null; appended?: (seq: number) => Promise<void> } = {},
): Promise<{ seq: number; epoch: number; placement: Placement }> {
  let seq = options.seq ?? null;
  if (seq === null) {
    const header: LogHeader = {
      v: 1,
      task: {
        type: 'miroirShardMove',
        indexUid: index.uid,
        details: null,
        enqueuedAt: new Date().toISOString(),
      },
      op: {
        kind: 'placement',
        index,
        change: { ...change, displaced: change.displaced ?? null },
      },
    };
    ({ seq } = await log.append({
      subject: logSubjects.documents(log.names, index.uid),
      header,
      msgId,
    }));
    await options.appended?.(seq);
  }
  let progress = -1;
  let deadline = Date.now() + STALLED_MS;
  for (;;) {
    const epoch = await store.topology.epoch();
    const placement = await store.topology.getPlacement(index.nodeUid);
    if (!placement) throw new PlacementBusy('index deleted');
    if ((placement.groups[change.group]?.[change.shard]?.at ?? 0) >= seq) {
      return { seq, epoch, placement };
    }
    const furthest = Math.max(0, ...(await store.writers.list()).map((w) => w.sentSeq));
    if (furthest > progress) {
      progress = furthest;
      deadline = Date.now() + STALLED_MS;
    } else if (Date.now() > deadline) {
      throw new PlacementBusy(`no node writer has applied log position ${seq} yet`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
