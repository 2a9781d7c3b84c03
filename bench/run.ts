// `npm run bench`: runs every bench/*.bench.js next to this file one after the other, each in a
// fresh Node process (one benchmark's heap never slows the next), and writes bench/results/ as
// JSON and a Markdown table. Figures a benchmark reports as ratios are measured side by side
// inside that benchmark's own run.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Runs one benchmark module's `run()` in a child process and returns its figures. */
function runIsolated(file: string): Promise<Record<string, unknown>> {
  const script = `import(${JSON.stringify(pathToFileURL(file).href)}).then(async (m) => {
    process.stdout.write('\\n@@RESULT@@' + JSON.stringify(await m.run()) + '\\n');
    process.exit(0);
  }).catch((e) => { console.error(e); process.exit(1); });`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('@@RESULT@@'));
      if (code === 0 && line)
        resolve(JSON.parse(line.slice('@@RESULT@@'.length)) as Record<string, unknown>);
      else reject(new Error(`exited with ${code}`));
    });
  });
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
    results[name] = await runIsolated(path.join(here, file));
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
