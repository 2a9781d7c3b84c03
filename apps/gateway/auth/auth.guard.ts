import { Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { FULL_ACCESS, type Access } from './access.js';
import { AdminSessionService, cookieValue, SESSION_COOKIE } from './admin-session.service.js';
import { AuthService, type RoutePolicy } from './auth.service.js';
import { AliasService, type AliasUse } from '../aliases/alias.service.js';

const POLICY = 'miroir:policy';

/** The key action a route needs (Meilisearch's action names). */
export const RequireAction = (action: string) => SetMetadata(POLICY, { action });
export const Public = () => SetMetadata(POLICY, 'public');
export const AdminOnly = () => SetMetadata(POLICY, 'admin');

export type AuthedRequest = FastifyRequest & { access?: Access };

/** Client routes an admin console session may read (never documents, searches or keys). */
const CONSOLE_READS = new Set(['indexes.get', 'stats.get', 'settings.get', 'tasks.get']);

/** Checks every request against its route's policy; routes without one are refused. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    private readonly aliases: AliasService,
    private readonly sessions: AdminSessionService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const policy = this.reflector.getAllAndOverride<RoutePolicy | undefined>(POLICY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!policy) return false;
    const req = context.switchToHttp().getRequest<AuthedRequest>();
    const params = req.params as Record<string, string | undefined>;
    // The admin console's browser session: a cookie (and a CSRF token on changes) for the admin key,
    // on admin routes and on the client routes it reads (indexes, their stats and settings, tasks).
    const session = cookieValue(req.headers.cookie, SESSION_COOKIE);
    const consoleRead =
      req.method === 'GET' && typeof policy === 'object' && CONSOLE_READS.has(policy.action);
    if ((policy === 'admin' || consoleRead) && !req.headers.authorization && session) {
      const csrf = req.headers['x-csrf-token'];
      await this.sessions.check(session, req.method, typeof csrf === 'string' ? csrf : undefined);
      req.access = FULL_ACCESS;
      return true;
    }
    // Keys and tenant tokens are checked against the name the client used (an alias's own name).
    req.access = await this.auth.authenticate(policy, req.headers.authorization, params.indexUid);
    if (params.indexUid !== undefined) {
      const use = aliasUse(req.method, req.routeOptions.url ?? '');
      if (use) params.indexUid = (await this.aliases.resolve(params.indexUid, use))[0];
    }
    return true;
  }
}

/**
 * How a route uses the index it names, for alias resolution: index management (`/indexes/{uid}`
 * itself) works on indexes only; searches resolve in the search service (a multi alias fans out).
 */
function aliasUse(method: string, url: string): AliasUse | null {
  if (/^\/indexes\/:indexUid$/.test(url)) return null;
  if (/\/(search|facet-search)$/.test(url)) return null;
  return method === 'GET' ? 'read' : 'write';
}
