import { describe, expect, it } from '@jest/globals';
import { MeiliError } from '#lib/errors';
import { decideFaults, parseFaultRule, routeOf } from './faults.js';

const search = { method: 'POST', path: '/indexes/movies/search', indexUid: 'movies' };
const never = () => 0.99;
const always = () => 0;

describe('fault rules', () => {
  it('classifies paths into route families', () => {
    expect(routeOf('/indexes/a/search')).toBe('search');
    expect(routeOf('/multi-search')).toBe('search');
    expect(routeOf('/indexes/a/documents/1')).toBe('documents');
    expect(routeOf('/indexes/a/settings/ranking-rules')).toBe('settings');
    expect(routeOf('/indexes/a')).toBe('indexes');
    expect(routeOf('/tasks/3')).toBe('tasks');
    expect(routeOf('/keys')).toBe('keys');
    expect(routeOf('/health')).toBe('health');
  });

  it('adds delays and lets the first terminal effect win', () => {
    const rules = [
      parseFaultRule({ match: { route: 'search' }, effect: { delayMs: 10 } }, '1'),
      parseFaultRule({ match: { path: '/indexes/*/search' }, effect: { status: 503 } }, '2'),
      parseFaultRule({ match: { indexUid: 'movies' }, effect: 'hang' }, '3'),
      parseFaultRule({ match: { method: 'post' }, effect: { delayMs: 5 } }, '4'),
    ];
    expect(decideFaults(rules, search, always)).toEqual({
      delayMs: 15,
      terminal: { status: 503, code: undefined, body: undefined },
    });
    expect(decideFaults(rules, { method: 'GET', path: '/health', indexUid: null }, always)).toEqual(
      { delayMs: 0 },
    );
  });

  it('honours after, times and probability', () => {
    const rule = parseFaultRule(
      { match: { route: 'any' }, effect: 'reset', after: 1, times: 2 },
      '1',
    );
    const outcomes = [1, 2, 3, 4].map(() => decideFaults([rule], search, always).terminal);
    expect(outcomes).toEqual([undefined, 'reset', 'reset', undefined]);
    const unlikely = parseFaultRule({ effect: 'reset', probability: 0.5 }, '2');
    expect(decideFaults([unlikely], search, never).terminal).toBeUndefined();
  });

  it('refuses malformed rules with bad_request', () => {
    for (const bad of [
      { effect: 'explode' },
      { effect: { status: 42 } },
      { effect: 'hang', probability: 2 },
      { effect: 'hang', match: { route: 'nope' } },
      { effect: 'hang', extra: 1 },
    ]) {
      expect(() => parseFaultRule(bad, 'x')).toThrow(MeiliError);
    }
  });
});
