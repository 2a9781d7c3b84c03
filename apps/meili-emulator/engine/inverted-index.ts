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
  private readonly postings = new Map<string, Set<number>>();
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
    for (const word of tokens.words) {
      const docs = this.postings.get(word);
      if (!docs) continue;
      docs.delete(docId);
      if (docs.size === 0) {
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

  docs(word: string): Set<number> | undefined {
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
    let docs = this.postings.get(word);
    if (!docs) {
      docs = new Set();
      this.postings.set(word, docs);
      this.sorted = null;
      this.tails = null;
    }
    docs.add(docId);
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
