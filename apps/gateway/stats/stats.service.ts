import { Inject, Injectable } from '@nestjs/common';
import { allowsIndex } from '#lib/meili-api';
import { HttpNodeClient } from '#lib/node-client';
import { coveringSet, SHARD_FIELD, shardFilter } from '#lib/routing';
import type { Store } from '#lib/store';
import type { Access } from '../auth/access.js';
import { IndexRegistry } from '../indexes/index-registry.service.js';
import { STORE } from '../infra/tokens.js';
import { TopologyService } from '../infra/topology.service.js';

interface NodeIndexStats {
  numberOfDocuments: number;
  rawDocumentDbSize?: number;
  avgDocumentSize?: number;
  isIndexing: boolean;
  fieldDistribution: Record<string, number>;
}

/**
 * Stats counted once, not once per copy: the document count comes from one copy of every shard
 * (shard-filtered browse totals, exact); sizes and field distribution from the nodes of one
 * replica group divided by RF.
 */
@Injectable()
export class StatsService {
  constructor(
    @Inject(STORE) private readonly store: Store,
    private readonly registry: IndexRegistry,
    private readonly topology: TopologyService,
    private readonly nodes: HttpNodeClient,
  ) {}

  async indexStats(uid: string): Promise<Record<string, unknown>> {
    await this.registry.get(uid);
    const placement = await this.topology.placement(uid);
    const topology = await this.topology.current();
    if (!placement) return emptyStats();
    const { group } = this.topology.nextRead(topology);
    const cover = coveringSet({
      placement,
      group,
      rotation: 0,
      isHealthy: (n) => this.topology.isReadable(topology, n),
    });
    const counts = await Promise.all(
      cover.requests.map((r) =>
        this.nodes.fetchDocuments(r.nodeId, uid, {
          limit: 0,
          filter: shardFilter(r.shards),
        }),
      ),
    );
    const groupNodes = [...new Set((placement.groups[group] ?? []).flatMap((c) => c.owners))];
    const perNode = await Promise.all(
      groupNodes
        .filter((n) => this.topology.isReadable(topology, n))
        .map((n) =>
          this.nodes
            .request<NodeIndexStats>(n, 'GET', `/indexes/${encodeURIComponent(uid)}/stats`, {
              route: 'stats',
            })
            .then((r) => r.body)
            .catch(() => null),
        ),
    );
    const rf = Math.max(1, topology.replicationFactor);
    const fieldDistribution: Record<string, number> = {};
    let rawSize = 0;
    for (const s of perNode) {
      if (!s) continue;
      rawSize += s.rawDocumentDbSize ?? 0;
      for (const [field, n] of Object.entries(s.fieldDistribution)) {
        if (field === SHARD_FIELD) continue;
        fieldDistribution[field] = (fieldDistribution[field] ?? 0) + n;
      }
    }
    for (const field of Object.keys(fieldDistribution)) {
      fieldDistribution[field] = Math.round(fieldDistribution[field]! / rf);
    }
    const numberOfDocuments = counts.reduce((n, c) => n + c.total, 0);
    const rawDocumentDbSize = Math.round(rawSize / rf);
    return {
      numberOfDocuments,
      rawDocumentDbSize,
      avgDocumentSize: numberOfDocuments ? Math.round(rawDocumentDbSize / numberOfDocuments) : 0,
      isIndexing: perNode.some((s) => s?.isIndexing),
      numberOfEmbeddings: 0,
      numberOfEmbeddedDocuments: 0,
      fieldDistribution,
    };
  }

  async globalStats(access: Access): Promise<Record<string, unknown>> {
    const all = await this.store.indexes.list({ offset: 0, limit: 1_000_000 });
    const indexes: Record<string, unknown> = {};
    let databaseSize = 0;
    let lastUpdate: string | null = null;
    for (const index of all.results) {
      if (!allowsIndex(access.indexes, index.uid)) continue;
      const stats = await this.indexStats(index.uid);
      indexes[index.uid] = stats;
      databaseSize += Number(stats.rawDocumentDbSize ?? 0);
      if (lastUpdate === null || index.updatedAt > lastUpdate) lastUpdate = index.updatedAt;
    }
    return { databaseSize, usedDatabaseSize: databaseSize, lastUpdate, indexes };
  }
}

function emptyStats(): Record<string, unknown> {
  return {
    numberOfDocuments: 0,
    rawDocumentDbSize: 0,
    avgDocumentSize: 0,
    isIndexing: false,
    numberOfEmbeddings: 0,
    numberOfEmbeddedDocuments: 0,
    fieldDistribution: {},
  };
}
