import { Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { searchQueryToParams } from '#lib/meili-api';
import type { Access } from '../auth/access.js';
import { RequireAction } from '../auth/auth.guard.js';
import { CurrentAccess, JsonBody, Query } from '../http/request.js';
import { sendScattered } from './scatter.executor.js';
import { SearchService, type SearchAnswer } from './search.service.js';

const answer = (reply: FastifyReply, result: SearchAnswer) => sendScattered(reply, result);

@Controller()
export class SearchController {
  constructor(private readonly search: SearchService) {}

  @Post('indexes/:indexUid/search')
  @HttpCode(200)
  @RequireAction('search')
  async post(
    @Param('indexUid') uid: string,
    @JsonBody() body: unknown,
    @CurrentAccess() access: Access,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return answer(reply, await this.search.search(uid, body, access));
  }

  @Get('indexes/:indexUid/search')
  @RequireAction('search')
  async get(
    @Param('indexUid') uid: string,
    @Query() query: Record<string, string>,
    @CurrentAccess() access: Access,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return answer(reply, await this.search.search(uid, searchQueryToParams(query), access));
  }

  @Post('indexes/:indexUid/facet-search')
  @HttpCode(200)
  @RequireAction('search')
  async facetSearch(
    @Param('indexUid') uid: string,
    @JsonBody() body: unknown,
    @CurrentAccess() access: Access,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return answer(reply, await this.search.facetSearch(uid, body, access));
  }

  @Post('multi-search')
  @HttpCode(200)
  @RequireAction('search')
  async multiSearch(
    @JsonBody() body: unknown,
    @CurrentAccess() access: Access,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return answer(reply, await this.search.multiSearch(body, access));
  }
}
