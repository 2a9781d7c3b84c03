import { compactVerify, decodeJwt } from 'jose';
import { MeiliError } from '#lib/errors';
import { allows, allowsIndex } from './actions.js';
import { isExpired, type ApiKeyFields } from './api-keys.js';

/**
 * Meilisearch's authentication words and tenant tokens (extractors/authentication/mod.rs
 * `AuthError`, `authenticate_tenant_token`), shared by the gateway (its own front door) and the
 * emulator (a node's).
 */

export const invalidApiKey = () =>
  new MeiliError('invalid_api_key', 'The provided API key is invalid.');

/** An API key used on an index it does not cover (`ApiKeyAccessingnUnauthorizedIndex`). */
export function keyCannotAccess(indexUid: string, indexes: readonly string[]): MeiliError {
  return new MeiliError(
    'invalid_api_key',
    `The API key cannot acces the index \`${indexUid}\`, authorized indexes are ${rustList(indexes)}.`,
  );
}

/** Rust's `{:?}` of a list of strings: `["a", "b"]`. */
function rustList(items: readonly string[]): string {
  return `[${items.map((i) => JSON.stringify(i)).join(', ')}]`;
}

const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]+$/;

export type TokenKey = Pick<ApiKeyFields, 'uid' | 'indexes' | 'actions' | 'expiresAt'>;

/** What a tenant token grants: its key's indexes, narrowed by `searchRules` (index → filter). */
export interface TenantAccess<K extends TokenKey> {
  key: K;
  searchRules: Record<string, unknown>;
}

/**
 * A tenant token's access for a search on `indexUid`, or null when the token is not one (not a
 * JWT naming a known key in `apiKeyUid`): the caller then tries it as an API key, as Meilisearch
 * does. Only the signature and `exp` are checked, as Meilisearch checks them.
 */
export async function tenantTokenAccess<K extends TokenKey>(
  token: string,
  indexUid: string | undefined,
  lookup: (uid: string) => Promise<{ key: K; value: string } | null>,
  now = Date.now(),
): Promise<TenantAccess<K> | null> {
  if (!JWT_SHAPE.test(token)) return null;
  let claims: Record<string, unknown>;
  try {
    claims = decodeJwt(token);
  } catch {
    return null;
  }
  const uid = claims.apiKeyUid;
  if (typeof uid !== 'string') return null;
  const found = await lookup(uid.toLowerCase());
  if (!found) return null;
  const { key, value } = found;
  try {
    await compactVerify(token, new TextEncoder().encode(value), {
      algorithms: ['HS256', 'HS384', 'HS512'],
    });
  } catch {
    throw new MeiliError('invalid_api_key', 'Could not decode tenant token, InvalidSignature.');
  }
  if (typeof claims.exp === 'number') {
    const seconds = Math.floor(now / 1000);
    if (seconds > claims.exp) {
      throw new MeiliError(
        'invalid_api_key',
        `Tenant token expired. Was valid up to \`${claims.exp}\` and we're now \`${seconds}\`.`,
      );
    }
  }
  const searchRules = normaliseRules(claims.searchRules);
  if (indexUid !== undefined) {
    const ruled = Object.keys(searchRules);
    if (!ruled.some((p) => allowsIndex([p], indexUid))) {
      throw new MeiliError(
        'invalid_api_key',
        `The provided tenant token cannot acces the index \`${indexUid}\`, allowed indexes are ${rustList(ruled)}.`,
      );
    }
    if (!allowsIndex(key.indexes, indexUid)) {
      // The key's own indexes are not public: the message does not list them.
      throw new MeiliError(
        'invalid_api_key',
        `The API key used to generate this tenant token cannot acces the index \`${indexUid}\`.`,
      );
    }
  }
  if (isExpired(key, now) || !allows(key.actions, 'search')) throw invalidApiKey();
  return { key, searchRules };
}

/**
 * The tenant-token filter for an index: undefined when no rule covers it, null when the rule has
 * no filter. An exact uid beats a pattern, a longer pattern a shorter one.
 */
export function tenantFilter(searchRules: Record<string, unknown>, indexUid: string): unknown {
  const matching = Object.keys(searchRules)
    .filter((pattern) => allowsIndex([pattern], indexUid))
    .sort((a, b) => (a === indexUid ? -1 : b === indexUid ? 1 : b.length - a.length));
  if (matching.length === 0) return undefined;
  const rule = searchRules[matching[0]!];
  if (rule === null || rule === undefined) return null;
  return (rule as { filter?: unknown }).filter ?? null;
}

/** `searchRules` as an object; the array form lists patterns without filters. */
function normaliseRules(rules: unknown): Record<string, unknown> {
  if (Array.isArray(rules)) {
    return Object.fromEntries(rules.filter((r) => typeof r === 'string').map((r) => [r, null]));
  }
  if (rules && typeof rules === 'object') return rules as Record<string, unknown>;
  throw invalidApiKey();
}
