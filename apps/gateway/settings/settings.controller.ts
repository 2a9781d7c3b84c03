import { Controller, Delete, Get, HttpCode, Param, Patch, Put, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { MeiliError } from '#lib/errors';
import { RequireAction } from '../auth/auth.guard.js';
import { JsonBody } from '../http/request.js';
import { SettingsService, settingsMethod } from './settings.service.js';

/** `/indexes/{uid}/settings` and its sub-routes (PUT or PATCH as Meilisearch uses for each). */
@Controller('indexes/:indexUid/settings')
export class SettingsController {
  constructor(private readonly settings: SettingsService) {}

  @Get()
  @RequireAction('settings.get')
  getAll(@Param('indexUid') uid: string) {
    return this.settings.get(uid);
  }

  @Patch()
  @HttpCode(202)
  @RequireAction('settings.update')
  async patchAll(@Param('indexUid') uid: string, @JsonBody() body: unknown) {
    return await this.settings.update(uid, body);
  }

  @Delete()
  @HttpCode(202)
  @RequireAction('settings.update')
  async resetAll(@Param('indexUid') uid: string) {
    return await this.settings.reset(uid);
  }

  @Get(':route')
  @RequireAction('settings.get')
  async getOne(
    @Param('indexUid') uid: string,
    @Param('route') route: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    // Always JSON, as Meilisearch answers (`"byWord"`, `null`, `true`): Fastify would send a bare
    // string as text/plain, and SDKs parse every answer as JSON.
    void reply.type('application/json');
    return JSON.stringify(await this.settings.get(uid, route));
  }

  @Put(':route')
  @HttpCode(202)
  @RequireAction('settings.update')
  async put(
    @Param('indexUid') uid: string,
    @Param('route') route: string,
    @JsonBody() body: unknown,
  ) {
    return await this.updateWith('PUT', uid, route, body);
  }

  @Patch(':route')
  @HttpCode(202)
  @RequireAction('settings.update')
  async patch(
    @Param('indexUid') uid: string,
    @Param('route') route: string,
    @JsonBody() body: unknown,
  ) {
    return await this.updateWith('PATCH', uid, route, body);
  }

  @Delete(':route')
  @HttpCode(202)
  @RequireAction('settings.update')
  async reset(@Param('indexUid') uid: string, @Param('route') route: string) {
    return await this.settings.reset(uid, route);
  }

  private updateWith(method: 'PUT' | 'PATCH', uid: string, route: string, body: unknown) {
    const expected = settingsMethod(route);
    if (expected !== method) {
      throw new MeiliError(
        'not_found',
        `\`${method} /indexes/{uid}/settings/${route}\` does not exist.`,
      );
    }
    return this.settings.updateOne(uid, route, body);
  }
}
