import { MeiliError } from '#lib/errors';
import { checkIndexUid } from './index-uid.js';
import { describeValue } from './params.js';

/**
 * `POST /swap-indexes` as Meilisearch's deserr reads it (routes/swap_indexes.rs
 * `SwapIndexesPayload`; error.rs `SwapIndexPayloadWrongLength`; index-scheduler error.rs
 * `SwapDuplicateIndex(es)Found`).
 */
export interface Swap {
  indexes: [string, string];
  rename: boolean;
}

/** The body as Meilisearch's deserr reads it (routes/swap_indexes.rs `SwapIndexesPayload`). */
export function parseSwaps(body: unknown): Swap[] {
  if (!Array.isArray(body)) {
    throw new MeiliError(
      'bad_request',
      `Invalid value type: expected an array, but found ${describeValue(body)}`,
    );
  }
  return body.map((item, i): Swap => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      throw new MeiliError(
        'bad_request',
        `Invalid value type at \`[${i}]\`: expected an object, but found ${describeValue(item)}`,
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
        `Invalid value type at \`[${i}].indexes\`: expected an array, but found ${describeValue(swap.indexes)}`,
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
        `Invalid value type at \`[${i}].rename\`: expected a boolean, but found ${describeValue(rename)}`,
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
export function refuseSwapDuplicates(uids: string[]): void {
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

/**
 * A rename onto an index that exists fails the swap task (index-scheduler `SwapIndexFoundDuringRename`
 * and its plural; meilisearch tests/swap_indexes/errors.rs `swap_indexes_rename_to_already_existing_index`).
 */
export function renameConflict(renames: readonly (readonly [string, string])[]): MeiliError {
  if (renames.length === 1) {
    const [from, to] = renames[0]!;
    return new MeiliError(
      'index_already_exists',
      `Cannot rename \`${from}\` to \`${to}\` as the index already exists. Hint: You can remove \`${to}\` first and then do your remove.`,
    );
  }
  return new MeiliError(
    'index_already_exists',
    `The following indexes are being renamed but cannot because their new name conflicts with an already existing index: ${renames.map(([, to]) => `\`${to}\``).join(', ')}. Renaming doesn't overwrite the other index name.`,
  );
}
