import { MeiliError } from '#lib/errors';
import { DEFAULT_SETTINGS, snakeCase, type Settings, type SettingsPatch } from './settings.js';
import { setOwn } from './own-property.js';

type Fail = (message: string) => never;
type Validator = (value: unknown, fail: Fail) => unknown;

const RULE_NAMES = new Set(['words', 'typo', 'proximity', 'attribute', 'sort', 'exactness']);
/** Settings a real node only accepts with an experimental feature on. */
const EXPERIMENTAL_SETTINGS = new Set(['chat', 'vectorStore']);

/** Validates a whole `PATCH /settings` body. `null` values reset. */
export function parseSettingsPatch(body: unknown): SettingsPatch {
  if (!isObject(body)) {
    throw new MeiliError(
      'bad_request',
      `Invalid value type: expected an object, but found ${kind(body)}`,
    );
  }
  const patch: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (EXPERIMENTAL_SETTINGS.has(key)) {
      throw new MeiliError(
        'feature_not_enabled',
        `\`${key}\` setting requires an experimental feature that is not enabled.`,
      );
    }
    // Own keys only: `valueOf`, `constructor`… are no settings (they were Object's).
    if (!Object.hasOwn(DEFAULT_SETTINGS, key)) {
      throw new MeiliError(
        'bad_request',
        `Unknown field \`${key}\`: expected one of ${Object.keys(DEFAULT_SETTINGS)
          .map((k) => `\`${k}\``)
          .join(', ')}`,
      );
    }
    Object.assign(patch, parseSettingValue(key as keyof Settings, value));
  }
  return patch as SettingsPatch;
}

/** Validates one setting's value (a sub-route body); returns `{[key]: normalised}`. */
export function parseSettingValue(key: keyof Settings, value: unknown): SettingsPatch {
  if (value === null || value === undefined) return { [key]: null } as SettingsPatch;
  const code = `invalid_settings_${snakeCase(key)}`;
  const fail: Fail = (message) => {
    throw new MeiliError(code, `Invalid value at \`.${key}\`: ${message}`);
  };
  return { [key]: VALIDATORS[key](value, fail) } as SettingsPatch;
}

const VALIDATORS: Record<keyof Settings, Validator> = {
  displayedAttributes: (v, fail) => starList(v, fail),
  searchableAttributes: (v, fail) => starList(v, fail),
  filterableAttributes: (v, fail) => list(v, fail).map((item) => filterableRule(item, fail)),
  sortableAttributes: (v, fail) => stringSet(v, fail),
  rankingRules: (v, fail) =>
    stringList(v, fail).map((rule) => {
      if (!RULE_NAMES.has(rule) && !/^.+:(asc|desc)$/.test(rule)) {
        fail(
          `\`${rule}\` ranking rule is invalid. Valid ranking rules are words, typo, sort, proximity, attribute, exactness and custom ranking rules.`,
        );
      }
      return rule;
    }),
  stopWords: (v, fail) => stringSet(v, fail),
  nonSeparatorTokens: (v, fail) => stringSet(v, fail),
  separatorTokens: (v, fail) => stringSet(v, fail),
  dictionary: (v, fail) => stringSet(v, fail),
  synonyms: (v, fail) => {
    const map = object(v, fail);
    const out: Record<string, string[]> = {};
    for (const key of Object.keys(map).sort()) setOwn(out, key, stringList(map[key], fail));
    return out;
  },
  distinctAttribute: (v, fail) => string(v, fail),
  proximityPrecision: (v, fail) => oneOf(v, ['byWord', 'byAttribute'], fail),
  typoTolerance: (v, fail) =>
    fields(v, fail, {
      enabled: boolean,
      minWordSizeForTypos: (m, f) => {
        const sizes = fields(m, f, {
          oneTypo: (n, g) => integer(n, g, 255),
          twoTypos: (n, g) => integer(n, g, 255),
        }) as { oneTypo?: number | null; twoTypos?: number | null };
        // Both given: check the order now; one given: applySettingsPatch checks the merge.
        if (sizes.oneTypo != null && sizes.twoTypos != null && sizes.oneTypo > sizes.twoTypos) {
          f('`twoTypos` should be greater or equal to `oneTypo`');
        }
        return sizes;
      },
      disableOnWords: stringSet,
      disableOnAttributes: stringSet,
      disableOnNumbers: boolean,
    }),
  faceting: (v, fail) =>
    fields(v, fail, {
      maxValuesPerFacet: (n, f) => integer(n, f),
      sortFacetValuesBy: (m, f) => {
        const map = object(m, f);
        const out: Record<string, string> = {};
        for (const [k, order] of Object.entries(map))
          setOwn(out, k, oneOf(order, ['alpha', 'count'], f));
        return out;
      },
    }),
  pagination: (v, fail) => fields(v, fail, { maxTotalHits: (n, f) => integer(n, f) }),
  // Kept as given: neither Miroir nor the emulator configures embedders (each refuses them).
  embedders: (v, fail) => object(v, fail),
  searchCutoffMs: (v, fail) => integer(v, fail),
  localizedAttributes: (v, fail) =>
    list(v, fail).map((rule) =>
      fields(rule, fail, { attributePatterns: stringList, locales: stringList }, true),
    ),
  facetSearch: (v, fail) => boolean(v, fail),
  prefixSearch: (v, fail) => oneOf(v, ['indexingTime', 'disabled'], fail),
};

