/** GET /tasks, POST /tasks/cancel and DELETE /tasks parameters (Meilisearch's names and codes). */
import { MeiliError } from '#lib/errors';
import { isValidIndexUid } from './index-uid.js';
import { queryInteger, queryValue, rejectUnknown, type Query } from './params.js';

import { TASK_STATUSES, type TaskStatus } from '#lib/contracts';

export { TASK_STATUSES };

/** The 202 answer to a write, a node's or Miroir's (Meilisearch's summarized task view). */
export interface TaskSummary {
  taskUid: number;
  indexUid: string | null;
  status: TaskStatus;
  type: string;
  enqueuedAt: string;
}

/** Every v1.30 task type (all valid filter values). */
export const TASK_TYPES = [
  'indexCreation',
  'indexUpdate',
  'indexDeletion',
  'indexSwap',
  'documentAdditionOrUpdate',
  'documentDeletion',
  'settingsUpdate',
  'taskCancelation',
  'taskDeletion',
  'documentEdition',
  'dumpCreation',
  'snapshotCreation',
  'upgradeDatabase',
  'indexCompaction',
  'export',
  'networkTopologyChange',
] as const;

/** Filters as plain data: lists, and dates as epoch ms (before/after are exclusive). */
export interface TaskFilterParams {
  uids?: number[];
  batchUids?: number[];
  canceledBy?: number[];
  types?: string[];
  statuses?: Array<(typeof TASK_STATUSES)[number]>;
  indexUids?: string[];
  beforeEnqueuedAt?: number;
  afterEnqueuedAt?: number;
  beforeStartedAt?: number;
  afterStartedAt?: number;
  beforeFinishedAt?: number;
  afterFinishedAt?: number;
}

export interface TaskQueryParams extends TaskFilterParams {
  limit: number;
  from?: number;
  reverse: boolean;
}

type DateParam = keyof Pick<
  TaskFilterParams,
  | 'beforeEnqueuedAt'
  | 'afterEnqueuedAt'
  | 'beforeStartedAt'
  | 'afterStartedAt'
  | 'beforeFinishedAt'
  | 'afterFinishedAt'
>;

const DATE_PARAMS = ['Enqueued', 'Started', 'Finished'].flatMap((what) =>
  (['before', 'after'] as const).map((side) => ({
    name: `${side}${what}At` as DateParam,
    side,
    code: `invalid_task_${side}_${what.toLowerCase()}_at`,
  })),
);
export const TASK_FILTER_PARAMS = [
  'uids',
  'batchUids',
  'canceledBy',
  'types',
  'statuses',
  'indexUids',
  ...DATE_PARAMS.map((d) => d.name),
];
const PAGING_PARAMS = ['limit', 'from', 'reverse'];

/** A comma list; `*` means "no filter". */
function list(query: Query, name: string): string[] | undefined {
  const raw = queryValue(query, name);
  if (raw === undefined) return undefined;
  const items = raw.split(',').map((s) => s.trim());
  return items.includes('*') ? undefined : items;
}

function integers(query: Query, name: string, code: string): number[] | undefined {
  return list(query, name)?.map((item) => {
    if (!/^\d+$/.test(item)) {
      throw new MeiliError(
        code,
        `Invalid value in parameter \`${name}\`: could not parse \`${item}\` as a positive integer`,
      );
    }
    return Number(item);
  });
}

function enumerated<T extends string>(
  query: Query,
  name: string,
  code: string,
  allowed: readonly T[],
): T[] | undefined {
  const items = list(query, name);
  for (const item of items ?? []) {
    if (!(allowed as readonly string[]).includes(item)) {
      throw new MeiliError(
        code,
        `Invalid value in parameter \`${name}\`: \`${item}\` is not a valid value. Available values are ${allowed.map((a) => `\`${a}\``).join(', ')}.`,
      );
    }
  }
  return items as T[] | undefined;
}

/** RFC 3339 or `YYYY-MM-DD`; a bare date in an `after…` filter means the next midnight. */
function parseDate(raw: string, side: 'before' | 'after', code: string, name: string): number {
  const bare = /^\d{4}-\d{2}-\d{2}$/.test(raw);
  const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(raw);
  const ms = bare ? Date.parse(`${raw}T00:00:00Z`) : rfc3339 ? Date.parse(raw) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new MeiliError(
      code,
      `Invalid value in parameter \`${name}\`: \`${raw}\` is an invalid date-time. It should follow the YYYY-MM-DD or RFC 3339 date-time format.`,
    );
  }
  return bare && side === 'after' ? ms + 86_400_000 : ms;
}

