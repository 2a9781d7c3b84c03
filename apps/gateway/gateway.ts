import { ScopedKeyService } from './search/scoped-key.service.js';
import { AliasService } from './aliases/alias.service.js';
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { MASTER_KEY_MIN_BYTES, type MiroirConfig } from '#lib/config';
import { readBody, stringifyExact } from '#lib/meili-api';
import { ActivityService } from './admin/activity.service.js';
import { MetricsService } from './admin/metrics.service.js';
import { AppModule } from './app.module.js';
import { KeyCacheService } from './auth/key-cache.service.js';
import { TopologyService } from './infra/topology.service.js';
import { LOG } from './infra/tokens.js';
import type { Log } from '#lib/service';
import { endRequestSpan, startRequestSpan, traceIdOf, type Span } from '#lib/telemetry';

/** Meilisearch's default payload limit. */
const PAYLOAD_LIMIT = 100_000_000;

/** Builds the gateway application (not yet listening): main.ts and in-process tests share it. */
export async function createGateway(config: MiroirConfig): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: PAYLOAD_LIMIT,
    routerOptions: { maxParamLength: 500 },
    // X-Request-Id: propagated when the client sends one, generated otherwise (api.md).
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    bodyParser: false,
    logger: config.logLevel === 'debug' ? ['log', 'warn', 'error', 'debug'] : ['warn', 'error'],
  });
  const fastify = app.getHttpAdapter().getInstance();
  // Plain JSON, unless an answer holds an integer beyond 2^53 read exactly from a node.
  fastify.setReplySerializer((payload) => {
    try {
      return JSON.stringify(payload);
    } catch (err) {
      if (err instanceof TypeError) return stringifyExact(payload, true);
      throw err;
    }
  });
  // Every body is read raw (gzip-aware, size-limited) and decoded per route, so each route
  // answers bad payloads with Meilisearch's own codes.
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', (req, payload, done) => {
    readBody(payload, req.headers, PAYLOAD_LIMIT).then(
      (body) => done(null, body),
      (err: Error) => done(err, undefined),
    );
  });
  // One server span per request (tracing on): node calls and the log append are its children.
  const spans = new WeakMap<object, Span>();
  fastify.addHook('onRequest', (req, reply, done) => {
    void reply.header('X-Request-Id', req.id);
    const { span, enter } = startRequestSpan(
      `${req.method} ${req.routeOptions.url ?? 'unknown'}`,
      req.headers,
      { 'http.request.method': req.method, 'miroir.request_id': req.id },
    );
    spans.set(req, span);
    enter(done);
  });
  const metrics = app.get(MetricsService);
  const log = app.get<symbol, Log>(LOG);
  const activity = app.get(ActivityService);
  fastify.addHook('onResponse', (req, reply, done) => {
    const route = req.routeOptions.url ?? 'unknown';
    const status = reply.statusCode;
    const span = spans.get(req);
    if (span) endRequestSpan(span, status);
    metrics.httpRequests.observe(
      { method: req.method, route, status: String(status) },
      reply.elapsedTime / 1000,
    );
    activity.observe(req, status);
    // One line per request, as Meilisearch logs them; the route template, never the query or body.
    log(status >= 500 ? 'warn' : 'info', 'request', {
      requestId: req.id,
      ...(span && { traceId: traceIdOf(span) }),
      method: req.method,
      route,
      status,
      ms: Math.round(reply.elapsedTime * 10) / 10,
    });
    done();
  });
  app.enableShutdownHooks();
  await app.get(TopologyService).start();
  app.get(AliasService).start();
  await app.get(ScopedKeyService).start();
  await app.get(KeyCacheService).ensureDefaultKeys();
  // Meilisearch's development warnings (main.rs); production refuses both at configuration.
  if (!config.masterKey) {
    new Logger('Gateway').warn(
      'No master key (MIROIR_MASTER_KEY): the API is open to anyone who can reach it. Never run like this in production.',
    );
  } else if (Buffer.byteLength(config.masterKey) < MASTER_KEY_MIN_BYTES) {
    new Logger('Gateway').warn(
      `The master key is shorter than ${MASTER_KEY_MIN_BYTES} bytes: unsafe for production, where MIROIR_ENV=production refuses it.`,
    );
  }
  return app;
}
