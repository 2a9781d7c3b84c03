import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * The API key Miroir sends to nodes, when it is not their master key, rotates like a scoped key
 * (operations.md): its record in the store's `nodeKeys` table carries the current value sealed
 * with AES-256-GCM under a key derived from the configured `MIROIR_NODE_KEY`. Every process that
 * calls nodes already holds that bootstrap secret, so the store alone (or a stolen copy of it)
 * never reveals a key a node accepts, and a process started long after the bootstrap key was
 * revoked still finds the current one.
 */
export const NODE_KEY_RECORD = 'node';

const SEAL_VERSION = 'v1';

function sealingKey(bootstrap: string): Buffer {
  return Buffer.from(hkdfSync('sha256', bootstrap, 'miroir', 'node-key seal v1', 32));
}

export function sealNodeKey(bootstrap: string, value: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealingKey(bootstrap), iv);
  const sealed = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
  return [SEAL_VERSION, iv, sealed, cipher.getAuthTag()]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

/** The value, or an Error when it was sealed under another bootstrap key (or altered). */
export function unsealNodeKey(bootstrap: string, sealed: string): string {
  const [version, iv, data, tag] = sealed.split('.');
  if (version !== SEAL_VERSION || !iv || !data || !tag) throw new Error('not a sealed node key');
  const decipher = createDecipheriv(
    'aes-256-gcm',
    sealingKey(bootstrap),
    Buffer.from(iv, 'base64url'),
  );
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  try {
    return Buffer.concat([
      decipher.update(Buffer.from(data, 'base64url')),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    throw new Error('the node key record was sealed with another MIROIR_NODE_KEY');
  }
}

const BEACON_PREFIX = 'node-key:';

/**
 * Every process that calls nodes beacons the node-key generation it uses, under its own name
 * (a gateway also beacons its scoped keys under its pod): the two rotations count different pods.
 */
export function nodeKeyBeaconPod(instance: string): string {
  return BEACON_PREFIX + instance;
}

export function isNodeKeyBeacon(beacon: { pod: string }): boolean {
  return beacon.pod.startsWith(BEACON_PREFIX);
}
