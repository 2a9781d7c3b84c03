import { normalizeText } from '#lib/filter';
import { firstCharLength, lowerBound, prefixRange, type InvertedIndex } from './inverted-index.js';
import type { Settings } from '#lib/meili-api';
import type { Tokenizer } from './tokenizer.js';
import { allowedTypos, boundedDistance } from './typo.js';

/** How an indexed word matches a term. `exact`: the term itself (no typo, prefix or synonym). */
export interface Derivation {
  typos: number;
  exact: boolean;
}

export interface QueryTerm {
  word: string;
  /** Position in the query, counted like document positions (dropped stop words included). */
  position: number;
  prefix: boolean;
  allowedTypos: number;
  /** Indexed word → how it matches this term. */
  derivations: Map<string, Derivation>;
  /** Multi-word synonyms: consecutive words matching the term as a phrase (0 typos, not exact). */
  phrases: string[][];
}

/** At most this many query words are used (a real node's limit). */
export const MAX_QUERY_WORDS = 10;

/** Splits `q` into terms (§4.2) and finds every indexed word each one matches (§4.3). */
export function parseQuery(q: string, settings: Settings, words: InvertedIndex): QueryTerm[] {
  const tokenizer = words.tokenizer;
  const tokens = tokenizer.tokenize(q).slice(0, MAX_QUERY_WORDS);
  const stopWords = new Set(settings.stopWords.map(normalizeText));
  const disabled = new Set(settings.typoTolerance.disableOnWords.map(normalizeText));
  const synonyms = normalisedSynonyms(settings.synonyms, tokenizer);
  const lastIsPrefix = settings.prefixSearch !== 'disabled' && !tokenizer.endsWithSeparator(q);
  const kept = tokens.filter((t, i) => i === tokens.length - 1 || !stopWords.has(t.word));
  return kept.map((token, i) => {
    const prefix = lastIsPrefix && i === kept.length - 1 && token === tokens[tokens.length - 1];
    const allowed = allowedTypos(token.word, settings.typoTolerance, disabled);
    const derivations = derive(token.word, prefix, allowed, words);
    const phrases: string[][] = [];
    for (const synonym of synonyms.get(token.word) ?? []) {
      if (synonym.length > 1) phrases.push(synonym);
      else if (words.docs(synonym[0]!) && !derivations.has(synonym[0]!)) {
        derivations.set(synonym[0]!, { typos: 0, exact: false });
      }
    }
    return {
      word: token.word,
      position: token.position,
      prefix,
      allowedTypos: allowed,
      derivations,
      phrases,
    };
  });
}

/** One-word synonym keys → their values as word lists (multi-word keys are not matched). */
function normalisedSynonyms(
  synonyms: Record<string, string[]>,
  tokenizer: Tokenizer,
): Map<string, string[][]> {
  const out = new Map<string, string[][]>();
  for (const [key, values] of Object.entries(synonyms)) {
    const keyWords = tokenizer.tokenize(key);
    if (keyWords.length !== 1) continue;
    const k = keyWords[0]!.word;
    const lists = values
      .map((v) => tokenizer.tokenize(v).map((t) => t.word))
      .filter((w) => w.length > 0);
    out.set(k, [...(out.get(k) ?? []), ...lists]);
  }
  return out;
}

function derive(
  term: string,
  prefix: boolean,
  allowed: number,
  index: InvertedIndex,
): Map<string, Derivation> {
  const out = new Map<string, Derivation>();
  const add = (word: string, typos: number) => {
    const seen = out.get(word);
    if (!seen || seen.typos > typos) out.set(word, { typos, exact: typos === 0 && word === term });
  };
  const dict = index.dictionary();
  if (index.docs(term)) add(term, 0);
  if (prefix) forRange(dict, term, (w) => add(w, 0));
  if (allowed === 0) return out;

  const first = term.slice(0, firstCharLength(term));
  // Same first letter: up to `allowed` edits.
  forRange(dict, first, (w) => {
    if (out.get(w)?.typos === 0) return;
    const d = boundedDistance(term, w, allowed, prefix);
    if (d <= allowed) add(w, d);
  });
  if (allowed < 2) return out;
  // Another first letter: one edit touching it, counted as two typos.
  const tail = term.slice(first.length);
  const chars = [...term];
  const swapped = chars.length > 1 ? chars[1]! + chars[0]! + chars.slice(2).join('') : undefined;
  const candidates = prefix
    ? (key: string, visit: (w: string) => void) => forRange(dict, key, visit)
    : (key: string, visit: (w: string) => void) => index.docs(key) && visit(key);
  const differs = (w: string) => !w.startsWith(first);
  candidates(tail, (w) => differs(w) && add(w, 2)); // first letter deleted
  if (swapped) candidates(swapped, (w) => differs(w) && add(w, 2)); // first two swapped
  const tails = index.tailDictionary();
  for (const key of [tail, term]) {
    // first letter replaced (word tail = term tail) or a letter inserted before it (tail = term)
    let i = lowerBound(tailKeys(tails), key);
    for (; i < tails.length; i++) {
      const [wordTail, w] = tails[i]!;
      if (prefix ? !wordTail.startsWith(key) : wordTail !== key) break;
      if (differs(w)) add(w, 2);
    }
  }
  return out;
}

const tailKeyCache = new WeakMap<Array<[string, string]>, string[]>();

function tailKeys(tails: Array<[string, string]>): string[] {
  let keys = tailKeyCache.get(tails);
  if (!keys) tailKeyCache.set(tails, (keys = tails.map((t) => t[0])));
  return keys;
}

function forRange(dict: string[], prefix: string, visit: (w: string) => void): void {
  const [from, to] = prefixRange(dict, prefix);
  for (let i = from; i < to; i++) visit(dict[i]!);
}
