/** One emulated Meilisearch node: its state, task worker, HTTP servers and fault controls. */
import Fastify, { type FastifyInstance } from 'fastify';
import { resolveOptions, type EmulatorOptions, type ResolvedOptions } from './options.js';

export class Emulator {
  readonly options: ResolvedOptions;
  private app?: FastifyInstance;
  url = '';
  port = 0;
  adminUrl?: string;

  constructor(options: EmulatorOptions = {}) {
    this.options = resolveOptions(options);
  }

  async start(): Promise<void> {
    const app = Fastify({ logger: false, forceCloseConnections: true });
    app.get('/health', async () => ({ status: 'available' }));
    await app.listen({ host: this.options.host, port: this.options.port });
    const address = app.server.address();
    this.port = typeof address === 'object' && address ? address.port : this.options.port;
    this.url = `http://${this.options.host}:${this.port}`;
    this.app = app;
  }

  async close(): Promise<void> {
    await this.app?.close();
  }
}
