import { Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { RequireAction } from '../auth/auth.guard.js';
import { JsonBody, Query } from '../http/request.js';
import { KeysService } from './keys.service.js';

@Controller('keys')
export class KeysController {
  constructor(private readonly keys: KeysService) {}

  @Get()
  @RequireAction('keys.get')
  list(@Query() query: Record<string, string>) {
    return this.keys.list(query);
  }

  @Post()
  @HttpCode(201)
  @RequireAction('keys.create')
  create(@JsonBody() body: unknown) {
    return this.keys.create(body);
  }

  @Get(':key')
  @RequireAction('keys.get')
  get(@Param('key') key: string) {
    return this.keys.get(key);
  }

  @Patch(':key')
  @RequireAction('keys.update')
  update(@Param('key') key: string, @JsonBody() body: unknown) {
    return this.keys.update(key, body);
  }

  @Delete(':key')
  @HttpCode(204)
  @RequireAction('keys.delete')
  async delete(@Param('key') key: string): Promise<void> {
    await this.keys.delete(key);
  }
}
