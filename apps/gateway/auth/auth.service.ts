import { SearchUiService } from '../search-ui/search-ui.service.js';
import { Inject, Injectable } from '@nestjs/common';
import type { MiroirConfig } from '#lib/config';
import { MeiliError } from '#lib/errors';
import {
  allows,
  allowsIndex,
  invalidApiKey,
  isExpired,
  keyCannotAccess,
  tenantTokenAccess,
} from '#lib/meili-api';
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
    private readonly searchUi: SearchUiService,
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
      throw invalidApiKey();
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

    // The search page's browser tokens (issuer and key id tell them apart): searches of one index.
    if (this.searchUi.isOurs(token)) {
      const idx = await this.searchUi.verify(token);
      if (action !== 'search' || (indexUid !== undefined && indexUid !== idx)) {
        throw new MeiliError(
          'miroir_jwt_scope_denied',
          `This search token allows searching \`${idx}\` only.`,
        );
      }
      return { kind: 'ui', indexes: [idx] };
    }

    // A tenant token first (search only), as Meilisearch does; a token that is not one (or names
    // no key) is then tried as an API key (extractors/authentication/mod.rs, `authenticate`).
    if (action === 'search') {
      const tenant = await tenantTokenAccess(token, indexUid, async (uid) => {
        const key = await this.keys.byUid(uid);
        return key ? { key, value: this.keys.valueOf(key.uid) } : null;
      });
      if (tenant) {
        return { kind: 'tenant', indexes: tenant.key.indexes, searchRules: tenant.searchRules };
      }
    }
    const key = await this.keys.find(token);
    if (!key) throw invalidApiKey();
    if (indexUid !== undefined && !allowsIndex(key.indexes, indexUid)) {
      throw keyCannotAccess(indexUid, key.indexes);
    }
    if (isExpired(key, Date.now()) || !allows(key.actions, action)) throw invalidApiKey();
    return { kind: 'key', indexes: key.indexes };
  }
}
function bearer(authorization: string | undefined): string {
  if (!authorization) throw missingHeader();
  const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
  if (!match) throw missingHeader();
  return match[1]!.trim();
}
