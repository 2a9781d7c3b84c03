import { shardFilter } from '#lib/routing';
import { describe, expect, it } from '@jest/globals';
import { NodeTimeoutError, RecordingNodeClient } from '#lib/node-client';

describe('RecordingNodeClient', () => {
  it('logs calls as readable lines and serves scripted replies', async () => {
    const fake = new RecordingNodeClient();
    fake
      .when('search')
      .respond((call) => ({ hits: [], query: '', processingTimeMs: 0, node: call.nodeId }));
    fake.when('search', 'meili-1').fail(new NodeTimeoutError('meili-1', 'search', 100));
    fake.when('deleteDocuments').replyWith({ status: 202, body: { taskUid: 3 } });

    const body = (shards: number[]) => ({
      q: 'x',
      offset: 0,
      limit: 40,
      filter: ['genre = sf', shardFilter(shards)],
    });
    await expect(fake.search('meili-2', 'movies', body([3, 9]))).resolves.toMatchObject({
      node: 'meili-2',
    });
    await expect(fake.search('meili-1', 'movies', body([1]))).rejects.toBeInstanceOf(
      NodeTimeoutError,
    );
    await expect(fake.deleteDocuments('meili-0', 'movies', [1, 'a'])).resolves.toEqual({
      taskUid: 3,
    });
    await fake
      .addDocuments('meili-0', 'movies', Buffer.from('[{"id":1}]'), {
        contentType: 'application/json',
      })
      .catch(() => undefined);

    expect(fake.log).toEqual([
      'search meili-2 shards=[3,9] offset=0 limit=40',
      'search meili-1 shards=[1] offset=0 limit=40',
      'deleteDocuments meili-0 ids=[1,"a"]',
      'addDocuments meili-0 bytes=10',
    ]);
    expect(fake.calls[0]!.path).toBe('/indexes/movies/search');
  });

  it('fails loudly on an unscripted call', async () => {
    const fake = new RecordingNodeClient();
    await expect(fake.health('meili-0')).rejects.toThrow('no scripted reply for "health meili-0"');
  });

  it('lets a later rule override an earlier one', async () => {
    const fake = new RecordingNodeClient();
    fake.when('version').reply({ pkgVersion: '1.0.0' });
    fake.when('version').reply({ pkgVersion: '2.0.0' });
    expect((await fake.version('n')).pkgVersion).toBe('2.0.0');
  });
});
