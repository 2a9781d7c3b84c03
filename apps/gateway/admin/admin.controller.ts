import { Controller, Get, Header, Inject } from '@nestjs/common';
import { EventBus } from '#lib/bus';
import { asyncApiDocument } from '#lib/contracts';
import { MeiliError } from '#lib/errors';
import type { Store } from '#lib/store';
import { AdminOnly, Public } from '../auth/auth.guard.js';
import { Query } from '../http/request.js';
import { STORE } from '../infra/tokens.js';
import { TopologyService } from '../infra/topology.service.js';
import { MetricsService } from './metrics.service.js';
import { adminOpenApi } from './openapi.js';
import { MIROIR_VERSION } from '../system/version.js';

@Controller()
export class AdminController {
  constructor(
    @Inject(STORE) private readonly store: Store,
    private readonly topology: TopologyService,
    private readonly bus: EventBus,
    private readonly metrics: MetricsService,
  ) {}

  /** Nodes with their state and passive health, groups, RF, epoch, shard copies per node. */
  @Get('_miroir/topology')
  @AdminOnly()
  async getTopology() {
    const topology = await this.topology.current();
    const placements = await this.store.topology.listPlacements();
    const copies = new Map<string, number>();
    for (const p of Object.values(placements)) {
      for (const shards of Object.values(p.groups)) {
        for (const c of shards) for (const n of c.owners) copies.set(n, (copies.get(n) ?? 0) + 1);
      }
    }
    const health = new Map(this.topology.health.snapshot().map((h) => [h.nodeId, h]));
    return {
      epoch: topology.epoch,
      replicationFactor: topology.replicationFactor,
      replicaGroups: topology.replicaGroups,
      nodes: topology.nodes.map((n) => ({
        ...n,
        shardCopies: copies.get(n.id) ?? 0,
        passiveHealth: health.get(n.id) ?? null,
      })),
      indexes: Object.keys(placements).length,
    };
  }

  @Get('_miroir/shards')
  @AdminOnly()
  async shards(@Query() query: Record<string, string>) {
    if (!query.index) {
      return this.store.topology.listPlacements();
    }
    const placement = await this.store.topology.getPlacement(query.index);
    if (!placement) throw new MeiliError('index_not_found', `Index \`${query.index}\` not found.`);
    return { index: query.index, ...placement };
  }

  /** Readiness: store and bus reachable, topology loaded, every node of it known. */
  @Get('_miroir/ready')
  @Public()
  async ready() {
    try {
      await this.store.topology.epoch();
      await this.topology.current();
    } catch (err) {
      throw new MeiliError('miroir_not_ready', `Not ready: ${(err as Error).message}`);
    }
    if (!this.bus.isConnected())
      throw new MeiliError('miroir_not_ready', 'Not ready: NATS is not connected.');
    return { status: 'ready' };
  }

  @Get('_miroir/openapi.json')
  @Public()
  openApi() {
    return adminOpenApi(MIROIR_VERSION);
  }

  @Get('_miroir/asyncapi.json')
  @Public()
  asyncApi() {
    return asyncApiDocument(MIROIR_VERSION);
  }

  @Get('metrics')
  @AdminOnly()
  @Header('Content-Type', 'text/plain; version=0.0.4')
  prometheus() {
    return this.metrics.registry.metrics();
  }
}
