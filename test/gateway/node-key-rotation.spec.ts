/**
 * Issue 11, last part: the key-rotator rotates the API key Miroir sends to nodes when that key is
 * an API key and not the nodes' master key. Real processes: two gateways, a node writer, the
 * task-reconciler, the rebalancer (it probes nodes) and the key-rotator. Under continuous writes
 * and searches through both gateways, a rotation fails no request, the old key is deleted on
 * every node, the new key's value is never stored in clear, a key-rotator killed mid-rotation is
 * resumed by its successor at the stored step, and a frozen gateway does not hold revocation back.
 *
 * Meilisearch behaviour relied on (docs, v1.30): `POST /keys` takes a chosen `uid` and answers 201
 * with the key's `key` value (https://www.meilisearch.com/docs/reference/api/keys#create-a-key);
 * `GET /keys/{key_or_uid}` reads a key by value or uid; `DELETE /keys/{key_or_uid}` answers 204;
 * a deleted key is refused with 403 `invalid_api_key`
 * (https://www.meilisearch.com/docs/reference/errors/error_codes#invalid_api_key); a key's value
 * is derived from its uid and the master key, so one uid has one value on nodes sharing a master
 * key (https://www.meilisearch.com/docs/reference/api/keys#key).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Meilisearch } from 'meilisearch';
import { isNodeKeyBeacon } from '#lib/keys';
import { createRedisStore } from '#lib/store';
import { testRedisUrl, until } from '#lib/testing';
import { startGatewayStack, type GatewayStack } from './support/gateway-stack.js';

let g: GatewayStack;
let clients: Meilisearch[];

interface NodeKeyRotation {
  state: string;
  generation: number;
  primaryUid: string;
  previousUid: string | null;
  grants: { actions: string[]; indexes: string[] } | null;
}

async function nodeKeyRotation(): Promise<NodeKeyRotation | null> {
  const res = await g.gateway('/_miroir/keys/node', { key: g.stack.adminApiKey });
  expect(res.status).toBe(200);
  return ((await res.json()) as { rotation: NodeKeyRotation | null }).rotation;
}

async function forceRotation(): Promise<void> {
  const res = await g.gateway('/_miroir/keys/node/rotate', {
    method: 'POST',
    key: g.stack.adminApiKey,
    body: JSON.stringify({ force: true }),
  });
  expect(res.status).toBe(202);
}

/** Every node's API keys (read with the master key): uid → value. */
async function keysOnNodes(): Promise<Map<string, string>[]> {
  return Promise.all(
    g.stack.nodes.map(async (n) => {
      const res = await g.node(n, '/keys?limit=1000');
      const { results } = (await res.json()) as { results: { uid: string; key: string }[] };
      return new Map(results.map((k) => [k.uid, k.key]));
    }),
  );
}

/** Writes and searches through every gateway until stopped; returns what failed. */
function load(): { stop: () => Promise<string[]> } {
  const failures: string[] = [];
  let running = true;
  let next = 1000;
  const loops = clients.flatMap((client, i) => [
    (async () => {
      while (running) {
        const id = next++;
        try {
          const task = await client.index('lamps').addDocuments([{ id, title: `lamp ${id}` }]);
          const done = await client.tasks.waitForTask(task.taskUid, {
            timeout: 30_000,
            interval: 25,
          });
          if (done.status !== 'succeeded')
            failures.push(`gateway ${i} write ${id}: ${done.status}`);
        } catch (err) {
          failures.push(`gateway ${i} write ${id}: ${String(err)}`);
        }
      }
    })(),
    (async () => {
      while (running) {
        try {
          const res = await client.index('lamps').search('lamp', { limit: 5 });
          if (res.hits.length === 0) failures.push(`gateway ${i} search: no hits`);
        } catch (err) {
          failures.push(`gateway ${i} search: ${String(err)}`);
        }
      }
    })(),
  ]);
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      return failures;
    },
  };
}

beforeAll(async () => {
  g = await startGatewayStack({
    nodes: 3,
    replicationFactor: 2,
    shards: 8,
    gateways: 2,
    rebalancer: true,
    keyRotator: true,
    nodeApiKey: true,
    env: {
      MIROIR_SCOPED_KEY_BEACON_TTL_S: '3',
      MIROIR_NODE_TIMEOUT_MS: '1000',
      // Scoped keys are derived from a master key; this stack's node key is not one.
      MIROIR_SCOPED_KEYS: 'false',
    },
  });
  clients = g.stack.gateways.map(
    (p) => new Meilisearch({ host: p.listening.url, apiKey: g.stack.masterKey }),
  );
  await g.waitWrite(await g.client.createIndex('lamps', { primaryKey: 'id' }));
  await g.waitWrite(
    await g.client
      .index('lamps')
      .addDocuments(Array.from({ length: 40 }, (_, i) => ({ id: i, title: `lamp ${i}` }))),
  );
}, 60_000);
afterAll(async () => {
  for (const gw of g?.stack.gateways ?? []) gw.child.kill('SIGCONT');
  await g?.stop();
});

