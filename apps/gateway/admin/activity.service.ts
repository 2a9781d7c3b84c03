import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ACTIVITY_TTL_MS, type ActivityRecord, type Store } from '#lib/store';
import { cookieValue, SESSION_COOKIE } from '../auth/admin-session.service.js';
import { LOG, STORE } from '../infra/tokens.js';
import type { Log } from '#lib/service';

const LOGIN = /^\/_miroir\/admin\/(login|logout)$/;

/**
 * The activity log: every change asked of the admin API (a request to `/_miroir/…` other than a
 * read), who asked (the console session, or a key), what (route and path), when, and how it ended.
 * Kept in the store for ACTIVITY_TTL_MS; the console shows it. Requests refused for their
 * credentials are not changes, and are left out (logins are kept: they are the attempts to watch).
 */
@Injectable()
export class ActivityService {
  constructor(
    @Inject(STORE) private readonly store: Store,
    @Inject(LOG) private readonly log: Log,
  ) {}

  /** Called once the answer is sent. */
  observe(req: FastifyRequest, status: number): void {
    const route = req.routeOptions.url ?? '';
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return;
    if (!route.startsWith('/_miroir/')) return;
    if ((status === 401 || status === 403) && !LOGIN.test(route)) return;
    const record: ActivityRecord = {
      id: `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`,
      at: new Date().toISOString(),
      actor: actorOf(req),
      ip: req.ip ?? null,
      method: req.method,
      route,
      path: (req.raw.url ?? '').split('?')[0]!,
      status,
    };
    this.store.activity.put(record.id, record, { ttlMs: ACTIVITY_TTL_MS }).catch((err) => {
      this.log('warn', 'activity-not-recorded', { route, error: String(err) });
    });
  }

  /** Newest first. */
  async list(limit: number): Promise<ActivityRecord[]> {
    const { results } = await this.store.activity.list({ limit: 100_000 });
    return results.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0)).slice(0, limit);
  }
}

function actorOf(req: FastifyRequest): string {
  if (req.headers.authorization) return 'admin key';
  const session = cookieValue(req.headers.cookie, SESSION_COOKIE);
  if (!session) return 'anonymous';
  // The session id is a credential: only a digest of it names the session.
  return `console session ${createHash('sha256').update(session).digest('hex').slice(0, 8)}`;
}
