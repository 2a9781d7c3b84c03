import { normalizeText } from '#lib/filter';

export interface Token {
  word: string;
  position: number;
}

/** Punctuation that always makes a gap hard (charabia 0.9.9). */
const HARD = /[!?;¡¿§¶…。、]|[.,]\s/u;

/** Distance a hard gap adds between positions (soft gaps add 1). */
export const HARD_GAP = 8;

/**
 * Splits text into normalised words. Separators are whitespace and punctuation (symbols such as
 * `+ $ °` stay in words); `separatorTokens` add soft separators and `nonSeparatorTokens` keep
 * what would separate inside words.
 */
export class Tokenizer {
  private readonly word: RegExp;

  constructor(separators: readonly string[] = [], nonSeparators: readonly string[] = []) {
    const escape = (t: string) => t.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    const byLength = (list: readonly string[]) =>
      [...list]
        .map(normalizeText)
        .filter((t) => t !== '')
        .sort((a, b) => b.length - a.length)
        .map(escape);
    const sep = byLength(separators);
    const non = byLength(nonSeparators);
    const base = `${sep.length ? `(?!${sep.join('|')})` : ''}[^\\s\\p{P}\\p{Cc}]`;
    this.word = new RegExp(`(?:${non.length ? `${non.join('|')}|` : ''}${base})+`, 'gu');
  }

  /** Words with positions: +1 per soft gap, +8 per hard gap. */
  tokenize(text: string): Token[] {
    const normalised = normalizeText(text);
    const tokens: Token[] = [];
    let position = 0;
    let end = 0;
    for (const match of normalised.matchAll(this.word)) {
      if (tokens.length > 0) {
        position += HARD.test(normalised.slice(end, match.index)) ? HARD_GAP : 1;
      }
      tokens.push({ word: match[0], position });
      end = match.index + match[0].length;
    }
    return tokens;
  }

  /** The words of the original (not normalised) text with their offsets, for highlighting. */
  spans(text: string): Array<{ at: number; text: string }> {
    return [...text.matchAll(this.word)].map((m) => ({ at: m.index, text: m[0] }));
  }

  /** Whether the text ends with a separator (then the last query term is not a prefix). */
  endsWithSeparator(text: string): boolean {
    const normalised = normalizeText(text);
    if (normalised === '') return false;
    let end = 0;
    for (const match of normalised.matchAll(this.word)) end = match.index + match[0].length;
    return end < normalised.length;
  }
}

const DEFAULT_TOKENIZER = new Tokenizer();

/** Tokenises with the default separators. */
export function tokenize(text: string): Token[] {
  return DEFAULT_TOKENIZER.tokenize(text);
}

/** A text leaf of a document: string, number or boolean, as it is tokenised. */
export function leafText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/**
 * Calls `visit(path, text)` for every text leaf under `value`, with dotted paths (array items
 * share their field's path), in document order.
 */
export function forEachLeaf(
  value: unknown,
  path: string,
  visit: (path: string, text: string) => void,
): void {
  if (Array.isArray(value)) {
    for (const item of value) forEachLeaf(item, path, visit);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      forEachLeaf(child, path === '' ? key : `${path}.${key}`, visit);
    }
  } else {
    const text = leafText(value);
    if (text !== undefined && path !== '') visit(path, text);
  }
}