/** Filters of POST /tasks/cancel and DELETE /tasks; at least one is required. */
export function parseTaskFilter(query: Query, allowPaging = false): TaskFilterParams {
  rejectUnknown(
    query,
    allowPaging ? [...TASK_FILTER_PARAMS, ...PAGING_PARAMS] : TASK_FILTER_PARAMS,
    'parameter',
  );
  const indexUids = list(query, 'indexUids');
  for (const uid of indexUids ?? []) {
    if (!isValidIndexUid(uid)) {
      throw new MeiliError(
        'invalid_index_uid',
        `Invalid value in parameter \`indexUids\`: \`${uid}\` is not a valid index uid.`,
      );
    }
  }
  const filter: TaskFilterParams = {
    uids: integers(query, 'uids', 'invalid_task_uids'),
    batchUids: integers(query, 'batchUids', 'invalid_batch_uids'),
    canceledBy: integers(query, 'canceledBy', 'invalid_task_canceled_by'),
    types: enumerated(query, 'types', 'invalid_task_types', TASK_TYPES),
    statuses: enumerated(query, 'statuses', 'invalid_task_statuses', TASK_STATUSES),
    indexUids,
  };
  for (const d of DATE_PARAMS) {
    const raw = queryValue(query, d.name);
    // `*` means no filter, for dates as for lists (meilisearch `star_or.rs`, `OptionStarOr`).
    if (raw !== undefined && raw !== '*') filter[d.name] = parseDate(raw, d.side, d.code, d.name);
  }
  for (const key of Object.keys(filter) as Array<keyof TaskFilterParams>) {
    if (filter[key] === undefined) delete filter[key];
  }
  return filter;
}

/** GET /tasks: filters plus `limit` (20), `from`, `reverse`. */
export function parseTaskQuery(query: Query): TaskQueryParams {
  const filter = parseTaskFilter(query, true);
  const reverseRaw = queryValue(query, 'reverse');
  if (reverseRaw !== undefined && reverseRaw !== 'true' && reverseRaw !== 'false') {
    throw new MeiliError(
      'invalid_task_reverse',
      `Invalid value in parameter \`reverse\`: could not parse \`${reverseRaw}\` as a boolean, expected either \`true\` or \`false\``,
    );
  }
  return {
    ...filter,
    limit: queryInteger(query, 'limit', 'invalid_task_limit') ?? 20,
    from: queryInteger(query, 'from', 'invalid_task_from'),
    reverse: reverseRaw === 'true',
  };
}

/** Cancel and delete refuse to run without at least one filter parameter. */
export function requireTaskFilter(query: Query, action: 'cancel' | 'delete'): void {
  if (!TASK_FILTER_PARAMS.some((name) => query[name] !== undefined)) {
    throw new MeiliError(
      'missing_task_filters',
      `Query parameters to filter the tasks to ${action} are missing. Available query parameters are: \`uids\`, \`indexUids\`, \`statuses\`, \`types\`, \`canceledBy\`, \`beforeEnqueuedAt\`, \`afterEnqueuedAt\`, \`beforeStartedAt\`, \`afterStartedAt\`, \`beforeFinishedAt\`, \`afterFinishedAt\`.`,
    );
  }
}

/** ISO 8601 as Meilisearch prints it: `P`, `{d}D` when ≥ 1 day, `T{s}S` with a fraction only if non-zero. */
export function formatDuration(ms: number): string {
  const totalMs = Math.max(0, Math.round(ms));
  const days = Math.floor(totalMs / 86_400_000);
  const restMs = totalMs - days * 86_400_000;
  const seconds = Math.floor(restMs / 1000);
  const fraction = restMs % 1000;
  let out = 'P';
  if (days > 0) out += `${days}D`;
  if (restMs > 0 || days === 0) {
    out += `T${seconds}${fraction > 0 ? `.${String(fraction).padStart(3, '0')}` : ''}S`;
  }
  return out;
}
