import { Controller, Delete, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { EventBus, WriteLog } from '#lib/bus';
import { MeiliError } from '#lib/errors';
import { asObject, rejectUnknown } from '#lib/meili-api';
import { freshWriterStatus } from '#lib/replication';
import { isPlacementCandidate, lastCopyOn, type NodeState } from '#lib/routing';
import {
  isFinishedPhase,
  type MigrationRecord,
  type Store,
  type StoredNode,
  type StoredTopology,
} from '#lib/store';
import { AdminOnly } from '../auth/auth.guard.js';
import { JsonBody } from '../http/request.js';
import { STORE } from '../infra/tokens.js';
import { TopologyService } from '../infra/topology.service.js';

const NODE_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Nodes and rebalancing (operations.md): add, drain and remove nodes; watch, pause and resume the
 * rebalance the rebalancer runs. Every change is a compare-and-set on the store's epoch followed by
 * a `miroir.topology.changed` event.
 */
@Controller()
export class NodesController {
  constructor(
    @Inject(STORE) private readonly store: Store,
    private readonly topology: TopologyService,
    private readonly bus: EventBus,
    private readonly log: WriteLog,
  ) {}

  @Get('_miroir/nodes')
  @AdminOnly()
  async list() {
    const topology = await this.topology.current();
    const writers = new Map((await this.store.writers.list()).map((w) => [w.nodeId, w]));
    const last = (await this.log.state()).lastSeq;
    const placements = await this.store.topology.listPlacements();
    return {
      epoch: topology.epoch,
      results: topology.nodes.map((n) => {
        let copies = 0;
        for (const p of Object.values(placements))
          for (const shards of Object.values(p.groups))
            for (const c of shards) if (c.owners.includes(n.id)) copies++;
        const w = writers.get(n.id);
        return {
          id: n.id,
          url: n.url,
          group: n.group,
          state: n.state,
          copy: w?.state ?? null,
          lagMessages: w ? Math.max(0, last - w.appliedSeq) : null,
          shardCopies: copies,
          lastSeen: n.lastSeen,
          error: n.error,
        };
      }),
    };
  }

  /** Adds a node (`joining`): its writer starts at the log's end; the rebalancer moves copies to it. */
  @Post('_miroir/nodes')
  @HttpCode(202)
  @AdminOnly()
  async add(@JsonBody() input: unknown) {
    const body = asObject(input);
    rejectUnknown(body, ['id', 'url', 'group'], 'field');
    const { id, url } = body;
    if (typeof id !== 'string' || !NODE_ID.test(id)) {
      throw new MeiliError('miroir_invalid_node', '`id` must be 1 to 64 of A-Z a-z 0-9 _ -.');
    }
    if (typeof url !== 'string' || !/^https?:\/\/[^\s]+$/.test(url)) {
      throw new MeiliError('miroir_invalid_node', '`url` must be an http(s) URL.');
    }
    const current = await this.store.topology.getTopology();
    const groups = [...new Set((current?.nodes ?? []).map((n) => n.group))].sort();
    const group = body.group ?? groups[0] ?? 'default';
    if (typeof group !== 'string' || !NODE_ID.test(group)) {
      throw new MeiliError('miroir_invalid_node', '`group` must be 1 to 64 of A-Z a-z 0-9 _ -.');
    }
    if (current && !groups.includes(group)) {
      throw new MeiliError(
        'miroir_invalid_node',
        `Group \`${group}\` does not exist (groups: ${groups.join(', ')}); add a group with its own operation.`,
      );
    }
    if (current?.nodes.some((n) => n.id === id)) {
      // Ids are hashed for placement: one never names another machine, even after removal.
      throw new MeiliError('miroir_node_already_exists', `Node \`${id}\` already exists.`);
    }
    // The new node holds nothing yet: its writer starts at the log's end (copies come by migration).
    const last = (await this.log.state()).lastSeq;
    if (!(await this.store.writers.get(id))) {
      await this.store.writers.put(freshWriterStatus(id, Date.now(), last));
    }
    const node: StoredNode = { id, url, group, state: 'joining', lastSeen: null, error: null };
    const epoch = await this.commit((t) => {
      if (t.nodes.some((n) => n.id === id)) {
        throw new MeiliError('miroir_node_already_exists', `Node \`${id}\` already exists.`);
      }
      return [...t.nodes, node];
    });
    this.bus.publish('topology.changed', { epoch, change: 'nodeAdded', nodeId: id });
    this.bus.publish('nodes.state', { nodeId: id, from: null, to: 'joining', error: null });
    return { node, epoch };
  }

  /**
   * Adds a replica group: its nodes join, and every shard of every index gets RF copies in it,
   * copied from the other groups (a shard's copy there serves reads once it is complete).
   */
  @Post('_miroir/groups')
  @HttpCode(202)
  @AdminOnly()
  async addGroup(@JsonBody() input: unknown) {
    const body = asObject(input);
    rejectUnknown(body, ['id', 'nodes'], 'field');
    const { id } = body;
    if (typeof id !== 'string' || !NODE_ID.test(id)) {
      throw new MeiliError('miroir_invalid_node', '`id` must be 1 to 64 of A-Z a-z 0-9 _ -.');
    }
    if (!Array.isArray(body.nodes) || body.nodes.length === 0) {
      throw new MeiliError(
        'miroir_invalid_node',
        '`nodes` must list the group\'s nodes: `[{"id", "url"}]`.',
      );
    }
    const members = body.nodes.map((raw) => {
      const n = asObject(raw);
      rejectUnknown(n, ['id', 'url'], 'field');
      if (typeof n.id !== 'string' || !NODE_ID.test(n.id)) {
        throw new MeiliError(
          'miroir_invalid_node',
          'Each node `id` must be 1 to 64 of A-Z a-z 0-9 _ -.',
        );
      }
      if (typeof n.url !== 'string' || !/^https?:\/\/[^\s]+$/.test(n.url)) {
        throw new MeiliError('miroir_invalid_node', 'Each node `url` must be an http(s) URL.');
      }
      return { id: n.id, url: n.url };
    });
    if (new Set(members.map((m) => m.id)).size !== members.length) {
      throw new MeiliError('miroir_invalid_node', 'Node ids repeat.');
    }
    const last = (await this.log.state()).lastSeq;
    for (const m of members) {
      if (!(await this.store.writers.get(m.id))) {
        await this.store.writers.put(freshWriterStatus(m.id, Date.now(), last));
      }
    }
    for (let attempt = 0; attempt < 20; attempt++) {
      const snapshot = await this.store.topology.snapshot();
      const topology = snapshot.topology;
      if (!topology) throw new MeiliError('miroir_not_ready', 'No topology yet.');
      if (topology.nodes.some((n) => n.group === id)) {
        throw new MeiliError('miroir_node_already_exists', `Group \`${id}\` already exists.`);
      }
      const taken = members.find((m) => topology.nodes.some((n) => n.id === m.id));
      if (taken)
        throw new MeiliError('miroir_node_already_exists', `Node \`${taken.id}\` already exists.`);
      const { epoch: _e, ...rest } = topology;
      const nodes: StoredNode[] = [
        ...topology.nodes,
        ...members.map((m) => ({
          ...m,
          group: id,
          state: 'joining' as const,
          lastSeen: null,
          error: null,
        })),
      ];
      const placements = Object.fromEntries(
        Object.entries(snapshot.placements).map(([nodeUid, { epoch: _pe, ...p }]) => [
          nodeUid,
          {
            ...p,
            groups: {
              ...p.groups,
              [id]: Array.from({ length: p.shards }, () => ({ owners: [], incoming: [] })),
            },
          },
        ]),
      );
      const result = await this.store.topology.commit(
        { topology: { ...rest, nodes, replicaGroups: rest.replicaGroups + 1 }, placements },
        snapshot.epoch,
      );
      if (!result.ok) continue;
      for (const m of members) {
        this.bus.publish('topology.changed', {
          epoch: result.epoch,
          change: 'nodeAdded',
          nodeId: m.id,
        });
        this.bus.publish('nodes.state', { nodeId: m.id, from: null, to: 'joining', error: null });
      }
      return {
        group: id,
        nodes: members.map((m) => ({ ...m, state: 'joining' })),
        epoch: result.epoch,
      };
    }
    throw new MeiliError('miroir_not_ready', 'The topology kept changing; try again.');
  }

  /** Drains a node: its copies move to the other nodes of its group; then it is `removed`. */
  @Post('_miroir/nodes/:id/drain')
  @HttpCode(202)
  @AdminOnly()
  async drain(@Param('id') id: string) {
    let from: NodeState = 'active';
    const epoch = await this.commit((t) => {
      const node = this.find(t, id);
      if (node.state === 'removed') {
        throw new MeiliError('miroir_node_state_conflict', `Node \`${id}\` is already removed.`);
      }
      from = node.state;
      // Its copies need somewhere to go: RF live nodes of its group that stay.
      const staying = t.nodes.filter(
        (n) =>
          n.group === node.group && n.id !== id && isPlacementCandidate(n) && n.state !== 'failed',
      );
      if (node.state !== 'draining' && staying.length < t.replicationFactor) {
        throw new MeiliError(
          'miroir_not_enough_nodes',
          `Draining node \`${id}\` would leave group \`${node.group}\` ${staying.length} node(s) for ${t.replicationFactor} copies of each shard: add a node first (\`POST /_miroir/nodes\`).`,
        );
      }
      return t.nodes.map((n) => (n.id === id ? { ...n, state: 'draining' as const } : n));
    });
    this.bus.publish('topology.changed', { epoch, change: 'nodeDraining', nodeId: id });
    this.bus.publish('nodes.state', { nodeId: id, from, to: 'draining', error: null });
    return { id, state: 'draining', epoch };
  }

  /**
   * Removes a node now (a dead one, or one already drained): refused while it holds the only
   * caught-up copy of a shard; its copies are re-replicated from the others.
   */
  @Delete('_miroir/nodes/:id')
  @HttpCode(202)
  @AdminOnly()
  async remove(@Param('id') id: string) {
    const writers = new Map((await this.store.writers.list()).map((w) => [w.nodeId, w]));
    const placements = await this.store.topology.listPlacements();
    const topology = await this.store.topology.getTopology();
    this.find(topology ?? { nodes: [] }, id);
    const serving = (n: string) => {
      const node = topology?.nodes.find((x) => x.id === n);
      return (
        !!node &&
        node.state !== 'removed' &&
        node.state !== 'failed' &&
        (writers.get(n)?.state ?? 'caught-up') === 'caught-up'
      );
    };
    const last = lastCopyOn(placements, id, serving);
    if (last) {
      const index = (await this.store.catalog.nodeIndex(last.nodeUid))?.uid ?? last.nodeUid;
      throw new MeiliError(
        'miroir_node_holds_last_copy',
        `Node \`${id}\` holds the last caught-up copy of shard ${last.shard} of index \`${index}\`: drain it first (\`POST /_miroir/nodes/${id}/drain\`).`,
      );
    }
    let from: NodeState = 'active';
    const epoch = await this.commit((t) => {
      from = this.find(t, id).state;
      return t.nodes.map((n) => (n.id === id ? { ...n, state: 'removed' as const } : n));
    });
    this.bus.publish('topology.changed', { epoch, change: 'nodeRemoved', nodeId: id });
    this.bus.publish('nodes.state', { nodeId: id, from, to: 'removed', error: null });
    return { id, state: 'removed', epoch };
  }

  /** Where the rebalance stands: every move with its phase and progress, planned vs minimum, ETA. */
  @Get('_miroir/rebalance')
  @AdminOnly()
  async status() {
    const run = await this.store.rebalance.get('current');
    const all = (await this.store.migrations.list({ limit: 100_000 })).results;
    const moves = run ? all.filter((m) => m.run === run.id) : [];
    const active = moves.filter((m) => !isFinishedPhase(m.phase));
    const done = moves.filter((m) => m.phase === 'done');
    const failed = moves.filter((m) => m.phase === 'failed');
    const status = !run
      ? 'idle'
      : run.paused && run.finishedAt === null
        ? 'paused'
        : run.finishedAt !== null
          ? failed.length > 0
            ? 'failed'
            : 'idle'
          : active.length === 0
            ? 'planning'
            : 'running';
    const copied = moves.reduce((a, m) => a + m.counts.copied, 0);
    const total = moves.reduce((a, m) => a + Math.max(m.counts.total, m.counts.copied), 0);
    const elapsed = run ? (Date.now() - Date.parse(run.startedAt)) / 1000 : 0;
    const rate = elapsed > 0 ? copied / elapsed : 0;
    const left = Math.max(0, total - copied);
    return {
      status,
      id: run?.id ?? null,
      moves: moves.map(view),
      planned: run?.planned ?? 0,
      moved: done.length,
      minimum: run?.minimum ?? 0,
      documents: { copied, total },
      startedAt: run?.startedAt ?? null,
      finishedAt: run?.finishedAt ?? null,
      eta:
        run && run.finishedAt === null && rate > 0
          ? new Date(Date.now() + (left / rate) * 1000).toISOString()
          : null,
    };
  }

  @Post('_miroir/rebalance/pause')
  @HttpCode(202)
  @AdminOnly()
  pause() {
    return this.setPaused(true);
  }

  @Post('_miroir/rebalance/resume')
  @HttpCode(202)
  @AdminOnly()
  resume() {
    return this.setPaused(false);
  }

  private async setPaused(paused: boolean) {
    const updated = await this.store.rebalance.update('current', (r) => ({ ...r, paused }));
    if (!updated) {
      const now = new Date().toISOString();
      await this.store.rebalance.put('current', {
        id: 'none',
        startedAt: now,
        finishedAt: now,
        planned: 0,
        minimum: 0,
        paused,
      });
    }
    return this.status();
  }

  private find(t: Pick<StoredTopology, 'nodes'>, id: string): StoredNode {
    const node = t.nodes.find((n) => n.id === id);
    if (!node) throw new MeiliError('miroir_node_not_found', `Node \`${id}\` not found.`);
    return node;
  }

  /** Compare-and-set of the node list on the store's epoch, retried on a concurrent change. */
  private async commit(change: (t: StoredTopology) => StoredNode[]): Promise<number> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const snapshot = await this.store.topology.snapshot();
      if (!snapshot.topology) throw new MeiliError('miroir_not_ready', 'No topology yet.');
      const { epoch: _e, ...rest } = snapshot.topology;
      const nodes = change(snapshot.topology);
      const result = await this.store.topology.commit(
        { topology: { ...rest, nodes } },
        snapshot.epoch,
      );
      if (result.ok) return result.epoch;
    }
    throw new MeiliError('miroir_not_ready', 'The topology kept changing; try again.');
  }
}

function view(m: MigrationRecord) {
  return {
    index: m.indexUid,
    shard: m.shard,
    group: m.group,
    from: m.displaced,
    source: m.source,
    to: m.target,
    phase: m.phase,
    copied: m.counts.copied,
    total: Math.max(m.counts.total, m.counts.copied),
    repaired: m.counts.repaired,
    error: m.error,
    updatedAt: m.updatedAt,
  };
}
