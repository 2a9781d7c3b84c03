import { Controller, Delete, Get, HttpCode, Param, Patch, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Access } from '../auth/access.js';
import { RequireAction } from '../auth/auth.guard.js';
import { CurrentAccess, JsonBody, Query } from '../http/request.js';
import { sendWriteAnswer } from '../http/write-answer.js';
import { IndexService } from './index.service.js';

@Controller('indexes')
export class IndexesController {
  constructor(private readonly indexes: IndexService) {}

  @Get()
  @RequireAction('indexes.get')
  list(@Query() query: Record<string, string>, @CurrentAccess() access: Access) {
    return this.indexes.list(query, access);
  }

  @Post()
  @HttpCode(202)
  @RequireAction('indexes.create')
  async create(
    @JsonBody() body: unknown,
    @CurrentAccess() access: Access,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return sendWriteAnswer(reply, await this.indexes.create(body, access));
  }

  @Get(':indexUid')
  @RequireAction('indexes.get')
  get(@Param('indexUid') uid: string) {
    return this.indexes.get(uid);
  }

  @Patch(':indexUid')
  @HttpCode(202)
  @RequireAction('indexes.update')
  async update(
    @Param('indexUid') uid: string,
    @JsonBody() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return sendWriteAnswer(reply, await this.indexes.update(uid, body));
  }

  @Delete(':indexUid')
  @HttpCode(202)
  @RequireAction('indexes.delete')
  async delete(@Param('indexUid') uid: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return sendWriteAnswer(reply, await this.indexes.delete(uid));
  }
}
