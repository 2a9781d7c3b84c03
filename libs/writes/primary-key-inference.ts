import { MeiliError } from '#lib/errors';
import type { IncomingDocument } from './incoming-documents.js';

/**
 * Meilisearch's inference for an addition to an index without a primary key: the first document's
 * top-level fields whose lower-cased name ends in `id`; exactly one must match (milli's
 * `guess_primary_key.rs`; the error names the first two candidates in sorted order).
 */
export function inferPrimaryKey(documents: readonly IncomingDocument[]): string {
  return guessPrimaryKey(documents[0]?.value ?? {});
}

/** The inference over one (the first) document's fields. */
export function guessPrimaryKey(first: Record<string, unknown>): string {
  const candidates = Object.keys(first)
    .filter((f) => f.toLowerCase().endsWith('id'))
    .sort();
  if (candidates.length === 1) return candidates[0]!;
  if (candidates.length === 0) {
    throw new MeiliError(
      'index_primary_key_no_candidate_found',
      'The primary key inference failed as the engine did not find any field ending with `id` in its name. Please specify the primary key manually using the `primaryKey` query parameter.',
    );
  }
  throw new MeiliError(
    'index_primary_key_multiple_candidates_found',
    `The primary key inference failed as the engine found ${candidates.length} fields ending with \`id\` in their names: '${candidates[0]}' and '${candidates[1]}'. Please specify the primary key manually using the \`primaryKey\` query parameter.`,
  );
}
