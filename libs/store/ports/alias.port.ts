import type { Fence } from '../fence.js';

export type AliasKind = 'single' | 'multi';

export interface AliasHistoryEntry {
  version: number;
  targets: string[];
  flippedAt: string;
  actor: string;
}

export interface AliasRecord {
  name: string;
  kind: AliasKind;
  targets: string[];
  /** Rollover policy that owns a multi alias; operators may not edit it. */
  ownerPolicy: string | null;
  /** Flip counter: 0 at creation, +1 per flip. */
  version: number;
  /** Newest first, at most the retention given to `flip`. */
  history: AliasHistoryEntry[];
  createdAt: string;
  updatedAt: string;
}

export interface NewAlias {
  name: string;
  kind: AliasKind;
  targets: string[];
  ownerPolicy: string | null;
  createdAt: string;
}

export interface FlipRequest {
  targets: string[];
  actor: string;
  flippedAt: string;
  /** Flip only from this version (compare-and-set); omitted = flip whatever the version. */
  expectedVersion?: number;
  /** History entries kept (default 10). */
  retention?: number;
  fence?: Fence;
}

export type FlipResult =
  | { ok: true; alias: AliasRecord }
  | { ok: false; reason: 'not_found' | 'version_mismatch'; version: number | null };

export const DEFAULT_ALIAS_HISTORY = 10;

export interface AliasStore {
  get(name: string): Promise<AliasRecord | null>;
  /** False when the name is taken. */
  create(alias: NewAlias): Promise<boolean>;
  /** Atomic: targets replaced, version + 1, history entry pushed and trimmed. */
  flip(name: string, request: FlipRequest): Promise<FlipResult>;
  delete(name: string): Promise<boolean>;
  /** Ordered by name. */
  list(): Promise<AliasRecord[]>;
}
