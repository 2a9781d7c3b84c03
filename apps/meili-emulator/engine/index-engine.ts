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
import { cloneSettings, DEFAULT_SETTINGS, type Settings } from './settings.js';

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
    for (const { id, doc } of docs) {
      const internal = this.store.internalId(id);
      if (internal === undefined) {
        this.index(this.store.insert(id, doc), doc);
        continue;
      }
      const old = this.store.doc(internal)!;
      const next = mode === 'update' ? { ...old, ...doc } : doc;
      this.unindex(internal, old);
      this.store.replace(internal, next);
      this.index(internal, next);
    }
    return docs.length;
  }

  deleteIds(ids: string[]): number {
    let deleted = 0;
    for (const id of ids) {
      const internal = this.store.internalId(id);
      if (internal === undefined) continue;
      this.unindex(internal, this.store.doc(internal)!);
      this.store.remove(internal);
      deleted++;
    }
    return deleted;
  }

  deleteByFilter(filter: unknown): number {
    const node = parseFilter(filter, 'invalid_document_filter');
    if (!node)
      throw new MeiliError('missing_document_filter', 'Missing filter to delete documents.');
    checkFilterable(this.current, node, 'invalid_document_filter');
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

  private index(internal: number, doc: Document): void {
    this.words.add(internal, doc);
    this.filters.add(internal, doc);
  }

  private unindex(internal: number, doc: Document): void {
    this.words.remove(internal);
    this.filters.remove(internal, doc);
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
    this.filters = new FilterIndex((path) => isFilterable(rules, path));
    for (const [internal, , doc] of this.store.entries()) this.filters.add(internal, doc);
  }
}
