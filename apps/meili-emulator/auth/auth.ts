/** Request authentication and authorisation (emulator.md §6). */
import { MeiliError } from '#lib/errors';
import {
  allows,
  allowsIndex,
  invalidApiKey,
  keyCannotAccess,
  tenantFilter,
  tenantTokenAccess,
} from '#lib/meili-api';
import type { KeyStore } from './key-store.js';

/** Who made a request: the master key / an open node (all indexes), or one API key. */
export interface Principal {
  keyUid: string | null;
  indexes: readonly string[];
  actions: readonly string[];
  /** A tenant token's rules: index pattern → filter AND-ed to its searches. */
  searchRules?: Record<string, unknown>;
}

const EVERYTHING: Principal = { keyUid: null, indexes: ['*'], actions: ['*'] };

const forbidden = invalidApiKey;

/**
 * `action` 'public' needs no key (health). Throws 401/403 as a real node would: tenant tokens on
 * search routes first, then API keys, a key's index rules checked against the path's `indexUid`.
 */
export async function authenticate(
  authorization: string | undefined,
  action: string,
  masterKey: string | undefined,
  keys: KeyStore,
  now: number,
  indexUid?: string,
): Promise<Principal> {
  if (action === 'public') return EVERYTHING;
  if (masterKey === undefined) {
    if (action.startsWith('keys.'))
      throw new MeiliError(
        'missing_master_key',
        'Meilisearch is running without a master key. To access this API endpoint, you must have set a master key at launch.',
      );
    return EVERYTHING;
  }
  const match = /^Bearer\s+(\S+)\s*$/.exec(authorization ?? '');
  if (!match)
    throw new MeiliError(
      'missing_authorization_header',
      'The Authorization header is missing. It must use the bearer authorization method.',
    );
  const token = match[1]!;
  if (token === masterKey) return EVERYTHING;
  if (action === 'search') {
    const tenant = await tenantTokenAccess(
      token,
      indexUid,
      async (uid) => {
        const key = keys.find(uid);
        return key && key.uid === uid ? { key, value: keys.valueOf(key) } : null;
      },
      now,
    );
    if (tenant) {
      const { uid, indexes, actions } = tenant.key;
      return { keyUid: uid, indexes, actions, searchRules: tenant.searchRules };
    }
  }
  const key = keys.byValue(token);
  if (!key) throw forbidden();
  if (indexUid !== undefined && !allowsIndex(key.indexes, indexUid))
    throw keyCannotAccess(indexUid, key.indexes);
  if (key.expiresAt !== null && Date.parse(key.expiresAt) <= now) throw forbidden();
  if (!allows(key.actions, action)) throw forbidden();
  return { keyUid: key.uid, indexes: key.indexes, actions: key.actions };
}

/** Whether the principal also holds `action` (e.g. indexes.create for an addition creating its index). */
export function checkAction(principal: Principal, action: string): void {
  if (!allows(principal.actions, action)) throw forbidden();
}

export function canAccessIndex(principal: Principal, uid: string): boolean {
  return allowsIndex(principal.indexes, uid);
}

/** 403 invalid_api_key when the key may not touch index `uid`. */
export function checkIndexAccess(principal: Principal, uid: string): void {
  if (!canAccessIndex(principal, uid)) throw forbidden();
}

/** The filter a tenant token adds to a search on `uid` (null for other credentials). */
export function tenantSearchFilter(principal: Principal, uid: string): unknown {
  return principal.searchRules ? (tenantFilter(principal.searchRules, uid) ?? null) : null;
}

/** Whether a principal may search `uid`: its key's indexes, and a tenant token's rules. */
export function canSearchIndex(principal: Principal, uid: string): boolean {
  if (!canAccessIndex(principal, uid)) return false;
  return !principal.searchRules || tenantFilter(principal.searchRules, uid) !== undefined;
}
