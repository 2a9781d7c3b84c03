#!/usr/bin/env node
/**
 * `miroir-ctl`: operate a Miroir cluster through its admin API. Every command takes `--json`
 * (print the API's answer as is); errors print Meilisearch's error message and exit 1.
 */
import { Command } from 'commander';
import { ctlConnection } from '#lib/config';

interface Alias {
  name: string;
  kind: string;
  targets: string[];
  version: number;
  history: { version: number; targets: string[]; flippedAt: string; actor: string }[];
}

const program = new Command('miroir-ctl')
  .description('Operate a Miroir cluster through its admin API')
  .option('--url <url>', 'gateway URL (default $MIROIR_URL or http://localhost:7700)')
  .option('--json', 'print JSON answers as they come')
  .showHelpAfterError();

async function call(method: string, path: string, body?: unknown): Promise<unknown> {
  const { url, adminKey } = ctlConnection(program.opts<{ url?: string }>());
  const res = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(adminKey ? { authorization: `Bearer ${adminKey}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const parsed: unknown = text ? JSON.parse(text) : null;
  if (!res.ok) {
    const error = parsed as { message?: string; code?: string } | null;
    throw new Error(`${error?.message ?? res.statusText} (${error?.code ?? res.status})`);
  }
  return parsed;
}

function print(value: unknown, human: () => string): void {
  process.stdout.write(
    `${program.opts<{ json?: boolean }>().json ? JSON.stringify(value, null, 2) : human()}\n`,
  );
}

const describe = (a: Alias) =>
  `${a.name} → ${a.targets.join(', ')} (${a.kind}, version ${a.version})`;
const targetsBody = (targets: string[]) =>
  targets.length === 1 ? { target: targets[0] } : { targets };

const aliases = program.command('aliases').description('aliases for blue-green reindexing');
aliases
  .command('list')
  .description('every alias')
  .action(async () => {
    const page = (await call('GET', '/_miroir/aliases')) as { results: Alias[] };
    print(page, () => page.results.map(describe).join('\n') || '(no aliases)');
  });
aliases
  .command('get <name>')
  .description('one alias and its last flips')
  .action(async (name: string) => {
    const a = (await call('GET', `/_miroir/aliases/${encodeURIComponent(name)}`)) as Alias;
    print(a, () =>
      [
        describe(a),
        ...a.history.map(
          (h) => `  v${h.version} ${h.flippedAt} ${h.actor}: ${h.targets.join(', ')}`,
        ),
      ].join('\n'),
    );
  });
aliases
  .command('create <name> <targets...>')
  .description('create an alias (several targets: a multi-target alias, reads only)')
  .action(async (name: string, targets: string[]) => {
    const a = (await call('POST', '/_miroir/aliases', { name, ...targetsBody(targets) })) as Alias;
    print(a, () => `created ${describe(a)}`);
  });
aliases
  .command('flip <name> <targets...>')
  .description('point the alias at new targets, for every gateway at once')
  .action(async (name: string, targets: string[]) => {
    const path = `/_miroir/aliases/${encodeURIComponent(name)}`;
    const a = (await call('PUT', path, targetsBody(targets))) as Alias;
    print(a, () => `flipped ${describe(a)}`);
  });
aliases
  .command('delete <name>')
  .description('delete an alias (its indexes stay)')
  .action(async (name: string) => {
    await call('DELETE', `/_miroir/aliases/${encodeURIComponent(name)}`);
    print({ deleted: name }, () => `deleted ${name}`);
  });

try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.stderr.write(`miroir-ctl: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
