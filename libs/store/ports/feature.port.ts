/** Records of the small feature tables (state.md #2, #8, #10-#13). */

/** Last settings version verified on one node for one index. */
export interface NodeSettingsVersion {
  indexUid: string;
  nodeId: string;
  version: number;
  verifiedAt: string;
}

export function nodeSettingsId(indexUid: string, nodeId: string): string {
  return `${indexUid}/${nodeId}`;
}

/** A synthetic query with assertions, run on an interval. */
export interface Canary {
  id: string;
  indexUid: string;
  query: Record<string, unknown>;
  /** e.g. `{minHits: 1, maxLatencyMs: 200, firstHitId: "42"}`; interpreted by the runner. */
  assertions: Record<string, unknown>;
  intervalMs: number;
  enabled: boolean;
}

/** Last event sequence a CDC sink acknowledged for one index. */
export interface CdcCursor {
  sink: string;
  indexUid: string;
  sequence: number;
  updatedAt: string;
}

export function cdcCursorId(sink: string, indexUid: string): string {
  return `${sink}/${indexUid}`;
}

/** hash(api key) → tenant and the replica group its traffic is pinned to. */
export interface TenantMapping {
  keyHash: string;
  tenant: string;
  group: string | null;
}

export interface RolloverPolicy {
  name: string;
  writeAlias: string;
  readAlias: string;
  /** e.g. `logs-{yyyy}-{mm}-{dd}`. */
  namePattern: string;
  triggers: { maxAgeMs?: number; maxDocuments?: number };
  /** How many rolled indexes the read alias keeps. */
  retention: number;
  /** Settings and shard count for each new index. */
  template: Record<string, unknown>;
}

export interface SearchUiConfig {
  indexUid: string;
  config: Record<string, unknown>;
  updatedAt: string;
}
