import { Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { MeiliError } from '#lib/errors';
import { parseTaskQuery } from '#lib/meili-api';
import type { Access } from '../auth/access.js';
import { RequireAction } from '../auth/auth.guard.js';
import { CurrentAccess, Query } from '../http/request.js';
import { TaskControlService } from './task-control.service.js';
import { TaskService } from './task.service.js';

/** Meilisearch's `originalFilter`: `?` and the query string exactly as the client sent it. */
function rawQuery(request: FastifyRequest): string {
  const url = request.raw.url ?? '';
  const at = url.indexOf('?');
  return at < 0 ? '?' : url.slice(at);
}

@Controller('tasks')
export class TasksController {
  constructor(
    private readonly tasks: TaskService,
    private readonly control: TaskControlService,
  ) {}

  @Get()
  @RequireAction('tasks.get')
  list(@Query() query: Record<string, string>, @CurrentAccess() access: Access) {
    return this.tasks.list(parseTaskQuery(query), access);
  }

  @Post('cancel')
  @HttpCode(200)
  @RequireAction('tasks.cancel')
  cancel(
    @Query() query: Record<string, string>,
    @Req() request: FastifyRequest,
    @CurrentAccess() access: Access,
  ) {
    return this.control.cancel(query, rawQuery(request), access);
  }

  @Delete()
  @HttpCode(200)
  @RequireAction('tasks.delete')
  delete(
    @Query() query: Record<string, string>,
    @Req() request: FastifyRequest,
    @CurrentAccess() access: Access,
  ) {
    return this.control.delete(query, rawQuery(request), access);
  }

  @Get(':taskUid')
  @RequireAction('tasks.get')
  get(@Param('taskUid') raw: string, @CurrentAccess() access: Access) {
    if (!/^\d+$/.test(raw)) {
      throw new MeiliError(
        'invalid_task_uids',
        `Invalid value in parameter \`taskUid\`: could not parse \`${raw}\` as a positive integer`,
      );
    }
    return this.tasks.get(Number(raw), access);
  }
}
