import { MeiliError } from '#lib/errors';
import { emulatorUnsupported } from '../http/unsupported.js';

/** A search request after the index-independent checks (types, ranges, unknown fields). */
export interface SearchRequest {
  q: string | null;
  offset?: number;
  limit?: number;
  page?: number;
  hitsPerPage?: number;
  attributesToRetrieve: string[] | null;
  attributesToCrop: string[] | null;
  cropLength: number;
  cropMarker: string;
  attributesToHighlight: string[] | null;
  highlightPreTag: string;
  highlightPostTag: string;
  showMatchesPosition: boolean;
  showRankingScore: boolean;
  showRankingScoreDetails: boolean;
  filter: unknown;
  sort: string[] | null;
  distinct: string | null;
  facets: string[] | null;
  matchingStrategy: 'last' | 'all' | 'frequency';
  attributesToSearchOn: string[] | null;
  rankingScoreThreshold: number | null;
}

type Kind = 'string' | 'strings' | 'integer' | 'boolean' | 'number' | 'any' | 'unsupported';

const FIELDS: Record<string, Kind> = {
  q: 'string',
  offset: 'integer',
  limit: 'integer',
  page: 'integer',
  hitsPerPage: 'integer',
  attributesToRetrieve: 'strings',
  retrieveVectors: 'boolean',
  attributesToCrop: 'strings',
  cropLength: 'integer',
  cropMarker: 'string',
  attributesToHighlight: 'strings',
  highlightPreTag: 'string',
  highlightPostTag: 'string',
  showMatchesPosition: 'boolean',
  showRankingScore: 'boolean',
  showRankingScoreDetails: 'boolean',
  showPerformanceDetails: 'boolean',
  filter: 'any',
  sort: 'strings',
  distinct: 'string',
  facets: 'strings',
  matchingStrategy: 'string',
  attributesToSearchOn: 'strings',
  rankingScoreThreshold: 'number',
  locales: 'strings',
  hybrid: 'unsupported',
  vector: 'unsupported',
  media: 'unsupported',
  personalize: 'unsupported',
};

/** Search fields a facet search also takes. */
export const SHARED_WITH_FACET_SEARCH = [
  'q',
  'filter',
  'matchingStrategy',
  'attributesToSearchOn',
  'rankingScoreThreshold',
  'locales',
];

export function searchCode(field: string): string {
  return `invalid_search_${field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`;
}

/** Checks a search body's fields and types; `allowed` restricts the accepted names. */
export function parseSearchParams(
  params: unknown,
  extra: Record<string, Kind> = {},
  codeOf: (field: string) => string = searchCode,
): SearchRequest & Record<string, unknown> {
  if (params === null || typeof params !== 'object' || Array.isArray(params)) {
    throw new MeiliError('bad_request', 'Invalid value type: expected an object');
  }
  const fields = { ...FIELDS, ...extra };
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(params)) {
    const kind = fields[name];
    if (!kind) {
      throw new MeiliError(
        'bad_request',
        `Unknown field \`${name}\`: expected one of ${Object.keys(fields)
          .map((f) => `\`${f}\``)
          .join(', ')}`,
      );
    }
    if (value === null || value === undefined) continue;
    if (kind === 'unsupported') {
      throw emulatorUnsupported(
        `The emulator does not support \`${name}\` (vector and AI search).`,
      );
    }
    out[name] = checkKind(name, kind, value, codeOf(name));
  }
  if (
    out.matchingStrategy !== undefined &&
    !['last', 'all', 'frequency'].includes(out.matchingStrategy as string)
  ) {
    throw new MeiliError(
      codeOf('matchingStrategy'),
      `Unknown value \`${String(out.matchingStrategy)}\` at \`.matchingStrategy\`: expected one of \`last\`, \`all\`, \`frequency\``,
    );
  }
  const threshold = out.rankingScoreThreshold as number | undefined;
  if (threshold !== undefined && !(threshold >= 0 && threshold <= 1)) {
    throw new MeiliError(
      codeOf('rankingScoreThreshold'),
      `Invalid value at \`.rankingScoreThreshold\`: the value of \`rankingScoreThreshold\` is invalid, expected a float between \`0.0\` and \`1.0\`.`,
    );
  }
  return {
    ...out,
    q: (out.q as string | undefined) ?? null,
    attributesToRetrieve: (out.attributesToRetrieve as string[] | undefined) ?? null,
    attributesToCrop: (out.attributesToCrop as string[] | undefined) ?? null,
    cropLength: (out.cropLength as number | undefined) ?? 10,
    cropMarker: (out.cropMarker as string | undefined) ?? '…',
    attributesToHighlight: (out.attributesToHighlight as string[] | undefined) ?? null,
    highlightPreTag: (out.highlightPreTag as string | undefined) ?? '<em>',
    highlightPostTag: (out.highlightPostTag as string | undefined) ?? '</em>',
    showMatchesPosition: (out.showMatchesPosition as boolean | undefined) ?? false,
    showRankingScore: (out.showRankingScore as boolean | undefined) ?? false,
    showRankingScoreDetails: (out.showRankingScoreDetails as boolean | undefined) ?? false,
    filter: out.filter ?? null,
    sort: (out.sort as string[] | undefined) ?? null,
    distinct: (out.distinct as string | undefined) ?? null,
    facets: (out.facets as string[] | undefined) ?? null,
    matchingStrategy:
      (out.matchingStrategy as SearchRequest['matchingStrategy'] | undefined) ?? 'last',
    attributesToSearchOn: (out.attributesToSearchOn as string[] | undefined) ?? null,
    rankingScoreThreshold: threshold ?? null,
  };
}

function checkKind(name: string, kind: Kind, value: unknown, code: string): unknown {
  const fail = (expected: string): never => {
    throw new MeiliError(
      code,
      `Invalid value type at \`.${name}\`: expected ${expected}, but found ${describe(value)}`,
    );
  };
  switch (kind) {
    case 'string':
      return typeof value === 'string' ? value : fail('a string');
    case 'strings':
      return Array.isArray(value) && value.every((v) => typeof v === 'string')
        ? value
        : fail('an array of strings');
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value) && value >= 0
        ? value
        : fail('a positive integer');
    case 'boolean':
      return typeof value === 'boolean' ? value : fail('a boolean');
    case 'number':
      return typeof value === 'number' ? value : fail('a number');
    default:
      return value;
  }
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return `an array: \`${JSON.stringify(value)}\``;
  if (typeof value === 'object') return `an object: \`${JSON.stringify(value)}\``;
  return `a ${typeof value}: \`${JSON.stringify(value)}\``;
}
