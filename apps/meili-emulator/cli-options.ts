/** Command-line flags and environment of main.ts → emulator options (same names as `meilisearch`). */
import { parseArgs } from 'node:util';
import type { EmulatorOptions } from './options.js';

const INTEGER_FLAGS = {
  'emulator-task-delay-ms': 'taskDelayMs',
  'emulator-task-delay-jitter-ms': 'taskDelayJitterMs',
  'emulator-payload-limit-bytes': 'payloadLimitBytes',
  'emulator-seed': 'seed',
  'emulator-admin-port': 'adminPort',
  'emulator-request-log-size': 'requestLogSize',
} as const;

/** `host:port` or `[v6]:port`; port 0 = a free one. */
export function parseHttpAddr(addr: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(addr.trim());
  if (!match) throw new Error(`--http-addr / MEILI_HTTP_ADDR must be host:port, got "${addr}"`);
  const port = Number(match[3]);
  if (port > 65535)
    throw new Error(`--http-addr / MEILI_HTTP_ADDR port must be at most 65535, got ${port}`);
  return { host: match[1] ?? match[2]!, port };
}

function integer(flag: string, raw: string): number {
  if (!/^\d+$/.test(raw)) throw new Error(`--${flag} must be a non-negative integer, got "${raw}"`);
  return Number(raw);
}

/** Flags win over MEILI_* variables; unknown flags are refused with their name. */
export function cliOptions(argv: string[], env: NodeJS.ProcessEnv): EmulatorOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      'http-addr': { type: 'string' },
      'master-key': { type: 'string' },
      'db-path': { type: 'string' },
      'no-analytics': { type: 'boolean' },
      env: { type: 'string' },
      'emulator-pkg-version': { type: 'string' },
      'emulator-name': { type: 'string' },
      ...Object.fromEntries(
        Object.keys(INTEGER_FLAGS).map((flag) => [flag, { type: 'string' as const }]),
      ),
    },
  });
  const flags = values as Record<string, string | boolean | undefined>;
  const options: EmulatorOptions = {
    ...parseHttpAddr((flags['http-addr'] as string) ?? env.MEILI_HTTP_ADDR ?? '127.0.0.1:7700'),
  };
  const masterKey = (flags['master-key'] as string | undefined) ?? env.MEILI_MASTER_KEY;
  if (masterKey) options.masterKey = masterKey;
  const dbPath = (flags['db-path'] as string | undefined) ?? env.MEILI_DB_PATH;
  if (dbPath) options.dbPath = dbPath;
  if (typeof flags['emulator-pkg-version'] === 'string')
    options.pkgVersion = flags['emulator-pkg-version'];
  if (typeof flags['emulator-name'] === 'string') options.name = flags['emulator-name'];
  for (const [flag, key] of Object.entries(INTEGER_FLAGS)) {
    const raw = flags[flag];
    if (typeof raw === 'string') options[key] = integer(flag, raw);
  }
  return options;
}
