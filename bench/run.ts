// `npm run bench`: runs every bench/*.bench.js next to this file, in one process, one after the
// other (so figures compared as ratios were measured side by side), and writes bench/results/
// as JSON and a Markdown table.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface Bench {
  run(): Promise<Record<string, unknown>>;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.js'))
  .filter((f) => only.length === 0 || only.some((name) => f.startsWith(name)))
  .sort();

const results: Record<string, Record<string, unknown>> = {};
for (const [i, file] of files.entries()) {
  const name = file.replace(/\.bench\.js$/, '');
  process.stderr.write(`[bench ${i + 1}/${files.length}] ${name}…\n`);
  const started = Date.now();
  try {
    const bench = (await import(pathToFileURL(path.join(here, file)).href)) as Bench;
    results[name] = await bench.run();
  } catch (err) {
    results[name] = { error: err instanceof Error ? err.message : String(err) };
  }
  process.stderr.write(
    `[bench ${i + 1}/${files.length}] ${name} done in ${Date.now() - started} ms\n`,
  );
}

const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}`;
const outDir = path.resolve(here, '../../bench/results');
mkdirSync(outDir, { recursive: true });
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
writeFileSync(
  path.join(outDir, `bench-${stamp}.json`),
  JSON.stringify({ machine, at: new Date().toISOString(), results }, null, 2),
);
const lines = [`# Miroir benchmarks`, '', `${machine}, ${new Date().toISOString()}`, ''];
for (const [name, figures] of Object.entries(results)) {
  lines.push(`## ${name}`, '', '| figure | value |', '|---|---|');
  for (const [k, v] of Object.entries(figures))
    lines.push(`| ${k} | ${typeof v === 'object' ? JSON.stringify(v) : String(v)} |`);
  lines.push('');
}
const markdown = lines.join('\n');
writeFileSync(path.join(outDir, `bench-${stamp}.md`), markdown);
writeFileSync(path.join(outDir, 'latest.md'), markdown);
console.log(markdown);
if (Object.values(results).some((r) => 'error' in r)) process.exitCode = 1;
