import { describe, expect, it } from '@jest/globals';
import { CONFIG_DOCS, formatConfigHelp, formatConfigMarkdown } from '#lib/config';

describe('CONFIG_DOCS', () => {
  it('documents every key once, with a default and a meaning', () => {
    const envs = CONFIG_DOCS.map((d) => d.env);
    expect(new Set(envs).size).toBe(envs.length);
    expect(envs).toEqual(
      expect.arrayContaining([
        'MIROIR_CONFIG',
        'MIROIR_HTTP_ADDR',
        'MIROIR_SHARDS',
        'MIROIR_NODES',
        'MIROIR_POD_ID',
        'MIROIR_UNAVAILABLE_SHARD_POLICY',
      ]),
    );
    for (const d of CONFIG_DOCS) {
      expect(d.default.length).toBeGreaterThan(0);
      expect(d.meaning.length).toBeGreaterThan(0);
    }
  });

  it('renders one line per key for --help and one row per key for the README', () => {
    const help = formatConfigHelp().split('\n');
    expect(help).toHaveLength(CONFIG_DOCS.length);
    expect(help.find((l) => l.includes('MIROIR_SHARDS'))).toMatch(
      /MIROIR_SHARDS\s+64\s+shard count/,
    );
    expect(formatConfigMarkdown().split('\n')).toHaveLength(CONFIG_DOCS.length + 2);
  });
});
