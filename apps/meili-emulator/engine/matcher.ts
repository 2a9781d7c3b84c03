import type { EngineView } from './engine-view.js';
import { isUnder } from './filterable.js';
import { holds } from './inverted-index.js';
import { TermMatches, textRanks, type MatchContext, type TextRanks } from './match.js';
import { parseQuery, type QueryTerm } from './query.js';
import type { QueryShape } from './ranking.js';

export interface MatchOptions {
  q: string | null;
  strategy: MatchContext['strategy'];
  attributesToSearchOn: string[] | null;
  /** Mask of the documents the filter keeps (null = no filter). */
  filterMask: Uint8Array | null;
}

/**
 * One query against one index: its terms, its candidates, and each candidate's rank values —
 * computed per document from that document's tokens only (P2), cached for the request.
 */
export class QueryMatcher {
  readonly terms: QueryTerm[];
  readonly placeholder: boolean;
  readonly shape: QueryShape;
  private readonly ctx: MatchContext;
  /** Per term, per internal id: least typos of a matching word, -1 when none (fast path). */
  private readonly termTypos: Int8Array[] = [];
  /** Whether attribute restrictions force reading each document's tokens to know its matches. */
  private readonly exactPath: boolean;
  /** Per internal id, the document's text ranks once computed. */
  private cache: Array<TextRanks | undefined> = [];

  constructor(
    private readonly view: EngineView,
    private readonly options: MatchOptions,
  ) {
    const settings = view.settings;
    this.terms = options.q ? parseQuery(options.q, settings, view.words) : [];
    this.placeholder = this.terms.length === 0;
    const searchable = settings.searchableAttributes;
    const explicit = !searchable.includes('*');
    const paths = view.words.paths;
    const weights: number[] = [];
    const searched: boolean[] = [];
    const typosAllowed: boolean[] = [];
    const restrict = options.attributesToSearchOn;
    const noTypos = settings.typoTolerance.disableOnAttributes;
    const weight = (attr: number): number => {
      weights[attr] ??= explicit
        ? Math.max(
            0,
            searchable.findIndex((s) => isUnder(paths[attr]!, s)),
          )
        : 0;
      return weights[attr]!;
    };
    const words = view.words;
    this.ctx = {
      terms: this.terms,
      strategy: options.strategy,
      codes: this.terms.map((term) => {
        const codes = new Uint8Array(words.vocabulary.length);
        for (const [word, d] of term.derivations) {
          codes[words.wordId(word)!] = 1 + d.typos + (d.exact ? 4 : 0);
        }
        return codes;
      }),
      exactIds: this.terms.map((term) => words.wordId(term.word) ?? -1),
      scratch: new TermMatches(this.terms.length),
      phrases: this.terms.map((term) =>
        term.phrases
          .map((phrase) => phrase.map((w) => words.wordId(w) ?? -1))
          .filter((ids) => !ids.includes(-1)),
      ),
      searched: (attr) =>
        (searched[attr] ??=
          restrict === null ||
          restrict.includes('*') ||
          restrict.some((s) => isUnder(paths[attr]!, s))),
      typosAllowed: (attr) =>
        (typosAllowed[attr] ??= !noTypos.some((s) => isUnder(paths[attr]!, s))),
      weight,
    };
    this.exactPath =
      (restrict !== null && !restrict.includes('*')) ||
      noTypos.length > 0 ||
      this.terms.some((t) => t.phrases.length > 0);
    this.shape = {
      n: this.terms.length,
      allowedTypos: this.terms.map((t) => t.allowedTypos),
      typoMax: this.terms.reduce(
        (acc, t) => [...acc, acc[acc.length - 1]! + Math.max(1, t.allowedTypos)],
        [1],
      ),
      maxWeight: explicit ? searchable.length - 1 : null,
    };
  }

  /** Matching documents (strategy, then filter), by internal id. */
  candidates(): number[] {
    const { filterMask } = this.options;
    const capacity = this.view.store.capacity;
    if (this.placeholder) {
      const live = filterMask ?? this.view.liveMask();
      const out: number[] = [];
      for (let i = 0; i < capacity; i++)
        if (live[i] && this.view.store.doc(i) !== undefined) out.push(i);
      return out;
    }
    for (const term of this.terms) {
      const typos = new Int8Array(capacity).fill(-1);
      for (const [word, d] of term.derivations) {
        for (const doc of this.view.words.docs(word) ?? []) {
          if (typos[doc] === -1 || typos[doc]! > d.typos) typos[doc] = d.typos;
        }
      }
      // Documents holding every word of a synonym phrase (adjacency is checked per document).
      for (const phrase of term.phrases) {
        const sets = phrase.map((w) => this.view.words.docs(w));
        if (sets.some((docs) => !docs)) continue;
        for (const doc of sets[0]!) if (sets.every((docs) => holds(docs!, doc))) typos[doc] = 0;
      }
      this.termTypos.push(typos);
    }
    const first = this.termTypos[0]!;
    const out: number[] = [];
    for (let doc = 0; doc < capacity; doc++) {
      if (first[doc] === -1 || (filterMask && !filterMask[doc])) continue;
      if (this.k(doc) > 0) out.push(doc);
    }
    return out;
  }

  /** Matched terms t1…tk of a candidate. */
  k(doc: number): number {
    if (this.exactPath) return this.ranks(doc).k;
    const n = this.terms.length;
    let k = 0;
    while (k < n && this.termTypos[k]![doc]! >= 0) k++;
    if (this.ctx.strategy === 'all') return k === n ? n : 0;
    return k;
  }

  /** Sum of the least typos of t1…tk. */
  typos(doc: number): number {
    if (this.exactPath) return this.ranks(doc).typos;
    const k = this.k(doc);
    let sum = 0;
    for (let i = 0; i < k; i++) sum += this.termTypos[i]![doc]!;
    return sum;
  }

  ranks(doc: number): TextRanks {
    if (this.cache.length === 0) this.cache = new Array(this.view.store.capacity).fill(undefined);
    let ranks = this.cache[doc];
    if (!ranks) {
      const tokens = this.view.words.tokens(doc) ?? { data: new Int32Array(0) };
      this.cache[doc] = ranks = textRanks(tokens, this.ctx);
    }
    return ranks;
  }
}
