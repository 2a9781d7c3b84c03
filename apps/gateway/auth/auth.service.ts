import { Inject, Injectable } from '@nestjs/common';
import { compactVerify, decodeJwt } from 'jose';
import type { MiroirConfig } from '#lib/config';
import { MeiliError } from '#lib/errors';
import { allows, allowsIndex, isExpired } from '#lib/meili-api';
import { CONFIG } from '../infra/tokens.js';
import { FULL_ACCESS, type Access } from './access.js';
import { KeyCacheService } from './key-cache.service.js';

/** Where a route stands: an action checked against keys, public, or the admin API. */
export type RoutePolicy = { action: string } | 'public' | 'admin';

const missingHeader = () =>
  new MeiliError(
    'missing_authorization_header',
    'The Authorization header is missing. It must use the bearer authorization method.',
  );
const invalidKey = () => new MeiliError('invalid_api_key', 'The provided API key is invalid.');
const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]+$/;

/**
 * Meilisearch's authentication, on Miroir's own key store: master key, API keys (actions and
 * index rules, expiry) and tenant tokens (search only, `searchRules` applied as filters); the
 * admin key guards `/_miroir/`.
 */
@Injectable()
export class AuthService {
  constructor(
    @Inject(CONFIG) private readonly config: MiroirConfig,
    private readonly keys: KeyCacheService,
  ) {}

  async authenticate(
    policy: RoutePolicy,
    authorization: string | undefined,
    indexUid: string | undefined,
  ): Promise<Access> {
    if (policy === 'public') return FULL_ACCESS;
    const { masterKey, adminApiKey } = this.config;
    if (policy === 'admin') {
      if (!masterKey && !adminApiKey) return { kind: 'open', indexes: ['*'] };
      const token = bearer(authorization);
      if (token === adminApiKey || token === masterKey) return FULL_ACCESS;
      throw invalidKey();
    }
    const { action } = policy;
    if (!masterKey) {
      if (action.startsWith('keys.')) {
        throw new MeiliError(
          'missing_master_key',
          'Meilisearch is running without a master key. To access this API endpoint, you must have set a master key at launch.',
        );
      }
      return { kind: 'open', indexes: ['*'] };
    }
    const token = bearer(authorization);
    if (token === masterKey) return FULL_ACCESS;

    // A tenant token first (search only), as Meilisearch does; a token that is not one (or names
    // no key) is then tried as an API key (extractors/authentication/mod.rs, `authenticate`).
    if (action === 'search' && JWT_SHAPE.test(token)) {
      const access = await this.tenantToken(token, indexUid);
      if (access) return access;
    }
    const key = await this.keys.find(token);
    if (!key) throw invalidKey();
    if (indexUid !== undefined && !allowsIndex(key.indexes, indexUid)) {
      throw new MeiliError(
        'invalid_api_key',
        `The API key cannot acces the index \`${indexUid}\`, authorized indexes are ${rustList(key.indexes)}.`,
      );
    }
    if (isExpired(key, Date.now()) || !allows(key.actions, action)) throw invalidKey();
    return { kind: 'key', indexes: key.indexes };
  }

  /**
   * A tenant token's access, or null when the token is not one (not a JWT of Meilisearch's claims,
   * or its key is unknown): the caller then tries it as an API key. Messages are Meilisearch's
   * `AuthError`s: a bad signature, an expired `exp`, an index outside the rules or the key.
   */
  private async tenantToken(token: string, indexUid: string | undefined): Promise<Access | null> {
    let claims: Record<string, unknown>;
    try {
      claims = decodeJwt(token);
    } catch {
      return null;
    }
    const uid = claims.apiKeyUid;
    if (typeof uid !== 'string') return null;
    const key = await this.keys.byUid(uid.toLowerCase());
    if (!key) return null;
    try {
      // Signature only: Meilisearch checks `exp` itself and no other claim (tenant_token_validation).
      await compactVerify(token, new TextEncoder().encode(this.keys.valueOf(key.uid)), {
        algorithms: ['HS256', 'HS384', 'HS512'],
      });
    } catch {
      throw new MeiliError('invalid_api_key', 'Could not decode tenant token, InvalidSignature.');
    }
    if (typeof claims.exp === 'number') {
      const now = Math.floor(Date.now() / 1000);
      if (now > claims.exp) {
        throw new MeiliError(
          'invalid_api_key',
          `Tenant token expired. Was valid up to \`${claims.exp}\` and we're now \`${now}\`.`,
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
    if (isExpired(key, Date.now()) || !allows(key.actions, 'search')) throw invalidKey();
    return { kind: 'tenant', indexes: key.indexes, searchRules };
  }
}

/** Rust's `{:?}` of a list of strings: `["a", "b"]`. */
function rustList(items: readonly string[]): string {
  return `[${items.map((i) => JSON.stringify(i)).join(', ')}]`;
}

function bearer(authorization: string | undefined): string {
  if (!authorization) throw missingHeader();
  const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
  if (!match) throw missingHeader();
  return match[1]!.trim();
}

/** `searchRules` as an object; the array form lists patterns without filters. */
function normaliseRules(rules: unknown): Record<string, unknown> {
  if (Array.isArray(rules)) {
    return Object.fromEntries(rules.filter((r) => typeof r === 'string').map((r) => [r, null]));
  }
  if (rules && typeof rules === 'object') return rules as Record<string, unknown>;
  throw invalidKey();
}
