import { Controller, Delete, Get, HttpCode, Param, Post, Put, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { PayloadFormat } from '#lib/writes';
import { RequireAction } from '../auth/auth.guard.js';
import { DocumentsPayload, JsonBody, JsonText, Query } from '../http/request.js';
import { DocumentReadsService } from './document-reads.service.js';
import { DocumentWritesService } from './document-writes.service.js';
import { sendScattered } from '../search/scatter.executor.js';

@Controller('indexes/:indexUid/documents')
export class DocumentsController {
  constructor(
    private readonly writes: DocumentWritesService,
    private readonly reads: DocumentReadsService,
  ) {}

  @Post()
  @HttpCode(202)
  @RequireAction('documents.add')
  async replace(
    @Param('indexUid') uid: string,
    @DocumentsPayload() payload: { format: PayloadFormat; text: string },
    @Query() query: Record<string, string>,
  ) {
    return await this.writes.add(uid, payload, 'POST', query);
  }

  @Put()
  @HttpCode(202)
  @RequireAction('documents.add')
  async update(
    @Param('indexUid') uid: string,
    @DocumentsPayload() payload: { format: PayloadFormat; text: string },
    @Query() query: Record<string, string>,
  ) {
    return await this.writes.add(uid, payload, 'PUT', query);
  }

  @Get()
  @RequireAction('documents.get')
  async browse(
    @Param('indexUid') uid: string,
    @Query() query: Record<string, string>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return sendScattered(reply, await this.reads.browseQuery(uid, query));
  }

  @Post('fetch')
  @HttpCode(200)
  @RequireAction('documents.get')
  async fetch(
    @Param('indexUid') uid: string,
    @JsonBody() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return sendScattered(reply, await this.reads.browseBody(uid, body));
  }

  @Post('delete-batch')
  @HttpCode(202)
  @RequireAction('documents.delete')
  async deleteBatch(@Param('indexUid') uid: string, @JsonText() text: string) {
    return await this.writes.deleteBatch(uid, text);
  }

  @Post('delete')
  @HttpCode(202)
  @RequireAction('documents.delete')
  async deleteByFilter(@Param('indexUid') uid: string, @JsonBody() body: unknown) {
    return await this.writes.deleteByFilter(uid, body);
  }

  @Delete()
  @HttpCode(202)
  @RequireAction('documents.delete')
  async deleteAll(@Param('indexUid') uid: string) {
    return await this.writes.deleteAll(uid);
  }

  @Get(':documentId')
  @RequireAction('documents.get')
  getOne(
    @Param('indexUid') uid: string,
    @Param('documentId') id: string,
    @Query() query: Record<string, string>,
  ) {
    return this.reads.getOne(uid, id, query);
  }

  @Delete(':documentId')
  @HttpCode(202)
  @RequireAction('documents.delete')
  async deleteOne(@Param('indexUid') uid: string, @Param('documentId') id: string) {
    return await this.writes.deleteOne(uid, id);
  }
}
