import {
  evaluateFilter,
  isEmptyValue,
  leafCompares,
  leafInRange,
  leaves,
  normalizeValue,
  parseNumber,
  type FilterNode,
} from '#lib/filter';
import type { Document } from './document-store.js';

/** One filterable field: value → documents, plus presence, null and empty sets. */
export interface FieldIndex {
  /** Normalised string → the first-seen original and documents. */
  strings: Map<string, { shown: string; docs: Set<number> }>;
  numbers: Map<number, Set<number>>;
  /** `true`/`false` → documents: equal to those strings, never compared as strings. */
  booleans: Map<string, Set<number>>;
  present: Set<number>;
  nulls: Set<number>;
  empties: Set<number>;
}

/** Every path of a document (intermediate objects included) with its raw values; array items
 *  share their field's path, as in filters. */
export function documentPaths(doc: Document): Map<string, unknown[]> {
  const out = new Map<string, unknown[]>();
  const visit = (value: unknown, path: string): void => {
    const list = out.get(path);
    if (list) list.push(value);
    else out.set(path, [value]);
    descend(value, path);
  };
  const descend = (value: unknown, path: string): void => {
    if (Array.isArray(value)) {
      for (const item of value) if (item !== null && typeof item === 'object') descend(item, path);
    } else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value))
        visit(child, path === '' ? key : `${path}.${key}`);
    }
  };
  descend(doc, '');
  return out;
}

/** Value indexes of the filterable fields, so filters and facets never scan documents. */
export class FilterIndex {
  private readonly fields = new Map<string, FieldIndex>();
  private readonly filterableCache = new Map<string, boolean>();

  constructor(
    private readonly isFilterable: (path: string) => boolean,
    /** Documents by internal id, for geo filters (tested on each live document's `_geo`). */
    private readonly docAt: (internal: number) => Document | undefined = () => undefined,
  ) {}

  /** Indexed filterable paths, sorted. */
  fieldNames(): string[] {
    return [...this.fields.keys()].sort();
  }

  field(path: string): FieldIndex | undefined {
    return this.fields.get(path);
  }

  add(docId: number, doc: Document): void {
    for (const [path, raw] of documentPaths(doc)) {
      if (!this.filterable(path)) continue;
      const index = this.fieldIndex(path);
      index.present.add(docId);
      if (raw.some((v) => v === null)) index.nulls.add(docId);
      if (raw.some(isEmptyValue)) index.empties.add(docId);
      for (const leaf of leaves(raw)) {
        if (typeof leaf === 'number') {
          let docs = index.numbers.get(leaf);
          if (!docs) index.numbers.set(leaf, (docs = new Set()));
          docs.add(docId);
        } else if (typeof leaf === 'boolean') {
          let docs = index.booleans.get(String(leaf));
          if (!docs) index.booleans.set(String(leaf), (docs = new Set()));
          docs.add(docId);
        } else if (typeof leaf === 'string') {
          const shown = leaf;
          const key = normalizeValue(shown);
          let entry = index.strings.get(key);
          if (!entry) index.strings.set(key, (entry = { shown, docs: new Set() }));
          entry.docs.add(docId);
        }
      }
    }
  }

  remove(docId: number, doc: Document): void {
    for (const [path, raw] of documentPaths(doc)) {
      const index = this.fields.get(path);
      if (!index) continue;
      index.present.delete(docId);
      index.nulls.delete(docId);
      index.empties.delete(docId);
      for (const leaf of leaves(raw)) {
        if (typeof leaf === 'number') {
          const docs = index.numbers.get(leaf);
          docs?.delete(docId);
          if (docs?.size === 0) index.numbers.delete(leaf);
        } else if (typeof leaf === 'boolean') {
          const docs = index.booleans.get(String(leaf));
          docs?.delete(docId);
          if (docs?.size === 0) index.booleans.delete(String(leaf));
        } else if (typeof leaf === 'string') {
          const key = normalizeValue(leaf);
          const entry = index.strings.get(key);
          entry?.docs.delete(docId);
          if (entry?.docs.size === 0) index.strings.delete(key);
        }
      }
    }
  }

