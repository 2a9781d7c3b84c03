import { MeiliError } from '#lib/errors';

/** A filterable-attributes entry: a field name, or a pattern rule with explicit features. */
export type FilterableRule =
  | string
  | {
      attributePatterns: string[];
      features: { facetSearch: boolean; filter: { equality: boolean; comparison: boolean } };
    };

export interface TypoTolerance {
  enabled: boolean;
  minWordSizeForTypos: { oneTypo: number; twoTypos: number };
  disableOnWords: string[];
  disableOnAttributes: string[];
  disableOnNumbers: boolean;
}

export type FacetOrder = 'alpha' | 'count';

export interface Faceting {
  maxValuesPerFacet: number;
  sortFacetValuesBy: Record<string, FacetOrder>;
}

export interface LocalizedAttributesRule {
  attributePatterns: string[];
  locales: string[];
}

/** The 20 settings of one index (emulator.md §3), fully resolved, in a real node's key order. */
export interface Settings {
  displayedAttributes: string[];
  searchableAttributes: string[];
  filterableAttributes: FilterableRule[];
  sortableAttributes: string[];
  rankingRules: string[];
  stopWords: string[];
  nonSeparatorTokens: string[];
  separatorTokens: string[];
  dictionary: string[];
  synonyms: Record<string, string[]>;
  distinctAttribute: string | null;
  proximityPrecision: 'byWord' | 'byAttribute';
  typoTolerance: TypoTolerance;
  faceting: Faceting;
  pagination: { maxTotalHits: number };
  embedders: Record<string, unknown>;
  searchCutoffMs: number | null;
  localizedAttributes: LocalizedAttributesRule[] | null;
  facetSearch: boolean;
  prefixSearch: 'indexingTime' | 'disabled';
}

type Nullable<T> = { [K in keyof T]?: T[K] | null };

/** A validated update: absent = unchanged, `null` = back to the default; the three merged
 *  settings (typo tolerance, faceting, pagination) carry partial objects. */
export type SettingsPatch = Omit<
  Nullable<Settings>,
  'typoTolerance' | 'faceting' | 'pagination'
> & {
  typoTolerance?:
    | (Omit<Nullable<TypoTolerance>, 'minWordSizeForTypos'> & {
        minWordSizeForTypos?: Nullable<TypoTolerance['minWordSizeForTypos']> | null;
      })
    | null;
  faceting?: Nullable<Faceting> | null;
  pagination?: Nullable<Settings['pagination']> | null;
};

export const DEFAULT_RANKING_RULES = [
  'words',
  'typo',
  'proximity',
  'attribute',
  'sort',
  'exactness',
] as const;

export const DEFAULT_SETTINGS: Settings = deepFreeze({
  displayedAttributes: ['*'],
  searchableAttributes: ['*'],
  filterableAttributes: [],
  sortableAttributes: [],
  rankingRules: [...DEFAULT_RANKING_RULES],
  stopWords: [],
  nonSeparatorTokens: [],
  separatorTokens: [],
  dictionary: [],
  synonyms: {},
  distinctAttribute: null,
  proximityPrecision: 'byWord',
  typoTolerance: {
    enabled: true,
    minWordSizeForTypos: { oneTypo: 5, twoTypos: 9 },
    disableOnWords: [],
    disableOnAttributes: [],
    disableOnNumbers: false,
  },
  faceting: { maxValuesPerFacet: 100, sortFacetValuesBy: { '*': 'alpha' } },
  pagination: { maxTotalHits: 1000 },
  embedders: {},
  searchCutoffMs: null,
  localizedAttributes: null,
  facetSearch: true,
  prefixSearch: 'indexingTime',
});

/** Settings whose sub-route update is a PATCH (merge); every other one is a PUT. */
const PATCH_KEYS = new Set<keyof Settings>([
  'typoTolerance',
  'faceting',
  'pagination',
  'embedders',
]);

export function kebabCase(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

export function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** Route segment (`filterable-attributes`) → setting key and update verb. */
export const SETTINGS_ROUTES: Record<string, { key: keyof Settings; method: 'PUT' | 'PATCH' }> =
  Object.freeze(
    Object.fromEntries(
      (Object.keys(DEFAULT_SETTINGS) as Array<keyof Settings>).map((key) => [
        kebabCase(key),
        { key, method: PATCH_KEYS.has(key) ? ('PATCH' as const) : ('PUT' as const) },
      ]),
    ),
  );

export function cloneSettings(s: Settings): Settings {
  return structuredClone(s) as Settings;
}

/** Applies a validated patch; `null` resets a key (or a nested key) to its default. Throws
 *  `invalid_settings_typo_tolerance` when the merged minimum word sizes are out of order. */
export function applySettingsPatch(current: Settings, patch: SettingsPatch): Settings {
  const next = cloneSettings(current);
  const target = next as unknown as Record<string, unknown>;
  const defaults = DEFAULT_SETTINGS as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (value === null) {
      target[key] = structuredClone(defaults[key]);
    } else if (key === 'typoTolerance' || key === 'faceting' || key === 'pagination') {
      target[key] = mergeObject(
        target[key] as Record<string, unknown>,
        value as Record<string, unknown>,
        defaults[key] as Record<string, unknown>,
      );
    } else {
      target[key] = structuredClone(value);
    }
  }
  if (!('*' in next.faceting.sortFacetValuesBy)) {
    next.faceting.sortFacetValuesBy = { '*': 'alpha', ...next.faceting.sortFacetValuesBy };
  }
  const { oneTypo, twoTypos } = next.typoTolerance.minWordSizeForTypos;
  if (oneTypo > twoTypos) {
    throw new MeiliError(
      'invalid_settings_typo_tolerance',
      '`minWordSizeForTypos` setting is invalid. `oneTypo` and `twoTypos` fields should be between `0` and `255`, and `twoTypos` should be greater or equals to `oneTypo` but found `oneTypo: ' +
        `${oneTypo}\` and twoTypos: ${twoTypos}\`.`,
    );
  }
  return next;
}

/** Merges one level (and `minWordSizeForTypos` one deeper); maps are replaced, not merged. */
function mergeObject(
  current: Record<string, unknown>,
  patch: Record<string, unknown>,
  defaults: Record<string, unknown>,
): Record<string, unknown> {
  const out = { ...current };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    if (v === null) out[k] = structuredClone(defaults[k]);
    else if (k === 'minWordSizeForTypos') {
      out[k] = mergeObject(
        current[k] as Record<string, unknown>,
        v as Record<string, unknown>,
        defaults[k] as Record<string, unknown>,
      );
    } else out[k] = structuredClone(v);
  }
  return out;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
