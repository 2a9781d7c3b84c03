import { MeiliError } from '#lib/errors';
import {
  atFilterPosition,
  filterFieldUses,
  filterParts,
  notFilterableText,
  parseFilter,
} from '#lib/filter';
import { RESERVED_PREFIX } from './facet-merge.js';

/** Whether a name is one of Miroir's reserved `_miroir_*` fields (never a client's). */
export function isReserved(name: unknown): boolean {
  return typeof name === 'string' && name.startsWith(RESERVED_PREFIX);
}

/**
 * A filter naming a reserved field answers what one Meilisearch node without that field would:
 * the field is not filterable (milli `FilterError::AttributeNotFilterable`, with the ``Index `uid`: ``
 * prefix of `MeilisearchHttpError::Milli` on search and tasks — tests/search/errors.rs,
 * tests/documents/delete_documents.rs — but not on the documents fetch route,
 * tests/documents/get_documents.rs — and the `{start}:{end} {filter}` position line of
 * `filter-parser/src/error.rs`). Nodes do filter on it (the shard restriction), so the gateway
 * must refuse it first. A filter that does not parse is left to the node's own error.
 */
export function refuseReservedFilter(
  filter: unknown,
  code: 'invalid_search_filter' | 'invalid_document_filter',
  indexUid: string,
  filterable: readonly unknown[],
  /** Search and task errors carry the prefix; the documents fetch route's error does not. */
  withIndexPrefix = true,
): void {
  for (const part of filterParts(filter)) {
    let fields: string[];
    try {
      const node = parseFilter(part, code);
      fields = node ? filterFieldUses(node).map((u) => u.field) : [];
    } catch {
      continue;
    }
    const field = fields.find(isReserved);
    if (field === undefined) continue;
    const text = notFilterableText(field, filterablePatterns(filterable));
    const prefix = withIndexPrefix ? `Index \`${indexUid}\`: ` : '';
    throw new MeiliError(code, atFilterPosition(`${prefix}${text}`, part, field));
  }
}

/** The client's filterable attribute patterns, sorted (strings and `attributePatterns` rules). */
export function filterablePatterns(rules: readonly unknown[]): string[] {
  const out = new Set<string>();
  for (const rule of rules) {
    if (typeof rule === 'string') out.add(rule);
    else if (rule && typeof rule === 'object') {
      const patterns = (rule as { attributePatterns?: unknown }).attributePatterns;
      if (Array.isArray(patterns)) for (const p of patterns) if (typeof p === 'string') out.add(p);
    }
  }
  return [...out].sort();
}