function filterableRule(item: unknown, fail: Fail): unknown {
  if (typeof item === 'string') return item;
  const rule = fields(item, fail, {
    attributePatterns: stringList,
    features: (f, g) =>
      fields(f, g, {
        facetSearch: boolean,
        filter: (x, h) => fields(x, h, { equality: boolean, comparison: boolean }),
      }),
  }) as { attributePatterns?: string[]; features?: Record<string, unknown> | null };
  if (!rule.attributePatterns) fail('Missing field `attributePatterns`');
  const features = rule.features ?? {};
  const filter = (features.filter ?? {}) as Record<string, unknown>;
  return {
    attributePatterns: rule.attributePatterns,
    features: {
      facetSearch: features.facetSearch ?? false,
      filter: { equality: filter.equality ?? true, comparison: filter.comparison ?? false },
    },
  };
}

/** A strict object: known fields only; a `null` field means "reset" (kept as null). */
function fields(
  v: unknown,
  fail: Fail,
  spec: Record<string, Validator>,
  required = false,
): Record<string, unknown> {
  const obj = object(v, fail);
  const out: Record<string, unknown> = {};
  for (const [k, value] of Object.entries(obj)) {
    const validate = Object.hasOwn(spec, k) ? spec[k] : undefined;
    if (!validate) {
      fail(`Unknown field \`${k}\`: expected one of ${Object.keys(spec).join(', ')}`);
    }
    out[k] = value === null ? null : validate(value, fail);
  }
  if (required) {
    for (const k of Object.keys(spec)) if (out[k] == null) fail(`Missing field \`${k}\``);
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `a string: \`${JSON.stringify(v)}\``;
  return `a ${typeof v}`;
}

function object(v: unknown, fail: Fail): Record<string, unknown> {
  if (!isObject(v)) fail(`expected an object, but found ${kind(v)}`);
  return v as Record<string, unknown>;
}

function list(v: unknown, fail: Fail): unknown[] {
  if (!Array.isArray(v)) fail(`expected an array, but found ${kind(v)}`);
  return v as unknown[];
}

function string(v: unknown, fail: Fail): string {
  if (typeof v !== 'string') fail(`expected a string, but found ${kind(v)}`);
  return v as string;
}

function stringList(v: unknown, fail: Fail): string[] {
  return list(v, fail).map((s) => string(s, fail));
}

/** A real node keeps these as ordered sets (sorted, deduplicated). */
function stringSet(v: unknown, fail: Fail): string[] {
  return [...new Set(stringList(v, fail))].sort();
}

/** `["*"]` wins over any other entry, as on a real node. */
function starList(v: unknown, fail: Fail): string[] {
  const items = stringList(v, fail);
  return items.includes('*') ? ['*'] : [...new Set(items)];
}

function boolean(v: unknown, fail: Fail): boolean {
  if (typeof v !== 'boolean') fail(`expected a boolean, but found ${kind(v)}`);
  return v as boolean;
}

function integer(v: unknown, fail: Fail, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) {
    fail(
      `expected a non-negative integer${max < 1e6 ? ` up to ${max}` : ''}, but found ${kind(v)}`,
    );
  }
  return v as number;
}

function oneOf<T extends string>(v: unknown, allowed: T[], fail: Fail): T {
  if (typeof v !== 'string' || !allowed.includes(v as T)) {
    fail(
      `Unknown value \`${String(v)}\`, expected one of ${allowed.map((a) => `\`${a}\``).join(', ')}`,
    );
  }
  return v as T;
}
