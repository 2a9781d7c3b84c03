import type { DocumentStore } from './document-store.js';
import type { FilterIndex } from './filter-index.js';
import type { InvertedIndex } from './inverted-index.js';
import type { Settings } from '#lib/meili-api';

/** What searches read: one index's documents, settings and indexes. */
export interface EngineView {
  readonly settings: Settings;
  readonly store: DocumentStore;
  readonly words: InvertedIndex;
  readonly filters: FilterIndex;
  /** Mask of live internal ids. */
  liveMask(): Uint8Array;
}
