import { NODE_KEY_RECORD, nodeKeyBeaconPod, unsealNodeKey } from '#lib/keys';
import type { HttpNodeClient } from '#lib/node-client';
import type { Store } from '#lib/store';
import type { Log } from './log.js';

export interface NodeKeyFollowerOptions {
  store: Store;
  nodes: HttpNodeClient;
  /** The configured `MIROIR_NODE_KEY`: the key until a rotation, and what seals later ones. */
  bootstrapKey: string | undefined;
  /** Unique per process. */
  instance: string;
  beaconTtlMs: number;
  log: Log;
  /** Subscribes to rotation events (reload at once); returns the unsubscribe. */
  onRotation?: (reload: () => void) => () => void;
}

/**
 * Keeps a process's node client on the current node key (a rotated one is read from the store)
 * and beacons the generation it uses, on a timer, so the key-rotator revokes the previous key
 * only once every live process has moved on, and a stopped one stops counting when its beacon
 * expires. A record it cannot open (another bootstrap key) keeps the key it has and beacons the
 * generation of that key, which holds the revocation back rather than cutting this process off.
 */
export class NodeKeyFollower {
  private timer: NodeJS.Timeout | null = null;
  private loading: Promise<void> = Promise.resolve();
  private generation = 0;
  private reported = '';
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly o: NodeKeyFollowerOptions) {}

  /** The first load happens before the process calls any node. */
  async start(): Promise<void> {
    if (!this.o.bootstrapKey) return;
    await this.reload();
    this.unsubscribe = this.o.onRotation?.(() => void this.refresh()) ?? null;
    const every = Math.max(200, Math.min(1000, this.o.beaconTtlMs / 3));
    this.timer = setInterval(() => this.refresh(), every);
    this.timer.unref();
  }

  /** Reloads now (on a rotation event); loads never overlap. */
  refresh(): Promise<void> {
    this.loading = this.loading.then(() => this.reload());
    return this.loading;
  }

  get currentGeneration(): number {
    return this.generation;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.unsubscribe?.();
    await this.loading;
  }

  private async reload(): Promise<void> {
    try {
      const record = await this.o.store.nodeKeys.get(NODE_KEY_RECORD);
      if (!record) return; // never rotated: the configured key is the key
      if (record.generation !== this.generation && record.sealedKey) {
        try {
          this.o.nodes.setNodeKey(unsealNodeKey(this.o.bootstrapKey!, record.sealedKey));
          this.generation = record.generation;
          this.report('info', 'node-key-loaded', `generation ${record.generation}`);
        } catch (err) {
          this.report('error', 'node-key-unreadable', (err as Error).message);
        }
      }
      const pod = nodeKeyBeaconPod(this.o.instance);
      await this.o.store.beacons.put(
        pod,
        {
          pod,
          generations: { [NODE_KEY_RECORD]: this.generation },
          seenAt: new Date().toISOString(),
        },
        { ttlMs: this.o.beaconTtlMs },
      );
    } catch (err) {
      this.report('warn', 'node-key-not-reloaded', (err as Error).message);
    }
  }

  /** Logs a state once, not on every tick. */
  private report(level: 'info' | 'warn' | 'error', event: string, detail: string): void {
    if (this.reported === event + detail) return;
    this.reported = event + detail;
    this.o.log(level, event, { detail });
  }
}
