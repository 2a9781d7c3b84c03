import { Injectable } from '@nestjs/common';
import type { CatalogRecord } from '#lib/contracts';
import { MeiliError } from '#lib/errors';
import { checkIndexUid } from '#lib/meili-api';
import { CatalogService, indexNotFound } from '../indexes/catalog.service.js';
import { touched } from '../indexes/index.service.js';
import type { TaskSummary } from '../tasks/task-view.js';

/**
 * `POST /swap-indexes` as one catalog change: each client uid takes the other's node-side index
 * (documents, settings and placement move with it). Nodes are never asked to swap, so the swap is
 * atomic for every gateway and cannot be undone by a replay.
 */
@Injectable()
export class SwapService {
  constructor(private readonly catalog: CatalogService) {}

  async swap(body: unknown): Promise<TaskSummary> {
    if (!Array.isArray(body)) {
      throw new MeiliError('bad_request', 'Invalid value type: expected an array of swaps');
    }
    const pairs = body.map((swap, i) => {
      const indexes = (swap as { indexes?: unknown })?.indexes;
      if (!Array.isArray(indexes) || indexes.length !== 2) {
        throw new MeiliError(
          'invalid_swap_indexes',
          `Invalid value at \`[${i}].indexes\`: two index uids are expected`,
        );
      }
      return [checkIndexUid(indexes[0]), checkIndexUid(indexes[1])] as [string, string];
    });
    const task = {
      type: 'indexSwap',
      indexUid: null,
      details: { swaps: pairs.map((indexes) => ({ indexes, rename: false })) },
    };
    const appended = await this.catalog.change(task, async (view) => {
      const records = new Map<string, CatalogRecord>();
      for (const uid of pairs.flat()) {
        const record = records.get(uid) ?? (await view.get(uid));
        if (!record) return { kind: 'refuse', error: indexNotFound(uid) };
        records.set(uid, record);
      }
      const changed: Record<string, CatalogRecord> = Object.fromEntries(records);
      for (const [a, b] of pairs) {
        const [ra, rb] = [changed[a]!, changed[b]!];
        changed[a] = { ...touched(rb), uid: a };
        changed[b] = { ...touched(ra), uid: b };
      }
      return { kind: 'change', records: changed, op: { kind: 'none' } };
    });
    return appended.summary;
  }
}
