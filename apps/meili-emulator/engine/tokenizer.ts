import { normalizeText } from '#lib/filter';

export interface Token {
  word: string;
  position: number;
}

/** Word characters: anything but whitespace and punctuation (symbols such as `+ $ °` stay). */
const WORD = /[^\s\p{P}\p{Cc}]+/gu;
/** Punctuation that always makes a gap hard (charabia 0.9.9). */
const HARD = /[!?;¡¿§¶…。、]|[.,]\s/u;

/** Distance a hard gap adds between positions (soft gaps add 1). */
export const HARD_GAP = 8;

/** Splits normalised text into words with positions: +1 per soft gap, +8 per hard gap. */
export function tokenize(text: string): Token[] {
  const normalised = normalizeText(text);
  const tokens: Token[] = [];
  let position = 0;
  let end = 0;
  for (const match of normalised.matchAll(WORD)) {
    if (tokens.length > 0) {
      const gap = normalised.slice(end, match.index);
      position += HARD.test(gap) ? HARD_GAP : 1;
    }
    tokens.push({ word: match[0], position });
    end = match.index + match[0].length;
  }
  return tokens;
}

/** Whether the text ends with a separator (then the last query term is not a prefix). */
export function endsWithSeparator(text: string): boolean {
  const last = normalizeText(text).slice(-1);
  return last !== '' && !/[^\s\p{P}\p{Cc}]/u.test(last);
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
