import { z } from 'zod';

/**
 * The configuration as written in YAML (snake_case) or, after conversion, in the environment
 * (`MIROIR_` + upper case). Every message reads after the key name: `MIROIR_SHARDS: must be …`.
 */

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;

/** Environment values are strings; integers written as decimal text become numbers first. */
function integer(min: number, max: number) {
  const error = `must be an integer between ${min} and ${max}`;
  return z.preprocess(
    (v) => (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : v),
    z.number({ error }).int({ error }).min(min, { error }).max(max, { error }),
  );
}

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `must be one of ${values.join(', ')}` });
}

function url(protocols: readonly string[]) {
  const error = `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`;
  return z.string({ error }).refine((v) => {
    try {
      return protocols.includes(new URL(v).protocol);
    } catch {
      return false;
    }
  }, error);
}

function secret(minLength: number) {
  return z
    .string({ error: 'must be a string' })
    .min(minLength, { error: `must be at least ${minLength} characters long` });
}

const nodeSchema = z.object(
  {
    id: z
      .string({ error: 'id must be a non-empty string' })
      // Ids are NATS subject tokens (miroir.nodes.<id>.<state>): no dots or wildcards.
      .regex(/^[A-Za-z0-9_-]+$/, { error: 'id must use only letters, digits, "_" and "-"' }),
    url: url(['http:', 'https:']),
    // YAML readers write `group: 0`; groups are names, so numbers are taken as their text.
    group: z
      .union([z.string().regex(/^[A-Za-z0-9_-]+$/), z.number().int().nonnegative()], {
        error: 'group must use only letters, digits, "_" and "-"',
      })
      .transform(String)
      .default('0'),
  },
  { error: 'each node must be an object {id, url, group?}' },
);

/** meilisearch-auth `MASTER_KEY_MIN_SIZE`. */
export const MASTER_KEY_MIN_BYTES = 16;

/** Host and port, `0.0.0.0:7700` or `[::]:7700`. */
const HTTP_ADDR = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/;

/** Marks checks across keys, whose message already says everything (no value echoed). */
export const CROSS_FIELD = { code: 'custom', params: { crossField: true } } as const;

