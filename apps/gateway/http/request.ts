import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { documentsContent, jsonBody, jsonText } from '#lib/meili-api';
import { FULL_ACCESS, type Access } from '../auth/access.js';

function request(ctx: ExecutionContext): FastifyRequest {
  return ctx.switchToHttp().getRequest<FastifyRequest>();
}

/** The JSON body of a route, with Meilisearch's content-type and payload errors. */
export const JsonBody = createParamDecorator((_: unknown, ctx: ExecutionContext): unknown => {
  const req = request(ctx);
  return jsonBody(req.headers, req.body);
});

/** The text of a JSON body, for routes that must read numbers exactly (never through JS numbers). */
export const JsonText = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const req = request(ctx);
  return jsonText(req.headers, req.body);
});

/** A documents payload (JSON, NDJSON or CSV) as text, with its format. */
export const DocumentsPayload = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): { format: 'json' | 'ndjson' | 'csv'; text: string } => {
    const req = request(ctx);
    return documentsContent(req.headers, req.body);
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
