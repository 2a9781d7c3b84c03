import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { compactVerify, decodeProtectedHeader, SignJWT } from 'jose';
import type { MiroirConfig } from '#lib/config';
import { MeiliError } from '#lib/errors';
import { asObject, rejectUnknown } from '#lib/meili-api';
import type { Store } from '#lib/store';
import { CatalogService } from '../indexes/catalog.service.js';
import { CONFIG, STORE } from '../infra/tokens.js';
import { AddressLimit } from '../http/address-limit.js';

/** What a search page shows (`POST /_miroir/ui/search/{index}/config`). */
export interface PageConfig {
  title: string;
  placeholder: string;
  /** Fields shown for each hit (the first one is the hit's title). */
  fields: string[];
  /** Facets offered as filters (they must be filterable). */
  facets: string[];
}

const ISSUER = 'miroir';
const invalid = (why: string) =>
  new MeiliError('miroir_jwt_invalid', `Invalid search token: ${why}.`);

/**
 * The hosted search page's credentials (api.md): short-lived browser JWTs (`iss: miroir`, `idx`,
 * `scope: search`, `exp`; HS256 with `search_ui_jwt_secret`, `kid` naming that secret) that allow
 * only searches of one index. Told apart from tenant tokens by issuer and key id. The gateway
 * searches the nodes with its scoped key, so a browser never holds a node key.
 */
@Injectable()
export class SearchUiService {
  private readonly secret: Uint8Array | null;
  private readonly kid: string | null;
  private readonly perAddress: AddressLimit;

  constructor(
    @Inject(CONFIG) private readonly config: MiroirConfig,
    @Inject(STORE) private readonly store: Store,
    private readonly catalog: CatalogService,
  ) {
    this.perAddress = new AddressLimit(
      config.searchUi.ratePerMinute,
      'Too many requests from this address; retry in a minute.',
    );
    const secret = config.searchUi.jwtSecret;
    this.secret = secret ? new TextEncoder().encode(secret) : null;
    this.kid = secret
      ? `miroir-ui-${createHash('sha256').update(secret).digest('hex').slice(0, 12)}`
      : null;
  }

  get enabled(): boolean {
    return this.secret !== null;
  }

  /** Whether a bearer token is one of ours (issuer and key id), not a tenant token or API key. */
  isOurs(token: string): boolean {
    try {
      const header = decodeProtectedHeader(token);
      return typeof header.kid === 'string' && header.kid.startsWith('miroir-ui-');
    } catch {
      return false;
    }
  }

  /** The index a valid token allows searching; 401 `miroir_jwt_invalid` otherwise. */
  async verify(token: string): Promise<string> {
    if (!this.secret) throw invalid('the search page is not enabled');
    if (decodeProtectedHeader(token).kid !== this.kid) throw invalid('unknown key id');
    let claims: Record<string, unknown>;
    try {
      const { payload } = await compactVerify(token, this.secret, { algorithms: ['HS256'] });
      claims = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;
    } catch {
      throw invalid('bad signature');
    }
    if (claims.iss !== ISSUER || claims.scope !== 'search' || typeof claims.idx !== 'string') {
      throw invalid('not a search page token');
    }
    if (typeof claims.exp !== 'number' || claims.exp * 1000 <= Date.now()) throw invalid('expired');
    return claims.idx;
  }

  /** A session for the page of `index`: a browser token, if the visitor may have one. */
  async session(
    index: string,
    headers: Record<string, string | string[] | undefined>,
  ): Promise<{ token: string; expiresAt: string; indexUid: string }> {
    if (!this.secret) throw new MeiliError('not_found', 'The search page is not enabled.');
    const { mode, sharedKey } = this.config.searchUi;
    if (mode === 'shared_key' && headers['x-miroir-search-key'] !== sharedKey) {
      throw new MeiliError('miroir_jwt_scope_denied', 'This search page needs its shared key.');
    }
    if (mode === 'oauth_proxy' && !headers['x-forwarded-user']) {
      throw new MeiliError('miroir_jwt_scope_denied', 'This search page needs a signed-in user.');
    }
    await this.catalog.get(index);
    const exp = Math.floor((Date.now() + this.config.searchUi.sessionTtlMs) / 1000);
    const token = await new SignJWT({ idx: index, scope: 'search' })
      .setProtectedHeader({ alg: 'HS256', kid: this.kid! })
      .setIssuer(ISSUER)
      .setExpirationTime(exp)
      .sign(this.secret);
    return { token, expiresAt: new Date(exp * 1000).toISOString(), indexUid: index };
  }

  /** Counts a request to the public page or session routes (429 past the per-IP limit). */
  limit(ip: string): void {
    this.perAddress.take(ip);
  }

  async pageConfig(index: string): Promise<PageConfig> {
    const stored = (await this.store.searchUiConfigs.get(index))?.config ?? {};
    return {
      title: typeof stored.title === 'string' ? stored.title : index,
      placeholder: typeof stored.placeholder === 'string' ? stored.placeholder : 'Search',
      fields: Array.isArray(stored.fields) ? (stored.fields as string[]) : [],
      facets: Array.isArray(stored.facets) ? (stored.facets as string[]) : [],
    };
  }

  async setPageConfig(index: string, input: unknown): Promise<PageConfig> {
    await this.catalog.get(index);
    const body = asObject(input);
    rejectUnknown(body, ['title', 'placeholder', 'fields', 'facets'], 'field');
    for (const key of ['title', 'placeholder'] as const) {
      if (body[key] !== undefined && typeof body[key] !== 'string')
        throw new MeiliError('bad_request', `Invalid value type at \`.${key}\`: expected a string`);
    }
    for (const key of ['fields', 'facets'] as const) {
      const v = body[key];
      if (v !== undefined && !(Array.isArray(v) && v.every((x) => typeof x === 'string')))
        throw new MeiliError(
          'bad_request',
          `Invalid value type at \`.${key}\`: expected an array of strings`,
        );
    }
    await this.store.searchUiConfigs.put(index, {
      indexUid: index,
      config: body,
      updatedAt: new Date().toISOString(),
    });
    return this.pageConfig(index);
  }
}
