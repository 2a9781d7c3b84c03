import { z } from 'zod';

/**
 * BullMQ queues and their job payloads (state.md). Job ids are derived from the payload so that
 * enqueueing the same work twice is a no-op (BullMQ de-duplicates by id); tokens are joined with
 * `.`, which no index uid or node id contains, and never with `:` (BullMQ refuses it in ids).
 */

const uid = z.string().regex(/^[A-Za-z0-9_-]{1,400}$/);
const count = z.number().int().nonnegative();

export const migrationsJob = z.object({
  indexUid: uid,
  shard: count,
  group: uid,
  source: uid.nullable().describe('node to copy from; null when the shard starts empty'),
  target: uid,
  epoch: count.describe('placement epoch the move was planned at; stale moves are dropped'),
});

export const checksJob = z.object({
  checkId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .describe('id of the check record'),
  indexUid: uid,
  repair: z.boolean().describe('repair disagreeing copies from the newest versions'),
});

export const keysJob = z
  .object({
    indexUid: uid.optional().describe('node-side index whose scoped search key to rotate'),
    nodeKey: z.literal(true).optional().describe('rotate the key Miroir sends to nodes instead'),
    request: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/)
      .optional()
      .describe('a manual rotation request: each one is its own job'),
  })
  .refine((j) => (j.indexUid === undefined) === (j.nodeKey === true), {
    message: 'exactly one of `indexUid` and `nodeKey`',
  });

export const QUEUES = {
  migrations: {
    name: 'miroir-migrations',
    summary: 'move one shard of one index from a source copy to a target node',
    schema: migrationsJob,
    jobId: (j: z.infer<typeof migrationsJob>) =>
      `move.${j.indexUid}.${j.shard}.${j.group}.${j.target}.${j.epoch}`,
  },
  checks: {
    name: 'miroir-checks',
    summary: 'compare (and repair) every copy of every shard of one index',
    schema: checksJob,
    jobId: (j: z.infer<typeof checksJob>) => `check.${j.checkId}`,
  },
  keys: {
    name: 'miroir-keys',
    summary: "rotate one index's scoped search key, or the node key, now",
    schema: keysJob,
    jobId: (j: z.infer<typeof keysJob>) => {
      const what = j.nodeKey ? 'node-key' : j.indexUid;
      return j.request ? `keys.${what}.${j.request}` : `keys.${what}`;
    },
  },
} as const;

export type QueueKey = keyof typeof QUEUES;
export type QueueName = (typeof QUEUES)[QueueKey]['name'];
export type JobData<Q extends QueueKey> = z.infer<(typeof QUEUES)[Q]['schema']>;

/** For workers at the edge: the job's data if it fits its queue's schema, else an error text. */
export function validateJob<Q extends QueueKey>(
  queue: Q,
  data: unknown,
): { ok: true; data: JobData<Q> } | { ok: false; error: string } {
  const parsed = QUEUES[queue].schema.safeParse(data);
  if (parsed.success) return { ok: true, data: parsed.data as JobData<Q> };
  return {
    ok: false,
    error: parsed.error.issues
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; '),
  };
}
