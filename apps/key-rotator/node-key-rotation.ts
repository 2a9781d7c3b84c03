import { randomUUID } from 'node:crypto';
import type { MiroirConfig } from '#lib/config';
import type { EventBus } from '#lib/bus';
import { NODE_KEY_RECORD, rotationStep, sealNodeKey, type RotationPolicy } from '#lib/keys';
import { allows } from '#lib/meili-api';
import { NodeApiError, type HttpNodeClient } from '#lib/node-client';
import { createOnEveryNode, deleteOnEveryNode } from './keys-on-nodes.js';
import type { NodeKeyFollower, Log } from '#lib/service';
import type { BeaconRecord, Fence, ScopedKeyRecord, Store } from '#lib/store';

/**
 * Rotation of the API key Miroir sends to nodes, when it is an API key and not the nodes' master
 * key: the scoped keys' state machine (libs/keys) over one record, `node`, whose value travels
 * sealed in the store. The key is adopted first (its uid, grants and age read from a node with
 * itself), then each rotation creates a successor with the same grants and a chosen uid on every
 * listed node, checks every node answered the same value (one master key), promotes it, waits for
 * every process that calls nodes to beacon the new generation, and deletes the old key everywhere.
 * Every node must answer each step: a copy that missed the new key would be cut off, and one
 * that kept the old key would still accept it.
 */
export class NodeKeyRotation {
  /** Why the configured key is not rotated (its nodes' master key, or a key without `keys.*`). */
  private notRotatable: string | null = null;

  constructor(
    private readonly config: MiroirConfig,
    private readonly store: Store,
    private readonly bus: EventBus,
    private readonly nodes: HttpNodeClient,
    private readonly follower: NodeKeyFollower | null,
    private readonly log: Log,
    private readonly onPromoted: () => void,
    private readonly onRevoked: (drainSeconds: number) => void,
  ) {}

  private get policy(): RotationPolicy {
    const k = this.config.scopedKeys;
    return {
      maxAgeMs: k.nodeKeyMaxAgeMs ?? Number.POSITIVE_INFINITY,
      rotateBeforeMs: 0,
      drainMs: k.drainMs,
      requestTimeoutMs: this.config.nodeTimeoutMs,
      beaconTtlMs: k.beaconTtlMs,
    };
  }

  /** One stored step, as the leader; `nodes` are every node not removed. */
  async tick(nodes: string[], beacons: readonly BeaconRecord[], fence: Fence): Promise<void> {
    if (!this.config.nodeKey || this.notRotatable || nodes.length === 0) return;
    const record =
      (await this.store.nodeKeys.get(NODE_KEY_RECORD)) ?? (await this.adopt(nodes, fence));
    if (!record) return;
    const step = rotationStep(record, beacons, Date.now(), this.policy);
    if (step.kind === 'wait') {
      if (step.slow) this.log('warn', 'node-key-drain-slow', { reason: step.reason });
    } else if (step.kind === 'choose') await this.choose(record, false, fence);
    else if (step.kind === 'create') await this.create(record, step.uid, nodes, fence);
    else await this.revoke(record, step.uid, nodes, fence);
  }

  /** A manual request, as the leader: starts a rotation if none runs. */
  async request(fence: Fence): Promise<void> {
    const record = await this.store.nodeKeys.get(NODE_KEY_RECORD);
    if (record) await this.choose(record, true, fence);
  }

  /**
   * Finds the configured key among a node's keys, asked with that key itself (never a client's
   * rotated one), and stores it as generation 1. The value is matched here, not sent in a URL a
   * node or proxy would log. Found nowhere while it authenticates: it is the master key.
   */
  private async adopt(nodes: string[], fence: Fence): Promise<ScopedKeyRecord | null> {
    const bootstrap = this.config.nodeKey!;
    let key: Record<string, unknown> | null = null;
    let asked: string | null = null;
    for (const node of nodes) {
      try {
        key = await this.findKey(node, bootstrap);
        asked = node;
        break;
      } catch (err) {
        if (err instanceof NodeApiError && err.status === 403) {
          this.notRotatable = `the node key may not list keys on ${node} (${err.body.code}): it needs the keys.* actions`;
          this.log('error', 'node-key-not-rotated', { reason: this.notRotatable });
          return null;
        }
        this.log('warn', 'node-key-adopt-failed', { node, error: String(err) });
      }
    }
    if (!asked) return null; // no node answered: next tick
    if (!key) {
      this.notRotatable =
        "the node key is the nodes' master key, which only a node restart changes";
      this.log('info', 'node-key-not-rotated', { reason: this.notRotatable });
      return null;
    }
    const actions = key.actions as string[];
    if (!['keys.get', 'keys.create', 'keys.delete'].every((a) => allows(actions, a))) {
      this.notRotatable = `the node key (uid ${String(key.uid)}) lacks keys.get, keys.create or keys.delete`;
      this.log('error', 'node-key-not-rotated', { reason: this.notRotatable });
      return null;
    }
    if (key.expiresAt !== null && key.expiresAt !== undefined) {
      this.log('warn', 'node-key-expires', {
        expiresAt: key.expiresAt,
        hint: 'rotate it before then (MIROIR_NODE_KEY_MAX_AGE_DAYS or POST /_miroir/keys/node/rotate)',
      });
    }
    const record: ScopedKeyRecord = {
      indexUid: NODE_KEY_RECORD,
      primaryUid: String(key.uid),
      previousUid: null,
      nextUid: null,
      generation: 1,
      state: 'stable',
      rotatedAt: typeof key.createdAt === 'string' ? key.createdAt : new Date().toISOString(),
      sealedKey: sealNodeKey(this.config.nodeKey!, this.config.nodeKey!),
      grants: { actions: key.actions as string[], indexes: key.indexes as string[] },
    };
    const written = await this.store.nodeKeys.put(record, null, fence);
    if (written.ok) this.log('info', 'node-key-adopted', { uid: record.primaryUid });
    return written.ok ? record : null;
  }

