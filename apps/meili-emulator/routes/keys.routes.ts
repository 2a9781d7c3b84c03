/** /keys (emulator.md §6): 201 on creation, 204 on deletion, listing newest first. */
import type { FastifyInstance } from 'fastify';
import type { Emulator } from '../emulator.js';
import { queryInteger, rejectUnknown } from '#lib/meili-api';
import { jsonBody } from '#lib/meili-api';
import { param, queryOf, route } from '../http/route-helpers.js';

export function registerKeyRoutes(app: FastifyInstance, node: Emulator): void {
  const keys = node.keys;

  route(app, 'GET', '/keys', 'keys.get', (request) => {
    const query = queryOf(request);
    rejectUnknown(query, ['offset', 'limit'], 'parameter');
    const offset = queryInteger(query, 'offset', 'invalid_api_key_offset') ?? 0;
    const limit = queryInteger(query, 'limit', 'invalid_api_key_limit') ?? 20;
    const all = keys.list();
    return {
      results: all.slice(offset, offset + limit).map((k) => keys.render(k)),
      offset,
      limit,
      total: all.length,
    };
  });

  route(app, 'POST', '/keys', 'keys.create', (request, reply) => {
    const key = keys.create(jsonBody(request.headers, request.body), Date.now());
    node.journalKey({ op: 'keyPut', key });
    return reply.code(201).send(keys.render(key));
  });

  route(app, 'GET', '/keys/:key', 'keys.get', (request) =>
    keys.render(keys.get(param(request, 'key'))),
  );

  route(app, 'PATCH', '/keys/:key', 'keys.update', (request) => {
    const key = keys.update(
      param(request, 'key'),
      jsonBody(request.headers, request.body),
      Date.now(),
    );
    node.journalKey({ op: 'keyPut', key });
    return keys.render(key);
  });

  route(app, 'DELETE', '/keys/:key', 'keys.delete', (request, reply) => {
    const key = keys.delete(param(request, 'key'));
    node.journalKey({ op: 'keyDelete', uid: key.uid });
    return reply.code(204).send();
  });
}
