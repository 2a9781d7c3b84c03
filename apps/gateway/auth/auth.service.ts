import { Inject, Injectable } from '@nestjs/common';
import { decodeJwt, jwtVerify } from 'jose';
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

    const key = await this.keys.find(token);
    if (key) {
      if (isExpired(key, Date.now()) || !allows(key.actions, action)) throw invalidKey();
      if (indexUid !== undefined && !allowsIndex(key.indexes, indexUid)) throw invalidKey();
      return { kind: 'key', indexes: key.indexes };
    }
    if (action === 'search' && JWT_SHAPE.test(token)) {
      return this.tenantToken(token, indexUid);
    }
    throw invalidKey();
  }

  private async tenantToken(token: string, indexUid: string | undefined): Promise<Access> {
    let claims: Record<string, unknown>;
    try {
      claims = decodeJwt(token);
    } catch {
      throw invalidKey();
    }
    const uid = claims.apiKeyUid;
    if (typeof uid !== 'string') throw invalidKey();
    const key = await this.keys.byUid(uid.toLowerCase());
    if (!key || isExpired(key, Date.now()) || !allows(key.actions, 'search')) throw invalidKey();
    try {
      await jwtVerify(token, new TextEncoder().encode(this.keys.valueOf(key.uid)), {
        algorithms: ['HS256', 'HS384', 'HS512'],
      });
    } catch {
      throw invalidKey(); // bad signature or expired `exp`
    }
    const searchRules = normaliseRules(claims.searchRules);
    const access: Access = { kind: 'tenant', indexes: key.indexes, searchRules };
    if (indexUid !== undefined) {
      const ruled = Object.keys(searchRules).some((p) => allowsIndex([p], indexUid));
      if (!ruled || !allowsIndex(key.indexes, indexUid)) throw invalidKey();
    }
    return access;
  }
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
