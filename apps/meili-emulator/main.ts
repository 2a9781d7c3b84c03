/**
 * `node dist/apps/meili-emulator/main.js` — a drop-in for the `meilisearch` binary (emulator.md §7.1).
 * Prints one `{"event":"listening",url,port,name}` line once it accepts connections.
 */
import { cliOptions } from './cli-options.js';
import { startEmulator } from './index.js';

async function main(): Promise<void> {
  const options = cliOptions(process.argv.slice(2), process.env);
  if (options.masterKey === undefined) {
    process.stderr.write(
      'meili-emulator: no master key set; the API is open to anyone who can reach it\n',
    );
  }
  const emulator = await startEmulator({ ...options, onCrash: () => process.exit(1) });
  process.stdout.write(
    `${JSON.stringify({ event: 'listening', url: emulator.url, port: emulator.port, name: emulator.name })}\n`,
  );
  let closing = false;
  const stop = () => {
    if (closing) return;
    closing = true;
    emulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`meili-emulator: close failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `meili-emulator: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
