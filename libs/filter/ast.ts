export type CompareOp = '=' | '!=' | '>' | '>=' | '<' | '<=';

/** A parsed Meilisearch filter. Operands are kept as the strings the user wrote (unescaped);
 *  whether one is a number is decided when it is compared (`parseNumber`). */
export type FilterNode =
  | { kind: 'and'; children: FilterNode[] }
  | { kind: 'or'; children: FilterNode[] }
  | { kind: 'not'; child: FilterNode }
  | { kind: 'compare'; field: string; op: CompareOp; value: string }
  | { kind: 'range'; field: string; from: string; to: string }
  | { kind: 'in'; field: string; values: string[]; negated: boolean }
  | { kind: 'exists'; field: string; negated: boolean }
  | { kind: 'isNull'; field: string; negated: boolean }
  | { kind: 'isEmpty'; field: string; negated: boolean }
  /** `_geoRadius(lat, lng, meters)`: documents whose `_geo` is within the distance. */
  | { kind: 'geoRadius'; lat: number; lng: number; meters: number }
  /** `_geoBoundingBox([lat, lng], [lat, lng])`: top-right corner, then bottom-left. */
  | { kind: 'geoBoundingBox'; topRight: [number, number]; bottomLeft: [number, number] }
  /** `_geoPolygon([lat, lng], …)`: at least three points. */
  | { kind: 'geoPolygon'; points: [number, number][] };

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** The operand as a finite number, or undefined when it is not one. */
export function parseNumber(text: string): number | undefined {
  if (!NUMBER.test(text)) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

/** AND of the given filters (null ones skipped); null when none is left. */
export function andFilters(...nodes: Array<FilterNode | null | undefined>): FilterNode | null {
  const kept = nodes.filter((n): n is FilterNode => n != null);
  if (kept.length === 0) return null;
  if (kept.length === 1) return kept[0]!;
  return { kind: 'and', children: kept };
}

/**
 * Two `filter` parameters AND-ed, as a request carries them (a string or Meilisearch's array
 * form, either may be absent): the array form, whose outer level is AND. `andFilters` does the
 * same for parsed filters.
 */
export function andFilterParams(a: unknown, b: unknown): unknown {
  const parts = [a, b].filter(
    (f) => f !== undefined && f !== null && f !== '' && !(Array.isArray(f) && f.length === 0),
  );
  if (parts.length <= 1) return parts[0];
  return parts.flatMap((f) => (Array.isArray(f) ? f : [f]));
}
