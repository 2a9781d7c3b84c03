/** GET /tasks, POST /tasks/cancel and DELETE /tasks filters and paging (emulator.md §2.3). */
import { MeiliError } from '#lib/errors';
import { isValidIndexUid } from '#lib/meili-api';
import { queryInteger, queryValue, rejectUnknown, type Query } from '#lib/meili-api';
import { TASK_STATUSES, TASK_TYPES, type Task } from './task.js';

export interface TaskFilter {
  uids?: Set<number>;
  batchUids?: Set<number>;
  canceledBy?: Set<number>;
  types?: Set<string>;
  statuses?: Set<string>;
  indexUids?: Set<string>;
  /** [field, 'before' | 'after', epoch ms] */
  dates: Array<
    [keyof Pick<Task, 'enqueuedAt' | 'startedAt' | 'finishedAt'>, 'before' | 'after', number]
  >;
}

const DATE_PARAMS = ['Enqueued', 'Started', 'Finished'].flatMap((what) =>
  (['before', 'after'] as const).map((side) => ({
    name: `${side}${what}At`,
    side,
    field: `${what.toLowerCase()}At` as 'enqueuedAt',
    code: `invalid_task_${side}_${what.toLowerCase()}_at`,
  })),
);
const FILTER_PARAMS = [
  'uids',
  'batchUids',
  'canceledBy',
  'types',
  'statuses',
  'indexUids',
  ...DATE_PARAMS.map((d) => d.name),
];
const PAGING_PARAMS = ['limit', 'from', 'reverse'];

function list(query: Query, name: string): string[] | undefined {
  const raw = queryValue(query, name);
  if (raw === undefined) return undefined;
  const items = raw.split(',').map((s) => s.trim());
  return items.includes('*') ? undefined : items;
}

function integers(query: Query, name: string, code: string): Set<number> | undefined {
  const items = list(query, name);
  if (!items) return undefined;
  return new Set(
    items.map((item) => {
      if (!/^\d+$/.test(item))
        throw new MeiliError(
          code,
          `Invalid value in parameter \`${name}\`: could not parse \`${item}\` as a positive integer`,
        );
      return Number(item);
    }),
  );
}

function enumerated(
  query: Query,
  name: string,
  code: string,
  allowed: readonly string[],
): Set<string> | undefined {
  const items = list(query, name);
  if (!items) return undefined;
  for (const item of items) {
    if (!allowed.includes(item))
      throw new MeiliError(
        code,
        `Invalid value in parameter \`${name}\`: \`${item}\` is not a valid value. Available values are ${allowed.map((a) => `\`${a}\``).join(', ')}.`,
      );
  }
  return new Set(items);
}

/** RFC 3339 or `YYYY-MM-DD`; a bare date in an `after…` filter means the next midnight. */
function parseDate(raw: string, side: 'before' | 'after', code: string, name: string): number {
  const bare = /^\d{4}-\d{2}-\d{2}$/.test(raw);
  const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(raw);
  const ms = bare ? Date.parse(`${raw}T00:00:00Z`) : rfc3339 ? Date.parse(raw) : Number.NaN;
  if (Number.isNaN(ms))
    throw new MeiliError(
      code,
      `Invalid value in parameter \`${name}\`: \`${raw}\` is an invalid date-time. It should follow the YYYY-MM-DD or RFC 3339 date-time format.`,
    );
  return bare && side === 'after' ? ms + 86_400_000 : ms;
}

