/**
 * Meilisearch behaviours as its source and documentation define them (v1.30), each case naming
 * where it comes from. The same cases run against Miroir's gateway and against the emulator; the
 * emulator is never the oracle — these expectations are.
 */
import { expect } from '@jest/globals';
import { SignJWT } from 'jose';
import type { Json, Target } from './target.js';

export interface Case {
  name: string;
  /** Where the expected behaviour comes from (Meilisearch source path or documentation page). */
  source: string;
  run(t: Target): Promise<void>;
}

const error = (code: string, message: string | RegExp, type = 'invalid_request') => ({
  message: typeof message === 'string' ? message : expect.stringMatching(message),
  code,
  type,
  link: `https://docs.meilisearch.com/errors#${code}`,
});

async function created(t: Target, uid: string, primaryKey?: string): Promise<void> {
  const res = await t.call('POST', '/indexes', primaryKey ? { uid, primaryKey } : { uid });
  expect(res.status).toBe(202);
  expect((await t.task(res.body.taskUid)).status).toBe('succeeded');
}

async function written(t: Target, uid: string, docs: unknown[], query = ''): Promise<Json> {
  const res = await t.call('POST', `/indexes/${uid}/documents${query}`, docs);
  expect(res.status).toBe(202);
  return t.task(res.body.taskUid);
}

