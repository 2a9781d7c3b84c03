import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from './auth.guard.js';
import { JsonBody } from '../http/request.js';
import { AdminSessionService, cookieValue, SESSION_COOKIE } from './admin-session.service.js';

const cookie = (value: string, maxAgeS: number, secure: boolean) =>
  `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeS}${secure ? '; Secure' : ''}`;

/** `POST /_miroir/admin/login` and `logout`: the admin console's browser session. */
@Controller('_miroir/admin')
export class AdminSessionController {
  constructor(private readonly sessions: AdminSessionService) {}

  @Post('login')
  @HttpCode(200)
  @Public()
  async login(
    @JsonBody() body: unknown,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { session, maxAgeS } = await this.sessions.login(body, req.ip, req.headers['user-agent']);
    const secure = req.protocol === 'https' || req.headers['x-forwarded-proto'] === 'https';
    reply.header('set-cookie', cookie(session.id, maxAgeS, secure));
    reply.header('cache-control', 'no-store');
    return { csrfToken: session.csrfToken, expiresAt: session.expiresAt };
  }

  @Post('logout')
  @HttpCode(204)
  @Public()
  async logout(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    await this.sessions.logout(cookieValue(req.headers.cookie, SESSION_COOKIE));
    reply.header('set-cookie', cookie('', 0, false));
  }
}
