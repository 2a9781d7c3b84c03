import { describe, expect, it } from '@jest/globals';
import { MeiliError } from '#lib/errors';
import {
  applySettingsPatch,
  DEFAULT_SETTINGS,
  parseSettingsPatch,
  parseSettingValue,
  SETTINGS_ROUTES,
} from '#lib/meili-api';

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (err) {
    return err instanceof MeiliError ? err.code : 'not a MeiliError';
  }
  return undefined;
}

describe('settings model', () => {
  it('has the 20 default keys of a new index, in order', () => {
    expect(Object.keys(DEFAULT_SETTINGS)).toEqual([
      'displayedAttributes',
      'searchableAttributes',
      'filterableAttributes',
      'sortableAttributes',
      'rankingRules',
      'stopWords',
      'nonSeparatorTokens',
      'separatorTokens',
      'dictionary',
      'synonyms',
      'distinctAttribute',
      'proximityPrecision',
      'typoTolerance',
      'faceting',
      'pagination',
      'embedders',
      'searchCutoffMs',
      'localizedAttributes',
      'facetSearch',
      'prefixSearch',
    ]);
    expect(DEFAULT_SETTINGS.typoTolerance.minWordSizeForTypos).toEqual({ oneTypo: 5, twoTypos: 9 });
  });

  it('maps sub-routes to keys and verbs', () => {
    expect(Object.keys(SETTINGS_ROUTES)).toHaveLength(20);
    expect(SETTINGS_ROUTES['filterable-attributes']).toEqual({
      key: 'filterableAttributes',
      method: 'PUT',
    });
    expect(SETTINGS_ROUTES['search-cutoff-ms']).toEqual({ key: 'searchCutoffMs', method: 'PUT' });
    for (const route of ['typo-tolerance', 'faceting', 'pagination', 'embedders']) {
      expect(SETTINGS_ROUTES[route]!.method).toBe('PATCH');
    }
  });

  it('merges nested settings and resets with null', () => {
    const patch = parseSettingsPatch({
      typoTolerance: { minWordSizeForTypos: { oneTypo: 4 } },
      faceting: { sortFacetValuesBy: { genre: 'count' } },
      filterableAttributes: [
        'genre',
        { attributePatterns: ['price*'], features: { filter: { comparison: true } } },
      ],
    });
    const next = applySettingsPatch(DEFAULT_SETTINGS, patch);
    expect(next.typoTolerance.minWordSizeForTypos).toEqual({ oneTypo: 4, twoTypos: 9 });
    expect(next.faceting).toEqual({
      maxValuesPerFacet: 100,
      sortFacetValuesBy: { '*': 'alpha', genre: 'count' },
    });
    expect(next.filterableAttributes[1]).toEqual({
      attributePatterns: ['price*'],
      features: { facetSearch: false, filter: { equality: true, comparison: true } },
    });
    const reset = applySettingsPatch(
      next,
      parseSettingsPatch({ typoTolerance: null, filterableAttributes: null }),
    );
    expect(reset.typoTolerance).toEqual(DEFAULT_SETTINGS.typoTolerance);
    expect(reset.filterableAttributes).toEqual([]);
    expect(reset.faceting.sortFacetValuesBy.genre).toBe('count');
  });

  it('validates sub-route values', () => {
    expect(parseSettingValue('rankingRules', ['words', 'price:desc'])).toEqual({
      rankingRules: ['words', 'price:desc'],
    });
    expect(parseSettingValue('distinctAttribute', null)).toEqual({ distinctAttribute: null });
    expect(parseSettingValue('sortableAttributes', ['b', 'a', 'b'])).toEqual({
      sortableAttributes: ['a', 'b'],
    });
  });

  it.each([
    [{ unknown: 1 }, 'bad_request'],
    [{ rankingRules: ['wordz'] }, 'invalid_settings_ranking_rules'],
    [{ rankingRules: 'words' }, 'invalid_settings_ranking_rules'],
    [{ displayedAttributes: [1] }, 'invalid_settings_displayed_attributes'],
    [
      { typoTolerance: { minWordSizeForTypos: { oneTypo: 256 } } },
      'invalid_settings_typo_tolerance',
    ],
    [{ typoTolerance: { nope: true } }, 'invalid_settings_typo_tolerance'],
    [
      { typoTolerance: { minWordSizeForTypos: { oneTypo: 6, twoTypos: 5 } } },
      'invalid_settings_typo_tolerance',
    ],
    [{ faceting: { sortFacetValuesBy: { '*': 'random' } } }, 'invalid_settings_faceting'],
    [{ pagination: { maxTotalHits: -1 } }, 'invalid_settings_pagination'],
    [{ prefixSearch: 'sometimes' }, 'invalid_settings_prefix_search'],
    [{ proximityPrecision: 'byLetter' }, 'invalid_settings_proximity_precision'],
    [{ synonyms: { a: 'b' } }, 'invalid_settings_synonyms'],
    [{ filterableAttributes: [{ features: {} }] }, 'invalid_settings_filterable_attributes'],
    [{ searchCutoffMs: 1.5 }, 'invalid_settings_search_cutoff_ms'],
    [{ facetSearch: 'yes' }, 'invalid_settings_facet_search'],
    [{ chat: {} }, 'feature_not_enabled'],
    ['nope', 'bad_request'],
  ])('rejects %j with %s', (body, code) => {
    expect(codeOf(() => parseSettingsPatch(body))).toBe(code);
  });

  it("refuses Object's own names as fields, as any unknown field (found by the bad-input property test)", () => {
    for (const name of ['valueOf', 'toString', 'constructor', 'hasOwnProperty']) {
      const body = JSON.parse(`{"${name}": {}}`) as unknown;
      expect(codeOf(() => parseSettingsPatch(body))).toBe('bad_request');
      expect(codeOf(() => parseSettingsPatch({ typoTolerance: body }))).toBe(
        'invalid_settings_typo_tolerance',
      );
    }
  });

  it('rejects oneTypo greater than twoTypos once merged', () => {
    const patch = parseSettingsPatch({ typoTolerance: { minWordSizeForTypos: { oneTypo: 10 } } });
    expect(codeOf(() => applySettingsPatch(DEFAULT_SETTINGS, patch))).toBe(
      'invalid_settings_typo_tolerance',
    );
  });
});
