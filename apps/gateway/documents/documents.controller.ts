import { Controller, Delete, Get, HttpCode, Param, Post, Put, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Document } from '#lib/meili-api';
import { RequireAction } from '../auth/auth.guard.js';
import { DocumentsBody, JsonBody, Query } from '../http/request.js';
import { DocumentReadsService } from './document-reads.service.js';
import { sendWriteAnswer as answer } from '../http/write-answer.js';
import { DocumentWritesService } from './document-writes.service.js';

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
    @DocumentsBody() docs: Document[],
    @Query() query: Record<string, string>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return answer(reply, await this.writes.add(uid, docs, 'POST', query));
  }

  @Put()
  @HttpCode(202)
  @RequireAction('documents.add')
  async update(
    @Param('indexUid') uid: string,
    @DocumentsBody() docs: Document[],
    @Query() query: Record<string, string>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return answer(reply, await this.writes.add(uid, docs, 'PUT', query));
  }

  @Get()
  @RequireAction('documents.get')
  browse(@Param('indexUid') uid: string, @Query() query: Record<string, string>) {
    return this.reads.browseQuery(uid, query);
  }

  @Post('fetch')
  @HttpCode(200)
  @RequireAction('documents.get')
  fetch(@Param('indexUid') uid: string, @JsonBody() body: unknown) {
    return this.reads.browseBody(uid, body);
  }

  @Post('delete-batch')
  @HttpCode(202)
  @RequireAction('documents.delete')
  async deleteBatch(
    @Param('indexUid') uid: string,
    @JsonBody() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return answer(reply, await this.writes.deleteBatch(uid, body));
  }

  @Post('delete')
  @HttpCode(202)
  @RequireAction('documents.delete')
  async deleteByFilter(
    @Param('indexUid') uid: string,
    @JsonBody() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return answer(reply, await this.writes.deleteByFilter(uid, body));
  }

  @Delete()
  @HttpCode(202)
  @RequireAction('documents.delete')
  async deleteAll(@Param('indexUid') uid: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return answer(reply, await this.writes.deleteAll(uid));
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
  async deleteOne(
    @Param('indexUid') uid: string,
    @Param('documentId') id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return answer(reply, await this.writes.deleteOne(uid, id));
  }
}
