import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { formatConfigMarkdown } from '#lib/config';

/** Table rows as trimmed cells, whatever padding a formatter added. */
const rows = (markdown: string) =>
  markdown
    .split('\n')
    .filter((l) => l.startsWith('|') && !/^\|[\s|:-]+\|$/.test(l))
    .map((l) =>
      l
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim())
        .join(' | '),
    );

describe('README', () => {
  it('documents the configuration exactly as the schema defines it', () => {
    const readme = rows(readFileSync(new URL('../../README.md', import.meta.url), 'utf8'));
    for (const row of rows(formatConfigMarkdown())) expect(readme).toContain(row);
  });
});
