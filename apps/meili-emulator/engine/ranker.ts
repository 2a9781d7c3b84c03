import { geoPoint } from '#lib/filter';
import type { DocumentStore } from './document-store.js';
import type { QueryMatcher } from './matcher.js';
import {
  compareSortKeys,
  geoSortKey,
  merge,
  rankRatio,
  sortKey,
  sortValue,
  textRank,
  type Rank,
  type Rule,
  type SortKey,
  type TextRule,
} from './ranking.js';

export interface Scored {
  score: number;
  details: Record<string, unknown>;
}

/**
 * Orders candidates by the ranking rules, each splitting only the ties of the ones before and
 * the internal id breaking the last ties. Buckets are refined lazily: only as far as needed to
 * fill the first `need` places.
 */
export class Ranker {
  private readonly sortKeys = new Map<string, Map<number, SortKey>>();

  constructor(
    private readonly rules: Rule[],
    private readonly matcher: QueryMatcher,
    private readonly store: DocumentStore,
  ) {}

  /** The first `need` candidates in rank order (candidates must be in internal-id order). */
  order(candidates: number[], need: number): number[] {
    const out: number[] = [];
    const visit = (bucket: number[], level: number): void => {
      if (level === this.rules.length || bucket.length <= 1) {
        for (const d of bucket) {
          if (out.length >= need) return;
          out.push(d);
        }
        return;
      }
      for (const group of this.split(bucket, this.rules[level]!)) {
        if (out.length >= need) return;
        visit(group, level + 1);
      }
    };
    visit(candidates, 0);
    return out;
  }

  /** `_rankingScore` and `_rankingScoreDetails` of one document. */
  score(doc: number): Scored {
    const details: Record<string, unknown> = {};
    const ranks: Array<[number, number]> = [];
    this.rules.forEach((rule, order) => {
      if (rule.kind === 'sort' && rule.geo) {
        // milli score_details.rs `GeoSort`: the document's point and its distance (or nulls).
        const key = this.sortKey(doc, rule);
        const at = geoPoint(this.store.doc(doc));
        details[rule.name] = {
          order,
          value: at ? { lat: at[0], lng: at[1] } : null,
          distance: key.kind === 0 ? key.num : null,
        };
      } else if (rule.kind === 'sort') {
        details[rule.name] = { order, value: sortValue(this.sortKey(doc, rule)) };
      } else {
        const rank = this.textRank(doc, rule.kind);
        ranks.push([rank.r, rank.m]);
        details[rule.kind] = { order, ...rank.details };
      }
    });
    const [r, m] = merge(...ranks);
    return { score: r / m, details };
  }

  /** Groups of equal rank, best first, each keeping internal-id order. */
  private split(bucket: number[], rule: Rule): number[][] {
    if (rule.kind === 'sort') {
      const keyed = bucket.map((doc) => ({ doc, key: this.sortKey(doc, rule) }));
      keyed.sort((a, b) => compareSortKeys(a.key, b.key, rule.asc) || a.doc - b.doc);
      const groups: number[][] = [];
      let prev: SortKey | undefined;
      for (const { doc, key } of keyed) {
        if (prev && compareSortKeys(prev, key, rule.asc) === 0)
          groups[groups.length - 1]!.push(doc);
        else groups.push([doc]);
        prev = key;
      }
      return groups;
    }
    const byKey = new Map<number, number[]>();
    for (const doc of bucket) {
      const key = this.key(doc, rule.kind);
      const group = byKey.get(key);
      if (group) group.push(doc);
      else byKey.set(key, [doc]);
    }
    return [...byKey.entries()].sort((a, b) => b[0] - a[0]).map(([, group]) => group);
  }

  /** Higher is better: r/m, with the cheap rules read without tokenising the document. */
  private key(doc: number, rule: TextRule): number {
    const k = this.matcher.k(doc);
    if (rule === 'words') return rankRatio(rule, k, 0, null, this.matcher.shape);
    if (rule === 'typo')
      return rankRatio(rule, k, this.matcher.typos(doc), null, this.matcher.shape);
    // A single matched term has nothing to be close to: skip reading the document.
    if (rule === 'proximity' && k <= 1) return 1;
    return rankRatio(rule, k, 0, this.matcher.ranks(doc), this.matcher.shape);
  }

  private textRank(doc: number, rule: TextRule): Rank {
    if (rule === 'words' || rule === 'typo') {
      const cheap = {
        k: this.matcher.k(doc),
        typos: rule === 'typo' ? this.matcher.typos(doc) : 0,
        proximityCost: 0,
        weightSum: 0,
        distanceCost: 0,
        exactKind: 1,
        exactTerms: 0,
      };
      return textRank(rule, cheap, this.matcher.shape);
    }
    return textRank(rule, this.matcher.ranks(doc), this.matcher.shape);
  }

  private sortKey(doc: number, rule: Extract<Rule, { kind: 'sort' }>): SortKey {
    let keys = this.sortKeys.get(rule.name);
    if (!keys) this.sortKeys.set(rule.name, (keys = new Map()));
    let key = keys.get(doc);
    if (!key) {
      const stored = this.store.doc(doc);
      key = rule.geo ? geoSortKey(stored, rule.geo) : sortKey(stored, rule.field, rule.asc);
      keys.set(doc, key);
    }
    return key;
  }

  /** `_geoDistance` of a hit (meters, rounded) when the search sorts by distance. */
  geoDistance(doc: number): number | null {
    const rule = this.rules.find((r) => r.kind === 'sort' && r.geo);
    if (!rule || rule.kind !== 'sort') return null;
    const key = this.sortKey(doc, rule);
    return key.kind === 0 ? Math.round(key.num) : null;
  }
}
