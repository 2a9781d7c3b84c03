import {
  atFilterPosition,
  filterFieldUses,
  filterParts,
  notFilterableText,
  parseFilter,
  type FilterFeature,
} from '#lib/filter';
import { IndexError } from './index-error.js';
import type { FilterableRule, Settings } from '#lib/meili-api';

export interface FieldFeatures {
  equality: boolean;
  comparison: boolean;
  facetSearch: boolean;
}

const NONE: FieldFeatures = { equality: false, comparison: false, facetSearch: false };

/** Whether `field` is `name` or nested under it (`doggos.name` under `doggos`). */
export function isUnder(field: string, name: string): boolean {
  return field === name || (field.startsWith(name) && field[name.length] === '.');
}

/** Patterns `*`, `x*`, `*x`, `*x*` and exact names. */
export function matchesPattern(field: string, pattern: string): boolean {
  if (pattern === '*') return true;
  const starts = pattern.startsWith('*');
  const ends = pattern.endsWith('*') && pattern.length > 1;
  const core = pattern.slice(starts ? 1 : 0, ends ? -1 : undefined);
  if (starts && ends) return field.includes(core);
  if (starts) return field.endsWith(core);
  if (ends) return field.startsWith(core);
  return field === pattern;
}

function ruleMatches(rule: FilterableRule, field: string): boolean {
  if (typeof rule === 'string') return rule === '*' || isUnder(field, rule);
  return rule.attributePatterns.some((p) => matchesPattern(field, p));
}

/** The features of a field: those of the first filterable rule that matches it. */
export function fieldFeatures(rules: FilterableRule[], field: string): FieldFeatures {
  for (const rule of rules) {
    if (!ruleMatches(rule, field)) continue;
    if (typeof rule === 'string') return { equality: true, comparison: true, facetSearch: true };
    return { ...rule.features.filter, facetSearch: rule.features.facetSearch };
  }
  return NONE;
}

export function isFilterable(rules: FilterableRule[], field: string): boolean {
  const f = fieldFeatures(rules, field);
  return f.equality || f.comparison;
}

/**
 * Throws the milli error a real node gives (an `IndexError`, so the route names the index) when a
 * filter part uses a field without the feature it needs: milli `FilterError::AttributeNotFilterable`
 * with the sorted patterns of the rules that enable filtering, and the part's position line.
 */
export function checkFilterable(settings: Settings, filter: unknown, code: string): void {
  const rules = settings.filterableAttributes;
  for (const part of filterParts(filter)) {
    const node = parseFilter(part, code);
    if (!node) continue;
    for (const { field, feature } of filterFieldUses(node)) {
      const features = fieldFeatures(rules, field);
      if (allows(features, feature)) continue;
      const detail =
        features.equality || features.comparison
          ? `Attribute \`${field}\` is filterable but does not support the ${feature} operators.`
          : notFilterableText(field, filteringPatterns(rules));
      throw new IndexError(code, atFilterPosition(detail, part, field));
    }
  }
}

/** The sorted patterns of the rules that enable filtering (as milli lists them). */
export function filteringPatterns(rules: FilterableRule[]): string[] {
  const out = new Set<string>();
  for (const rule of rules) {
    if (typeof rule === 'string') out.add(rule);
    else if (rule.features.filter.equality || rule.features.filter.comparison)
      for (const p of rule.attributePatterns) out.add(p);
  }
  return [...out].sort();
}

function allows(f: FieldFeatures, feature: FilterFeature): boolean {
  if (feature === 'any') return f.equality || f.comparison;
  return f[feature];
}
