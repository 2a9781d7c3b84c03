import { envName, type ConfigKey } from './config.schema.js';

/** One line of the configuration reference: README tables and `--help` are generated from it. */
export interface ConfigDoc {
  /** Environment variable, e.g. `MIROIR_SHARDS`. */
  env: string;
  /** YAML key, e.g. `shards`; null for MIROIR_CONFIG, which names the file itself. */
  yaml: string | null;
  default: string;
  meaning: string;
}

// Typed by the schema's keys, so a key added to the schema without documentation fails to compile.
const DOCS: Record<ConfigKey, [defaultValue: string, meaning: string]> = {
  http_addr: ['0.0.0.0:7700', 'address the client API listens on (host:port)'],
  ops_addr: [
    '127.0.0.1:0',
    'where a background service answers /health, /ready and /metrics (port 0: any free port, printed at start)',
  ],
  env: [
    'development',
    'development or production, as Meilisearch: production requires a master key of at least 16 bytes',
  ],
  master_key: [
    '(none: API open)',
    'master key for the client API; at least 16 bytes in production (shorter: a warning in development)',
  ],
  admin_api_key: ['(none)', 'key for the /_miroir admin API (the master key works too)'],
  node_key: ['(none)', 'key Miroir sends to Meilisearch nodes; clients never see it'],
  redis_url: ['redis://127.0.0.1:6379', 'Redis for shared state and job queues'],
  nats_url: ['nats://127.0.0.1:4222', 'NATS (JetStream) for the write log and events'],
  key_prefix: ['miroir:', 'prefix of every Redis key, so clusters can share one Redis'],
  shards: ['64', 'shard count of new indexes (1-65536)'],
  replication_factor: ['1', 'copies of each shard inside one replica group'],
  replica_groups: ['1', 'number of replica groups; must match the groups of MIROIR_NODES'],
  nodes: [
    '[]',
    'JSON array of Meilisearch nodes {id, url, group} (group defaults to "0"); seeds the topology when the store has none',
  ],
  log_stream: [
    'MIROIR_LOG',
    "name of this cluster's write log (JetStream stream); clusters sharing one NATS need different ones",
  ],
  log_max_age_s: ['604800', 'seconds the write log keeps a write; a copy further behind is stale'],
  log_max_bytes: ['10737418240', 'bytes the write log keeps; a copy further behind is stale'],
  log_replicas: ['1', 'replicas of the write log stream (3 on a NATS cluster)'],
  writer_max_read_lag_ms: [
    '5000',
    'a copy this far behind the most caught-up one stops serving reads until it catches up',
  ],
  writer_batch_bytes: ['8388608', 'largest batch a node writer sends to a node in one request'],
  writer_lease_ttl_ms: [
    '10000',
    "lease of a node's single writer; another process takes the node over this long after a crash",
  ],
  gateway_workers: [
    '1',
    'gateway worker processes sharing the client port, one per core with 0 (a primary restarts any that dies)',
  ],
  health_probe_interval_ms: ['5000', 'how often the rebalancer probes every node (GET /health)'],
  health_probe_timeout_ms: ['2000', 'a probe unanswered this long counts as a failure'],
  rebalancer_lease_ttl_ms: [
    '10000',
    "lease of the rebalancer's leader (and of its shard move jobs); a standby takes over this long after a crash",
  ],
  unavailable_shard_policy: [
    'partial',
    'search with unreachable shards: partial (answer the rest) or error (503)',
  ],
  two_phase_search_above: [
    '100',
    'searches whose page starts deeper than this (offset) run in two phases: keys first, then the page (0: never)',
  ],
  aliases_enabled: ['true', 'aliases (`/_miroir/aliases`) resolved on client routes'],
  aliases_history_retention: ['10', 'flips kept in an alias history; the next evicts the oldest'],
  aliases_require_target_exists: [
    'true',
    'creating or flipping an alias to a missing index is refused (index_not_found)',
  ],
  search_ui_jwt_secret: [
    '(none)',
    "signs the hosted search page's browser tokens (≥ 32 bytes); without it the page is off",
  ],
  search_ui_mode: [
    'public',
    'who gets a search page session: public, shared_key (X-Miroir-Search-Key) or oauth_proxy (X-Forwarded-User)',
  ],
  search_ui_shared_key: ['(none)', 'the key search page visitors give in shared_key mode'],
  search_ui_session_ttl_s: ['900', 'lifetime of a search page browser token'],
  search_ui_rate_limit_per_min: [
    '120',
    'search page and session requests per minute per client IP',
  ],
  scoped_keys: [
    'true',
    "searches reach nodes with a rotating search-only key per index (needs MIROIR_NODE_KEY = the nodes' master key)",
  ],
  scoped_key_max_age_days: ['60', 'lifetime of a scoped search key on the nodes'],
  scoped_key_rotate_before_expiry_days: ['30', 'a key is rotated this long before it expires'],
  scoped_key_rotation_drain_s: [
    '120',
    'a drain still waiting for the gateways after this long is logged (the old key is never revoked early)',
  ],
  scoped_key_beacon_ttl_s: [
    '60',
    'a process silent this long no longer holds a scoped or node key rotation back',
  ],
  node_key_max_age_days: [
    '0',
    "rotate the node key at this age when it is an API key, not the nodes' master key (0 = only on request)",
  ],
  max_concurrent_migrations: ['4', 'shard moves a rebalance runs at once across the cluster'],
  auto_rebalance_on_failure: [
    'false',
    'remove a node failed longer than failed_node_replace_after_s and re-replicate its copies',
  ],
  failed_node_replace_after_s: ['1800', 'how long a node stays failed before it is replaced'],
  node_timeout_ms: ['5000', 'timeout of one request to a node, in milliseconds'],
  task_retention_days: ['7', 'days finished task records are kept'],
  log_level: ['info', 'fatal, error, warn, info, debug or trace'],
  pod_id: ['(hostname)', 'name of this process in events and leases'],
};

export const CONFIG_DOCS: readonly ConfigDoc[] = Object.freeze([
  Object.freeze({
    env: 'MIROIR_CONFIG',
    yaml: null,
    default: './miroir.yaml if present',
    meaning: 'YAML configuration file; environment variables override it',
  }),
  ...Object.entries(DOCS).map(([key, [def, meaning]]) =>
    Object.freeze({ env: envName(key), yaml: key, default: def, meaning }),
  ),
]);

/** Plain-text table for `--help`. */
export function formatConfigHelp(docs: readonly ConfigDoc[] = CONFIG_DOCS): string {
  const w1 = Math.max(...docs.map((d) => d.env.length));
  const w2 = Math.max(...docs.map((d) => d.default.length));
  return docs.map((d) => `  ${d.env.padEnd(w1)}  ${d.default.padEnd(w2)}  ${d.meaning}`).join('\n');
}

/** Markdown table for the README. */
export function formatConfigMarkdown(docs: readonly ConfigDoc[] = CONFIG_DOCS): string {
  const rows = docs.map(
    (d) => `| \`${d.env}\` | ${d.yaml ? `\`${d.yaml}\`` : '—'} | \`${d.default}\` | ${d.meaning} |`,
  );
  return ['| variable | YAML key | default | meaning |', '|---|---|---|---|', ...rows].join('\n');
}
