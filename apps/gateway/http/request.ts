import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { documentsBody, jsonBody, type Document } from '#lib/meili-api';
import { FULL_ACCESS, type Access } from '../auth/access.js';

function request(ctx: ExecutionContext): FastifyRequest {
  return ctx.switchToHttp().getRequest<FastifyRequest>();
}

/** The JSON body of a route, with Meilisearch's content-type and payload errors. */
export const JsonBody = createParamDecorator((_: unknown, ctx: ExecutionContext): unknown => {
  const req = request(ctx);
  return jsonBody(req.headers, req.body);
});

/** The documents of a JSON, NDJSON or CSV body. */
export const DocumentsBody = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Document[] => {
    const req = request(ctx);
    const query = req.query as Record<string, string | undefined>;
    return documentsBody(req.headers, req.body, query.csvDelimiter ?? ',');
  },
);

/** Query string parameters as Fastify parsed them (string values). */
export const Query = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Record<string, string> =>
    request(ctx).query as Record<string, string>,
);

/** What the request's credential may reach (set by the auth guard). */
export const CurrentAccess = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Access =>
    (request(ctx) as FastifyRequest & { access?: Access }).access ?? FULL_ACCESS,
);
