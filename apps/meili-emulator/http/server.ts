/**
 * The Fastify servers of one emulator: the API (every Meilisearch route plus /_emulator/) and the
 * optional admin-only server. Hooks run in order: admin bypass, down mode, faults, auth.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { MeiliError } from '#lib/errors';
import { decideFaults, type TerminalEffect } from '../admin/faults.js';
import { registerAdminRoutes } from '../admin/admin.routes.js';
import { authenticate, checkIndexAccess, type Principal } from '../auth/auth.js';
import type { Emulator } from '../emulator.js';
import { registerDocumentRoutes } from '../routes/documents.routes.js';
import { registerIndexRoutes } from '../routes/indexes.routes.js';
import { registerKeyRoutes } from '../routes/keys.routes.js';
import { registerSearchRoutes } from '../routes/search.routes.js';
import { registerSettingsRoutes } from '../routes/settings.routes.js';
import { registerSystemRoutes } from '../routes/system.routes.js';
import { registerTaskRoutes } from '../routes/tasks.routes.js';
import { readBody } from '#lib/meili-api';
import { stringifyExact } from '#lib/meili-api';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
    receivedAt: number;
    dropResponse: boolean;
  }
  interface FastifyContextConfig {
    /** Key action the route needs (emulator.md §1.1); 'public' = none. */
    action?: string;
  }
}

const ADMIN_PREFIX = '/_emulator/';

function pathOf(request: FastifyRequest): string {
  const url = request.raw.url ?? '/';
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

function indexOf(path: string): string | null {
  const match = /^\/indexes\/([^/]+)/.exec(path);
  return match ? decodeURIComponent(match[1]!) : null;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function createApp(node: Emulator): FastifyInstance {
  const app = Fastify({
    logger: false,
    forceCloseConnections: true,
    bodyLimit: Number.MAX_SAFE_INTEGER,
    routerOptions: { maxParamLength: 2000 },
  });
  app.decorateRequest('principal', null as unknown as Principal);
  app.decorateRequest('receivedAt', 0);
  app.decorateRequest('dropResponse', false);
  app.setReplySerializer((payload) => stringifyExact(payload, node.holdsBigInts));
  // Bodies are read raw (gzip-aware, live payload limit); each route decodes what it accepts.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (request, payload, done) => {
    readBody(payload, request.headers, node.config.payloadLimitBytes).then(
      (body) => done(null, body),
      (error: Error) => done(error, undefined),
    );
  });
  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof MeiliError) return reply.code(error.status).send(error.toJSON());
    const status = (error as { statusCode?: number }).statusCode;
    if (status === 413)
      return reply
        .code(413)
        .send(
          new MeiliError(
            'payload_too_large',
            'The provided payload reached the size limit.',
          ).toJSON(),
        );
    if (status === 415)
      return reply
        .code(415)
        .send(new MeiliError('invalid_content_type', 'The Content-Type is invalid.').toJSON());
    if (status !== undefined && status >= 400 && status < 500)
      return reply.code(400).send(new MeiliError('bad_request', (error as Error).message).toJSON());
    return reply
      .code(500)
      .send(new MeiliError('internal', 'An internal error has occurred.').toJSON());
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send());
  return app;
}

function sendTerminal(
  effect: TerminalEffect,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply | undefined {
  if (effect === 'hang') return reply.hijack();
  if (effect === 'reset') {
    request.raw.socket.destroy();
    return reply.hijack();
  }
  if (effect === 'dropResponse') {
    request.dropResponse = true;
    return undefined;
  }
  reply.code(effect.status);
  if (effect.body === undefined)
    return reply.send(
      new MeiliError(effect.code ?? 'internal', 'Injected fault.', {
        status: effect.status,
      }).toJSON(),
    );
  if (typeof effect.body === 'string') return reply.type('text/html').send(effect.body);
  return reply.send(effect.body);
}

export function buildApiServer(node: Emulator): FastifyInstance {
  const app = createApp(node);
  app.addHook('onRequest', async (request, reply) => {
    request.receivedAt = performance.now();
    const path = pathOf(request);
    if (path.startsWith(ADMIN_PREFIX)) return;
    const down = node.down?.mode;
    if (down === 'reset' || down === 'refuse') {
      request.raw.socket.destroy();
      return reply.hijack();
    }
    if (down === 'hang') return reply.hijack();
    if (down === 'status') return reply.code(503).send();
    const decision = decideFaults(
      node.faults,
      { method: request.method, path, indexUid: indexOf(path) },
      node.random,
    );
    if (decision.delayMs > 0) await sleep(decision.delayMs);
    if (decision.terminal && sendTerminal(decision.terminal, request, reply)) return reply;
    const action = request.routeOptions.config.action;
    if (action === undefined) return; // unknown path: the 404 handler answers
    const uid = (request.params as { indexUid?: string }).indexUid;
    request.principal = await authenticate(
      request.headers.authorization,
      action,
      node.options.masterKey,
      node.keys,
      Date.now(),
      uid,
    );
    if (uid !== undefined) checkIndexAccess(request.principal, uid);
  });
  app.addHook('onSend', async (request, _reply, payload) => {
    if (request.dropResponse) request.raw.socket.destroy();
    return payload;
  });
  app.addHook('onResponse', async (request, reply) => {
    const path = pathOf(request);
    if (path.startsWith(ADMIN_PREFIX)) return;
    node.logRequest({
      time: new Date().toISOString(),
      method: request.method,
      path,
      index: indexOf(path),
      status: reply.statusCode,
      durationMs: Math.round((performance.now() - request.receivedAt) * 1000) / 1000,
      keyUid: request.principal?.keyUid ?? null,
    });
  });
  registerSystemRoutes(app, node);
  registerIndexRoutes(app, node);
  registerDocumentRoutes(app, node);
  registerSearchRoutes(app, node);
  registerSettingsRoutes(app, node);
  registerTaskRoutes(app, node);
  registerKeyRoutes(app, node);
  registerAdminRoutes(app, node, '/_emulator');
  return app;
}

/** The adminPort server: only /_emulator/, reachable while the API port is down. */
export function buildAdminServer(node: Emulator): FastifyInstance {
  const app = createApp(node);
  registerAdminRoutes(app, node, '/_emulator');
  return app;
}
