import type { FilterNode } from './ast.js';
import { isEmptyValue, leafCompares, leafEquals, leafInRange, leaves, valuesAt } from './values.js';

/** Whether a document matches the filter (emulator.md §4.9). Negations are complements over all
 *  documents, so `f != v` holds for documents without `f`. */
export function evaluateFilter(node: FilterNode, doc: unknown): boolean {
  switch (node.kind) {
    case 'and':
      return node.children.every((c) => evaluateFilter(c, doc));
    case 'or':
      return node.children.some((c) => evaluateFilter(c, doc));
    case 'not':
      return !evaluateFilter(node.child, doc);
    case 'compare': {
      const values = leaves(valuesAt(doc, node.field).raw);
      if (node.op === '=') return values.some((v) => leafEquals(v, node.value));
      if (node.op === '!=') return !values.some((v) => leafEquals(v, node.value));
      return values.some((v) => leafCompares(v, node.op, node.value));
    }
    case 'range':
      return leaves(valuesAt(doc, node.field).raw).some((v) => leafInRange(v, node.from, node.to));
    case 'in': {
      const values = leaves(valuesAt(doc, node.field).raw);
      const any = values.some((v) => node.values.some((operand) => leafEquals(v, operand)));
      return any !== node.negated;
    }
    case 'exists':
      return valuesAt(doc, node.field).present !== node.negated;
    case 'isNull':
      return valuesAt(doc, node.field).raw.some((v) => v === null) !== node.negated;
    case 'isEmpty':
      return valuesAt(doc, node.field).raw.some(isEmptyValue) !== node.negated;
    case 'geoRadius': {
      const p = geoPoint(doc);
      return p !== null && haversineMeters(p, [node.lat, node.lng]) <= node.meters;
    }
    case 'geoBoundingBox': {
      const p = geoPoint(doc);
      if (p === null) return false;
      const [top, right] = node.topRight;
      const [bottom, left] = node.bottomLeft;
      // A box may cross the antimeridian (left > right).
      const inLng = left <= right ? p[1] >= left && p[1] <= right : p[1] >= left || p[1] <= right;
      return p[0] <= top && p[0] >= bottom && inLng;
    }
    case 'geoPolygon': {
      const p = geoPoint(doc);
      return p !== null && inPolygon(p, node.points);
    }
  }
}

/** A document's `_geo` as [lat, lng] (numbers or numeric strings), or null. */
export function geoPoint(doc: unknown): [number, number] | null {
  const geo = (doc as { _geo?: { lat?: unknown; lng?: unknown } } | null)?._geo;
  if (!geo || typeof geo !== 'object') return null;
  const lat = Number(geo.lat);
  const lng = Number(geo.lng);
  if (geo.lat === null || geo.lng === null || !Number.isFinite(lat) || !Number.isFinite(lng)) {
    return null;
  }
  return [lat, lng];
}

/** Great-circle distance in meters (Meilisearch uses the haversine formula, Earth radius 6371 km). */
export function haversineMeters(a: [number, number], b: [number, number]): number {
  const rad = Math.PI / 180;
  const dLat = (b[0] - a[0]) * rad;
  const dLng = (b[1] - a[1]) * rad;
  const h =
    Math.sin(dLat / 2) ** 2 + Math.cos(a[0] * rad) * Math.cos(b[0] * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Ray casting over [lat, lng] points. */
function inPolygon(p: [number, number], points: [number, number][]): boolean {
  let inside = false;
  for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
    const [yi, xi] = points[i]!;
    const [yj, xj] = points[j]!;
    if (yi > p[0] !== yj > p[0] && p[1] < ((xj - xi) * (p[0] - yi)) / (yj - yi) + xi) {
      inside = !inside;
    }
  }
  return inside;
}
