/** HTTP rules (emulator.md §1.2, §1.3): content types, payload errors, unknown paths and parameters. */
import { afterAll, beforeAll, describe, expect } from '@jest/globals';
import { Api, expectError, randomUid, scenario, startTarget, type Target } from './harness.js';

let target: Target;
let api: Api;
let uid: string;

beforeAll(async () => {
  target = await startTarget();
  api = new Api(target);
  uid = await api.createIndex('http', { primaryKey: 'id', documents: [{ id: 1, title: 'hello' }] });
});
afterAll(async () => {
  await api.deleteIndex(uid);
  await target.close();
});

describe('HTTP rules', () => {
  scenario('GET /health, /version and /experimental-features answer their shapes', async () => {
    expect(await api.request('GET', '/health', undefined, { key: null })).toMatchObject({
      status: 200,
      body: { status: 'available' },
    });
    const version = await api.request('GET', '/version');
    expect(version.status).toBe(200);
    expect(version.body).toEqual({
      commitSha: expect.any(String),
      commitDate: expect.any(String),
      pkgVersion: expect.stringMatching(/^1\.\d+\.\d+/),
    });
    const features = await api.request('GET', '/experimental-features');
    expect(features.status).toBe(200);
    expect(Object.values(features.body).every((v) => typeof v === 'boolean')).toBe(true);
  });

  scenario(
    'JSON body routes: 415 missing/invalid content type, 400 missing_payload and malformed_payload',
    async () => {
      expectError(
        await api.request('POST', `/indexes/${uid}/search`, undefined, {
          raw: '{}',
          contentType: null,
        }),
        415,
        'missing_content_type',
      );
      expectError(
        await api.request('POST', `/indexes/${uid}/search`, undefined, {
          raw: '{}',
          contentType: 'text/plain',
        }),
        415,
        'invalid_content_type',
      );
      expectError(
        await api.request('POST', '/indexes', undefined, { raw: '' }),
        400,
        'missing_payload',
      );
      expectError(
        await api.request('POST', '/indexes', undefined, { raw: '{"uid": ' }),
        400,
        'malformed_payload',
      );
      expectError(
        await api.request('PATCH', `/indexes/${uid}/settings`, undefined, { raw: '{oops}' }),
        400,
        'malformed_payload',
      );
    },
  );

  scenario('unknown fields and query parameters → 400 bad_request', async () => {
    expectError(
      await api.request('POST', `/indexes/${uid}/search`, { q: 'x', colour: 'red' }),
      400,
      'bad_request',
    );
    expectError(await api.request('GET', `/indexes/${uid}/search?colour=red`), 400, 'bad_request');
    expectError(await api.request('GET', '/tasks?colour=red'), 400, 'bad_request');
  });

  scenario('typed parameter errors are reported before the index lookup', async () => {
    const missing = randomUid('nowhere');
    expectError(
      await api.request('GET', `/indexes/${missing}/search?limit=ten`),
      400,
      'invalid_search_limit',
    );
    expectError(
      await api.request('POST', `/indexes/${missing}/search`, { offset: -1 }),
      400,
      'invalid_search_offset',
    );
    expectError(
      await api.request('POST', `/indexes/${missing}/search`, { rankingScoreThreshold: 2 }),
      400,
      'invalid_search_ranking_score_threshold',
    );
    expectError(
      await api.request('GET', `/indexes/${missing}/search?limit=5`),
      404,
      'index_not_found',
    );
  });

  scenario('bad input on search: invalid filter, unknown index, wrong key', async () => {
    expectError(
      await api.request('POST', `/indexes/${uid}/search`, { filter: 'title = ' }),
      400,
      'invalid_search_filter',
    );
    expectError(
      await api.request('POST', `/indexes/${randomUid('none')}/search`, {}),
      404,
      'index_not_found',
    );
    expectError(
      await api.request('POST', `/indexes/${uid}/search`, {}, { key: 'wrong' }),
      403,
      'invalid_api_key',
      'auth',
    );
    expectError(
      await api.request('POST', `/indexes/${uid}/search`, {}, { key: null }),
      401,
      'missing_authorization_header',
      'auth',
    );
  });

  scenario('GET search decodes query-string types: numbers, booleans and comma lists', async () => {
    const reply = await api.request(
      'GET',
      `/indexes/${uid}/search?q=hello&limit=1&offset=0&attributesToRetrieve=title&showRankingScore=true`,
    );
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      query: 'hello',
      limit: 1,
      offset: 0,
      estimatedTotalHits: 1,
      hits: [{ title: 'hello', _rankingScore: expect.any(Number) }],
    });
    expect(reply.body.hits[0].id).toBeUndefined();
    expectError(
      await api.request('GET', `/indexes/${uid}/search?showRankingScore=yes`),
      400,
      'invalid_search_show_ranking_score',
    );
    expectError(
      await api.request('GET', `/indexes/${uid}/search?page=first`),
      400,
      'invalid_search_page',
    );
  });

  scenario('document and swap parameters: CSV delimiter, swap entries', async () => {
    const csv = { raw: 'id\n9\n', contentType: 'text/csv' };
    expectError(
      await api.request('POST', `/indexes/${uid}/documents?csvDelimiter=ab`, undefined, csv),
      400,
      'invalid_document_csv_delimiter',
    );
    expectError(
      await api.request('POST', '/swap-indexes', [{ rename: false }]),
      400,
      'missing_swap_indexes',
    );
    // A bad uid inside `indexes` takes the field's code (routes/swap_indexes.rs: `indexes` is
    // `#[deserr(error = DeserrJsonError<InvalidSwapIndexes>)]`).
    expectError(
      await api.request('POST', '/swap-indexes', [{ indexes: [uid, 'bad uid'] }]),
      400,
      'invalid_swap_indexes',
    );
    expectError(
      await api.request('POST', '/swap-indexes', { indexes: [uid, uid] }),
      400,
      'bad_request',
    );
  });

  scenario('unknown paths answer 404', async () => {
    expect((await api.request('GET', '/no-such-route')).status).toBe(404);
    expect((await api.request('GET', `/indexes/${uid}/no-such-thing`)).status).toBe(404);
  });

  scenario('experimental features that are off answer feature_not_enabled', async () => {
    expectError(await api.request('GET', '/metrics'), 400, 'feature_not_enabled');
    expectError(
      await api.request('POST', `/indexes/${uid}/documents/edit`, { function: 'doc' }),
      400,
      'feature_not_enabled',
    );
    expectError(
      await api.request('POST', `/indexes/${uid}/search`, { filter: 'title CONTAINS hel' }),
      400,
      'feature_not_enabled',
    );
  });

  scenario('emulator-only: unimplemented features answer 501 emulator_unsupported', async () => {
    if (!target.isEmulator) return;
    expectError(
      await api.request('POST', '/dumps'),
      501,
      'emulator_unsupported',
      'invalid_request',
    );
    expectError(
      await api.request('POST', '/snapshots'),
      501,
      'emulator_unsupported',
      'invalid_request',
    );
    expectError(
      await api.request('GET', '/batches'),
      501,
      'emulator_unsupported',
      'invalid_request',
    );
    expectError(
      await api.request('PATCH', '/experimental-features', { metrics: true }),
      501,
      'emulator_unsupported',
      'invalid_request',
    );
  });

  scenario('emulator-only: a body over the payload limit → 413 payload_too_large', async () => {
    if (!target.isEmulator) return;
    const limit = await api.request('PATCH', '/_emulator/config', { payloadLimitBytes: 1000 });
    expect(limit.status).toBe(200);
    try {
      const big = JSON.stringify(
        Array.from({ length: 100 }, (_, i) => ({ id: i, text: 'x'.repeat(20) })),
      );
      expectError(
        await api.request('POST', `/indexes/${uid}/documents`, undefined, { raw: big }),
        413,
        'payload_too_large',
      );
      expect((await api.request('GET', '/health')).status).toBe(200);
    } finally {
      await api.request('PATCH', '/_emulator/config', { payloadLimitBytes: 100_000_000 });
    }
  });
});
