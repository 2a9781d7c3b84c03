import { describe, expect, it } from '@jest/globals';
import { MeiliError } from '#lib/errors';
import { formatDuration, parseTaskFilter, parseTaskQuery, requireTaskFilter } from '#lib/meili-api';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as MeiliError).code;
  }
  return undefined;
};

describe('task query parameters', () => {
  it('parses lists, dates and paging', () => {
    expect(
      parseTaskQuery({
        uids: '1,2',
        statuses: 'succeeded,failed',
        types: 'documentAdditionOrUpdate',
        indexUids: 'movies',
        afterEnqueuedAt: '2026-01-01',
        beforeFinishedAt: '2026-01-02T00:00:00Z',
        limit: '5',
        from: '9',
        reverse: 'true',
      }),
    ).toEqual({
      uids: [1, 2],
      statuses: ['succeeded', 'failed'],
      types: ['documentAdditionOrUpdate'],
      indexUids: ['movies'],
      afterEnqueuedAt: Date.parse('2026-01-02T00:00:00Z'), // a bare date in after… = next midnight
      beforeFinishedAt: Date.parse('2026-01-02T00:00:00Z'),
      limit: 5,
      from: 9,
      reverse: true,
    });
  });

  it('treats * as no filter and defaults paging', () => {
    // meilisearch routes/tasks.rs: every list and date filter is `OptionStarOr` (star_or.rs).
    expect(parseTaskQuery({ statuses: '*', afterEnqueuedAt: '*', beforeFinishedAt: '*' })).toEqual({
      limit: 20,
      from: undefined,
      reverse: false,
    });
  });

  it.each([
    [{ uids: 'a' }, 'invalid_task_uids'],
    [{ statuses: 'done' }, 'invalid_task_statuses'],
    [{ types: 'nope' }, 'invalid_task_types'],
    [{ indexUids: 'a b' }, 'invalid_index_uid'],
    [{ canceledBy: '-1' }, 'invalid_task_canceled_by'],
    [{ afterStartedAt: 'yesterday' }, 'invalid_task_after_started_at'],
    [{ limit: 'x' }, 'invalid_task_limit'],
    [{ from: '-2' }, 'invalid_task_from'],
    [{ reverse: 'yes' }, 'invalid_task_reverse'],
    [{ unknown: '1' }, 'bad_request'],
  ])('%j → %s', (query, code) => expect(codeOf(() => parseTaskQuery(query))).toBe(code));

  it('refuses paging on cancel/delete and requires a filter there', () => {
    expect(codeOf(() => parseTaskFilter({ limit: '1' }))).toBe('bad_request');
    expect(codeOf(() => requireTaskFilter({}, 'cancel'))).toBe('missing_task_filters');
    expect(codeOf(() => requireTaskFilter({ uids: '1' }, 'delete'))).toBeUndefined();
  });
});

describe('formatDuration', () => {
  it.each([
    [12, 'PT0.012S'],
    [1000, 'PT1S'],
    [0, 'PT0S'],
    [86_400_000, 'P1D'],
    [86_402_500, 'P1DT2.500S'],
  ])('%i ms → %s', (ms, text) => expect(formatDuration(ms)).toBe(text));
});
