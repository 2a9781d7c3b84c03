import type { Document } from '#lib/meili-api';
import { MinHeap } from './min-heap.js';

export type { Document };

/**
 * Documents by internal id. A new document takes the lowest free internal id (the ranking
 * tie-break), so deleting and re-adding reuses ids as a real node does.
 */
export class DocumentStore {
  private readonly docs: Array<Document | undefined> = [];
  private readonly externalIds: Array<string | undefined> = [];
  private readonly byExternal = new Map<string, number>();
  /** Freed internal ids; the lowest is reused first. */
  private readonly freeIds = new MinHeap();
  private readonly fieldCounts = new Map<string, number>();

  get size(): number {
    return this.byExternal.size;
  }

  /** One past the highest internal id ever used: the length of per-document arrays. */
  get capacity(): number {
    return this.docs.length;
  }

  internalId(id: string): number | undefined {
    return this.byExternal.get(id);
  }

  externalId(internal: number): string | undefined {
    return this.externalIds[internal];
  }

  doc(internal: number): Document | undefined {
    return this.docs[internal];
  }

  /** Stores a new document and returns its internal id. */
  insert(id: string, doc: Document): number {
    const internal = this.freeIds.pop() ?? this.docs.length;
    this.docs[internal] = doc;
    this.externalIds[internal] = id;
    this.byExternal.set(id, internal);
    this.count(doc, 1);
    return internal;
  }

  replace(internal: number, doc: Document): void {
    this.count(this.docs[internal]!, -1);
    this.docs[internal] = doc;
    this.count(doc, 1);
  }

  remove(internal: number): void {
    const id = this.externalIds[internal];
    const doc = this.docs[internal];
    if (id === undefined || doc === undefined) return;
    this.count(doc, -1);
    this.byExternal.delete(id);
    this.docs[internal] = undefined;
    this.externalIds[internal] = undefined;
    this.freeIds.push(internal);
  }

  clear(): void {
    this.docs.length = 0;
    this.externalIds.length = 0;
    this.byExternal.clear();
    this.freeIds.clear();
    this.fieldCounts.clear();
  }

  /** Top-level field → number of documents having it, in field discovery order. */
  fieldDistribution(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [field, n] of this.fieldCounts) if (n > 0) out[field] = n;
    return out;
  }

  /** Top-level fields in discovery order (fields never seen again stay in place). */
  fieldOrder(): string[] {
    return [...this.fieldCounts.keys()];
  }

  *entries(): IterableIterator<[number, string, Document]> {
    for (let i = 0; i < this.docs.length; i++) {
      const doc = this.docs[i];
      if (doc !== undefined) yield [i, this.externalIds[i]!, doc];
    }
  }

  private count(doc: Document, delta: number): void {
    for (const field of Object.keys(doc)) {
      this.fieldCounts.set(field, (this.fieldCounts.get(field) ?? 0) + delta);
    }
  }
}
