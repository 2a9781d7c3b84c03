import { Inject, Injectable } from '@nestjs/common';
import type { MiroirConfig } from '#lib/config';
import { MeiliError } from '#lib/errors';
import type { Settings } from '#lib/meili-api';
import { coveringSet } from '#lib/routing';
import type { SearchContext } from '#lib/search';
import { CatalogService } from '../indexes/catalog.service.js';
import { CONFIG } from '../infra/tokens.js';
import { TopologyService } from '../infra/topology.service.js';
import type { CopyChoice } from './scatter.executor.js';

/** Everything a search plan needs for one index: its client settings and a fresh covering set. */
@Injectable()
export class SearchContextService {
  constructor(
    @Inject(CONFIG) private readonly config: MiroirConfig,
    private readonly catalog: CatalogService,
    private readonly topology: TopologyService,
  ) {}

  async contextFor(indexUid: string, choice: CopyChoice): Promise<SearchContext> {
    const index = await this.catalog.get(indexUid);
    const placement = await this.topology.placement(index.nodeUid);
    if (!placement)
      throw new MeiliError('miroir_not_ready', `Index \`${indexUid}\` has no placement yet.`);
    const topology = await this.topology.current();
    const groups = Object.keys(placement.groups).sort();
    const covering = coveringSet({
      placement,
      group: groups[choice.rotation % groups.length] ?? '0',
      rotation: choice.rotation,
      isHealthy: (nodeId) =>
        !choice.exclude.has(nodeId) && this.topology.isReadable(topology, nodeId),
    });
    if (covering.uncovered.length > 0 && this.config.unavailableShardPolicy === 'error') {
      throw new MeiliError(
        'miroir_shard_unavailable',
        `Shards ${covering.uncovered.join(', ')} of index \`${indexUid}\` have no reachable copy.`,
      );
    }
    const settings = index.settings as unknown as Settings;
    return {
      indexUid,
      nodeUid: index.nodeUid,
      shards: placement.shards,
      covering,
      unavailableShardPolicy: this.config.unavailableShardPolicy,
      settings: {
        primaryKey: index.primaryKey ?? 'id',
        rankingRules: settings.rankingRules,
        distinctAttribute: settings.distinctAttribute,
        maxTotalHits: settings.pagination.maxTotalHits,
        maxValuesPerFacet: settings.faceting.maxValuesPerFacet,
        sortFacetValuesBy: settings.faceting.sortFacetValuesBy,
        filterableAttributes: settings.filterableAttributes,
        displayedAttributes: settings.displayedAttributes,
      },
    };
  }
}
