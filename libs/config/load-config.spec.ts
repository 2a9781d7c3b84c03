import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from '#lib/config';

const empty = mkdtempSync(join(tmpdir(), 'miroir-config-'));
const load = (env: Record<string, string>, cwd = empty) =>
  loadConfig({ env, cwd, hostname: 'pod-a' });

function problems(env: Record<string, string>, cwd = empty): string[] {
  try {
    load(env, cwd);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems.map((p) => `${p.key}: ${p.message}`);
  }
  throw new Error('expected a ConfigError');
}

const NODES = JSON.stringify([
  { id: 'meili-0', url: 'http://10.0.0.1:7700' },
  { id: 'meili-1', url: 'https://m1.example:7700', group: '0' },
]);

describe('loadConfig', () => {
  it('applies the documented defaults with nothing configured', () => {
    const c = load({});
    expect(c).toEqual({
      httpAddr: '0.0.0.0:7700',
      http: { host: '0.0.0.0', port: 7700 },
      ops: { host: '127.0.0.1', port: 0 },
      env: 'development',
      masterKey: undefined,
      adminApiKey: undefined,
      nodeKey: undefined,
      redisUrl: 'redis://127.0.0.1:6379',
      natsUrl: 'nats://127.0.0.1:4222',
      keyPrefix: 'miroir:',
      shards: 64,
      replicationFactor: 1,
      replicaGroups: 1,
      nodes: [],
      log: { stream: 'MIROIR_LOG', maxAgeMs: 604_800_000, maxBytes: 10 * 1024 ** 3, replicas: 1 },
      writer: { maxReadLagMs: 5000, batchBytes: 8 * 1024 * 1024, leaseTtlMs: 10_000 },
      gatewayWorkers: 1,
      rebalancer: { probeIntervalMs: 5000, probeTimeoutMs: 2000, leaseTtlMs: 10_000 },
      unavailableShardPolicy: 'partial',
      twoPhaseSearchAbove: 100,
      aliases: { enabled: true, historyRetention: 10, requireTargetExists: true },
      searchUi: {
        jwtSecret: null,
        mode: 'public',
        sharedKey: null,
        sessionTtlMs: 900_000,
        ratePerMinute: 120,
      },
      scopedKeys: {
        enabled: true,
        maxAgeMs: 60 * 86_400_000,
        rotateBeforeMs: 30 * 86_400_000,
        drainMs: 120_000,
        beaconTtlMs: 60_000,
        nodeKeyMaxAgeMs: null,
      },
      nodeTimeoutMs: 5000,
      taskRetentionDays: 7,
      logLevel: 'info',
      maxConcurrentMigrations: 4,
      failedNodeReplaceAfterMs: null,
      podId: 'pod-a',
      configFile: null,
    });
  });

  it('reads environment variables, converting numbers and the node list', () => {
    const c = load({
      MIROIR_HTTP_ADDR: '[::1]:8080',
      MIROIR_SHARDS: '16',
      MIROIR_REPLICATION_FACTOR: '2',
      MIROIR_NODES: NODES,
      MIROIR_LOG_STREAM: 'CLUSTER_B',
      MIROIR_MASTER_KEY: 'a-master-key-of-16+',
      MIROIR_POD_ID: 'gw-1',
      MIROIR_UNRELATED: 'ignored',
    });
    expect(c.http).toEqual({ host: '::1', port: 8080 });
    expect(c.shards).toBe(16);
    expect(c.replicationFactor).toBe(2);
    expect(c.nodes).toEqual([
      { id: 'meili-0', url: 'http://10.0.0.1:7700', group: '0' },
      { id: 'meili-1', url: 'https://m1.example:7700', group: '0' },
    ]);
    expect(c.log.stream).toBe('CLUSTER_B');
    expect(c.masterKey).toBe('a-master-key-of-16+');
    expect(c.podId).toBe('gw-1');
  });

  it('returns a deeply frozen object', () => {
    const c = load({ MIROIR_NODES: NODES });
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.nodes)).toBe(true);
    expect(Object.isFrozen(c.nodes[0])).toBe(true);
    expect(Object.isFrozen(c.http)).toBe(true);
  });

  it('treats empty variables as unset', () => {
    expect(load({ MIROIR_SHARDS: '', MIROIR_MASTER_KEY: '' })).toMatchObject({
      shards: 64,
      masterKey: undefined,
    });
  });

  it('names the variable, the rule and the value that broke it', () => {
    expect(problems({ MIROIR_SHARDS: 'abc' })).toEqual([
      'MIROIR_SHARDS: must be an integer between 1 and 65536, got "abc"',
    ]);
    expect(problems({ MIROIR_SHARDS: '70000' })).toEqual([
      'MIROIR_SHARDS: must be an integer between 1 and 65536, got "70000"',
    ]);
    expect(problems({ MIROIR_NODE_TIMEOUT_MS: '1.5' })).toEqual([
      'MIROIR_NODE_TIMEOUT_MS: must be an integer between 1 and 600000, got "1.5"',
    ]);
  });

  it('lists every problem at once and never echoes secrets', () => {
    const found = problems({
      MIROIR_UNAVAILABLE_SHARD_POLICY: 'some',
      MIROIR_REDIS_URL: 'http://localhost',
      MIROIR_MASTER_KEY: 'short-secret',
      MIROIR_HTTP_ADDR: 'localhost',
      MIROIR_LOG_LEVEL: 'loud',
    });
    expect(found).toEqual([
      'MIROIR_HTTP_ADDR: must be host:port, e.g. 0.0.0.0:7700, got "localhost"',
      'MIROIR_REDIS_URL: must be a URL starting with redis:// or rediss://, got "http://localhost"',
      'MIROIR_UNAVAILABLE_SHARD_POLICY: must be one of partial, error, got "some"',
      'MIROIR_LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, got "loud"',
    ]);
    expect(found.join('\n')).not.toContain('short-secret');
  });

  it("applies Meilisearch's master key rule: 16 bytes in production, anything in development", () => {
    // meilisearch main.rs and meilisearch-auth MASTER_KEY_MIN_SIZE (16, counted in bytes).
    expect(load({ MIROIR_MASTER_KEY: 'short-secret' }).masterKey).toBe('short-secret');
    const production = problems({ MIROIR_ENV: 'production', MIROIR_MASTER_KEY: 'short-secrét' });
    expect(production).toEqual([
      'MIROIR_MASTER_KEY: The master key must be at least 16 bytes in a production environment. The provided key is only 13 bytes.',
    ]);
    expect(problems({ MIROIR_ENV: 'production' })).toEqual([
      'MIROIR_MASTER_KEY: You must provide a master key to secure your instance in a production environment (MIROIR_ENV=production).',
    ]);
    expect(load({ MIROIR_ENV: 'production', MIROIR_MASTER_KEY: 'sixteen-bytes-ok' }).env).toBe(
      'production',
    );
  });

  it('validates the node list: JSON, urls, unique ids, groups matching MIROIR_REPLICA_GROUPS', () => {
    expect(problems({ MIROIR_NODES: '[{"id":' })).toEqual([
      'MIROIR_NODES: must be a JSON array of {id, url, group?}, got "[{\\"id\\":"',
    ]);
    expect(problems({ MIROIR_NODES: '[{"id":"a","url":"ftp://x"}]' })).toEqual([
      'MIROIR_NODES[0].url: must be a URL starting with http:// or https://, got "ftp://x"',
    ]);
    expect(
      problems({ MIROIR_NODES: '[{"id":"a","url":"http://x"},{"id":"a","url":"http://y"}]' }),
    ).toEqual(['MIROIR_NODES[1].id: duplicate node id "a"']);
    expect(
      problems({
        MIROIR_REPLICA_GROUPS: '2',
        MIROIR_NODES: '[{"id":"a","url":"http://x"},{"id":"b","url":"http://y"}]',
      }),
    ).toEqual(['MIROIR_NODES: nodes span 1 group(s) (0) but MIROIR_REPLICA_GROUPS is 2']);
  });

  it('reads ./miroir.yaml when present, with the environment taking precedence', () => {
    const dir = mkdtempSync(join(tmpdir(), 'miroir-config-'));
    writeFileSync(
      join(dir, 'miroir.yaml'),
      [
        'shards: 8',
        'replica_groups: 2',
        'log_level: debug',
        'nodes:',
        '  - { id: a, url: "http://a:7700", group: 0 }',
        '  - { id: b, url: "http://b:7700", group: 1 }',
      ].join('\n'),
    );
    const c = load({ MIROIR_SHARDS: '4' }, dir);
    expect(c.shards).toBe(4);
    expect(c.logLevel).toBe('debug');
    expect(c.nodes.map((n) => n.group)).toEqual(['0', '1']);
    expect(c.configFile).toBe(join(dir, 'miroir.yaml'));
  });

  it('reads the file named by MIROIR_CONFIG and names file keys in errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'miroir-config-'));
    const file = join(dir, 'other.yml');
    writeFileSync(file, 'shards: zero\nshard_count: 3\n');
    expect(problems({ MIROIR_CONFIG: 'other.yml' }, dir)).toEqual([
      `shards (in ${file}): must be an integer between 1 and 65536, got "zero"`,
      `${file}: unknown key(s) "shard_count"`,
    ]);
  });

  it('refuses a missing or malformed file named by MIROIR_CONFIG', () => {
    const dir = mkdtempSync(join(tmpdir(), 'miroir-config-'));
    expect(problems({ MIROIR_CONFIG: join(dir, 'nope.yaml') })[0]).toMatch(
      /^MIROIR_CONFIG: cannot read .*nope\.yaml: ENOENT$/,
    );
    writeFileSync(join(dir, 'bad.yaml'), 'shards: [1,\n');
    expect(problems({ MIROIR_CONFIG: 'bad.yaml' }, dir)[0]).toMatch(
      /^MIROIR_CONFIG: .* is not valid YAML/,
    );
    writeFileSync(join(dir, 'list.yaml'), '- a\n- b\n');
    expect(problems({ MIROIR_CONFIG: 'list.yaml' }, dir)[0]).toMatch(
      /must hold a mapping of keys$/,
    );
  });
});

describe('node ids', () => {
  it('refuses ids that cannot be a NATS subject token', () => {
    expect(problems({ MIROIR_NODES: '[{"id":"meili.0","url":"http://x"}]' })).toEqual([
      'MIROIR_NODES[0].id: id must use only letters, digits, "_" and "-", got "meili.0"',
    ]);
  });
});