/** Parses the filter parameters; `paging` allows limit/from/reverse (GET /tasks only). */
export function parseTaskFilter(query: Query, paging: boolean): TaskFilter {
  rejectUnknown(query, paging ? [...FILTER_PARAMS, ...PAGING_PARAMS] : FILTER_PARAMS, 'parameter');
  const indexUids = list(query, 'indexUids');
  for (const uid of indexUids ?? []) {
    if (!isValidIndexUid(uid))
      throw new MeiliError(
        'invalid_index_uid',
        `Invalid value in parameter \`indexUids\`: \`${uid}\` is not a valid index uid.`,
      );
  }
  const dates: TaskFilter['dates'] = [];
  for (const d of DATE_PARAMS) {
    const raw = queryValue(query, d.name);
    if (raw !== undefined) dates.push([d.field, d.side, parseDate(raw, d.side, d.code, d.name)]);
  }
  return {
    uids: integers(query, 'uids', 'invalid_task_uids'),
    batchUids: integers(query, 'batchUids', 'invalid_batch_uids'),
    canceledBy: integers(query, 'canceledBy', 'invalid_task_canceled_by'),
    types: enumerated(query, 'types', 'invalid_task_types', TASK_TYPES),
    statuses: enumerated(query, 'statuses', 'invalid_task_statuses', TASK_STATUSES),
    indexUids: indexUids ? new Set(indexUids) : undefined,
    dates,
  };
}

/** Cancel and delete refuse to run without at least one filter parameter. */
export function requireSomeFilter(query: Query): void {
  if (!FILTER_PARAMS.some((name) => query[name] !== undefined)) {
    throw new MeiliError(
      'missing_task_filters',
      'Query parameters to filter the tasks to delete are missing. Available query parameters are: `uids`, `indexUids`, `statuses`, `types`, `canceledBy`, `beforeEnqueuedAt`, `afterEnqueuedAt`, `beforeStartedAt`, `afterStartedAt`, `beforeFinishedAt`, `afterFinishedAt`.',
    );
  }
}

export function matchesFilter(task: Task, filter: TaskFilter): boolean {
  if (filter.uids && !filter.uids.has(task.uid)) return false;
  if (filter.batchUids && (task.batchUid === null || !filter.batchUids.has(task.batchUid)))
    return false;
  if (filter.canceledBy && (task.canceledBy === null || !filter.canceledBy.has(task.canceledBy)))
    return false;
  if (filter.types && !filter.types.has(task.type)) return false;
  if (filter.statuses && !filter.statuses.has(task.status)) return false;
  if (filter.indexUids && (task.indexUid === null || !filter.indexUids.has(task.indexUid)))
    return false;
  for (const [field, side, ms] of filter.dates) {
    const value = task[field];
    if (value === null) return false;
    const at = Date.parse(value);
    if (side === 'before' ? !(at < ms) : !(at > ms)) return false;
  }
  return true;
}

export interface TaskPage {
  results: Task[];
  total: number;
  limit: number;
  from: number | null;
  next: number | null;
}

/** Newest first (or oldest first with reverse=true), `from` inclusive, `next` = the following page's from. */
export function pageTasks(tasks: Iterable<Task>, query: Query, filter: TaskFilter): TaskPage {
  const limit = queryInteger(query, 'limit', 'invalid_task_limit') ?? 20;
  const from = queryInteger(query, 'from', 'invalid_task_from');
  const reverseRaw = queryValue(query, 'reverse');
  if (reverseRaw !== undefined && reverseRaw !== 'true' && reverseRaw !== 'false') {
    throw new MeiliError(
      'invalid_task_reverse',
      `Invalid value in parameter \`reverse\`: could not parse \`${reverseRaw}\` as a boolean, expected either \`true\` or \`false\``,
    );
  }
  const reverse = reverseRaw === 'true';
  const matched = [...tasks].filter((t) => matchesFilter(t, filter));
  matched.sort((a, b) => (reverse ? a.uid - b.uid : b.uid - a.uid));
  const start =
    from === undefined ? matched : matched.filter((t) => (reverse ? t.uid >= from : t.uid <= from));
  const results = start.slice(0, limit);
  const following = start[limit];
  return {
    results,
    total: matched.length,
    limit,
    from: results[0]?.uid ?? null,
    next: following?.uid ?? null,
  };
}
