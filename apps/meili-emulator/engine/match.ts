import { TOKEN_STRIDE, type DocTokens } from './inverted-index.js';
import type { QueryTerm } from './query.js';

/** The query-dependent view of the searchable attributes. */
export interface MatchContext {
  terms: QueryTerm[];
  strategy: 'last' | 'all' | 'frequency';
  /** Per term, per word id: 0 no match, else `1 + typos`, plus 4 for an exact match. */
  codes: Uint8Array[];
  /** Per term, the id of the term's own word (-1 when no document holds it). */
  exactIds: number[];
  /** Per term, its multi-word synonyms as word ids. */
  phrases: number[][][];
  /** Whether an attribute is searched (`attributesToSearchOn`). */
  searched(attr: number): boolean;
  /** Whether typos are allowed in an attribute (`disableOnAttributes`). */
  typosAllowed(attr: number): boolean;
  /** Attribute rule weight (list index in `searchableAttributes`, 0 with `["*"]`). */
  weight(attr: number): number;
  /** Working space for one document at a time (`new TermMatches(terms.length)`). */
  scratch: TermMatches;
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

/** Per term, best values over its occurrences in one document, and `[attr, position]` pairs
 *  for proximity. Reused from document to document: ranking reads thousands of them. */
export class TermMatches {
  found: Uint8Array;
  typos: Int32Array;
  weight: Float64Array;
  cost: Int32Array;
  exact: Uint8Array;
  places: number[][];
  /** Exactness working space: attributes seen, their token counts, whether each starts with
   *  the terms. */
  readonly attrs: number[] = [];
  readonly counts: number[] = [];
  readonly starts: boolean[] = [];

  constructor(readonly n: number) {
    this.found = new Uint8Array(n);
    this.typos = new Int32Array(n);
    this.weight = new Float64Array(n);
    this.cost = new Int32Array(n);
    this.exact = new Uint8Array(n);
    this.places = Array.from({ length: n }, () => []);
  }

  reset(): void {
    for (let i = 0; i < this.n; i++) {
      this.found[i] = 0;
      this.typos[i] = 3;
      this.weight[i] = Infinity;
      this.cost[i] = 1 << 30;
      this.exact[i] = 0;
    }
    // Places are only collected for proximity, that is with two terms or more.
    if (this.n > 1) for (const p of this.places) p.length = 0;
  }

