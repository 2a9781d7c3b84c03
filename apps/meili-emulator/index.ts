/** In-process entry: many emulator instances per process, each on its own port. */
import { Emulator } from './emulator.js';
import type { EmulatorOptions } from './options.js';

export type { EmulatorOptions } from './options.js';

export interface EmulatorHandle {
  url: string;
  port: number;
  /** Admin-only port when `adminPort` was given. */
  adminUrl?: string;
  name: string;
  close(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  const emulator = new Emulator(options);
  await emulator.start();
  return {
    url: emulator.url,
    port: emulator.port,
    adminUrl: emulator.adminUrl,
    name: emulator.options.name,
    close: () => emulator.close(),
  };
}
