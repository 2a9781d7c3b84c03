/** GET /tasks, GET /tasks/{uid}, POST /tasks/cancel, DELETE /tasks (emulator.md §2.3, §5). */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { MeiliError } from '#lib/errors';
import { canAccessIndex, type Principal } from '../auth/auth.js';
import type { Emulator } from '../emulator.js';
import { param, queryOf, route } from '../http/route-helpers.js';
import {
  matchesFilter,
  pageTasks,
  parseTaskFilter,
  requireSomeFilter,
} from '../tasks/task-query.js';
import { renderSummary, renderTask, type Swap, type Task } from '../tasks/task.js';

/** A key sees tasks of its indexes; index-less tasks (swaps: every swapped index) need all of them. */
function visible(principal: Principal, task: Task): boolean {
  if (task.indexUid !== null) return canAccessIndex(principal, task.indexUid);
  const swaps =
    task.type === 'indexSwap' ? ((task.details?.swaps as Swap[] | undefined) ?? []) : [];
  if (swaps.length > 0)
    return swaps.every((s) => s.indexes.every((uid) => canAccessIndex(principal, uid)));
  return principal.indexes.includes('*');
}

function rawQuery(request: FastifyRequest): string {
  const url = request.raw.url ?? '';
  const at = url.indexOf('?');
  return at < 0 ? '?' : url.slice(at);
}

export function registerTaskRoutes(app: FastifyInstance, node: Emulator): void {
  const visibleTasks = (principal: Principal) =>
    [...node.queue.tasks.values()].filter((t) => visible(principal, t));

  route(app, 'GET', '/tasks', 'tasks.get', (request) => {
    const query = queryOf(request);
    const page = pageTasks(visibleTasks(request.principal), query, parseTaskFilter(query, true));
    return { ...page, results: page.results.map(renderTask) };
  });

  route(app, 'GET', '/tasks/:taskUid', 'tasks.get', (request) => {
    const raw = param(request, 'taskUid');
    if (!/^\d+$/.test(raw))
      throw new MeiliError(
        'invalid_task_uids',
        `Invalid value in parameter \`taskUid\`: could not parse \`${raw}\` as a positive integer`,
      );
    const task = node.queue.tasks.get(Number(raw));
    if (!task || !visible(request.principal, task))
      throw new MeiliError('task_not_found', `Task \`${raw}\` not found.`);
    return renderTask(task);
  });

  for (const [method, url, action, type, kind] of [
    ['POST', '/tasks/cancel', 'tasks.cancel', 'taskCancelation', 'cancel'],
    ['DELETE', '/tasks', 'tasks.delete', 'taskDeletion', 'delete'],
  ] as const) {
    route(app, method, url, action, (request, reply) => {
      const query = queryOf(request);
      const filter = parseTaskFilter(query, false);
      requireSomeFilter(query, kind);
      const uids = visibleTasks(request.principal)
        .filter((t) => matchesFilter(t, filter))
        .map((t) => t.uid);
      const counter = kind === 'cancel' ? 'canceledTasks' : 'deletedTasks';
      const details = {
        matchedTasks: uids.length,
        [counter]: null,
        originalFilter: rawQuery(request),
      };
      return reply.code(200).send(renderSummary(node.enqueue(type, null, details, { kind, uids })));
    });
  }
}