export const configSchema = z
  .object({
    http_addr: z
      .string({ error: 'must be host:port' })
      .regex(HTTP_ADDR, { error: 'must be host:port, e.g. 0.0.0.0:7700' })
      .refine((v) => Number(HTTP_ADDR.exec(v)?.[3] ?? 0) <= 65535, {
        error: 'port must be ≤ 65535',
      })
      .default('0.0.0.0:7700'),
    ops_addr: z
      .string({ error: 'must be host:port' })
      .regex(HTTP_ADDR, { error: 'must be host:port, e.g. 0.0.0.0:9464' })
      .refine((v) => Number(HTTP_ADDR.exec(v)?.[3] ?? 0) <= 65535, {
        error: 'port must be ≤ 65535',
      })
      .default('127.0.0.1:0'),
    env: oneOf(['development', 'production']).default('development'),
    // Meilisearch refuses master keys shorter than 16 bytes in production (checked below).
    master_key: secret(1).optional(),
    admin_api_key: secret(16).optional(),
    node_key: secret(1).optional(),
    redis_url: url(['redis:', 'rediss:']).default('redis://127.0.0.1:6379'),
    nats_url: url(['nats:', 'tls:', 'ws:', 'wss:']).default('nats://127.0.0.1:4222'),
    key_prefix: z
      .string({ error: 'must be a non-empty string' })
      .min(1, { error: 'must be a non-empty string' })
      .default('miroir:'),
    shards: integer(1, 65536).default(64),
    replication_factor: integer(1, 16).default(1),
    replica_groups: integer(1, 64).default(1),
    nodes: z
      .preprocess(
        (v) => {
          if (typeof v !== 'string') return v;
          try {
            return JSON.parse(v);
          } catch {
            return v;
          }
        },
        z.array(nodeSchema, { error: 'must be a JSON array of {id, url, group?}' }),
      )
      .default([]),
    log_stream: z
      .string({ error: 'must be a stream name' })
      .regex(/^[A-Za-z0-9_-]{1,64}$/, {
        error: 'must use only letters, digits, "_" and "-" (≤ 64)',
      })
      .default('MIROIR_LOG'),
    log_max_age_s: integer(60, 365 * 86400).default(7 * 86400),
    log_max_bytes: integer(1024 * 1024, 2 ** 50).default(10 * 1024 ** 3),
    log_replicas: integer(1, 5).default(1),
    writer_max_read_lag_ms: integer(100, 3_600_000).default(5000),
    writer_batch_bytes: integer(64 * 1024, 90 * 1024 * 1024).default(8 * 1024 * 1024),
    writer_lease_ttl_ms: integer(1000, 600_000).default(10_000),
    gateway_workers: integer(0, 256).default(1),
    health_probe_interval_ms: integer(100, 600_000).default(5000),
    health_probe_timeout_ms: integer(50, 600_000).default(2000),
    rebalancer_lease_ttl_ms: integer(1000, 600_000).default(10_000),
    unavailable_shard_policy: oneOf(['partial', 'error']).default('partial'),
    two_phase_search_above: integer(0, 1_000_000).default(100),
    aliases_enabled: oneOf(['true', 'false']).default('true'),
    scoped_keys: oneOf(['true', 'false']).default('true'),
    search_ui_jwt_secret: secret(32).optional(),
    search_ui_mode: oneOf(['public', 'shared_key', 'oauth_proxy']).default('public'),
    search_ui_shared_key: secret(16).optional(),
    search_ui_session_ttl_s: integer(30, 86_400).default(900),
    search_ui_rate_limit_per_min: integer(1, 100_000).default(120),
    scoped_key_max_age_days: integer(2, 3650).default(60),
    scoped_key_rotate_before_expiry_days: integer(1, 3649).default(30),
    scoped_key_rotation_drain_s: integer(1, 86_400).default(120),
    scoped_key_beacon_ttl_s: integer(1, 3600).default(60),
    node_key_max_age_days: integer(0, 3650).default(0),
    aliases_history_retention: integer(1, 1000).default(10),
    max_concurrent_migrations: integer(1, 64).default(4),
    auto_rebalance_on_failure: oneOf(['true', 'false']).default('false'),
    failed_node_replace_after_s: integer(1, 30 * 86_400).default(1800),
    aliases_require_target_exists: oneOf(['true', 'false']).default('true'),
    node_timeout_ms: integer(1, 600_000).default(5000),
    task_retention_days: integer(1, 3650).default(7),
    log_level: oneOf(LOG_LEVELS).default('info'),
    pod_id: z
      .string({ error: 'must be a non-empty string' })
      .min(1, { error: 'must be a non-empty string' })
      .optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    // operations.md: a key must be rotated before it expires, so rotation starts inside its life.
    if (c.scoped_key_rotate_before_expiry_days >= c.scoped_key_max_age_days) {
      ctx.addIssue({
        ...CROSS_FIELD,
        path: ['scoped_key_rotate_before_expiry_days'],
        message: `must be less than scoped_key_max_age_days (${c.scoped_key_max_age_days})`,
      });
    }
    // Meilisearch's rule (meilisearch main.rs): production needs a master key of 16 bytes or more;
    // development accepts a shorter one, with a warning at start.
    if (c.env === 'production') {
      const bytes = c.master_key === undefined ? 0 : Buffer.byteLength(c.master_key);
      if (bytes < MASTER_KEY_MIN_BYTES) {
        ctx.addIssue({
          ...CROSS_FIELD,
          path: ['master_key'],
          message:
            c.master_key === undefined
              ? 'You must provide a master key to secure your instance in a production environment (MIROIR_ENV=production).'
              : `The master key must be at least ${MASTER_KEY_MIN_BYTES} bytes in a production environment. The provided key is only ${bytes} bytes.`,
        });
      }
    }
    const seen = new Set<string>();
    c.nodes.forEach((n, i) => {
      if (seen.has(n.id)) {
        ctx.addIssue({
          ...CROSS_FIELD,
          path: ['nodes', i, 'id'],
          message: `duplicate node id "${n.id}"`,
        });
      }
      seen.add(n.id);
    });
    if (c.writer_lease_ttl_ms < 2 * c.node_timeout_ms) {
      ctx.addIssue({
        ...CROSS_FIELD,
        path: ['writer_lease_ttl_ms'],
        message: `must be at least twice MIROIR_NODE_TIMEOUT_MS (${c.node_timeout_ms}): a writer's lease must outlive the request it sends`,
      });
    }
    // An empty list is allowed: nodes may be added later through the admin API.
    const groups = new Set(c.nodes.map((n) => n.group));
    if (c.nodes.length > 0 && groups.size !== c.replica_groups) {
      ctx.addIssue({
        ...CROSS_FIELD,
        path: ['nodes'],
        message:
          `nodes span ${groups.size} group(s) (${[...groups].sort().join(', ')}) ` +
          `but MIROIR_REPLICA_GROUPS is ${c.replica_groups}`,
      });
    }
  });

export type RawConfig = z.infer<typeof configSchema>;
export type ConfigKey = keyof z.input<typeof configSchema>;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `shards` → `MIROIR_SHARDS`. */
export function envName(key: string): string {
  return `MIROIR_${key.toUpperCase()}`;
}
