import { Injectable } from '@nestjs/common';
import type { CatalogRecord } from '#lib/contracts';
import { MeiliError } from '#lib/errors';
import { allowsIndex, checkIndexUid } from '#lib/meili-api';
import { CatalogService, indexNotFound } from '../indexes/catalog.service.js';
import { touched } from '../indexes/index.service.js';
import type { Access } from '../auth/access.js';
import type { TaskSummary } from '../tasks/task-view.js';

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
    refuseDuplicates(swaps.flatMap((s) => s.indexes));
    const task = { type: 'indexSwap', indexUid: null, details: { swaps } };
    const appended = await this.catalog.change(task, async (view) => {
      const records = new Map<string, CatalogRecord | null>();
      for (const uid of swaps.flatMap((s) => s.indexes)) records.set(uid, await view.get(uid));
      // Missing indexes over all pairs, sorted (a BTreeSet in process_batch.rs): both sides of a
      // swap, the source of a rename. A rename onto an existing index fails too.
      const missing = new Set<string>();
      const taken: string[] = [];
      for (const {
        indexes: [a, b],
        rename,
      } of swaps) {
        if (!records.get(a)) missing.add(a);
        if (!rename && !records.get(b)) missing.add(b);
        if (rename && records.get(b)) taken.push(b);
      }
      if (missing.size > 0) return { kind: 'refuse', error: notFound([...missing].sort()) };
      if (taken.length > 0) {
        return {
          kind: 'refuse',
          error: new MeiliError(
            'index_already_exists',
            taken.length === 1
              ? `Index \`${taken[0]}\` already exists.`
              : `Indexes ${taken.map((u) => `\`${u}\``).join(', ')} already exist.`,
          ),
        };
      }
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

interface Swap {
  indexes: [string, string];
  rename: boolean;
}

/** The body as Meilisearch's deserr reads it (routes/swap_indexes.rs `SwapIndexesPayload`). */
function parseSwaps(body: unknown): Swap[] {
  if (!Array.isArray(body)) {
    throw new MeiliError(
      'bad_request',
      `Invalid value type: expected an array, but found ${describe(body)}`,
    );
  }
  return body.map((item, i): Swap => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      throw new MeiliError(
        'bad_request',
        `Invalid value type at \`[${i}]\`: expected an object, but found ${describe(item)}`,
      );
    }
    const swap = item as Record<string, unknown>;
    for (const key of Object.keys(swap)) {
      if (key !== 'indexes' && key !== 'rename') {
        throw new MeiliError(
          'bad_request',
          `Unknown field \`${key}\` inside \`[${i}]\`: expected one of \`indexes\`, \`rename\``,
        );
      }
    }
    if (swap.indexes === undefined) {
      throw new MeiliError('missing_swap_indexes', `Missing field \`indexes\` inside \`[${i}]\``);
    }
    if (!Array.isArray(swap.indexes)) {
      throw new MeiliError(
        'invalid_swap_indexes',
        `Invalid value type at \`[${i}].indexes\`: expected an array, but found ${describe(swap.indexes)}`,
      );
    }
    const uids = swap.indexes.map((uid, j) => {
      try {
        return checkIndexUid(uid, 'invalid_swap_indexes');
      } catch (err) {
        if (!(err instanceof MeiliError)) throw err;
        throw new MeiliError(err.code, `Invalid value at \`[${i}].indexes[${j}]\`: ${err.message}`);
      }
    });
    const rename = swap.rename ?? false;
    if (typeof rename !== 'boolean') {
      throw new MeiliError(
        'invalid_swap_rename',
        `Invalid value type at \`[${i}].rename\`: expected a boolean, but found ${describe(rename)}`,
      );
    }
    if (uids.length !== 2) {
      throw new MeiliError(
        'invalid_swap_indexes',
        `Two indexes must be given for each swap. The list \`[${uids.map((u) => JSON.stringify(u)).join(', ')}]\` contains ${uids.length} indexes.`,
      );
    }
    return { indexes: [uids[0]!, uids[1]!], rename };
  });
}

/** Every index at most once over all swaps (index-scheduler `SwapDuplicateIndex(es)Found`). */
function refuseDuplicates(uids: string[]): void {
  const seen = new Set<string>();
  const twice: string[] = [];
  for (const uid of uids) {
    if (seen.has(uid) && !twice.includes(uid)) twice.push(uid);
    seen.add(uid);
  }
  if (twice.length === 0) return;
  throw new MeiliError(
    'invalid_swap_duplicate_index_found',
    twice.length === 1
      ? `Indexes must be declared only once during a swap. \`${twice[0]}\` was specified several times.`
      : `Indexes must be declared only once during a swap. ${twice.map((u) => `\`${u}\``).join(', ')} were specified several times.`,
  );
}

function notFound(uids: string[]): MeiliError {
  return uids.length === 1
    ? indexNotFound(uids[0]!)
    : new MeiliError(
        'index_not_found',
        `Indexes ${uids.map((u) => `\`${u}\``).join(', ')} not found.`,
      );
}

/** deserr's wording of a JSON value's kind: ``a string: `"x"` ``. */
function describe(value: unknown): string {
  const kind =
    value === null
      ? 'null'
      : Array.isArray(value)
        ? 'an array'
        : typeof value === 'object'
          ? 'an object'
          : typeof value === 'string'
            ? 'a string'
            : typeof value === 'number'
              ? 'a positive integer'
              : 'a boolean';
  return `${kind}: \`${JSON.stringify(value)}\``;
}
