import { forEachLeaf, HARD_GAP, Tokenizer } from './tokenizer.js';
import type { Document } from './document-store.js';

/** A document's searchable words: parallel arrays, in attribute then position order. */
export interface DocTokens {
  words: string[];
  attrs: number[];
  positions: number[];
}

/**
 * Word → documents, plus each document's token list (the forward index that ranking reads), plus
 * a sorted dictionary for prefix and typo lookups, rebuilt lazily after writes.
 */
export class InvertedIndex {
  /** Word → internal ids holding it, ascending. */
  private readonly postings = new Map<string, number[]>();
  private readonly forward: Array<DocTokens | undefined> = [];
  private readonly pathIds = new Map<string, number>();
  readonly paths: string[] = [];
  private sorted: string[] | null = null;
  private tails: Array<[string, string]> | null = null;

  constructor(
    private readonly isSearchable: (path: string) => boolean,
    readonly tokenizer: Tokenizer = new Tokenizer(),
  ) {}

  add(docId: number, doc: Document): void {
    const tokens: DocTokens = { words: [], attrs: [], positions: [] };
    const next = new Map<number, number>();
    forEachLeaf(doc, '', (path, text) => {
      if (!this.isSearchable(path)) return;
      const attr = this.pathId(path);
      const base = next.get(attr) ?? 0;
      let last = -1;
      for (const token of this.tokenizer.tokenize(text)) {
        tokens.words.push(token.word);
        tokens.attrs.push(attr);
        tokens.positions.push(base + token.position);
        last = base + token.position;
        this.post(token.word, docId);
      }
      if (last >= 0) next.set(attr, last + HARD_GAP);
    });
    this.forward[docId] = tokens;
  }

  remove(docId: number): void {
    const tokens = this.forward[docId];
    if (!tokens) return;
    for (const word of new Set(tokens.words)) {
      const docs = this.postings.get(word);
      if (!docs) continue;
      const at = lowerBoundNumber(docs, docId);
      if (docs[at] === docId) docs.splice(at, 1);
      if (docs.length === 0) {
        this.postings.delete(word);
        this.sorted = null;
        this.tails = null;
      }
    }
    this.forward[docId] = undefined;
  }

  tokens(docId: number): DocTokens | undefined {
    return this.forward[docId];
  }

  /** Internal ids of the documents holding `word`, ascending (do not modify). */
  docs(word: string): readonly number[] | undefined {
    return this.postings.get(word);
  }

  /** Every indexed word, sorted by UTF-16 code units. */
  dictionary(): string[] {
    this.sorted ??= [...this.postings.keys()].sort();
    return this.sorted;
  }

  /** `[word without its first character, word]`, sorted: finds first-letter typos. */
  tailDictionary(): Array<[string, string]> {
    this.tails ??= this.dictionary()
      .map((w): [string, string] => [w.slice(firstCharLength(w)), w])
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return this.tails;
  }

  private post(word: string, docId: number): void {
    const docs = this.postings.get(word);
    if (!docs) {
      this.postings.set(word, [docId]);
      this.sorted = null;
      this.tails = null;
      return;
    }
    const last = docs[docs.length - 1]!;
    if (last < docId) docs.push(docId);
    else if (last !== docId) {
      // A reused (lower) internal id: keep the list sorted.
      const at = lowerBoundNumber(docs, docId);
      if (docs[at] !== docId) docs.splice(at, 0, docId);
    }
  }

  private pathId(path: string): number {
    let id = this.pathIds.get(path);
    if (id === undefined) {
      id = this.paths.length;
      this.paths.push(path);
      this.pathIds.set(path, id);
    }
    return id;
  }
}

export function firstCharLength(word: string): number {
  const cp = word.codePointAt(0);
  return cp === undefined ? 0 : cp > 0xffff ? 2 : 1;
}

/** Index range [from, to) of the sorted `words` starting with `prefix`. */
export function prefixRange(words: readonly string[], prefix: string): [number, number] {
  const from = lowerBound(words, prefix);
  let to = from;
  // The upper bound: the first word not starting with the prefix.
  let lo = from;
  let hi = words.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (words[mid]!.startsWith(prefix)) lo = mid + 1;
    else hi = mid;
  }
  to = lo;
  return [from, to];
}

/** First index of the ascending `list` holding a value ≥ `key`. */
export function lowerBoundNumber(list: readonly number[], key: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Whether the ascending `list` holds `key`. */
export function holds(list: readonly number[], key: number): boolean {
  return list[lowerBoundNumber(list, key)] === key;
}

export function lowerBound(words: readonly string[], key: string): number {
  let lo = 0;
  let hi = words.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (words[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
