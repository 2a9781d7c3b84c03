/** The /_emulator/ admin API (emulator.md §7.2): no key, no faults, invisible to tasks and stats. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MeiliError } from '#lib/errors';
import type { DownMode, Emulator } from '../emulator.js';
import { asObject, queryInteger, rejectUnknown, type Query } from '#lib/meili-api';
import { jsonBody } from '#lib/meili-api';
import { parseFaultRule } from './faults.js';

const DOWN_MODES: DownMode[] = ['refuse', 'reset', 'hang', 'status'];

function body(request: FastifyRequest): Record<string, unknown> {
  return asObject(jsonBody(request.headers, request.body));
}

function nonNegative(value: unknown, name: string): number {
  if (!Number.isInteger(value) || (value as number) < 0)
    throw new MeiliError('bad_request', `\`${name}\` must be a non-negative integer`);
  return value as number;
}

function state(node: Emulator): Record<string, unknown> {
  let documents = 0;
  for (const index of node.state.indexes.values()) documents += index.engine.size;
  return {
    name: node.options.name,
    url: node.url,
    adminUrl: node.adminUrl ?? null,
    pkgVersion: node.options.pkgVersion,
    masterKey: node.options.masterKey !== undefined,
    persistent: node.options.dbPath !== undefined,
    config: node.config,
    counts: {
      indexes: node.state.indexes.size,
      documents,
      tasks: node.queue.tasks.size,
      pendingTasks: node.queue.pendingCount,
      keys: node.keys.list().length,
    },
    faults: node.faults,
    taskFaults: node.taskFaults,
    down: node.down?.mode ?? null,
    paused: node.queue.isPaused,
  };
}

export function registerAdminRoutes(app: FastifyInstance, node: Emulator, prefix: string): void {
  const done = (reply: FastifyReply) => reply.code(204).send();
  const at = (path: string) => `${prefix}/${path}`;

  app.get(at('state'), async () => state(node));
  app.post(at('reset'), async (_request, reply) => (node.reset(), done(reply)));

  app.patch(at('config'), async (request) => {
    const patch = body(request);
    rejectUnknown(patch, ['taskDelayMs', 'taskDelayJitterMs', 'payloadLimitBytes'], 'field');
    for (const [name, value] of Object.entries(patch))
      node.config[name as keyof Emulator['config']] = nonNegative(value, name);
    return node.config;
  });

  app.post(at('faults'), async (request, reply) => {
    const rule = parseFaultRule(
      jsonBody(request.headers, request.body),
      String(node.nextFaultId++),
    );
    node.faults.push(rule);
    return reply.code(201).send(rule);
  });
  app.get(at('faults'), async () => ({ results: node.faults }));
  app.get(at('faults/:id'), async (request) => {
    const rule = node.faults.find((f) => f.id === (request.params as { id: string }).id);
    if (!rule) throw new MeiliError('not_found', 'No such fault rule.');
    return rule;
  });
  app.delete(at('faults'), async (_request, reply) => ((node.faults = []), done(reply)));
  app.delete(at('faults/:id'), async (request, reply) => {
    const id = (request.params as { id: string }).id;
    if (!node.faults.some((f) => f.id === id))
      throw new MeiliError('not_found', 'No such fault rule.');
    node.faults = node.faults.filter((f) => f.id !== id);
    return done(reply);
  });

  app.post(at('down'), async (request, reply) => {
    const input = body(request);
    rejectUnknown(input, ['mode', 'durationMs'], 'field');
    if (!DOWN_MODES.includes(input.mode as DownMode))
      throw new MeiliError('bad_request', `\`mode\` must be one of ${DOWN_MODES.join(', ')}`);
    const durationMs =
      input.durationMs === undefined ? undefined : nonNegative(input.durationMs, 'durationMs');
    // Answer first: `refuse` drops this very connection when it targets the API port.
    reply.raw.once('finish', () => void node.goDown(input.mode as DownMode, durationMs));
    return done(reply);
  });
  app.post(at('up'), async (_request, reply) => (await node.goUp(), done(reply)));

  app.post(at('tasks/pause'), async (_request, reply) => (node.queue.pause(), done(reply)));
  app.post(at('tasks/resume'), async (_request, reply) => (node.queue.resume(), done(reply)));
  app.get(at('tasks/idle'), async (request, reply) => {
    const query = request.query as Query;
    rejectUnknown(query, ['timeoutMs'], 'parameter');
    const timeoutMs = queryInteger(query, 'timeoutMs', 'bad_request') ?? 10_000;
    const idle = await node.queue.idle(timeoutMs);
    return reply.code(idle ? 200 : 408).send({ idle });
  });

  app.post(at('task-faults'), async (request, reply) => {
    const input = body(request);
    rejectUnknown(input, ['match', 'error', 'times'], 'field');
    const match = asObject(input.match ?? {});
    rejectUnknown(match, ['indexUid', 'type'], 'field');
    const error = asObject(input.error);
    if (typeof error.code !== 'string')
      throw new MeiliError('bad_request', '`error.code` must be a string');
    const message = typeof error.message === 'string' ? error.message : 'Injected task failure.';
    const fault = {
      match: match as { indexUid?: string; type?: string },
      error: new MeiliError(error.code, message).toJSON(),
      remaining: input.times === undefined ? 1 : nonNegative(input.times, 'times'),
    };
    node.taskFaults.push(fault);
    return reply.code(201).send(fault);
  });

  app.get(at('requests'), async () => ({ results: node.requestLog }));
  app.delete(at('requests'), async (_request, reply) => ((node.requestLog = []), done(reply)));

  app.post(at('flush'), async (_request, reply) => (node.flush(), done(reply)));
  app.post(at('crash'), async (_request, reply) => {
    reply.raw.once('finish', () => node.crash());
    return reply.code(202).send({ crashing: true });
  });
}
