import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { MiroirConfig } from '#lib/config';
import { MeiliError } from '#lib/errors';
import { asObject, rejectUnknown } from '#lib/meili-api';
import type { AdminSessionRecord, Store } from '#lib/store';
import { CONFIG, STORE } from '../infra/tokens.js';
import { AddressLimit } from '../http/address-limit.js';

export const SESSION_COOKIE = 'miroir_admin';
const SESSION_MS = 8 * 3600_000;
const LOGINS_PER_MINUTE = 10;

const sha256 = (s: string) => createHash('sha256').update(s).digest();
const sameSecret = (a: string, b: string) => timingSafeEqual(sha256(a), sha256(b));

/** The value of one cookie in a `Cookie` header (RFC 6265 pairs). */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const pair of (header ?? '').split(';')) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim();
  }
  return undefined;
}

/**
 * Browser sessions for the admin API (the admin console): `POST /_miroir/admin/login` with the
 * admin key gives an HttpOnly, SameSite=Strict cookie and a CSRF token that every
 * cookie-authenticated change must carry (`X-CSRF-Token`). Sessions live in the store, so a
 * logout (revocation) holds on every gateway at once; changing the admin key ends them all.
 */
@Injectable()
export class AdminSessionService {
  private readonly logins = new AddressLimit(
    LOGINS_PER_MINUTE,
    'Too many login attempts; retry in a minute.',
  );

  constructor(
    @Inject(CONFIG) private readonly config: MiroirConfig,
    @Inject(STORE) private readonly store: Store,
  ) {}

  /** The keys the admin API takes (the admin key, and the master key too). */
  private get adminKeys(): string[] {
    return [this.config.adminApiKey, this.config.masterKey].filter((k): k is string => !!k);
  }

  async login(
    input: unknown,
    ip: string,
    userAgent: string | undefined,
  ): Promise<{ session: AdminSessionRecord; maxAgeS: number }> {
    this.logins.take(ip);
    const body = asObject(input);
    rejectUnknown(body, ['admin_key'], 'field');
    const given = body.admin_key;
    const key = this.adminKeys.find((k) => typeof given === 'string' && sameSecret(given, k));
    if (!key) throw new MeiliError('invalid_api_key', 'The provided API key is invalid.');
    const now = Date.now();
    const session: AdminSessionRecord = {
      id: randomBytes(32).toString('hex'),
      csrfToken: randomBytes(24).toString('hex'),
      adminKeyHash: sha256(key).toString('hex'),
      expiresAt: new Date(now + SESSION_MS).toISOString(),
      revoked: false,
      userAgent: userAgent ?? null,
      ip,
      createdAt: new Date(now).toISOString(),
    };
    await this.store.adminSessions.create(session);
    return { session, maxAgeS: SESSION_MS / 1000 };
  }

  /**
   * The session a cookie names, if it is live and made with the current admin key; a change
   * (any method but GET/HEAD) must also carry its CSRF token.
   */
  async check(id: string, method: string, csrf: string | undefined): Promise<AdminSessionRecord> {
    const session = /^[0-9a-f]{64}$/.test(id) ? await this.store.adminSessions.get(id) : null;
    if (
      !session ||
      session.revoked ||
      Date.parse(session.expiresAt) <= Date.now() ||
      !this.adminKeys.some((k) => sha256(k).toString('hex') === session.adminKeyHash)
    ) {
      throw new MeiliError('invalid_api_key', 'The admin session is not valid; log in again.');
    }
    if (method !== 'GET' && method !== 'HEAD' && !(csrf && sameSecret(csrf, session.csrfToken))) {
      throw new MeiliError(
        'invalid_api_key',
        'A change through an admin session needs its X-CSRF-Token.',
      );
    }
    return session;
  }

  async logout(id: string | undefined): Promise<void> {
    if (id && /^[0-9a-f]{64}$/.test(id)) await this.store.adminSessions.revoke(id);
  }
}
