import type { Hit } from '#lib/node-client';
import { RESERVED_PREFIX } from './facet-merge.js';

export interface CleanupSpec {
  showRankingScore: boolean;
  showRankingScoreDetails: boolean;
  /** Attributes added for merging only (may be dotted paths). */
  addedAttributes: readonly string[];
  /** The client's displayed attributes when not `*`: sort details on others are redacted. */
  displayed?: readonly string[] | null;
}

/**
 * The hit as the client asked for it: no `_miroir_*` field (also inside `_formatted`), ranking
 * fields only when requested, attributes Miroir added for merging removed. Builds a new object;
 * node replies are never mutated.
 */
export function cleanHit(hit: Hit, spec: CleanupSpec): Hit {
  const out: Hit = {};
  for (const key in hit) {
    if (key.startsWith(RESERVED_PREFIX)) continue;
    if (key === '_rankingScore' && !spec.showRankingScore) continue;
    if (key === '_rankingScoreDetails' && !spec.showRankingScoreDetails) continue;
    if (key === '_federation') continue;
    if (key === '_formatted') out[key] = cleanDocument(hit._formatted!, spec.addedAttributes);
    else if (key === '_rankingScoreDetails' && spec.displayed) {
      out[key] = redactSortDetails(hit._rankingScoreDetails!, spec.displayed);
    } else if (key === '_matchesPosition' && spec.displayed) {
      out[key] = onlyDisplayed(hit._matchesPosition as Record<string, unknown>, spec.displayed);
    } else out[key] = hit[key];
  }
  return spec.addedAttributes.length > 0 ? withoutPaths(out, spec.addedAttributes) : out;
}

function cleanDocument(
  doc: Record<string, unknown>,
  added: readonly string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in doc) if (!key.startsWith(RESERVED_PREFIX)) out[key] = doc[key];
  return added.length > 0 ? withoutPaths(out, added) : out;
}

/** Removes dotted paths, copying only the objects on the way, and drops parents left empty. */
function withoutPaths<T extends Record<string, unknown>>(doc: T, paths: readonly string[]): T {
  let out = doc;
  for (const path of paths) out = removePath(out, path.split('.')) as T;
  return out;
}

function removePath(obj: Record<string, unknown>, parts: string[]): Record<string, unknown> {
  const [head, ...rest] = parts;
  if (head === undefined || !Object.hasOwn(obj, head)) return obj;
  const copy = { ...obj };
  if (rest.length === 0) {
    delete copy[head];
    return copy;
  }
  const child = obj[head];
  if (typeof child !== 'object' || child === null || Array.isArray(child)) return obj;
  const pruned = removePath(child as Record<string, unknown>, rest);
  if (Object.keys(pruned).length === 0) delete copy[head];
  else copy[head] = pruned;
  return copy;
}

/**
 * The value at a dotted path (`brand.name`), or undefined. Own fields only: a document without a
 * `constructor` or `toString` field has no such value (not Object's method).
 */
export function valueAtPath(doc: Record<string, unknown>, path: string): unknown {
  if (Object.hasOwn(doc, path)) return doc[path];
  let cur: unknown = doc;
  for (const part of path.split('.')) {
    if (typeof cur !== 'object' || cur === null || !Object.hasOwn(cur, part)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

const SORT_RULE = /^(.*):(asc|desc)$/;

/**
 * Meilisearch hides the value of a sort rule on a field the client does not display (milli
 * `Sort::must_redact`: `displayedAttributes` is not `*` and does not name the field): the rule shows
 * as `<hidden-rule-N>` (N its `order`) with the value `<hidden>`. Nodes display every field, so the
 * merge can read the value; the client gets the redacted form.
 */
export function redactSortDetails(
  details: NonNullable<Hit['_rankingScoreDetails']>,
  displayed: readonly string[],
): NonNullable<Hit['_rankingScoreDetails']> {
  if (displayed.includes('*')) return details;
  const out: NonNullable<Hit['_rankingScoreDetails']> = {};
  for (const [rule, detail] of Object.entries(details)) {
    const m = SORT_RULE.exec(rule);
    if (m && !m[1]!.startsWith('_geoPoint(') && !displayed.includes(m[1]!)) {
      out[`<hidden-rule-${detail.order}>`] = { order: detail.order, value: '<hidden>' };
    } else out[rule] = detail;
  }
  return out;
}

/** Whether an attribute path is shown by a displayed list (itself or inside a displayed object). */
export function isDisplayed(path: string, displayed: readonly string[]): boolean {
  return displayed.some((d) => d === '*' || path === d || path.startsWith(`${d}.`));
}

function onlyDisplayed(
  positions: Record<string, unknown> | undefined,
  displayed: readonly string[],
): Record<string, unknown> | undefined {
  if (!positions) return positions;
  const out: Record<string, unknown> = {};
  for (const [path, v] of Object.entries(positions))
    if (isDisplayed(path, displayed)) out[path] = v;
  return out;
}