describe('rotating the key Miroir sends to nodes', () => {
  it('adopts the configured key: its uid and grants, read from a node with itself', async () => {
    const adopted = await until('adoption', nodeKeyRotation);
    expect(adopted).toMatchObject({
      state: 'stable',
      generation: 1,
      primaryUid: g.stack.nodeApiKey!.uid,
      grants: { actions: ['*'], indexes: ['*'] },
    });
  });

  it('rotates under writes and searches through both gateways with no failed request', async () => {
    const running = load();
    await new Promise((r) => setTimeout(r, 500));
    await forceRotation();
    const done = await until('generation 2, revoked', async () => {
      const r = await nodeKeyRotation();
      return r?.generation === 2 && r.state === 'stable' ? r : null;
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(await running.stop()).toEqual([]);

    // The old key is gone from every node, the new one is on every node with the same value and
    // the configured grants; the store holds it only sealed.
    const bootstrap = g.stack.nodeApiKey!;
    const keys = await keysOnNodes();
    for (const onNode of keys) {
      expect(onNode.has(bootstrap.uid)).toBe(false);
      expect(onNode.get(done.primaryUid)).toBe(keys[0]!.get(done.primaryUid));
    }
    const value = keys[0]!.get(done.primaryUid)!;
    expect(value).toMatch(/^[0-9a-f]{64}$/);
    const old = await fetch(`${g.stack.nodes[0]!.url}/indexes`, {
      headers: { authorization: `Bearer ${bootstrap.key}` },
    });
    expect(old.status).toBe(403);
    expect(((await old.json()) as { code: string }).code).toBe('invalid_api_key');

    const store = createRedisStore({ url: testRedisUrl(), prefix: g.stack.keyPrefix });
    try {
      const record = await store.nodeKeys.get('node');
      expect(JSON.stringify(record)).not.toContain(value);
      expect(record?.sealedKey).toMatch(/^v1\./);
      // Every process that calls nodes beacons the generation it uses: two gateways, the node
      // writer, the rebalancer and the key-rotator, all on the new key.
      const beacons = (await store.beacons.list({ limit: 1000 })).results.filter(isNodeKeyBeacon);
      expect(beacons).toHaveLength(5);
      expect(beacons.map((b) => b.generations.node)).toEqual([2, 2, 2, 2, 2]);
    } finally {
      await store.close();
    }
  }, 90_000);

  it('a key-rotator killed mid-rotation is resumed by the next one at the stored step', async () => {
    const running = load();
    const [first] = g.stack.keyRotators;
    await forceRotation();
    // The drain lasts at least a node timeout (1 s): catch the promoted state and kill there.
    const promoted = await until('generation 3 promoted', async () => {
      const r = await nodeKeyRotation();
      return r?.generation === 3 && r.state === 'promoted' ? r : null;
    });
    await first!.stop('SIGKILL');
    await g.stack.startKeyRotator();
    const stable = await until('generation 3 revoked by the successor', async () => {
      const r = await nodeKeyRotation();
      return r?.generation === 3 && r.state === 'stable' ? r : null;
    });
    expect(stable.primaryUid).toBe(promoted.primaryUid);
    expect(await running.stop()).toEqual([]);
    for (const onNode of await keysOnNodes()) {
      expect(onNode.has(promoted.previousUid!)).toBe(false);
      expect(onNode.has(stable.primaryUid)).toBe(true);
    }
  }, 90_000);

  it('a frozen gateway does not hold revocation back, and follows once it wakes', async () => {
    const frozen = g.stack.gateways[1]!;
    frozen.child.kill('SIGSTOP');
    try {
      await forceRotation();
      await until(
        'generation 4 revoked while a gateway is frozen',
        async () => {
          const r = await nodeKeyRotation();
          return r?.generation === 4 && r.state === 'stable' ? r : null;
        },
        30_000,
      );
    } finally {
      frozen.child.kill('SIGCONT');
    }
    // Its timer reloads the key within a second of waking: searches through it work again.
    const woke = new Meilisearch({ host: frozen.listening.url, apiKey: g.stack.masterKey });
    await until('the woken gateway searches', async () => {
      const res = await woke
        .index('lamps')
        .search('lamp')
        .catch(() => null);
      return res !== null && res.hits.length > 0;
    });
  }, 60_000);
});
