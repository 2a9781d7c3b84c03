import type { DocTokens } from './inverted-index.js';
import type { QueryTerm } from './query.js';

export interface Occurrence {
  attr: number;
  position: number;
  typos: number;
  exact: boolean;
}

/** The query-dependent view of the searchable attributes. */
export interface MatchContext {
  terms: QueryTerm[];
  strategy: 'last' | 'all' | 'frequency';
  /** Whether an attribute is searched (`attributesToSearchOn`). */
  searched(attr: number): boolean;
  /** Whether typos are allowed in an attribute (`disableOnAttributes`). */
  typosAllowed(attr: number): boolean;
  /** Attribute rule weight (list index in `searchableAttributes`, 0 with `["*"]`). */
  weight(attr: number): number;
}

/** A document's raw rank values for the text rules (emulator.md §4.5), before division. */
export interface TextRanks {
  /** Matched terms t1…tk. */
  k: number;
  typos: number;
  proximityCost: number;
  weightSum: number;
  distanceCost: number;
  /** 3 exact attribute, 2 attribute starting with the terms, 1 neither. */
  exactKind: number;
  exactTerms: number;
}

/** Each term's occurrences in the document. */
export function findOccurrences(tokens: DocTokens, ctx: MatchContext): Occurrence[][] {
  const occ: Occurrence[][] = ctx.terms.map(() => []);
  for (let t = 0; t < tokens.words.length; t++) {
    const attr = tokens.attrs[t]!;
    if (!ctx.searched(attr)) continue;
    const word = tokens.words[t]!;
    for (let i = 0; i < ctx.terms.length; i++) {
      const d = ctx.terms[i]!.derivations.get(word);
      if (!d || (d.typos > 0 && !ctx.typosAllowed(attr))) continue;
      occ[i]!.push({ attr, position: tokens.positions[t]!, typos: d.typos, exact: d.exact });
    }
  }
  ctx.terms.forEach((term, i) => {
    for (const phrase of term.phrases) {
      for (let t = 0; t < tokens.words.length; t++) {
        if (ctx.searched(tokens.attrs[t]!) && phraseAt(tokens, t, phrase)) {
          occ[i]!.push({
            attr: tokens.attrs[t]!,
            position: tokens.positions[t]!,
            typos: 0,
            exact: false,
          });
        }
      }
    }
  });
  return occ;
}

/** Whether the phrase's words follow one another from token `t` in one attribute. */
function phraseAt(tokens: DocTokens, t: number, phrase: string[]): boolean {
  for (let j = 0; j < phrase.length; j++) {
    const k = t + j;
    if (
      tokens.words[k] !== phrase[j] ||
      tokens.attrs[k] !== tokens.attrs[t] ||
      tokens.positions[k] !== tokens.positions[t]! + j
    ) {
      return false;
    }
  }
  return true;
}

/** How many leading terms the document contains, per the matching strategy (0 = no match). */
export function matchedTerms(
  has: (i: number) => boolean,
  n: number,
  strategy: MatchContext['strategy'],
): number {
  if (strategy === 'all') {
    for (let i = 0; i < n; i++) if (!has(i)) return 0;
    return n;
  }
  let k = 0;
  while (k < n && has(k)) k++;
  return k;
}

export function textRanks(tokens: DocTokens, ctx: MatchContext): TextRanks {
  const occ = findOccurrences(tokens, ctx);
  const k = matchedTerms((i) => occ[i]!.length > 0, ctx.terms.length, ctx.strategy);
  let typos = 0;
  let weightSum = 0;
  let distanceCost = 0;
  let exactTerms = 0;
  for (let i = 0; i < k; i++) {
    const list = occ[i]!;
    const queryPosition = ctx.terms[i]!.position;
    let minTypos = Infinity;
    let minWeight = Infinity;
    let minCost = Infinity;
    let exact = false;
    for (const o of list) {
      minTypos = Math.min(minTypos, o.typos);
      minWeight = Math.min(minWeight, ctx.weight(o.attr));
      minCost = Math.min(
        minCost,
        distanceCostOf(Math.abs(bucketedPosition(o.position) - queryPosition)),
      );
      exact ||= o.exact;
    }
    typos += minTypos;
    weightSum += minWeight;
    distanceCost += minCost;
    if (exact) exactTerms++;
  }
  let proximityCost = 0;
  for (let i = 0; i + 1 < k; i++) proximityCost += pairCost(occ[i]!, occ[i + 1]!);
  return {
    k,
    typos,
    proximityCost,
    weightSum,
    distanceCost,
    exactKind: exactKind(tokens, ctx, k),
    exactTerms,
  };
}

/** Best same-attribute distance of two neighbouring terms: 1/2/3 cost 0/1/2, else 3. */
function pairCost(left: Occurrence[], right: Occurrence[]): number {
  let best = 3;
  for (const a of left) {
    for (const b of right) {
      if (a.attr !== b.attr) continue;
      const distance =
        a.position <= b.position ? b.position - a.position : a.position - b.position + 1;
      if (distance >= 1 && distance <= 3) best = Math.min(best, distance - 1);
    }
  }
  return best;
}

/** Exactness part 1: an attribute made exactly of t1…tk (3), or starting with them (2), else 1. */
function exactKind(tokens: DocTokens, ctx: MatchContext, k: number): number {
  if (k === 0) return 1;
  const perAttr = new Map<number, { count: number; starts: boolean }>();
  for (let t = 0; t < tokens.words.length; t++) {
    const attr = tokens.attrs[t]!;
    let s = perAttr.get(attr);
    if (!s) perAttr.set(attr, (s = { count: 0, starts: ctx.searched(attr) }));
    if (
      s.count < k &&
      (tokens.positions[t] !== s.count || tokens.words[t] !== ctx.terms[s.count]!.word)
    ) {
      s.starts = false;
    }
    s.count++;
  }
  let best = 1;
  for (const s of perAttr.values()) {
    if (s.starts && s.count >= k) best = Math.max(best, s.count === k ? 3 : 2);
  }
  return best;
}

/** Positions past 15 are bucketed: 16–23 → 24, then the next power of two. */
export function bucketedPosition(p: number): number {
  if (p < 16) return p;
  if (p < 24) return 24;
  return 2 ** Math.ceil(Math.log2(p));
}

const DISTANCE_STEPS = [0, 1, 4, 7, 11, 16, 24, 64, 256, 1024];

/** Attribute part 2 cost of a distance: 0→0, 1→1, 2–4→2, 5–7→3, … more than 1024→10. */
export function distanceCostOf(d: number): number {
  for (let cost = 0; cost < DISTANCE_STEPS.length; cost++)
    if (d <= DISTANCE_STEPS[cost]!) return cost;
  return DISTANCE_STEPS.length;
}
