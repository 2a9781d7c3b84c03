import { Script } from 'node:vm';
import { describe, expect, it } from '@jest/globals';
import { consolePage } from './console-page.js';

describe('consolePage', () => {
  it('is one document whose script parses (a template escape gone wrong breaks the whole console)', () => {
    const html = consolePage();
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(scripts).toHaveLength(1);
    expect(() => new Script(scripts[0]!)).not.toThrow();
    // Nothing is fetched from elsewhere.
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });
});
