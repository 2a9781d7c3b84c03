import { forEachLeaf, HARD_GAP, Tokenizer } from './tokenizer.js';
import type { Document } from './document-store.js';

/** A document's searchable words, packed as `[wordId, attribute, position]` triples in
 *  attribute-leaf order (positions ascend within an attribute). */
export interface DocTokens {
  data: Int32Array;
}

export const TOKEN_STRIDE = 3;

/**
 * Word → documents, plus each document's token list (the forward index that ranking reads), plus
 * a sorted dictionary for prefix and typo lookups, brought up to date lazily. Words get stable
 * integer ids so ranking compares numbers, not strings.
 */
export class InvertedIndex {
  private readonly ids = new Map<string, number>();
  /** Word id → word. */
  readonly vocabulary: string[] = [];
  /** Word id → internal ids holding it, ascending (undefined once empty). */
  private readonly postings: Array<number[] | undefined> = [];
  /** Word ids whose postings got a lower id appended (a reused one): sorted on next read. */
  private readonly unsorted = new Set<number>();
  private readonly forward: Array<DocTokens | undefined> = [];
  private readonly pathIds = new Map<string, number>();
  readonly paths: string[] = [];
  /** Held words, sorted; words gained since are in `gained`, losses flagged by `lost`. */
  private sorted: string[] = [];
  private gained: string[] = [];
  private lost = false;
  private tails: Array<[string, string]> | null = null;

  constructor(
    private readonly isSearchable: (path: string) => boolean,
    readonly tokenizer: Tokenizer = new Tokenizer(),
  ) {}

  add(docId: number, doc: Document): void {
    const packed: number[] = [];
    const next = new Map<number, number>();
    forEachLeaf(doc, '', (path, text) => {
      if (!this.isSearchable(path)) return;
      const attr = this.pathId(path);
      const base = next.get(attr) ?? 0;
      let last = -1;
      for (const token of this.tokenizer.tokenize(text)) {
        last = base + token.position;
        packed.push(this.post(token.word, docId), attr, last);
      }
      if (last >= 0) next.set(attr, last + HARD_GAP);
    });
    this.forward[docId] = { data: Int32Array.from(packed) };
  }

  /** Forgets documents, filtering each affected postings list once (bulk deletes stay linear). */
  removeMany(docIds: Iterable<number>): void {
    const byWord = new Map<number, Set<number>>();
    for (const docId of docIds) {
      const tokens = this.forward[docId];
      if (!tokens) continue;
      for (let t = 0; t < tokens.data.length; t += TOKEN_STRIDE) {
        const id = tokens.data[t]!;
        let docs = byWord.get(id);
        if (!docs) byWord.set(id, (docs = new Set()));
        docs.add(docId);
      }
      this.forward[docId] = undefined;
    }
    for (const [id, gone] of byWord) {
      const kept = (this.postings[id] ?? []).filter((d) => !gone.has(d));
      this.postings[id] = kept.length > 0 ? kept : undefined;
      if (kept.length === 0) this.lost = true;
    }
  }

  remove(docId: number): void {
    this.removeMany([docId]);
  }

  tokens(docId: number): DocTokens | undefined {
    return this.forward[docId];
  }

  /** The id of an indexed word (ids stay stable; a word no document holds has no postings). */
  wordId(word: string): number | undefined {
    return this.ids.get(word);
  }

  /** Internal ids of the documents holding `word`, ascending (do not modify). */
  docs(word: string): readonly number[] | undefined {
    const id = this.ids.get(word);
    if (id === undefined) return undefined;
    const docs = this.postings[id];
    if (docs && this.unsorted.has(id)) {
      docs.sort((a, b) => a - b);
      this.unsorted.delete(id);
    }
    return docs;
  }

  /** Every word some document holds, sorted by UTF-16 code units. Kept up to date by merging
   *  the words gained since the last call rather than sorting everything again. */
  dictionary(): string[] {
    if (this.gained.length === 0 && !this.lost) return this.sorted;
    const held = (w: string) => this.postings[this.ids.get(w)!] !== undefined;
    const base = this.lost ? this.sorted.filter(held) : this.sorted;
    const gained = [...new Set(this.gained)].filter(held).sort();
    const merged: string[] = [];
    let i = 0;
    let j = 0;
    while (i < base.length || j < gained.length) {
      const next =
        j >= gained.length || (i < base.length && base[i]! <= gained[j]!)
          ? base[i++]!
          : gained[j++]!;
      if (merged[merged.length - 1] !== next) merged.push(next);
    }
    this.sorted = merged;
    this.gained = [];
    this.lost = false;
    this.tails = null;
    return merged;
  }

  /** `[word without its first character, word]`, sorted: finds first-letter typos. */
  tailDictionary(): Array<[string, string]> {
    const words = this.dictionary();
    this.tails ??= words
      .map((w): [string, string] => [w.slice(firstCharLength(w)), w])
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return this.tails;
  }

  /** Records that the document holds the word; returns the word's id. */
  private post(word: string, docId: number): number {
    let id = this.ids.get(word);
    if (id === undefined) {
      id = this.vocabulary.length;
      this.vocabulary.push(word);
      this.ids.set(word, id);
    }
    const docs = this.postings[id];
    if (!docs) {
      this.postings[id] = [docId];
      this.gained.push(word);
      return id;
    }
    // One document posts all its words in one go: a repeat of its own id comes last.
    const last = docs[docs.length - 1]!;
    if (last !== docId) {
      if (last > docId) this.unsorted.add(id);
      docs.push(docId);
    }
    return id;
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
