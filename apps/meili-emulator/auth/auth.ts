/** Request authentication and authorisation (emulator.md §6). */
import { MeiliError } from '#lib/errors';
import { allows, allowsIndex } from '#lib/meili-api';
import type { KeyStore } from './key-store.js';

/** Who made a request: the master key / an open node (all indexes), or one API key. */
export interface Principal {
  keyUid: string | null;
  indexes: readonly string[];
  actions: readonly string[];
}

const EVERYTHING: Principal = { keyUid: null, indexes: ['*'], actions: ['*'] };

function forbidden(): MeiliError {
  return new MeiliError('invalid_api_key', 'The provided API key is invalid.');
}

/** `action` 'public' needs no key (health). Throws 401/403 as a real node would. */
export function authenticate(
  authorization: string | undefined,
  action: string,
  masterKey: string | undefined,
  keys: KeyStore,
  now: number,
): Principal {
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
  const key = keys.byValue(token);
  if (!key) throw forbidden();
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