  /** The node's key whose value is `value`, or null; paged, read with `value` itself. */
  private async findKey(node: string, value: string): Promise<Record<string, unknown> | null> {
    const limit = 100;
    for (let offset = 0; ; offset += limit) {
      const page = await this.nodes.listKeys(node, { offset, limit }, { key: value });
      const found = page.results.find((k) => k.key === value);
      if (found) return found;
      if (offset + limit >= page.total || page.results.length === 0) return null;
    }
  }

  /** Chooses the successor's uid and stores it before any node sees it (a resume reuses it). */
  private async choose(record: ScopedKeyRecord, force: boolean, fence?: Fence): Promise<void> {
    if (record.state !== 'stable' && record.state !== 'revoked') return; // one at a time
    if (!force && rotationStep(record, [], Date.now(), this.policy).kind !== 'choose') return;
    const written = await this.store.nodeKeys.put(
      { ...record, state: 'minted', nextUid: randomUUID() },
      record.generation,
      fence,
    );
    if (written.ok) this.log('info', 'node-key-rotation-started', { force });
  }

  /** Creates `uid` on every node (an existing one counts), then promotes it. */
  private async create(
    record: ScopedKeyRecord,
    uid: string,
    nodes: string[],
    fence: Fence,
  ): Promise<void> {
    const body = {
      uid,
      name: 'miroir-node-key',
      description: 'The key Miroir sends to this node (rotated by the key-rotator)',
      actions: record.grants!.actions,
      indexes: record.grants!.indexes,
      expiresAt: null,
    };
    const created = await createOnEveryNode(this.nodes, nodes, body);
    // Where it already existed (a resumed step), its value is read back.
    const values = await Promise.all(
      created.map(async (value, i) => value ?? (await this.nodes.getKey(nodes[i]!, uid)).key),
    );
    const distinct = new Set(values);
    if (distinct.size !== 1 || typeof values[0] !== 'string') {
      // A key's value is derived from its uid and the node's master key: nodes disagree only when
      // their master keys differ, and no single node key can then reach them all. The rotation
      // is given up: the successor is deleted everywhere and the current key stays.
      this.log('error', 'node-key-values-differ', { uid, nodes: nodes.length });
      await deleteOnEveryNode(this.nodes, nodes, uid);
      await this.store.nodeKeys.put(
        { ...record, state: 'stable', nextUid: null },
        record.generation,
        fence,
      );
      return;
    }
    const next: ScopedKeyRecord = {
      ...record,
      primaryUid: uid,
      previousUid: record.primaryUid,
      nextUid: null,
      generation: record.generation + 1,
      state: 'promoted',
      rotatedAt: new Date().toISOString(),
      sealedKey: sealNodeKey(this.config.nodeKey!, values[0]),
    };
    const written = await this.store.nodeKeys.put(next, record.generation, fence);
    if (!written.ok) return;
    this.onPromoted();
    this.bus.publish(
      'node-key.rotated',
      { generation: next.generation, oldKeyUid: record.primaryUid, newKeyUid: uid },
      `node-key-${next.generation}`,
    );
    await this.follower?.refresh();
    this.log('info', 'node-key-promoted', { generation: next.generation, uid });
  }

  /** Deletes the previous key on every node (404 counts as done), then stores `stable`. */
  private async revoke(
    record: ScopedKeyRecord,
    uid: string | null,
    nodes: string[],
    fence: Fence,
  ): Promise<void> {
    if (uid && uid !== record.primaryUid) await deleteOnEveryNode(this.nodes, nodes, uid);
    const written = await this.store.nodeKeys.put(
      { ...record, previousUid: null, state: 'stable' },
      record.generation,
      fence,
    );
    if (!written.ok) return;
    if (record.rotatedAt) this.onRevoked((Date.now() - Date.parse(record.rotatedAt)) / 1000);
    this.log('info', 'node-key-revoked', { generation: record.generation, uid });
  }
}
