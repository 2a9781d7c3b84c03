import { Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { AdminOnly } from '../auth/auth.guard.js';
import { JsonBody, Query } from '../http/request.js';
import { AliasService } from './alias.service.js';

/** The admin key is the only actor of the admin API until admin sessions name their users. */
const ACTOR = 'admin';

/** `/_miroir/aliases`: create, list, get, flip (`PUT`) and delete aliases (operations.md). */
@Controller('_miroir/aliases')
export class AliasesController {
  constructor(private readonly aliases: AliasService) {}

  @Post()
  @HttpCode(201)
  @AdminOnly()
  create(@JsonBody() body: unknown) {
    return this.aliases.create(body, ACTOR);
  }

  @Get()
  @AdminOnly()
  async list() {
    const results = await this.aliases.list();
    return { results, total: results.length };
  }

  @Get(':name')
  @AdminOnly()
  get(@Param('name') name: string) {
    return this.aliases.get(name);
  }

  @Put(':name')
  @AdminOnly()
  flip(@Param('name') name: string, @JsonBody() body: unknown) {
    return this.aliases.flip(name, body, ACTOR);
  }

  /** `?policy=` names the rollover policy that owns the alias, when one does. */
  @Delete(':name')
  @HttpCode(204)
  @AdminOnly()
  async remove(@Param('name') name: string, @Query() query: Record<string, string>) {
    await this.aliases.remove(name, query.policy);
  }
}
