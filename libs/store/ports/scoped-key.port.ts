import type { Fence } from '../fence.js';

export type RotationState = 'stable' | 'minted' | 'promoted' | 'draining' | 'revoked';

/** Per index: the search-only node key Miroir hands out, and the one being retired. */
export interface ScopedKeyRecord {
  indexUid: string;
  primaryUid: string;
  previousUid: string | null;
  rotatedAt: string | null;
  generation: number;
  state: RotationState;
  /** Uid minted for the next generation, before promotion. */
  nextUid: string | null;
  /** Node key only: the primary key's value, sealed (libs/keys `sealNodeKey`). */
  sealedKey?: string;
  /** Node key only: what the key may do, copied to each successor. */
  grants?: { actions: string[]; indexes: string[] };
}

export type ScopedKeyWrite =
  { ok: true; record: ScopedKeyRecord } | { ok: false; generation: number | null };

export interface ScopedKeyStore {
  get(indexUid: string): Promise<ScopedKeyRecord | null>;
  /**
   * Writes the record if the stored generation equals `expectedGeneration` (null = absent), so
   * a promotion (generation + 1) happens once.
   */
  put(
    record: ScopedKeyRecord,
    expectedGeneration: number | null,
    fence?: Fence,
  ): Promise<ScopedKeyWrite>;
  delete(indexUid: string, fence?: Fence): Promise<boolean>;
  list(): Promise<ScopedKeyRecord[]>;
}
