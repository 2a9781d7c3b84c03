import { Controller, Get, Param } from '@nestjs/common';
import type { Access } from '../auth/access.js';
import { RequireAction } from '../auth/auth.guard.js';
import { CurrentAccess } from '../http/request.js';
import { StatsService } from './stats.service.js';

@Controller()
export class StatsController {
  constructor(private readonly stats: StatsService) {}

  @Get('indexes/:indexUid/stats')
  @RequireAction('stats.get')
  index(@Param('indexUid') uid: string) {
    return this.stats.indexStats(uid);
  }

  @Get('stats')
  @RequireAction('stats.get')
  global(@CurrentAccess() access: Access) {
    return this.stats.globalStats(access);
  }
}