export const CASES: Case[] = [
  {
    name: 'an index created without a primary key takes the one inferred from its first documents',
    source:
      'meilisearch routes/indexes/mod.rs `create_index` (primaryKey optional); milli documents/primary_key.rs (inference: the field ending in `id`)',
    async run(t) {
      const res = await t.call('POST', '/indexes', { uid: 'cf_nopk' });
      expect(res.status).toBe(202);
      expect(res.body).toEqual({
        taskUid: expect.any(Number),
        indexUid: 'cf_nopk',
        status: 'enqueued',
        type: 'indexCreation',
        enqueuedAt: expect.any(String),
      });
      expect((await t.task(res.body.taskUid)).status).toBe('succeeded');
      expect((await t.call('GET', '/indexes/cf_nopk')).body.primaryKey).toBeNull();
      expect((await written(t, 'cf_nopk', [{ movie_id: 1, title: 'a' }])).status).toBe('succeeded');
      expect((await t.call('GET', '/indexes/cf_nopk')).body.primaryKey).toBe('movie_id');
      expect((await t.call('GET', '/indexes/cf_nopk/documents/1')).body).toEqual({
        movie_id: 1,
        title: 'a',
      });
    },
  },
  {
    name: 'inference fails the task when no field or several fields end in `id`',
    source: 'milli error.rs `NoPrimaryKeyCandidateFound`, `MultiplePrimaryKeyCandidatesFound`',
    async run(t) {
      await created(t, 'cf_infer');
      const none = await written(t, 'cf_infer', [{ title: 'a' }]);
      expect(none.status).toBe('failed');
      expect(none.error).toEqual(
        error(
          'index_primary_key_no_candidate_found',
          'The primary key inference failed as the engine did not find any field ending with `id` in its name. Please specify the primary key manually using the `primaryKey` query parameter.',
        ),
      );
      const several = await written(t, 'cf_infer', [{ primary_id: 1, object_id: 2, id: 3 }]);
      expect(several.status).toBe('failed');
      expect(several.error).toEqual(
        error(
          'index_primary_key_multiple_candidates_found',
          "The primary key inference failed as the engine found 3 fields ending with `id` in their names: 'id' and 'object_id'. Please specify the primary key manually using the `primaryKey` query parameter.",
        ),
      );
    },
  },
  {
    name: 'the primary key can change while the index is empty, not once it holds documents',
    source:
      'milli update/settings.rs `update_primary_key`; meilisearch tests/index/update_index.rs (code index_primary_key_already_exists)',
    async run(t) {
      await created(t, 'cf_pk', 'id');
      const change = await t.call('PATCH', '/indexes/cf_pk', { primaryKey: 'sku' });
      expect(change.status).toBe(202);
      expect(change.body.type).toBe('indexUpdate');
      expect((await t.task(change.body.taskUid)).status).toBe('succeeded');
      expect((await t.call('GET', '/indexes/cf_pk')).body.primaryKey).toBe('sku');
      expect((await written(t, 'cf_pk', [{ sku: 'a' }])).status).toBe('succeeded');
      const refused = await t.task(
        (await t.call('PATCH', '/indexes/cf_pk', { primaryKey: 'id' })).body.taskUid,
      );
      expect(refused.status).toBe('failed');
      expect(refused.error).toEqual(
        error(
          'index_primary_key_already_exists',
          'Index `cf_pk`: Index already has a primary key: `sku`.',
        ),
      );
      // A document write naming another key fails its task (milli `PrimaryKeyCannotBeChanged`).
      const other = await written(t, 'cf_pk', [{ id: 1 }], '?primaryKey=id');
      expect(other.status).toBe('failed');
      expect(other.error).toEqual(
        error('index_primary_key_already_exists', 'Index already has a primary key: `sku`.'),
      );
    },
  },
  {
    name: 'PATCH with `uid` renames an index; renaming onto an existing index fails the task',
    source:
      'meilisearch routes/indexes/mod.rs `update_index` (v1.18+); tests/index/rename_index.rs; meilisearch-types task_view.rs `DetailsView` (oldIndexUid, newIndexUid)',
    async run(t) {
      await created(t, 'cf_old', 'id');
      await created(t, 'cf_taken', 'id');
      await written(t, 'cf_old', [{ id: 1, title: 'kept' }]);
      const rename = await t.call('PATCH', '/indexes/cf_old', { uid: 'cf_new' });
      expect(rename.status).toBe(202);
      expect(rename.body).toMatchObject({ indexUid: 'cf_old', type: 'indexUpdate' });
      const done = await t.task(rename.body.taskUid);
      expect(done.status).toBe('succeeded');
      expect(done.details).toEqual({
        primaryKey: null,
        oldIndexUid: 'cf_old',
        newIndexUid: 'cf_new',
      });
      expect((await t.call('GET', '/indexes/cf_old')).status).toBe(404);
      expect((await t.call('GET', '/indexes/cf_new/documents/1')).body).toEqual({
        id: 1,
        title: 'kept',
      });
      const onto = await t.task(
        (await t.call('PATCH', '/indexes/cf_new', { uid: 'cf_taken' })).body.taskUid,
      );
      expect(onto.status).toBe('failed');
      expect(onto.error).toEqual(error('index_already_exists', 'Index `cf_taken` already exists.'));
      const immutable = await t.call('PATCH', '/indexes/cf_new', { createdAt: 'x' });
      expect(immutable.status).toBe(400);
      expect(immutable.body).toEqual(
        error(
          'immutable_index_created_at',
          'Immutable field `createdAt`: expected one of `primaryKey`, `uid`',
        ),
      );
    },
  },
  {
    name: 'swap-indexes refuses a pair of the wrong size and duplicates at once, missing indexes in the task',
    source:
      'meilisearch routes/swap_indexes.rs; error.rs `SwapIndexPayloadWrongLength`; index-scheduler error.rs `SwapDuplicateIndexFound`, process_batch.rs `IndexSwap`; tests/swap_indexes/errors.rs',
    async run(t) {
      await created(t, 'cf_a', 'id');
      const short = await t.call('POST', '/swap-indexes', [{ indexes: ['cf_a'] }]);
      expect(short.status).toBe(400);
      expect(short.body).toEqual(
        error(
          'invalid_swap_indexes',
          'Two indexes must be given for each swap. The list `["cf_a"]` contains 1 indexes.',
        ),
      );
      const twice = await t.call('POST', '/swap-indexes', [
        { indexes: ['cf_a', 'cf_b'] },
        { indexes: ['cf_a', 'cf_c'] },
      ]);
      expect(twice.status).toBe(400);
      expect(twice.body).toEqual(
        error(
          'invalid_swap_duplicate_index_found',
          'Indexes must be declared only once during a swap. `cf_a` was specified several times.',
        ),
      );
      const missing = await t.call('POST', '/swap-indexes', [{ indexes: ['cf_x', 'cf_w'] }]);
      expect(missing.status).toBe(202);
      expect(missing.body).toMatchObject({ indexUid: null, type: 'indexSwap' });
      const task = await t.task(missing.body.taskUid);
      expect(task.status).toBe('failed');
      expect(task.error).toEqual(error('index_not_found', 'Indexes `cf_w`, `cf_x` not found.'));
    },
  },
  {
    name: 'a swap that renames onto an existing index fails its task and changes nothing',
    source:
      'meilisearch tests/swap_indexes/errors.rs `swap_indexes_rename_to_already_existing_index`',
    async run(t) {
      await created(t, 'cf_from', 'id');
      await created(t, 'cf_onto', 'id');
      await created(t, 'cf_from2', 'id');
      await created(t, 'cf_onto2', 'id');
      const one = await t.call('POST', '/swap-indexes', [
        { indexes: ['cf_from', 'cf_onto'], rename: true },
      ]);
      expect(one.status).toBe(202);
      expect((await t.task(one.body.taskUid)).error).toEqual(
        error(
          'index_already_exists',
          'Cannot rename `cf_from` to `cf_onto` as the index already exists. Hint: You can remove `cf_onto` first and then do your remove.',
        ),
      );
      const two = await t.call('POST', '/swap-indexes', [
        { indexes: ['cf_from', 'cf_onto'], rename: true },
        { indexes: ['cf_from2', 'cf_onto2'], rename: true },
      ]);
      expect((await t.task(two.body.taskUid)).error).toEqual(
        error(
          'index_already_exists',
          "The following indexes are being renamed but cannot because their new name conflicts with an already existing index: `cf_onto`, `cf_onto2`. Renaming doesn't overwrite the other index name.",
        ),
      );
      expect((await t.call('GET', '/indexes/cf_from')).status).toBe(200);
    },
  },
  {
    name: 'swap-indexes needs a key that covers both indexes',
    source: 'meilisearch routes/swap_indexes.rs (`is_index_authorized` on both sides)',
    async run(t) {
      await created(t, 'cf_mine', 'id');
      await created(t, 'cf_theirs', 'id');
      const key = await t.call('POST', '/keys', {
        actions: ['indexes.swap', 'search'],
        indexes: ['cf_mine'],
        expiresAt: null,
      });
      expect(key.status).toBe(201);
      const swap = await t.call(
        'POST',
        '/swap-indexes',
        [{ indexes: ['cf_mine', 'cf_theirs'] }],
        key.body.key,
      );
      expect(swap.status).toBe(403);
      expect(swap.body).toEqual(
        error('invalid_api_key', 'The provided API key is invalid.', 'auth'),
      );
    },
  },
  {
    name: 'task filters take `*` for lists and dates',
    source: 'meilisearch routes/tasks.rs (`OptionStarOr`, star_or.rs)',
    async run(t) {
      const res = await t.call(
        'GET',
        '/tasks?statuses=*&types=*&indexUids=*&afterEnqueuedAt=*&beforeFinishedAt=*&limit=1',
      );
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ limit: 1, results: expect.any(Array) });
      const bad = await t.call('GET', '/tasks?afterEnqueuedAt=yesterday');
      expect(bad.status).toBe(400);
      expect(bad.body).toEqual(
        error(
          'invalid_task_after_enqueued_at',
          'Invalid value in parameter `afterEnqueuedAt`: `yesterday` is an invalid date-time. It should follow the YYYY-MM-DD or RFC 3339 date-time format.',
        ),
      );
    },
  },
  {
    name: 'a settings sub-route answers its bare value as JSON',
    source:
      'meilisearch routes/indexes/settings.rs `make_setting_route!` (get → HttpResponse::Ok().json)',
    async run(t) {
      await created(t, 'cf_settings', 'id');
      for (const [route, value] of [
        ['proximity-precision', 'byWord'],
        ['prefix-search', 'indexingTime'],
        ['distinct-attribute', null],
        ['facet-search', true],
      ] as const) {
        const res = await t.call('GET', `/indexes/cf_settings/settings/${route}`);
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toMatch(/^application\/json/);
        expect(res.body).toEqual(value);
      }
    },
  },
  {
    name: 'API key dates print as RFC 3339 without a zero fraction; a bad or past expiresAt is refused',
    source:
      'meilisearch-types keys.rs (`time::serde::rfc3339`), error.rs `ParseOffsetDateTimeError`; docs reference/api/keys',
    async run(t) {
      const key = await t.call('POST', '/keys', {
        actions: ['search'],
        indexes: ['*'],
        expiresAt: '2099-01-01T00:00:00Z',
      });
      expect(key.status).toBe(201);
      expect(key.body.expiresAt).toBe('2099-01-01T00:00:00Z');
      for (const expiresAt of ['tomorrow', '2001-01-01']) {
        const bad = await t.call('POST', '/keys', {
          actions: ['search'],
          indexes: ['*'],
          expiresAt,
        });
        expect(bad.status).toBe(400);
        expect(bad.body).toEqual(
          error(
            'invalid_api_key_expires_at',
            `Invalid value at \`.expiresAt\`: \`${expiresAt}\` is not a valid date. It should follow the RFC 3339 format to represents a date or datetime in the future or specified as a null value. e.g. 'YYYY-MM-DD' or 'YYYY-MM-DD HH:MM:SS'.\n`,
          ),
        );
      }
    },
  },
  {
    name: 'a key limited to other indexes names the indexes it covers',
    source:
      'meilisearch extractors/authentication/mod.rs `AuthError::ApiKeyAccessingnUnauthorizedIndex`',
    async run(t) {
      await created(t, 'cf_secret', 'id');
      const key = await t.call('POST', '/keys', {
        actions: ['search'],
        indexes: ['cf_public', 'cf_other'],
        expiresAt: null,
      });
      const res = await t.call('POST', '/indexes/cf_secret/search', {}, key.body.key);
      expect(res.status).toBe(403);
      expect(res.body).toEqual(
        error(
          'invalid_api_key',
          'The API key cannot acces the index `cf_secret`, authorized indexes are ["cf_public", "cf_other"].',
          'auth',
        ),
      );
    },
  },
  {
    name: 'tenant tokens: a bad signature, an expired `exp` and an index outside the rules',
    source:
      'meilisearch extractors/authentication/mod.rs `AuthError` and `authenticate_tenant_token`',
    async run(t) {
      await created(t, 'cf_tenant', 'id');
      const key = await t.call('POST', '/keys', {
        actions: ['search'],
        indexes: ['*'],
        expiresAt: null,
      });
      const sign = (claims: Record<string, unknown>, secret: string) =>
        new SignJWT({ apiKeyUid: key.body.uid, ...claims })
          .setProtectedHeader({ alg: 'HS256' })
          .sign(new TextEncoder().encode(secret));
      const forged = await sign({ searchRules: ['*'] }, 'not-the-key-value-at-all');
      expect((await t.call('POST', '/indexes/cf_tenant/search', {}, forged)).body).toEqual(
        error('invalid_api_key', 'Could not decode tenant token, InvalidSignature.', 'auth'),
      );
      const exp = Math.floor(Date.now() / 1000) - 10;
      const expired = await sign({ searchRules: ['*'], exp }, key.body.key);
      const late = await t.call('POST', '/indexes/cf_tenant/search', {}, expired);
      expect(late.status).toBe(403);
      expect(late.body).toEqual(
        error(
          'invalid_api_key',
          new RegExp(
            `^Tenant token expired\\. Was valid up to \`${exp}\` and we're now \`\\d+\`\\.$`,
          ),
          'auth',
        ),
      );
      const elsewhere = await sign({ searchRules: { cf_a: null, cf_b: null } }, key.body.key);
      expect((await t.call('POST', '/indexes/cf_tenant/search', {}, elsewhere)).body).toEqual(
        error(
          'invalid_api_key',
          'The provided tenant token cannot acces the index `cf_tenant`, allowed indexes are ["cf_a", "cf_b"].',
          'auth',
        ),
      );
      const fine = await sign({ searchRules: { cf_tenant: {} } }, key.body.key);
      expect((await t.call('POST', '/indexes/cf_tenant/search', {}, fine)).status).toBe(200);
    },
  },
  {
    name: 'a filter on an attribute that is not filterable names the patterns and the position',
    source:
      'milli search/facet/filter.rs `FilterError::AttributeNotFilterable`; filter-parser error.rs (position line); meilisearch tests/search/errors.rs (``Index `uid`: `` prefix)',
    async run(t) {
      await created(t, 'cf_filter', 'id');
      const settings = await t.call('PATCH', '/indexes/cf_filter/settings', {
        filterableAttributes: ['genre', 'year'],
      });
      await t.task(settings.body.taskUid);
      await written(t, 'cf_filter', [{ id: 1, genre: 'sf', year: 2000, title: 'x' }]);
      const res = await t.call('POST', '/indexes/cf_filter/search', { filter: 'title = x' });
      expect(res.status).toBe(400);
      expect(res.body).toEqual(
        error(
          'invalid_search_filter',
          'Index `cf_filter`: Attribute `title` is not filterable. Available filterable attribute patterns are: `genre`, `year`.\n1:6 title = x',
        ),
      );
    },
  },
  {
    name: 'geo filters pass through to the search',
    source:
      'docs learn/filtering_and_sorting/geosearch (`_geoRadius`, `_geoBoundingBox`); milli search/facet/filter.rs',
    async run(t) {
      await created(t, 'cf_geo', 'id');
      await t.task(
        (await t.call('PATCH', '/indexes/cf_geo/settings', { filterableAttributes: ['_geo'] })).body
          .taskUid,
      );
      await written(t, 'cf_geo', [
        { id: 1, _geo: { lat: 48.8566, lng: 2.3522 } },
        { id: 2, _geo: { lat: 51.5074, lng: -0.1278 } },
        { id: 3 },
      ]);
      const near = await t.call('POST', '/indexes/cf_geo/search', {
        filter: '_geoRadius(48.8566, 2.3522, 10000)',
      });
      expect(near.status).toBe(200);
      expect(near.body.hits.map((h: Json) => h.id)).toEqual([1]);
      const box = await t.call('POST', '/indexes/cf_geo/search', {
        filter: '_geoBoundingBox([52, 1], [51, -1])',
      });
      expect(box.body.hits.map((h: Json) => h.id)).toEqual([2]);
    },
  },
  {
    name: 'a facet search answers the facet hits, the query and a processing time',
    source: 'meilisearch search/mod.rs `perform_facet_search` (FacetSearchResult)',
    async run(t) {
      await created(t, 'cf_facets', 'id');
      await t.task(
        (await t.call('PATCH', '/indexes/cf_facets/settings', { filterableAttributes: ['genre'] }))
          .body.taskUid,
      );
      await written(
        t,
        'cf_facets',
        Array.from({ length: 12 }, (_, i) => ({ id: i, genre: i % 3 ? 'drama' : 'documentary' })),
      );
      const res = await t.call('POST', '/indexes/cf_facets/facet-search', {
        facetName: 'genre',
        facetQuery: 'do',
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        facetHits: [{ value: 'documentary', count: 4 }],
        facetQuery: 'do',
        processingTimeMs: expect.any(Number),
      });
      expect(Number.isInteger(res.body.processingTimeMs)).toBe(true);
    },
  },
  {
    name: 'a sort on a field that is not displayed shows as a hidden rule in the ranking details',
    source: 'milli search/new/sort.rs `Sort::must_redact`; score_details.rs (`<hidden-rule-N>`)',
    async run(t) {
      await created(t, 'cf_hidden', 'id');
      await t.task(
        (
          await t.call('PATCH', '/indexes/cf_hidden/settings', {
            sortableAttributes: ['price'],
            displayedAttributes: ['id', 'title'],
          })
        ).body.taskUid,
      );
      await written(t, 'cf_hidden', [
        { id: 1, title: 'b', price: 20 },
        { id: 2, title: 'a', price: 10 },
        { id: 3, title: 'c', price: 30 },
      ]);
      const res = await t.call('POST', '/indexes/cf_hidden/search', {
        sort: ['price:desc'],
        showRankingScoreDetails: true,
      });
      expect(res.status).toBe(200);
      expect(res.body.hits.map((h: Json) => h.id)).toEqual([3, 1, 2]);
      expect(res.body.hits[0]).toEqual({
        id: 3,
        title: 'c',
        _rankingScoreDetails: { '<hidden-rule-0>': { order: 0, value: '<hidden>' } },
      });
    },
  },
  {
    name: 'delete by filter: an empty filter is refused, a filter on a field that is not filterable fails the task',
    source:
      'meilisearch routes/indexes/documents.rs `delete_documents_by_filter`; tests/documents/delete_documents.rs',
    async run(t) {
      await created(t, 'cf_delete', 'id');
      await written(t, 'cf_delete', [{ id: 1, doggo: 'bernese' }]);
      const empty = await t.call('POST', '/indexes/cf_delete/documents/delete', { filter: '' });
      expect(empty.status).toBe(400);
      expect(empty.body).toEqual(
        error('invalid_document_filter', 'Sending an empty filter is forbidden.'),
      );
      const res = await t.call('POST', '/indexes/cf_delete/documents/delete', {
        filter: 'doggo = bernese',
      });
      expect(res.status).toBe(202);
      const task = await t.task(res.body.taskUid);
      expect(task.status).toBe('failed');
      expect(task.error).toEqual(
        error(
          'invalid_document_filter',
          'Index `cf_delete`: Attribute `doggo` is not filterable. This index does not have configured filterable attributes.\n1:6 doggo = bernese',
        ),
      );
      expect((await t.call('GET', '/indexes/cf_delete/documents/1')).status).toBe(200);
    },
  },
];