  record(
    ctx: MatchContext,
    i: number,
    attr: number,
    position: number,
    typos: number,
    exact: boolean,
  ): void {
    this.found[i] = 1;
    if (typos < this.typos[i]!) this.typos[i] = typos;
    const weight = ctx.weight(attr);
    if (weight < this.weight[i]!) this.weight[i] = weight;
    const cost = distanceCostOf(Math.abs(bucketedPosition(position) - ctx.terms[i]!.position));
    if (cost < this.cost[i]!) this.cost[i] = cost;
    if (exact) this.exact[i] = 1;
    if (this.n > 1) this.places[i]!.push(attr, position);
  }
}

/** Each term's best occurrence values in one document, read from its packed tokens. */
function termMatches(tokens: DocTokens, ctx: MatchContext): TermMatches {
  const n = ctx.terms.length;
  const m = ctx.scratch;
  m.reset();
  const data = tokens.data;
  const codes = ctx.codes;
  for (let t = 0; t < data.length; t += TOKEN_STRIDE) {
    const attr = data[t + 1]!;
    if (!ctx.searched(attr)) continue;
    const id = data[t]!;
    for (let i = 0; i < n; i++) {
      const code = codes[i]![id]!;
      if (code === 0) continue;
      const typos = (code & 3) - 1;
      if (typos > 0 && !ctx.typosAllowed(attr)) continue;
      m.record(ctx, i, attr, data[t + 2]!, typos, (code & 4) !== 0);
    }
  }
  for (let i = 0; i < n; i++) {
    for (const phrase of ctx.phrases[i]!) {
      for (let t = 0; t < data.length; t += TOKEN_STRIDE) {
        if (ctx.searched(data[t + 1]!) && phraseAt(data, t, phrase)) {
          m.record(ctx, i, data[t + 1]!, data[t + 2]!, 0, false);
        }
      }
    }
  }
  return m;
}

/** Whether the phrase's words follow one another from token `t` in one attribute. */
function phraseAt(data: Int32Array, t: number, phrase: number[]): boolean {
  for (let j = 0; j < phrase.length; j++) {
    const k = t + j * TOKEN_STRIDE;
    if (data[k] !== phrase[j] || data[k + 1] !== data[t + 1] || data[k + 2] !== data[t + 2]! + j) {
      return false;
    }
  }
  return true;
}

export function textRanks(tokens: DocTokens, ctx: MatchContext): TextRanks {
  const m = termMatches(tokens, ctx);
  const n = ctx.terms.length;
  let k = 0;
  while (k < n && m.found[k] === 1) k++;
  if (ctx.strategy === 'all' && k < n) k = 0;
  let typos = 0;
  let weightSum = 0;
  let distanceCost = 0;
  let exactTerms = 0;
  for (let i = 0; i < k; i++) {
    typos += m.typos[i]!;
    weightSum += m.weight[i]!;
    distanceCost += m.cost[i]!;
    exactTerms += m.exact[i]!;
  }
  let proximityCost = 0;
  for (let i = 0; i + 1 < k; i++) proximityCost += pairCost(m.places[i]!, m.places[i + 1]!);
  return {
    k,
    typos,
    proximityCost,
    weightSum,
    distanceCost,
    exactKind: exactKind(tokens.data, ctx, k),
    exactTerms,
  };
}

/** Best same-attribute distance of two neighbouring terms: 1/2/3 cost 0/1/2, else 3. */
function pairCost(left: number[], right: number[]): number {
  let best = 3;
  for (let a = 0; a < left.length; a += 2) {
    for (let b = 0; b < right.length; b += 2) {
      if (left[a] !== right[b]) continue;
      const p = left[a + 1]!;
      const q = right[b + 1]!;
      const distance = p <= q ? q - p : p - q + 1;
      if (distance >= 1 && distance <= 3 && distance - 1 < best) best = distance - 1;
    }
  }
  return best;
}

/** Exactness part 1: an attribute made exactly of t1…tk (3), or starting with them (2), else 1. */
function exactKind(data: Int32Array, ctx: MatchContext, k: number): number {
  if (k === 0) return 1;
  // Few attributes per document: parallel arrays (reused) beat a map here.
  const { attrs, counts, starts } = ctx.scratch;
  attrs.length = 0;
  counts.length = 0;
  starts.length = 0;
  for (let t = 0; t < data.length; t += TOKEN_STRIDE) {
    const attr = data[t + 1]!;
    let s = attrs.indexOf(attr);
    if (s === -1) {
      s = attrs.push(attr) - 1;
      counts.push(0);
      starts.push(ctx.searched(attr));
    }
    const count = counts[s]!;
    if (count < k && (data[t + 2] !== count || data[t] !== ctx.exactIds[count])) starts[s] = false;
    counts[s] = count + 1;
  }
  let best = 1;
  for (let s = 0; s < attrs.length; s++) {
    if (starts[s] && counts[s]! >= k) best = Math.max(best, counts[s] === k ? 3 : 2);
  }
  return best;
}

/** Positions past 15 are bucketed: 16–23 → 24, then the next power of two. */
export function bucketedPosition(p: number): number {
  if (p < 16) return p;
  if (p < 24) return 24;
  return p > 2 ** 30 ? 2 ** Math.ceil(Math.log2(p)) : 1 << (32 - Math.clz32(p - 1));
}

const DISTANCE_STEPS = [0, 1, 4, 7, 11, 16, 24, 64, 256, 1024];

/** Attribute part 2 cost of a distance: 0→0, 1→1, 2–4→2, 5–7→3, … more than 1024→10. */
export function distanceCostOf(d: number): number {
  for (let cost = 0; cost < DISTANCE_STEPS.length; cost++)
    if (d <= DISTANCE_STEPS[cost]!) return cost;
  return DISTANCE_STEPS.length;
}
