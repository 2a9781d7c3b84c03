/** Small helpers shared by the route files. */
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { renderSummary, type Task } from '../tasks/task.js';
import { checkIndexUid } from '#lib/meili-api';
import type { Query } from '#lib/meili-api';

export type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown> | unknown;

/** Registers a route with the key action it needs. */
export function route(
  app: FastifyInstance,
  method: HTTPMethods,
  url: string,
  action: string,
  handler: Handler,
): void {
  app.route({
    method,
    url,
    config: { action },
    handler: async (request, reply) => handler(request, reply),
  });
}

export function queryOf(request: FastifyRequest): Query {
  return request.query as Query;
}

/** The `{indexUid}` path parameter, validated (400 invalid_index_uid). */
export function indexParam(request: FastifyRequest): string {
  return checkIndexUid((request.params as { indexUid: string }).indexUid);
}

export function param(request: FastifyRequest, name: string): string {
  return (request.params as Record<string, string>)[name]!;
}

export function accepted(reply: FastifyReply, task: Task): FastifyReply {
  return reply.code(202).send(renderSummary(task));
}
