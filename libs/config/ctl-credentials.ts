import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

/** Where `miroir-ctl` talks to, and with which admin key. */
export interface CtlConnection {
  url: string;
  adminKey: string | null;
}

/**
 * `miroir-ctl`'s connection: `--url` / `MIROIR_URL` (default http://localhost:7700), and the admin
 * key from `MIROIR_ADMIN_API_KEY` or a credentials file (`MIROIR_CREDENTIALS`, default
 * `~/.config/miroir/credentials`, lines `url=…` and `admin_api_key=…`).
 */
export function ctlConnection(
  flags: { url?: string },
  env: NodeJS.ProcessEnv = process.env,
): CtlConnection {
  const file = env.MIROIR_CREDENTIALS ?? path.join(homedir(), '.config', 'miroir', 'credentials');
  const saved: Record<string, string> = {};
  try {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const at = line.indexOf('=');
      if (at > 0 && !line.trimStart().startsWith('#'))
        saved[line.slice(0, at).trim()] = line.slice(at + 1).trim();
    }
  } catch {
    /* no credentials file */
  }
  return {
    url: (flags.url ?? env.MIROIR_URL ?? saved.url ?? 'http://localhost:7700').replace(/\/+$/, ''),
    adminKey: env.MIROIR_ADMIN_API_KEY ?? saved.admin_api_key ?? null,
  };
}
