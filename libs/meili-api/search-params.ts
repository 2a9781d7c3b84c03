/**
 * Search parameters from GET query strings (decoded to the POST body's types) and the typed
 * checks of a POST body that Meilisearch makes before looking the index up.
 */
import { MeiliError } from '#lib/errors';
import {
  describeValue,
  queryBoolean,
  queryInteger,
  queryList,
  queryValue,
  type Query,
} from './params.js';

const INTEGERS = ['offset', 'limit', 'page', 'hitsPerPage', 'cropLength'];
const BOOLEANS = [
  'showMatchesPosition',
  'showRankingScore',
  'showRankingScoreDetails',
  'showPerformanceDetails',
  'retrieveVectors',
];
const LISTS = [
  'attributesToRetrieve',
  'attributesToCrop',
  'attributesToHighlight',
  'facets',
  'attributesToSearchOn',
  'locales',
  'sort',
];
const FLOATS = ['rankingScoreThreshold', 'hybridSemanticRatio'];

function code(name: string): string {
  return `invalid_search_${name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`;
}

function float(raw: string, name: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value))
    throw new MeiliError(
      code(name),
      `Invalid value in parameter \`${name}\`: could not parse \`${raw}\` as a float`,
    );
  return value;
}

/** GET /indexes/{uid}/search query → body-shaped parameters (other names pass through as strings). */
export function searchQueryToParams(query: Query): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const name of Object.keys(query)) {
    if (INTEGERS.includes(name)) params[name] = queryInteger(query, name, code(name));
    else if (BOOLEANS.includes(name)) params[name] = queryBoolean(query, name, code(name));
    else if (LISTS.includes(name)) params[name] = queryList(query, name);
    else if (FLOATS.includes(name)) params[name] = float(queryValue(query, name)!, name);
    else params[name] = queryValue(query, name);
  }
  checkSearchTypes(params);
  return params;
}

/** Type and range checks of known parameters, made before the index lookup. */
export function checkSearchTypes(params: Record<string, unknown>): void {
  for (const name of INTEGERS) {
    const value = params[name];
    if (value !== undefined && !(Number.isSafeInteger(value) && (value as number) >= 0)) {
      throw new MeiliError(
        code(name),
        `Invalid value type at \`.${name}\`: expected a positive integer, but found ${describeValue(value)}`,
      );
    }
  }
  for (const name of BOOLEANS) {
    const value = params[name];
    if (value !== undefined && typeof value !== 'boolean')
      throw new MeiliError(
        code(name),
        `Invalid value type at \`.${name}\`: expected a boolean, but found ${describeValue(value)}`,
      );
  }
  const threshold = params.rankingScoreThreshold;
  if (
    threshold !== undefined &&
    threshold !== null &&
    (typeof threshold !== 'number' || threshold < 0 || threshold > 1)
  ) {
    throw new MeiliError(
      'invalid_search_ranking_score_threshold',
      `Invalid value at \`.rankingScoreThreshold\`: the value of \`rankingScoreThreshold\` is invalid, expected a float between \`0.0\` and \`1.0\`.`,
    );
  }
}
