import { Injectable } from '@nestjs/common';
import { allowsIndex } from '#lib/meili-api';
import { HttpNodeClient } from '#lib/node-client';
import { RESERVED_PREFIX } from '#lib/routing';
import { withShardFilter } from '#lib/search';
import type { Access } from '../auth/access.js';
import { CatalogService } from '../indexes/catalog.service.js';
import { TopologyService } from '../infra/topology.service.js';
import { ScatterExecutor } from '../search/scatter.executor.js';

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
    private readonly catalog: CatalogService,
    private readonly topology: TopologyService,
    private readonly nodes: HttpNodeClient,
    private readonly scatter: ScatterExecutor,
  ) {}

  async indexStats(uid: string): Promise<Record<string, unknown>> {
    const index = await this.catalog.get(uid);
    const placement = await this.topology.placement(index.nodeUid);
    const topology = await this.topology.current();
    if (!placement) return emptyStats();
    // Exact counts from one copy of every shard, through the read executor (fails over).
    const { body: counts } = await this.scatter.run(`stats ${uid}`, async (lookup) => {
      const ctx = await lookup(uid);
      const pages = await Promise.all(
        ctx.covering.requests.map((r) =>
          this.nodes.fetchDocuments(r.nodeId, ctx.nodeUid, {
            limit: 0,
            filter: withShardFilter(undefined, r.shards, ctx.shards) ?? null,
          }),
        ),
      );
      return { body: pages, uncoveredShards: ctx.covering.uncovered };
    });
    const group = Object.keys(placement.groups).sort()[0]!;
    const groupNodes = [...new Set((placement.groups[group] ?? []).flatMap((c) => c.owners))];
    const perNode = await Promise.all(
      groupNodes
        .filter((n) => this.topology.isReadable(topology, n))
        .map((n) =>
          this.nodes
            .request<NodeIndexStats>(
              n,
              'GET',
              `/indexes/${encodeURIComponent(index.nodeUid)}/stats`,
              {
                route: 'stats',
              },
            )
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
        if (field.startsWith(RESERVED_PREFIX)) continue;
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
    const all = await this.catalog.list();
    const indexes: Record<string, unknown> = {};
    let databaseSize = 0;
    let lastUpdate: string | null = null;
    for (const index of all) {
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
