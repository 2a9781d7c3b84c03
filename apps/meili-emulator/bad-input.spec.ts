/** Property test: arbitrary bodies and parameters on every body route never crash the emulator. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { startEmulator, type EmulatorHandle } from './index.js';

let node: EmulatorHandle;
const headers = { authorization: 'Bearer k', 'content-type': 'application/json' };

beforeAll(async () => {
  node = await startEmulator({ masterKey: 'k' });
  await fetch(`${node.url}/indexes/fuzz/documents`, {
    method: 'POST',
    headers,
    body: '[{"id":1,"title":"a"}]',
  });
});
afterAll(() => node.close());

const ROUTES: Array<[string, string]> = [
  ['POST', '/indexes'],
  ['PATCH', '/indexes/fuzz'],
  ['POST', '/indexes/fuzz/documents'],
  ['PUT', '/indexes/fuzz/documents'],
  ['POST', '/indexes/fuzz/documents/fetch'],
  ['POST', '/indexes/fuzz/documents/delete-batch'],
  ['POST', '/indexes/fuzz/documents/delete'],
  ['POST', '/indexes/fuzz/search'],
  ['POST', '/indexes/fuzz/facet-search'],
  ['POST', '/multi-search'],
  ['PATCH', '/indexes/fuzz/settings'],
  ['PUT', '/indexes/fuzz/settings/ranking-rules'],
  ['POST', '/swap-indexes'],
  ['POST', '/keys'],
  ['PATCH', '/keys/00000000-0000-0000-0000-000000000000'],
];

const FIELDS = [
  'uid',
  'primaryKey',
  'id',
  'q',
  'filter',
  'limit',
  'offset',
  'page',
  'facets',
  'sort',
  'distinct',
  'queries',
  'indexUid',
  'federation',
  'actions',
  'indexes',
  'expiresAt',
  'rankingRules',
  'filterableAttributes',
  'typoTolerance',
  'facetName',
  'facetQuery',
  'ids',
  'fields',
  'attributesToRetrieve',
  'attributesToHighlight',
];
/** Objects (and arrays of them) made of field names the routes know, with arbitrary values: reaches validation past the unknown-field check. */
const knownFields = fc.dictionary(fc.constantFrom(...FIELDS), fc.jsonValue({ maxDepth: 2 }), {
  maxKeys: 4,
});
const bodies = fc.oneof(
  fc.jsonValue(),
  fc.string(),
  knownFields,
  fc.array(knownFields, { maxLength: 3 }),
);

const QUERY_ROUTES = [
  '/tasks',
  '/indexes',
  '/indexes/fuzz/documents',
  '/indexes/fuzz/search',
  '/keys',
];

describe('bad input', () => {
  it('answers every arbitrary JSON body with a Meilisearch error or success, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ROUTES), bodies, async ([method, path], value) => {
        const body =
          typeof value === 'string' && value.length % 2 === 0 ? value : JSON.stringify(value);
        const response = await fetch(`${node.url}${path}`, { method, headers, body });
        const text = await response.text();
        expect(response.status).toBeLessThan(500);
        if (response.status >= 400)
          expect(JSON.parse(text)).toMatchObject({
            code: expect.any(String),
            type: expect.any(String),
            link: expect.any(String),
          });
      }),
      { numRuns: 600, seed: 20_260_101 },
    );
  });

  it('answers arbitrary query strings with a Meilisearch error or success, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...QUERY_ROUTES),
        fc.dictionary(
          fc.constantFrom(
            'limit',
            'offset',
            'from',
            'q',
            'uids',
            'statuses',
            'filter',
            'fields',
            'x',
          ),
          fc.string(),
        ),
        async (path, query) => {
          const response = await fetch(`${node.url}${path}?${new URLSearchParams(query)}`, {
            headers,
          });
          expect(response.status).toBeLessThan(500);
        },
      ),
      { numRuns: 200, seed: 7 },
    );
  });

  it('stays healthy, and no task failed with an internal error', async () => {
    expect((await fetch(`${node.url}/_emulator/tasks/idle?timeoutMs=10000`)).status).toBe(200);
    expect((await fetch(`${node.url}/health`)).status).toBe(200);
    const failed = (await (
      await fetch(`${node.url}/tasks?statuses=failed&limit=1000`, { headers })
    ).json()) as { results: Array<{ error: { code: string } }> };
    expect(failed.results.filter((t) => t.error.code === 'internal')).toEqual([]);
  });
});
