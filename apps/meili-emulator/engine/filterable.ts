import { MeiliError } from '#lib/errors';
import { filterFieldUses, type FilterFeature, type FilterNode } from '#lib/filter';
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

/** Throws MeiliError(code) when the filter uses a field without the feature it needs. */
export function checkFilterable(settings: Settings, node: FilterNode, code: string): void {
  const rules = settings.filterableAttributes;
  for (const { field, feature } of filterFieldUses(node)) {
    const features = fieldFeatures(rules, field);
    if (!allows(features, feature)) {
      const available = rules
        .flatMap((r) => (typeof r === 'string' ? [r] : r.attributePatterns))
        .map((p) => `\`${p}\``)
        .join(', ');
      const detail =
        features.equality || features.comparison
          ? `Attribute \`${field}\` is filterable but does not support the ${feature} operators.`
          : `Attribute \`${field}\` is not filterable. ${
              available
                ? `Available filterable attribute patterns are: ${available}.`
                : 'This index does not have configured filterable attributes.'
            }`;
      throw new MeiliError(code, detail);
    }
  }
}

function allows(f: FieldFeatures, feature: FilterFeature): boolean {
  if (feature === 'any') return f.equality || f.comparison;
  return f[feature];
}
