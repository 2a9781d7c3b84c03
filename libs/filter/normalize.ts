const COMBINING_MARKS = /\p{M}+/gu;

/** Meilisearch's normalisation of words and facet values: NFKD, combining marks dropped,
 *  lower-cased (`Gläss` → `glass`). */
export function normalizeText(text: string): string {
  return text.normalize('NFKD').replace(COMBINING_MARKS, '').toLowerCase();
}

/** A facet or filter value as compared: normalised and trimmed. */
export function normalizeValue(text: string): string {
  return normalizeText(text).trim();
}