  /**
   * The documents matching `node` as a mask over internal ids; `all` is the mask of live
   * documents (negations complement against it).
   */
  evaluate(node: FilterNode, all: Uint8Array): Uint8Array {
    const out = new Uint8Array(all.length);
    switch (node.kind) {
      case 'and': {
        out.set(all);
        for (const child of node.children) {
          const m = this.evaluate(child, all);
          for (let i = 0; i < out.length; i++) out[i]! &= m[i]!;
        }
        return out;
      }
      case 'or':
        for (const child of node.children) {
          const m = this.evaluate(child, all);
          for (let i = 0; i < out.length; i++) out[i]! |= m[i]!;
        }
        return out;
      case 'not':
        return complement(this.evaluate(node.child, all), all);
      case 'compare':
        if (node.op === '=' || node.op === '!=') {
          this.markEqual(node.field, node.value, out);
          return node.op === '=' ? out : complement(out, all);
        }
        this.markWhere(node.field, out, (v) => leafCompares(v, node.op, node.value));
        return out;
      case 'range':
        this.markWhere(node.field, out, (v) => leafInRange(v, node.from, node.to));
        return out;
      case 'in':
        for (const value of node.values) this.markEqual(node.field, value, out);
        return node.negated ? complement(out, all) : out;
      case 'exists':
        mark(this.fields.get(node.field)?.present, out);
        return node.negated ? complement(out, all) : out;
      case 'isNull':
        mark(this.fields.get(node.field)?.nulls, out);
        return node.negated ? complement(out, all) : out;
      case 'isEmpty':
        mark(this.fields.get(node.field)?.empties, out);
        return node.negated ? complement(out, all) : out;
      case 'geoRadius':
      case 'geoBoundingBox':
      case 'geoPolygon':
        for (let i = 0; i < all.length; i++) {
          if (all[i] && evaluateFilter(node, this.docAt(i))) out[i] = 1;
        }
        return out;
    }
  }

  private markEqual(field: string, operand: string, out: Uint8Array): void {
    const index = this.fields.get(field);
    if (!index) return;
    mark(index.strings.get(normalizeValue(operand))?.docs, out);
    mark(index.booleans.get(normalizeValue(operand)), out);
    const n = parseNumber(operand);
    if (n !== undefined) mark(index.numbers.get(n), out);
  }

  /** Tests each distinct value once, not each document. */
  private markWhere(field: string, out: Uint8Array, test: (leaf: unknown) => boolean): void {
    const index = this.fields.get(field);
    if (!index) return;
    for (const [n, docs] of index.numbers) if (test(n)) mark(docs, out);
    for (const { shown, docs } of index.strings.values()) if (test(shown)) mark(docs, out);
  }

  private filterable(path: string): boolean {
    let yes = this.filterableCache.get(path);
    if (yes === undefined) {
      yes = this.isFilterable(path);
      this.filterableCache.set(path, yes);
    }
    return yes;
  }

  private fieldIndex(path: string): FieldIndex {
    let index = this.fields.get(path);
    if (!index) {
      index = {
        strings: new Map(),
        numbers: new Map(),
        booleans: new Map(),
        present: new Set(),
        nulls: new Set(),
        empties: new Set(),
      };
      this.fields.set(path, index);
    }
    return index;
  }
}

function mark(docs: Set<number> | undefined, out: Uint8Array): void {
  if (docs) for (const d of docs) out[d] = 1;
}

function complement(mask: Uint8Array, all: Uint8Array): Uint8Array {
  for (let i = 0; i < mask.length; i++) mask[i] = all[i]! & (mask[i]! ^ 1);
  return mask;
}
