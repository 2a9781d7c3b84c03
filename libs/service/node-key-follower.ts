import { NODE_KEY_RECORD, nodeKeyBeaconPod, unsealNodeKey } from '#lib/keys';
import type { HttpNodeClient } from '#lib/node-client';
import type { ScopedKeyRecord, Store } from '#lib/store';
import type { Log } from './log.js';

export interface NodeKeyFollowerOptions {
  store: Store;
  nodes: HttpNodeClient;
  /** The configured `MIROIR_NODE_KEY`: the key until a rotation, and what seals later ones. */
  bootstrapKey: string | undefined;
  /** Unique per process. */
  instance: string;
  beaconTtlMs: number;
  /** The longest node call this process makes: a call started with the old key ends by then. */
  longestCallMs: number;
  log: Log;
  /** Subscribes to rotation events (reload at once); returns the unsubscribe. */
  onRotation?: (reload: () => void) => () => void;
  now?: () => number;
}

const FIRST_LOAD_ATTEMPTS = 20;

/**
 * Keeps a process's node client on the current node key (a rotated one is read from the store)
 * and beacons, on a timer, the oldest generation its calls may still carry: a switch is reported
 * only once the longest call started before it has ended, so the key-rotator revokes the previous
 * key after every live process is done with it, and a stopped process stops counting when its
 * beacon expires. A later record it cannot open (another bootstrap key) keeps the key it has and
 * keeps reporting that key's generation, which holds the revocation back rather than cutting
 * this process off; at start, such a record is refused outright.
 */
export class NodeKeyFollower {
  private timer: NodeJS.Timeout | null = null;
  private loading: Promise<void> = Promise.resolve();
  private generation = 0;
  /** The generation before the last switch, reported until `drainedAt`. */
  private previous = 0;
  private drainedAt = 0;
  private reported = '';
  private unsubscribe: (() => void) | null = null;
  private readonly now: () => number;

  constructor(private readonly o: NodeKeyFollowerOptions) {
    this.now = o.now ?? Date.now;
  }

  /**
   * Loads the current key before the process calls any node: retried while the store does not
   * answer; throws when the record cannot be opened with this process's `MIROIR_NODE_KEY`.
   */
  async start(): Promise<void> {
    if (!this.o.bootstrapKey) return;
    for (let attempt = 1; ; attempt++) {
      try {
        this.apply(await this.o.store.nodeKeys.get(NODE_KEY_RECORD), true);
        this.drainedAt = 0; // nothing was called with an older key
        break;
      } catch (err) {
        if (err instanceof UnreadableNodeKey || attempt >= FIRST_LOAD_ATTEMPTS) throw err;
        await new Promise((r) => setTimeout(r, 250 * attempt));
      }
    }
    await this.beacon();
    this.unsubscribe = this.o.onRotation?.(() => void this.refresh()) ?? null;
    const every = Math.max(200, Math.min(1000, this.o.beaconTtlMs / 3));
    this.timer = setInterval(() => void this.refresh(), every);
    this.timer.unref();
  }

  /** Reloads now (on a rotation event); loads never overlap. */
  refresh(): Promise<void> {
    this.loading = this.loading.then(() => this.reload());
    return this.loading;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.unsubscribe?.();
    await this.loading;
  }

  private async reload(): Promise<void> {
    try {
      try {
        this.apply(await this.o.store.nodeKeys.get(NODE_KEY_RECORD), false);
      } catch (err) {
        if (!(err instanceof UnreadableNodeKey)) throw err;
        this.report('error', 'node-key-unreadable', err.message);
      }
      await this.beacon();
    } catch (err) {
      this.report('warn', 'node-key-not-reloaded', (err as Error).message);
    }
  }

  /** Switches to the record's key when it is newer than the one in use. */
  private apply(record: ScopedKeyRecord | null, starting: boolean): void {
    if (!record?.sealedKey || record.generation === this.generation) return;
    let value: string;
    try {
      value = unsealNodeKey(this.o.bootstrapKey!, record.sealedKey);
    } catch (err) {
      // Generation 1 is the configured key as adopted: sealed with another one, the configured
      // key was changed before any rotation, and it is the key to use.
      if (record.generation === 1) {
        this.report('warn', 'node-key-record-stale', 'MIROIR_NODE_KEY changed since adoption');
        return;
      }
      throw new UnreadableNodeKey(
        `${(err as Error).message}: generation ${record.generation}${starting ? ', not starting' : ''}`,
      );
    }
    this.o.nodes.setNodeKey(value);
    this.previous = this.generation;
    this.generation = record.generation;
    this.drainedAt = this.now() + this.o.longestCallMs;
    this.report('info', 'node-key-loaded', `generation ${record.generation}`);
  }

  private async beacon(): Promise<void> {
    const pod = nodeKeyBeaconPod(this.o.instance);
    const inUse = this.now() < this.drainedAt ? this.previous : this.generation;
    await this.o.store.beacons.put(
      pod,
      {
        pod,
        generations: { [NODE_KEY_RECORD]: inUse },
        seenAt: new Date(this.now()).toISOString(),
      },
      { ttlMs: this.o.beaconTtlMs },
    );
  }

  /** Logs a state once, not on every tick. */
  private report(level: 'info' | 'warn' | 'error', event: string, detail: string): void {
    if (this.reported === event + detail) return;
    this.reported = event + detail;
    this.o.log(level, event, { detail });
  }
}

export class UnreadableNodeKey extends Error {}
