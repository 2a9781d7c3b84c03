import { Injectable } from '@nestjs/common';
import type { CatalogRecord } from '#lib/contracts';
import { MeiliError } from '#lib/errors';
import { allowsIndex, parseSwaps, refuseSwapDuplicates, renameConflict } from '#lib/meili-api';
import { CatalogService, indexNotFound } from '../indexes/catalog.service.js';
import { touched } from '../indexes/index.service.js';
import type { Access } from '../auth/access.js';
import type { TaskSummary } from '#lib/meili-api';

/**
 * `POST /swap-indexes` as one catalog change: each client uid takes the other's node-side index
 * (documents, settings and placement move with it). Nodes are never asked to swap, so the swap is
 * atomic for every gateway and cannot be undone by a replay.
 */
@Injectable()
export class SwapService {
  constructor(private readonly catalog: CatalogService) {}

  async swap(body: unknown, access: Access): Promise<TaskSummary> {
    const swaps = parseSwaps(body);
    // The key must cover both indexes of every pair (routes/swap_indexes.rs), not only hold
    // `indexes.swap`: otherwise a key for A could swap B's data into A and read it.
    for (const { indexes } of swaps) {
      if (!indexes.every((uid) => allowsIndex(access.indexes, uid))) {
        throw new MeiliError('invalid_api_key', 'The provided API key is invalid.');
      }
    }
    refuseSwapDuplicates(swaps.flatMap((s) => s.indexes));
    const task = { type: 'indexSwap', indexUid: null, details: { swaps } };
    const appended = await this.catalog.change(task, async (view) => {
      const records = new Map<string, CatalogRecord | null>();
      for (const uid of swaps.flatMap((s) => s.indexes)) records.set(uid, await view.get(uid));
      // Missing indexes over all pairs, sorted (a BTreeSet in process_batch.rs): both sides of a
      // swap, the source of a rename. A rename onto an existing index fails too.
      const missing = new Set<string>();
      const taken: [string, string][] = [];
      for (const {
        indexes: [a, b],
        rename,
      } of swaps) {
        if (!records.get(a)) missing.add(a);
        if (!rename && !records.get(b)) missing.add(b);
        if (rename && records.get(b)) taken.push([a, b]);
      }
      if (missing.size > 0) return { kind: 'refuse', error: notFound([...missing].sort()) };
      if (taken.length > 0) return { kind: 'refuse', error: renameConflict(taken) };
      const changed: Record<string, CatalogRecord | null> = {};
      for (const {
        indexes: [a, b],
        rename,
      } of swaps) {
        const ra = records.get(a)!;
        const rb = records.get(b) ?? null;
        // Node-side indexes are per incarnation, so a swap or rename only moves catalog records.
        changed[b] = { ...touched(ra), uid: b };
        changed[a] = rename ? null : { ...touched(rb!), uid: a };
      }
      return { kind: 'change', records: changed, op: { kind: 'none' } };
    });
    return appended.summary;
  }
}

function notFound(uids: string[]): MeiliError {
  return uids.length === 1
    ? indexNotFound(uids[0]!)
    : new MeiliError(
        'index_not_found',
        `Indexes ${uids.map((u) => `\`${u}\``).join(', ')} not found.`,
      );
}
