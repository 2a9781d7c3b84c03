import { Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import type { Access } from '../auth/access.js';
import { RequireAction } from '../auth/auth.guard.js';
import { CurrentAccess, JsonBody, Query } from '../http/request.js';
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
  async create(@JsonBody() body: unknown, @CurrentAccess() access: Access) {
    return await this.indexes.create(body, access);
  }

  @Get(':indexUid')
  @RequireAction('indexes.get')
  get(@Param('indexUid') uid: string) {
    return this.indexes.get(uid);
  }

  @Patch(':indexUid')
  @HttpCode(202)
  @RequireAction('indexes.update')
  async update(@Param('indexUid') uid: string, @JsonBody() body: unknown) {
    return await this.indexes.update(uid, body);
  }

  @Delete(':indexUid')
  @HttpCode(202)
  @RequireAction('indexes.delete')
  async delete(@Param('indexUid') uid: string) {
    return await this.indexes.delete(uid);
  }
}
