import { Controller, Get, Param } from '@nestjs/common';
import { MeiliError } from '#lib/errors';
import { parseTaskQuery } from '#lib/meili-api';
import type { Access } from '../auth/access.js';
import { RequireAction } from '../auth/auth.guard.js';
import { CurrentAccess, Query } from '../http/request.js';
import { TaskService } from './task.service.js';

@Controller('tasks')
export class TasksController {
  constructor(private readonly tasks: TaskService) {}

  @Get()
  @RequireAction('tasks.get')
  list(@Query() query: Record<string, string>, @CurrentAccess() access: Access) {
    return this.tasks.list(parseTaskQuery(query), access);
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
