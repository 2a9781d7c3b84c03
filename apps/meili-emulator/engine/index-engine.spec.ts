import { describe, expect, it } from '@jest/globals';
import { IndexEngine } from './index.js';

const doc = (i: number, text: string) => ({ id: String(i), doc: { id: i, text } });

describe('IndexEngine writes', () => {
  it('replaces, merges and resolves repeated ids within one payload', () => {
    const engine = new IndexEngine();
    engine.upsert([doc(1, 'alpha'), doc(2, 'beta'), doc(1, 'gamma')], 'replace');
    expect(engine.get('1')).toEqual({ id: 1, text: 'gamma' });
    engine.upsert(
      [
        { id: '2', doc: { id: 2, extra: 'x' } },
        { id: '2', doc: { id: 2, more: 'y' } },
      ],
      'update',
    );
    expect(engine.get('2')).toEqual({ id: 2, text: 'beta', extra: 'x', more: 'y' });
    expect((engine.search({ q: 'alpha' }) as { hits: unknown[] }).hits).toEqual([]);
    expect(engine.fieldDistribution()).toEqual({ id: 2, text: 2, extra: 1, more: 1 });
  });

  it('bulk-deletes and re-adds in linear time, reusing the lowest free ids', () => {
    const engine = new IndexEngine();
    const n = 20000;
    engine.upsert(
      Array.from({ length: n }, (_, i) => doc(i, `common word${i % 100}`)),
      'replace',
    );
    const started = performance.now();
    expect(engine.deleteIds(Array.from({ length: n / 2 }, (_, i) => String(i * 2)))).toBe(n / 2);
    engine.upsert(
      Array.from({ length: n / 2 }, (_, i) => doc(n + i, 'common fresh')),
      'replace',
    );
    // A quadratic write path takes minutes here; a linear one well under the bound.
    expect(performance.now() - started).toBeLessThan(5000);
    expect(engine.size).toBe(n);
    const ids = [...engine.documents()].slice(0, 3).map((d) => d.id);
    expect(ids).toEqual([String(n), '1', String(n + 1)]);
    expect(
      (engine.search({ q: 'common', limit: 2 }) as { hits: Array<{ id: number }> }).hits.map(
        (h) => h.id,
      ),
    ).toEqual([n, 1]);
  });
});
