/**
 * No circular imports (issue 13's walls): libraries depend on each other in one direction
 * (`#lib/<name>` imports form no cycle), and within the product code no module imports itself back
 * through relative value imports (type-only imports are erased and may point both ways).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';

const root = fileURLToPath(new URL('../../', import.meta.url));

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (name.endsWith('.ts') && !name.endsWith('.spec.ts')) out.push(p);
  }
  return out;
}

/** Every cycle a depth-first walk meets, as `a → b → a`. */
function cycles(graph: Map<string, string[]>): string[] {
  const state = new Map<string, 'open' | 'done'>();
  const found: string[] = [];
  const visit = (node: string, stack: string[]) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open')
        found.push([...stack.slice(stack.indexOf(next)), next].join(' → '));
      else if (!state.has(next)) visit(next, stack);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node, []);
  return found;
}

describe('imports', () => {
  it('libraries depend on each other without a cycle', () => {
    const libs = readdirSync(path.join(root, 'libs')).filter((d) =>
      statSync(path.join(root, 'libs', d)).isDirectory(),
    );
    const graph = new Map<string, string[]>();
    for (const lib of libs) {
      const deps = new Set<string>();
      for (const file of sources(path.join(root, 'libs', lib))) {
        if (file.endsWith('.contract.ts')) continue; // contract tests, run by the adapters' specs
        for (const m of readFileSync(file, 'utf8').matchAll(/from '#lib\/([a-z-]+)'/g)) {
          if (m[1] !== lib) deps.add(m[1]!);
        }
      }
      graph.set(lib, [...deps]);
    }
    expect(graph.size).toBeGreaterThan(10);
    expect(cycles(graph)).toEqual([]);
  });

  it('no module imports itself back through relative value imports', () => {
    const files = [...sources(path.join(root, 'libs')), ...sources(path.join(root, 'apps'))];
    const graph = new Map<string, string[]>();
    const valueImport = /^(?:import|export)(?!\s+type\b)[^;]*?from '(\.{1,2}\/[^']+)\.js'/gms;
    for (const file of files) {
      const deps: string[] = [];
      for (const m of readFileSync(file, 'utf8').matchAll(valueImport)) {
        const target = path.resolve(path.dirname(file), `${m[1]}.ts`);
        if (existsSync(target)) deps.push(target);
      }
      graph.set(file, deps);
    }
    // The walk sees the real graph (hundreds of edges), not an empty one.
    expect([...graph.values()].flat().length).toBeGreaterThan(200);
    expect(cycles(graph).map((c) => c.replaceAll(root, ''))).toEqual([]);
  });

  it('the check finds a cycle when there is one', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
    ]);
    expect(cycles(graph)).toEqual(['a → b → c → a']);
  });
});
