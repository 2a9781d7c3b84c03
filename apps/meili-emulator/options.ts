/** Start-up options of one emulator instance (emulator.md §7.1), in-process or from main.ts flags. */
export interface EmulatorOptions {
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Unset = open node (only /keys refuses with missing_master_key). */
  masterKey?: string;
  /** Directory for the journal and snapshot; unset = no disk use. */
  dbPath?: string;
  taskDelayMs?: number;
  taskDelayJitterMs?: number;
  payloadLimitBytes?: number;
  pkgVersion?: string;
  name?: string;
  /** Seeds jitter and fault probabilities, so runs repeat. */
  seed?: number;
  /** Second port serving only /_emulator/ (also reachable while the main port is down). */
  adminPort?: number;
  requestLogSize?: number;
  /** What POST /_emulator/crash does after dropping everything unflushed (main.ts exits the process). */
  onCrash?: () => void;
}

export type ResolvedOptions = Required<
  Omit<EmulatorOptions, 'masterKey' | 'dbPath' | 'adminPort' | 'onCrash'>
> &
  Pick<EmulatorOptions, 'masterKey' | 'dbPath' | 'adminPort' | 'onCrash'>;

export const DEFAULT_PAYLOAD_LIMIT_BYTES = 100_000_000;

function nonNegativeInteger(name: string, value: number | undefined, fallback: number): number {
  const resolved = value ?? fallback;
  if (!Number.isInteger(resolved) || resolved < 0)
    throw new Error(`emulator option ${name} must be a non-negative integer, got ${String(value)}`);
  return resolved;
}

/** Validates and fills defaults; throws with the option's name on a bad value. */
export function resolveOptions(options: EmulatorOptions = {}): ResolvedOptions {
  const port = nonNegativeInteger('port', options.port, 0);
  if (port > 65535) throw new Error(`emulator option port must be at most 65535, got ${port}`);
  if (options.masterKey !== undefined && options.masterKey.length === 0)
    throw new Error('emulator option masterKey must not be empty');
  return {
    host: options.host ?? '127.0.0.1',
    port,
    masterKey: options.masterKey,
    dbPath: options.dbPath,
    taskDelayMs: nonNegativeInteger('taskDelayMs', options.taskDelayMs, 0),
    taskDelayJitterMs: nonNegativeInteger('taskDelayJitterMs', options.taskDelayJitterMs, 0),
    payloadLimitBytes: nonNegativeInteger(
      'payloadLimitBytes',
      options.payloadLimitBytes,
      DEFAULT_PAYLOAD_LIMIT_BYTES,
    ),
    pkgVersion: options.pkgVersion ?? '1.30.0',
    name: options.name ?? 'meili-emulator',
    seed: nonNegativeInteger('seed', options.seed, 1),
    adminPort:
      options.adminPort === undefined
        ? undefined
        : nonNegativeInteger('adminPort', options.adminPort, 0),
    requestLogSize: nonNegativeInteger('requestLogSize', options.requestLogSize, 1000),
    onCrash: options.onCrash,
  };
}
