import { Controller, Get, Header, Inject, Param, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { EventBus } from '#lib/bus';
import { SUBJECT_WILDCARD } from '#lib/contracts';
import { MeiliError } from '#lib/errors';
import type { Store } from '#lib/store';
import { AdminOnly, Public } from '../auth/auth.guard.js';
import { Query } from '../http/request.js';
import { CatalogService } from '../indexes/catalog.service.js';
import { STORE } from '../infra/tokens.js';
import { renderTask } from '../tasks/task-view.js';
import { ActivityService } from './activity.service.js';
import { consolePage } from './console-page.js';

const HEARTBEAT_MS = 15_000;

/**
 * The admin console (`/_miroir/admin`, one page working only through the admin API) and the admin
 * routes only it needed: the event stream as server-sent events, the activity log, a task with its
 * node tasks, and the scoped search keys' rotation state (never a key value).
 */
@Controller()
export class ConsoleController {
  constructor(
    @Inject(STORE) private readonly store: Store,
    private readonly bus: EventBus,
    private readonly catalog: CatalogService,
    private readonly activity: ActivityService,
  ) {}

  @Get('_miroir/admin')
  @Public()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header(
    'content-security-policy',
    "default-src 'none'; connect-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  )
  @Header('x-content-type-options', 'nosniff')
  @Header('cache-control', 'no-store')
  page() {
    return consolePage();
  }

  /** Every `miroir.>` event as it happens, one SSE message each (its envelope, with its type). */
  @Get('_miroir/events')
  @AdminOnly()
  events(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-request-id': req.id,
    });
    res.write(': connected\n\n');
    const stop = this.bus.subscribe(SUBJECT_WILDCARD, (event) => {
      res.write(`data: ${JSON.stringify(event)}\n\n`);
    });
    const beat = setInterval(() => res.write(': beat\n\n'), HEARTBEAT_MS);
    req.raw.on('close', () => {
      clearInterval(beat);
      stop();
    });
  }

  /** The activity log, newest first (`?limit=`, default 100). */
  @Get('_miroir/activity')
  @AdminOnly()
  async activityLog(@Query() query: Record<string, string>) {
    const limit = query.limit === undefined ? 100 : Number(query.limit);
    if (!Number.isInteger(limit) || limit < 0) {
      throw new MeiliError(
        'bad_request',
        `Invalid value in parameter \`limit\`: could not parse \`${query.limit}\` as a positive integer`,
      );
    }
    return { results: await this.activity.list(limit) };
  }

  /** A task as clients see it, with what each node did of it. */
  @Get('_miroir/tasks/:taskUid')
  @AdminOnly()
  async task(@Param('taskUid') raw: string) {
    const task = /^\d+$/.test(raw) ? await this.store.tasks.get(Number(raw)) : null;
    if (!task) throw new MeiliError('task_not_found', `Task \`${raw}\` not found.`);
    return { task: renderTask(task), nodeTasks: task.nodeTasks };
  }

  /** Each index's scoped search key: generation, rotation state and age; never a key value. */
  @Get('_miroir/keys/scoped')
  @AdminOnly()
  async scopedKeys() {
    const records = await this.store.scopedKeys.list();
    const indexes = await this.catalog.list();
    return {
      results: records.map((r) => ({
        index: indexes.find((i) => i.nodeUid === r.indexUid)?.uid ?? null,
        nodeIndex: r.indexUid,
        generation: r.generation,
        state: r.state,
        rotatedAt: r.rotatedAt,
        ageSeconds: r.rotatedAt ? Math.round((Date.now() - Date.parse(r.rotatedAt)) / 1000) : null,
      })),
    };
  }
}
