import { MeiliError } from '#lib/errors';
import { parseFilter } from '#lib/filter';
import { browseDocuments } from './browse.js';
import { DocumentStore, type Document } from './document-store.js';
import { runFacetSearch } from './facet-search.js';
import { FilterIndex } from './filter-index.js';
import { checkFilterable, isFilterable, isUnder } from './filterable.js';
import { InvertedIndex } from './inverted-index.js';
import { runSearch } from './search.js';
import { Tokenizer } from './tokenizer.js';
import type { EngineView } from './engine-view.js';
import { cloneSettings, DEFAULT_SETTINGS, type Settings } from '#lib/meili-api';

export type { Document } from './document-store.js';

/** One index: documents, settings, inverted and filter indexes, and the searches over them. */
export class IndexEngine implements EngineView {
  readonly store = new DocumentStore();
  private current: Settings;
  words!: InvertedIndex;
  filters!: FilterIndex;

  constructor(settings: Settings = DEFAULT_SETTINGS) {
    this.current = cloneSettings(settings);
    this.rebuildWords();
    this.rebuildFilters();
  }

  get settings(): Settings {
    return this.current;
  }

  /** Replaces the settings and re-indexes what they affect. */
  setSettings(next: Settings): void {
    const before = this.current;
    this.current = cloneSettings(next);
    const wordsKey = (s: Settings) =>
      JSON.stringify([s.searchableAttributes, s.separatorTokens, s.nonSeparatorTokens]);
    if (wordsKey(before) !== wordsKey(next)) {
      this.rebuildWords();
    }
    if (JSON.stringify(before.filterableAttributes) !== JSON.stringify(next.filterableAttributes)) {
      this.rebuildFilters();
    }
  }

  upsert(docs: Array<{ id: string; doc: Document }>, mode: 'replace' | 'update'): number {
    // Resolve the payload first (a repeated id replaces or merges into its earlier version),
    // then unindex the replaced documents in one pass, then index: bulk writes stay linear.
    const finals = new Map<string, Document>();
    for (const { id, doc } of docs) {
      const before = finals.get(id) ?? (mode === 'update' ? this.get(id) : undefined);
      finals.set(id, mode === 'update' && before ? { ...before, ...doc } : doc);
    }
    const replaced: number[] = [];
    for (const id of finals.keys()) {
      const internal = this.store.internalId(id);
      if (internal === undefined) continue;
      replaced.push(internal);
      this.filters.remove(internal, this.store.doc(internal)!);
    }
    this.words.removeMany(replaced);
    for (const [id, doc] of finals) {
      let internal = this.store.internalId(id);
      if (internal === undefined) internal = this.store.insert(id, doc);
      else this.store.replace(internal, doc);
      this.words.add(internal, doc);
      this.filters.add(internal, doc);
    }
    return docs.length;
  }

  deleteIds(ids: string[]): number {
    const internals = new Set<number>();
    for (const id of ids) {
      const internal = this.store.internalId(id);
      if (internal !== undefined) internals.add(internal);
    }
    this.words.removeMany(internals);
    for (const internal of internals) {
      this.filters.remove(internal, this.store.doc(internal)!);
      this.store.remove(internal);
    }
    return internals.size;
  }

  deleteByFilter(filter: unknown): number {
    const node = parseFilter(filter, 'invalid_document_filter');
    if (!node)
      throw new MeiliError('missing_document_filter', 'Missing filter to delete documents.');
    checkFilterable(this.current, filter, 'invalid_document_filter');
    const mask = this.filters.evaluate(node, this.liveMask());
    const ids: string[] = [];
    for (let i = 0; i < mask.length; i++) if (mask[i]) ids.push(this.store.externalId(i)!);
    return this.deleteIds(ids);
  }

  clear(): number {
    const n = this.store.size;
    this.store.clear();
    this.rebuildWords();
    this.rebuildFilters();
    return n;
  }

  get(id: string): Document | undefined {
    const internal = this.store.internalId(id);
    return internal === undefined ? undefined : this.store.doc(internal);
  }

  get size(): number {
    return this.store.size;
  }

  browse(params: Record<string, unknown>): {
    results: Document[];
    offset: number;
    limit: number;
    total: number;
  } {
    return browseDocuments(this, params);
  }

  search(
    params: Record<string, unknown>,
    options: { extraFilter?: unknown } = {},
  ): Record<string, unknown> {
    return runSearch(this, params, options);
  }

  facetSearch(params: Record<string, unknown>): Record<string, unknown> {
    return runFacetSearch(this, params);
  }

  fieldDistribution(): Record<string, number> {
    return this.store.fieldDistribution();
  }

  *documents(): IterableIterator<{ id: string; doc: Document }> {
    for (const [, id, doc] of this.store.entries()) yield { id, doc };
  }

  liveMask(): Uint8Array {
    const mask = new Uint8Array(this.store.capacity);
    for (let i = 0; i < mask.length; i++) if (this.store.doc(i) !== undefined) mask[i] = 1;
    return mask;
  }

  private rebuildWords(): void {
    const { searchableAttributes: searchable, separatorTokens, nonSeparatorTokens } = this.current;
    this.words = new InvertedIndex(
      (path) => searchable.includes('*') || searchable.some((name) => isUnder(path, name)),
      new Tokenizer(separatorTokens, nonSeparatorTokens),
    );
    for (const [internal, , doc] of this.store.entries()) this.words.add(internal, doc);
  }

  private rebuildFilters(): void {
    const rules = this.current.filterableAttributes;
    this.filters = new FilterIndex(
      (path) => isFilterable(rules, path),
      (internal) => this.store.doc(internal),
    );
    for (const [internal, , doc] of this.store.entries()) this.filters.add(internal, doc);
  }
}
