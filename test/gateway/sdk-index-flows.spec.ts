/**
 * Issue 10's acceptance: an SDK user's index flows, unchanged, through the gateway with the
 * official `meilisearch` client (its own index tests create indexes without a primary key and let
 * the first documents decide it). Expected behaviour: meilisearch routes/indexes/mod.rs (primaryKey
 * optional, PATCH with `uid` renames), milli documents/primary_key.rs (inference) and error.rs
 * (`PrimaryKeyCannotBeChanged`, `NoPrimaryKeyCandidateFound`), tests/index/update_index.rs.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Meilisearch } from 'meilisearch';
import { startGatewayStack, type GatewayStack } from './support/gateway-stack.js';

let g: GatewayStack;
let client: Meilisearch;

beforeAll(async () => {
  g = await startGatewayStack({ nodes: 3, replicationFactor: 2, shards: 8 });
  client = g.client;
}, 60_000);
afterAll(() => g?.stop());

const wait = (uid: number) => client.tasks.waitForTask(uid, { timeout: 30_000, interval: 20 });

describe('SDK index flows (official JS client, 3 nodes, RF 2)', () => {
  it('creates an index without a primary key; the first documents decide it', async () => {
    const created = await client.createIndex('books');
    expect((await wait(created.taskUid)).status).toBe('succeeded');
    // A node answers `"primaryKey": null` until the first documents arrive.
    expect((await client.getIndex('books')).primaryKey).toBeNull();
    expect(await client.index('books').fetchPrimaryKey()).toBeNull();

    const added = await client.index('books').addDocuments([
      { book_id: 1, title: 'Dune' },
      { book_id: 2, title: 'Emma' },
    ]);
    expect((await wait(added.taskUid)).status).toBe('succeeded');
    expect(await client.index('books').fetchPrimaryKey()).toBe('book_id');
    expect(await client.index('books').getDocument(2)).toEqual({ book_id: 2, title: 'Emma' });
    const found = await client.index('books').search('dune');
    expect(found.hits).toEqual([{ book_id: 1, title: 'Dune' }]);

    // Once documents exist the key is fixed.
    const change = await client.updateIndex('books', { primaryKey: 'title' });
    const refused = await wait(change.taskUid);
    expect(refused.status).toBe('failed');
    expect(refused.error).toMatchObject({
      code: 'index_primary_key_already_exists',
      message: 'Index `books`: Index already has a primary key: `book_id`.',
    });
  });

  it('changes the primary key of an empty index', async () => {
    await wait((await client.createIndex('drafts', { primaryKey: 'id' })).taskUid);
    const change = await client.updateIndex('drafts', { primaryKey: 'isbn' });
    expect((await wait(change.taskUid)).status).toBe('succeeded');
    expect((await client.getIndex('drafts')).primaryKey).toBe('isbn');
    await wait((await client.index('drafts').addDocuments([{ isbn: 'x1', title: 't' }])).taskUid);
    expect(await client.index('drafts').getDocument('x1')).toEqual({ isbn: 'x1', title: 't' });
  });

  it('creates an index implicitly from documents, with the primaryKey parameter or by inference', async () => {
    const named = await client
      .index('implicit')
      .addDocuments([{ sku: 'a-1', ref_id: 7 }], { primaryKey: 'sku' });
    expect((await wait(named.taskUid)).status).toBe('succeeded');
    expect(await client.index('implicit').fetchPrimaryKey()).toBe('sku');

    const none = await client.index('nothing').addDocuments([{ title: 'no candidate' }]);
    const failed = await wait(none.taskUid);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatchObject({ code: 'index_primary_key_no_candidate_found' });
  });

  it('lists, renames, swaps and deletes indexes', async () => {
    const page = await client.getIndexes({ limit: 2, offset: 1 });
    expect(page).toMatchObject({ limit: 2, offset: 1, total: expect.any(Number) });
    expect(page.results).toHaveLength(2);

    await wait((await client.createIndex('old_name', { primaryKey: 'id' })).taskUid);
    await wait((await client.index('old_name').addDocuments([{ id: 1, v: 'kept' }])).taskUid);
    const renamed = await client.updateIndex('old_name', { uid: 'new_name' } as never);
    const done = await wait(renamed.taskUid);
    expect(done.status).toBe('succeeded');
    expect(done.details).toMatchObject({ oldIndexUid: 'old_name', newIndexUid: 'new_name' });
    expect(await client.index('new_name').getDocument(1)).toEqual({ id: 1, v: 'kept' });
    await expect(client.getIndex('old_name')).rejects.toMatchObject({
      cause: { code: 'index_not_found' },
    });

    const swap = await client.swapIndexes([{ indexes: ['new_name', 'drafts'], rename: false }]);
    expect((await wait(swap.taskUid)).status).toBe('succeeded');
    expect(await client.index('drafts').getDocument(1)).toEqual({ id: 1, v: 'kept' });
    expect(await client.index('new_name').getDocument('x1')).toEqual({ isbn: 'x1', title: 't' });

    expect((await wait((await client.deleteIndex('new_name')).taskUid)).status).toBe('succeeded');
    // Deleting a missing index is accepted (202) and its task fails, as on one node.
    const again = await client.deleteIndex('new_name');
    expect((await wait(again.taskUid)).error).toMatchObject({ code: 'index_not_found' });
    expect(await client.deleteIndexIfExists('drafts')).toBe(true);
  });
});
