import { Controller, Get, Header, HttpCode, Param, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { MeiliError } from '#lib/errors';
import { AdminOnly, Public } from '../auth/auth.guard.js';
import { JsonBody } from '../http/request.js';
import { searchPage } from './search-page.js';
import { SearchUiService } from './search-ui.service.js';

/** The hosted search page, its browser sessions, and its per-index configuration. */
@Controller()
export class SearchUiController {
  constructor(private readonly ui: SearchUiService) {}

  @Get('ui/search/:index')
  @Public()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header(
    'content-security-policy',
    "default-src 'none'; connect-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'",
  )
  @Header('x-content-type-options', 'nosniff')
  async page(@Param('index') index: string, @Req() req: FastifyRequest) {
    this.ui.limit(req.ip);
    if (!this.ui.enabled) throw new MeiliError('not_found', 'The search page is not enabled.');
    return searchPage(index, await this.ui.pageConfig(index));
  }

  @Get('_miroir/ui/search/:index/session')
  @Public()
  @Header('cache-control', 'no-store')
  session(@Param('index') index: string, @Req() req: FastifyRequest) {
    this.ui.limit(req.ip);
    return this.ui.session(index, req.headers);
  }

  @Get('_miroir/ui/search/:index/config')
  @AdminOnly()
  config(@Param('index') index: string) {
    return this.ui.pageConfig(index);
  }

  @Post('_miroir/ui/search/:index/config')
  @HttpCode(200)
  @AdminOnly()
  setConfig(@Param('index') index: string, @JsonBody() body: unknown) {
    return this.ui.setPageConfig(index, body);
  }
}
