import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, hostname as osHostname } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { ConfigError, type ConfigProblem } from './config-error.js';

const DAY_MS = 86_400_000;
import { configSchema, envName, type LogLevel } from './config.schema.js';

export interface ConfigNode {
  id: string;
  url: string;
  group: string;
}

/** The validated, frozen configuration every service receives. */
export interface MiroirConfig {
  httpAddr: string;
  http: { host: string; port: number };
  /** Where a background service answers /health, /ready and /metrics. */
  ops: { host: string; port: number };
  env: 'development' | 'production';
  masterKey: string | undefined;
  adminApiKey: string | undefined;
  nodeKey: string | undefined;
  redisUrl: string;
  natsUrl: string;
  keyPrefix: string;
  shards: number;
  replicationFactor: number;
  replicaGroups: number;
  nodes: readonly ConfigNode[];
  log: { stream: string; maxAgeMs: number; maxBytes: number; replicas: number };
  writer: { maxReadLagMs: number; batchBytes: number; leaseTtlMs: number };
  /** Gateway processes sharing the client port (node:cluster); 1 = no cluster. */
  gatewayWorkers: number;
  /** The rebalancer's node probes (operations.md, "Node health") and its leader lease. */
  rebalancer: { probeIntervalMs: number; probeTimeoutMs: number; leaseTtlMs: number };
  unavailableShardPolicy: 'partial' | 'error';
  /** Windows above this many hits per node are searched in two phases (0: never). */
  twoPhaseSearchAbove: number;
  aliases: { enabled: boolean; historyRetention: number; requireTargetExists: boolean };
  /** Shard moves running at once across the cluster (rebalancer). */
  maxConcurrentMigrations: number;
  /** A node failed this long is removed and its copies re-replicated (null: never, the default). */
  failedNodeReplaceAfterMs: number | null;
  searchUi: {
    jwtSecret: string | null;
    mode: 'public' | 'shared_key' | 'oauth_proxy';
    sharedKey: string | null;
    sessionTtlMs: number;
    ratePerMinute: number;
  };
  scopedKeys: {
    enabled: boolean;
    maxAgeMs: number;
    rotateBeforeMs: number;
    drainMs: number;
    beaconTtlMs: number;
    /** Rotate the node key (when it is not the nodes' master key) at this age; null = on request only. */
    nodeKeyMaxAgeMs: number | null;
  };
  nodeTimeoutMs: number;
  taskRetentionDays: number;
  logLevel: LogLevel;
  podId: string;
  /** The YAML file read, if any. */
  configFile: string | null;
}

export interface LoadConfigOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Default of `pod_id`. */
  hostname?: string;
}

const SECRET_KEYS = new Set(['master_key', 'admin_api_key', 'node_key']);
const KEYS = Object.keys(configSchema.def.shape ?? {});

/**
 * Reads the YAML file (MIROIR_CONFIG, else ./miroir.yaml when present), overrides it with MIROIR_*
 * variables, validates once. Throws ConfigError listing every problem. Empty variables count as unset.
 */
