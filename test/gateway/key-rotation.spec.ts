/**
 * Issue 11's scoped search keys (operations.md, "Scoped search key rotation"): every index gets a
 * search-only node key the gateways search with; rotating it under continuous search through two
 * gateways fails no request and never falls back to the node key (so no gateway ever used a
 * revoked key), the previous key is gone from every node afterwards, a killed key-rotator's
 * successor resumes at the stored step, and a stopped gateway does not hold a rotation back.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Meilisearch } from 'meilisearch';
import { until } from '#lib/testing';
import { startGatewayStack, type GatewayStack } from './support/gateway-stack.js';

let g: GatewayStack;
let clients: Meilisearch[];
let browsers: Meilisearch[];
let nodeUid: string;

interface Rotation {
  state: string;
  generation: number;
  primaryUid: string;
  previousUid: string | null;
}

const admin = async (path: string, body: unknown, gateway = 0) => {
  const res = await fetch(`${g.stack.gateways[gateway]!.listening.url}${path}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${g.stack.adminApiKey}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(202);
  return (await res.json()) as { rotation: Rotation | null };
};

const rotation = async () => (await admin('/_miroir/keys/rotate', { index: 'lamps' })).rotation;

/** Key uids of `nodeUid`'s search keys on every node. */
async function nodeKeys(): Promise<string[][]> {
  return Promise.all(
    g.stack.nodes.map(async (n) => {
      const res = await g.node(n, '/keys?limit=100');
      const { results } = (await res.json()) as {
        results: { uid: string; indexes: string[]; actions: string[] }[];
      };
      return results
        .filter((k) => k.indexes.includes(nodeUid) && k.actions.join() === 'search')
        .map((k) => k.uid)
        .sort();
    }),
  );
}

const fallbacks = async () => {
  let total = 0;
  for (const gw of g.stack.gateways) {
    const res = await fetch(`${gw.listening.url}/metrics`, {
      headers: { authorization: `Bearer ${g.stack.adminApiKey}` },
    });
    const m = /miroir_scoped_key_fallbacks_total (\d+)/.exec(await res.text());
    total += Number(m?.[1] ?? 0);
  }
  return total;
};

beforeAll(async () => {
  g = await startGatewayStack({
    nodes: 3,
    replicationFactor: 2,
    shards: 8,
    gateways: 2,
    keyRotator: true,
    env: {
      MIROIR_SCOPED_KEY_BEACON_TTL_S: '3',
      MIROIR_NODE_TIMEOUT_MS: '1000',
      MIROIR_SEARCH_UI_JWT_SECRET: 'key-rotation-test-secret-of-32-bytes!',
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
  // Browsers search with a token of the hosted search page (api.md: the gateway swaps it for the
  // current scoped node key), fetched from each gateway.
  const browserTokens = await Promise.all(
    g.stack.gateways.map(async (p) => {
      const res = await fetch(`${p.listening.url}/_miroir/ui/search/lamps/session`);
      expect(res.status).toBe(200);
      return ((await res.json()) as { token: string }).token;
    }),
  );
  browsers = g.stack.gateways.map(
    (p, i) => new Meilisearch({ host: p.listening.url, apiKey: browserTokens[i]! }),
  );
  const shards = await g.gateway('/_miroir/shards?index=lamps', { key: g.stack.adminApiKey });
  nodeUid = ((await shards.json()) as { nodeIndex: string }).nodeIndex;
}, 60_000);
afterAll(async () => {
  for (const gw of g?.stack.gateways ?? []) gw.child.kill('SIGCONT');
  await g?.stop();
});

/** Searches through every gateway, with a key and with a browser token, until `stop`; returns the failures. */
function searchLoad(): { stop: () => Promise<string[]> } {
  const failures: string[] = [];
  let stopped = false;
  const runs = [...clients, ...browsers].map(async (c) => {
    while (!stopped) {
      try {
        const res = await c.index('lamps').search('lamp', { limit: 5 });
        if (res.hits.length !== 5) failures.push(`short page: ${res.hits.length}`);
      } catch (err) {
        failures.push(String(err));
      }
    }
  });
  return {
    stop: async () => {
      stopped = true;
      await Promise.all(runs);
      return failures;
    },
  };
}

describe('scoped search keys', () => {
  it('mints a search-only key on every node, and the gateways search with it', async () => {
    const first = await until('the first key', async () => {
      const r = await rotation();
      return r && r.generation >= 1 && r.state === 'stable' && r;
    });
    expect(await nodeKeys()).toEqual([[first.primaryUid], [first.primaryUid], [first.primaryUid]]);
    await until('the gateways to load it', async () => {
      await clients[0]!.index('lamps').search('lamp');
      return true;
    });
    // Proof the gateways use it: a node without it makes them fall back to the node key.
    expect(await fallbacks()).toBe(0);
    const node = g.stack.nodes[0]!;
    await g.node(node, `/keys/${first.primaryUid}`, { method: 'DELETE' });
    for (let i = 0; i < 10; i++) await clients[i % 2]!.index('lamps').search('lamp');
    expect(await fallbacks()).toBeGreaterThan(0);
    // Put it back as the rotator would (same uid: same value on every node).
    const created = await g.node(node, '/keys', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        uid: first.primaryUid,
        actions: ['search'],
        indexes: [nodeUid],
        expiresAt: null,
      }),
    });
    expect(created.status).toBe(201);
  });

  it('rotates under search load through both gateways, with keys and browser tokens: no failed request, the old key revoked', async () => {
    const before = (await rotation())!;
    const fallbacksBefore = await fallbacks();
    const load = searchLoad();
    await new Promise((r) => setTimeout(r, 300));
    expect(
      (await admin('/_miroir/keys/rotate', { index: 'lamps', force: true })).rotation,
    ).toMatchObject({
      generation: before.generation,
    });
    const after = await until('the rotation to finish', async () => {
      const r = await rotation();
      return r!.generation === before.generation + 1 && r!.state === 'stable' && r;
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(await load.stop()).toEqual([]);
    expect(await fallbacks()).toBe(fallbacksBefore); // no gateway ever held a revoked key
    expect(after.primaryUid).not.toBe(before.primaryUid);
    expect(await nodeKeys()).toEqual([[after.primaryUid], [after.primaryUid], [after.primaryUid]]);
  }, 60_000);

  it('a stopped gateway does not hold a rotation back', async () => {
    const before = (await rotation())!;
    const stoppedGateway = g.stack.gateways[1]!;
    stoppedGateway.child.kill('SIGSTOP');
    try {
      await admin('/_miroir/keys/rotate', { index: 'lamps', force: true });
      await until('the rotation past a silent gateway', async () => {
        const r = await rotation();
        return r!.generation === before.generation + 1 && r!.state === 'stable' && r;
      });
    } finally {
      stoppedGateway.child.kill('SIGCONT');
    }
  }, 60_000);

  it("a killed key-rotator's successor resumes at the stored step", async () => {
    const before = (await rotation())!;
    await admin('/_miroir/keys/rotate', { index: 'lamps', force: true });
    await until('the rotation to start', async () => {
      const r = await rotation();
      return r!.state !== 'stable' || r!.generation > before.generation;
    });
    await g.stack.keyRotators[0]!.stop('SIGKILL');
    await g.stack.startKeyRotator();
    const after = await until('the successor to finish it', async () => {
      const r = await rotation();
      return r!.generation === before.generation + 1 && r!.state === 'stable' && r;
    });
    expect(await nodeKeys()).toEqual([[after.primaryUid], [after.primaryUid], [after.primaryUid]]);
  }, 60_000);
});
