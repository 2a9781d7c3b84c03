import { Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { Access } from './access.js';
import { AuthService, type RoutePolicy } from './auth.service.js';

const POLICY = 'miroir:policy';

/** The key action a route needs (Meilisearch's action names). */
export const RequireAction = (action: string) => SetMetadata(POLICY, { action });
export const Public = () => SetMetadata(POLICY, 'public');
export const AdminOnly = () => SetMetadata(POLICY, 'admin');

export type AuthedRequest = FastifyRequest & { access?: Access };

/** Checks every request against its route's policy; routes without one are refused. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const policy = this.reflector.getAllAndOverride<RoutePolicy | undefined>(POLICY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!policy) return false;
    const req = context.switchToHttp().getRequest<AuthedRequest>();
    const params = req.params as Record<string, string | undefined>;
    req.access = await this.auth.authenticate(policy, req.headers.authorization, params.indexUid);
    return true;
  }
}