export function loadConfig(options: LoadConfigOptions = {}): MiroirConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const { file, values: fileValues } = readConfigFile(env, cwd);

  const raw: Record<string, unknown> = { ...fileValues };
  const fromEnv = new Set<string>();
  for (const key of KEYS) {
    const value = env[envName(key)];
    if (value !== undefined && value !== '') {
      raw[key] = value;
      fromEnv.add(key);
    }
  }

  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => describeIssue(i, raw, fromEnv, file)));
  }
  const c = parsed.data;
  const hostPort = (v: string) => {
    const m = /^(?:\[(.+)\]|(.+)):(\d+)$/.exec(v)!;
    return { host: m[1] ?? m[2]!, port: Number(m[3]) };
  };
  return deepFreeze({
    httpAddr: c.http_addr,
    http: hostPort(c.http_addr),
    ops: hostPort(c.ops_addr),
    env: c.env,
    masterKey: c.master_key,
    adminApiKey: c.admin_api_key,
    nodeKey: c.node_key,
    redisUrl: c.redis_url,
    natsUrl: c.nats_url,
    keyPrefix: c.key_prefix,
    shards: c.shards,
    replicationFactor: c.replication_factor,
    replicaGroups: c.replica_groups,
    nodes: c.nodes,
    log: {
      stream: c.log_stream,
      maxAgeMs: c.log_max_age_s * 1000,
      maxBytes: c.log_max_bytes,
      replicas: c.log_replicas,
    },
    writer: {
      maxReadLagMs: c.writer_max_read_lag_ms,
      batchBytes: c.writer_batch_bytes,
      leaseTtlMs: c.writer_lease_ttl_ms,
    },
    gatewayWorkers: c.gateway_workers === 0 ? availableParallelism() : c.gateway_workers,
    rebalancer: {
      probeIntervalMs: c.health_probe_interval_ms,
      probeTimeoutMs: c.health_probe_timeout_ms,
      leaseTtlMs: c.rebalancer_lease_ttl_ms,
    },
    unavailableShardPolicy: c.unavailable_shard_policy,
    twoPhaseSearchAbove: c.two_phase_search_above,
    searchUi: {
      jwtSecret: c.search_ui_jwt_secret ?? null,
      mode: c.search_ui_mode,
      sharedKey: c.search_ui_shared_key ?? null,
      sessionTtlMs: c.search_ui_session_ttl_s * 1000,
      ratePerMinute: c.search_ui_rate_limit_per_min,
    },
    scopedKeys: {
      enabled: c.scoped_keys === 'true',
      maxAgeMs: c.scoped_key_max_age_days * DAY_MS,
      rotateBeforeMs: c.scoped_key_rotate_before_expiry_days * DAY_MS,
      drainMs: c.scoped_key_rotation_drain_s * 1000,
      beaconTtlMs: c.scoped_key_beacon_ttl_s * 1000,
      nodeKeyMaxAgeMs: c.node_key_max_age_days > 0 ? c.node_key_max_age_days * DAY_MS : null,
    },
    maxConcurrentMigrations: c.max_concurrent_migrations,
    failedNodeReplaceAfterMs:
      c.auto_rebalance_on_failure === 'true' ? c.failed_node_replace_after_s * 1000 : null,
    aliases: {
      enabled: c.aliases_enabled === 'true',
      historyRetention: c.aliases_history_retention,
      requireTargetExists: c.aliases_require_target_exists === 'true',
    },
    nodeTimeoutMs: c.node_timeout_ms,
    taskRetentionDays: c.task_retention_days,
    logLevel: c.log_level,
    podId: c.pod_id ?? options.hostname ?? osHostname(),
    configFile: file,
  });
}

function readConfigFile(
  env: Record<string, string | undefined>,
  cwd: string,
): { file: string | null; values: Record<string, unknown> } {
  const named = env.MIROIR_CONFIG;
  const file = named
    ? isAbsolute(named)
      ? named
      : resolve(cwd, named)
    : resolve(cwd, 'miroir.yaml');
  if (!named && !existsSync(file)) return { file: null, values: {} };
  const fail = (message: string): never => {
    throw new ConfigError([{ key: 'MIROIR_CONFIG', message }]);
  };
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    fail(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    fail(`${file} is not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  if (doc === null || doc === undefined) return { file, values: {} };
  if (typeof doc !== 'object' || Array.isArray(doc)) fail(`${file} must hold a mapping of keys`);
  return { file, values: doc as Record<string, unknown> };
}

function describeIssue(
  issue: z.core.$ZodIssue,
  raw: Record<string, unknown>,
  fromEnv: Set<string>,
  file: string | null,
): ConfigProblem {
  if (issue.code === 'unrecognized_keys') {
    return {
      key: `${file}`,
      message: `unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`,
    };
  }
  const [top, ...rest] = issue.path.map(String);
  const name =
    top === undefined
      ? 'config'
      : fromEnv.has(top) || file === null
        ? envName(top)
        : `${top} (in ${file})`;
  const suffix = rest.map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join('');
  let message = issue.message;
  // Echo the offending value, except secrets and cross-field checks (their message says it all).
  const crossField = issue.code === 'custom' && issue.params?.crossField === true;
  if (!crossField && top !== undefined && !SECRET_KEYS.has(top)) {
    const got = valueAt(raw[top], rest);
    if (got !== undefined) message += `, got ${truncate(JSON.stringify(got))}`;
  }
  return { key: name + suffix, message };
}

/** The raw value at a nested path; JSON text (MIROIR_NODES) is looked into after parsing. */
function valueAt(value: unknown, path: string[]): unknown {
  let v = value;
  if (path.length > 0 && typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      return undefined;
    }
  }
  for (const p of path)
    v = v && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
  return v;
}

function truncate(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
