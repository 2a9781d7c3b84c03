import { MeiliError } from '#lib/errors';
import { RESERVED_PREFIX, SHARD_FIELD } from '#lib/routing';

/**
 * Settings as nodes get them: the client's, plus what Miroir needs — `_miroir_shard` filterable
 * (shard restriction of reads, migrations) and more facet values per node than clients see, so
 * merged facet counts stay exact.
 */
export const NODE_MIN_FACET_VALUES = 1000;

export function nodeFacetValues(clientMaxValuesPerFacet: number): number {
  return Math.max(clientMaxValuesPerFacet * 10, NODE_MIN_FACET_VALUES);
}

/** The settings patch a new index starts with on every node. */
export function initialNodeSettings(): Record<string, unknown> {
  return {
    filterableAttributes: [SHARD_FIELD],
    faceting: { maxValuesPerFacet: NODE_MIN_FACET_VALUES },
  };
}

/**
 * The node patch for a client patch. `resulting` is the client's settings after the patch (for
 * values nodes derive from them). A reset (`null`) of a field Miroir extends re-applies the reserved
 * part instead of resetting it on the node.
 */
export function toNodeSettingsPatch(
  clientPatch: Record<string, unknown>,
  resulting: { filterableAttributes: unknown[]; faceting: { maxValuesPerFacet: number } },
): Record<string, unknown> {
  const patch: Record<string, unknown> = { ...clientPatch };
  if ('filterableAttributes' in clientPatch) {
    // The reserved rule first: Meilisearch takes the first rule matching an attribute, so a
    // client's catch-all pattern cannot change how the shard field is filtered.
    patch.filterableAttributes = [SHARD_FIELD, ...resulting.filterableAttributes];
  }
  if ('displayedAttributes' in clientPatch) {
    // Nodes display every field: the copy checker and migrations read the reserved ones, and the
    // merge reads sort values that Meilisearch hides on fields the client does not display. The
    // gateway applies the client's displayed attributes to every search answer.
    patch.displayedAttributes = ['*'];
  }
  if ('faceting' in clientPatch) {
    const faceting = (clientPatch.faceting ?? {}) as Record<string, unknown>;
    patch.faceting = {
      ...(clientPatch.faceting === null ? { sortFacetValuesBy: null } : faceting),
      maxValuesPerFacet: nodeFacetValues(resulting.faceting.maxValuesPerFacet),
    };
  }
  return patch;
}

/** Every setting of an index as nodes hold it, from the client's full settings (a new copy starts with them). */
export function nodeSettingsOf(clientSettings: Record<string, unknown>): Record<string, unknown> {
  const filterable = clientSettings.filterableAttributes;
  const faceting = clientSettings.faceting as { maxValuesPerFacet?: unknown } | undefined;
  const maxValues = faceting?.maxValuesPerFacet;
  return {
    ...initialNodeSettings(),
    ...toNodeSettingsPatch(clientSettings, {
      filterableAttributes: Array.isArray(filterable) ? filterable : [],
      faceting: { maxValuesPerFacet: typeof maxValues === 'number' ? maxValues : 100 },
    }),
  };
}

/** Hides what Miroir added from settings shown to clients (nodes' view → client view). */
export function withoutReservedSettings(
  settings: Record<string, unknown>,
): Record<string, unknown> {
  const out = { ...settings };
  if (Array.isArray(out.filterableAttributes)) {
    out.filterableAttributes = out.filterableAttributes.filter((f) => f !== SHARD_FIELD);
  }
  return out;
}

/**
 * Refuses settings that name a reserved `_miroir_*` field (searchable, displayed, filterable,
 * sortable, distinct, typo exceptions, facet orders, localized attributes): nodes hold those fields,
 * so a client naming them would see or rank by Miroir's own data. Meilisearch has no such rule;
 * `miroir_reserved_field` says why.
 */
export function refuseReservedSettings(patch: Record<string, unknown>): void {
  const names: [string, unknown][] = [];
  const add = (setting: string, value: unknown) => {
    if (Array.isArray(value)) for (const v of value) names.push([setting, v]);
    else names.push([setting, value]);
  };
  for (const key of ['searchableAttributes', 'displayedAttributes', 'sortableAttributes']) {
    add(key, patch[key]);
  }
  add('distinctAttribute', patch.distinctAttribute);
  for (const rule of asArray(patch.filterableAttributes)) {
    if (typeof rule === 'string') add('filterableAttributes', rule);
    else add('filterableAttributes', (rule as { attributePatterns?: unknown })?.attributePatterns);
  }
  for (const rule of asArray(patch.localizedAttributes)) {
    add('localizedAttributes', (rule as { attributePatterns?: unknown })?.attributePatterns);
  }
  const typo = patch.typoTolerance as { disableOnAttributes?: unknown } | null | undefined;
  add('typoTolerance.disableOnAttributes', typo?.disableOnAttributes);
  const faceting = patch.faceting as { sortFacetValuesBy?: unknown } | null | undefined;
  const orders = faceting?.sortFacetValuesBy;
  if (orders && typeof orders === 'object') add('faceting.sortFacetValuesBy', Object.keys(orders));
  for (const [setting, name] of names) {
    if (typeof name === 'string' && name.startsWith(RESERVED_PREFIX)) {
      throw new MeiliError(
        'miroir_reserved_field',
        `Invalid value at \`.${setting}\`: \`${name}\` is reserved: attributes starting with \`${RESERVED_PREFIX}\` are used by Miroir.`,
      );
    }
  }
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
