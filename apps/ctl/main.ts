#!/usr/bin/env node
/**
 * `miroir-ctl`: operate a Miroir cluster through its admin API. Every command takes `--json`
 * (print the API's answer as is); errors print Meilisearch's error message and exit 1.
 */
import { SingleBar } from 'cli-progress';
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

interface NodeView {
  id: string;
  url: string;
  group: string;
  state: string;
  copy: string | null;
  lagMessages: number | null;
  shardCopies: number;
}

interface Rebalance {
  status: string;
  moves: {
    index: string;
    shard: number;
    from: string | null;
    to: string;
    phase: string;
    copied: number;
    total: number;
  }[];
  planned: number;
  moved: number;
  minimum: number;
  documents: { copied: number; total: number };
  startedAt: string | null;
  finishedAt: string | null;
  eta: string | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const nodeLine = (n: NodeView) =>
  `${n.id.padEnd(12)} ${n.state.padEnd(9)} group ${n.group.padEnd(6)} copy ${(n.copy ?? '-').padEnd(9)} lag ${String(n.lagMessages ?? '-').padStart(5)}  shards ${String(n.shardCopies).padStart(4)}  ${n.url}`;

program
  .command('status')
  .description('cluster health, and every node with its state and lag')
  .action(async () => {
    const health = (await call('GET', '/_miroir/health')) as { status: string; reasons?: string[] };
    const nodes = (await call('GET', '/_miroir/nodes')) as { results: NodeView[] };
    const rebalance = (await call('GET', '/_miroir/rebalance')) as Rebalance;
    print({ health, nodes: nodes.results, rebalance }, () =>
      [
        `cluster ${health.status}${health.reasons?.length ? `: ${health.reasons.join('; ')}` : ''}`,
        ...nodes.results.map(nodeLine),
        `rebalance ${rebalance.status} (${rebalance.moved}/${rebalance.planned} moves)`,
      ].join('\n'),
    );
  });

const nodes = program.command('nodes').description('add, drain and remove nodes');
nodes
  .command('list')
  .description('every node with its state, copy state and lag')
  .action(async () => {
    const page = (await call('GET', '/_miroir/nodes')) as { results: NodeView[] };
    print(page, () => page.results.map(nodeLine).join('\n'));
  });
nodes
  .command('add <id> <url>')
  .option('--group <group>', 'replica group (default: the first)')
  .description('add a node; the rebalancer moves copies onto it')
  .action(async (id: string, url: string, o: { group?: string }) => {
    const r = await call('POST', '/_miroir/nodes', {
      id,
      url,
      ...(o.group ? { group: o.group } : {}),
    });
    print(r, () => `added ${id} (joining); watch it with \`miroir-ctl rebalance status --watch\``);
  });
nodes
  .command('drain <id>')
  .description('move every copy off a node, then remove it')
  .action(async (id: string) => {
    const r = await call('POST', `/_miroir/nodes/${encodeURIComponent(id)}/drain`);
    print(r, () => `draining ${id}`);
  });
nodes
  .command('remove <id>')
  .description('remove a node now (refused while it holds the last caught-up copy of a shard)')
  .action(async (id: string) => {
    const r = await call('DELETE', `/_miroir/nodes/${encodeURIComponent(id)}`);
    print(r, () => `removed ${id}`);
  });

const rebalance = program.command('rebalance').description('watch, pause and resume shard moves');
const rebalanceLine = (r: Rebalance) =>
  `rebalance ${r.status}: ${r.moved}/${r.planned} moves done (even-spread minimum ${r.minimum}), ` +
  `${r.documents.copied}/${r.documents.total} documents copied${r.eta ? `, eta ${r.eta}` : ''}`;
rebalance
  .command('status')
  .option('--watch', 'follow it live with a progress bar until it is done')
  .description('where the rebalance stands')
  .action(async (o: { watch?: boolean }) => {
    let r = (await call('GET', '/_miroir/rebalance')) as Rebalance;
    if (!o.watch || program.opts<{ json?: boolean }>().json) {
      print(r, () =>
        [
          rebalanceLine(r),
          ...r.moves.map(
            (m) =>
              `  ${m.index}#${m.shard} ${m.from ?? '-'} → ${m.to} ${m.phase} ${m.copied}/${m.total}`,
          ),
        ].join('\n'),
      );
      if (!o.watch) return;
    }
    const bar = new SingleBar({
      format: 'moves {bar} {value}/{total} | {phase} | docs {copied}/{docs} | eta {left}',
      hideCursor: true,
      etaBuffer: 20,
    });
    const running = (x: Rebalance) => x.finishedAt === null && x.status !== 'idle';
    bar.start(Math.max(r.planned, 1), r.moved, { phase: r.status, copied: 0, docs: 0, left: '-' });
    for (;;) {
      bar.setTotal(Math.max(r.planned, 1));
      const active = r.moves.filter((m) => !['done', 'failed', 'canceled'].includes(m.phase));
      bar.update(r.moved, {
        phase: active.map((m) => `${m.index}#${m.shard}:${m.phase}`).join(' ') || r.status,
        copied: r.documents.copied,
        docs: r.documents.total,
        left: r.eta ? `${Math.max(0, Math.round((Date.parse(r.eta) - Date.now()) / 1000))}s` : '-',
      });
      if (!running(r)) break;
      await sleep(500);
      r = (await call('GET', '/_miroir/rebalance')) as Rebalance;
    }
    bar.stop();
    process.stdout.write(`${rebalanceLine(r)}\n`);
  });
for (const action of ['pause', 'resume'] as const) {
  rebalance
    .command(action)
    .description(`${action} shard moves (a move in progress stops between pages)`)
    .action(async () => {
      const r = (await call('POST', `/_miroir/rebalance/${action}`)) as Rebalance;
      print(r, () => rebalanceLine(r));
    });
}

interface Check {
  id: string;
  status: string;
  progress: { shardsDone: number; shards: number };
  disagreements: number;
  disagreeingShards: number;
  repaired: { put: number; removed: number } | null;
  error: string | null;
}

for (const kind of ['verify', 'repair'] as const) {
  program
    .command(`${kind} <index>`)
    .description(
      kind === 'verify'
        ? 'compare every copy of every shard of an index'
        : 'compare, and put every disagreeing document back to its newest version',
    )
    .action(async (index: string) => {
      let check = (await call('POST', `/_miroir/${kind}`, { index })) as Check;
      const json = program.opts<{ json?: boolean }>().json;
      const bar = json
        ? null
        : new SingleBar({ format: `${kind} {bar} {value}/{total} shards`, hideCursor: true });
      bar?.start(Math.max(check.progress.shards, 1), 0);
      while (check.status === 'queued' || check.status === 'running') {
        await sleep(300);
        check = (await call('GET', `/_miroir/${kind}/${check.id}`)) as Check;
        bar?.setTotal(Math.max(check.progress.shards, 1));
        bar?.update(check.progress.shardsDone);
      }
      bar?.stop();
      print(check, () =>
        check.status === 'failed'
          ? `${kind} failed: ${check.error}`
          : `${index}: ${check.disagreements} disagreements in ${check.disagreeingShards} shards` +
            (check.repaired
              ? `; repaired ${check.repaired.put} put, ${check.repaired.removed} removed`
              : ''),
      );
      if (check.status === 'failed') process.exitCode = 1;
    });
}

program
  .command('tasks')
  .description('tasks')
  .command('get <uid>')
  .description('one task, with its node tasks')
  .action(async (uid: string) => {
    const t = (await call('GET', `/tasks/${encodeURIComponent(uid)}`)) as {
      uid: number;
      type: string;
      status: string;
      indexUid: string | null;
      error: { message: string } | null;
    };
    print(
      t,
      () =>
        `task ${t.uid} ${t.type} on ${t.indexUid ?? '-'}: ${t.status}${t.error ? ` (${t.error.message})` : ''}`,
    );
  });

try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.stderr.write(`miroir-ctl: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
