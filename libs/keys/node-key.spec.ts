import { describe, expect, it } from '@jest/globals';
import { isNodeKeyBeacon, nodeKeyBeaconPod, sealNodeKey, unsealNodeKey } from './node-key.js';

const bootstrap = 'bootstrap-node-key-0123456789';
const value = 'a'.repeat(64);

describe('sealed node key', () => {
  it('opens with the bootstrap key it was sealed with, and never shows the value', () => {
    const sealed = sealNodeKey(bootstrap, value);
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain(value);
    expect(unsealNodeKey(bootstrap, sealed)).toBe(value);
    // A fresh IV each time: two seals of one value differ.
    expect(sealNodeKey(bootstrap, value)).not.toBe(sealed);
  });

  it('refuses another bootstrap key, an altered seal and a foreign format', () => {
    const sealed = sealNodeKey(bootstrap, value);
    expect(() => unsealNodeKey('another-bootstrap-key-0123', sealed)).toThrow(
      /sealed with another MIROIR_NODE_KEY/,
    );
    const [v, iv, data, tag] = sealed.split('.');
    const flipped = (data![0] === 'A' ? 'B' : 'A') + data!.slice(1);
    expect(() => unsealNodeKey(bootstrap, [v, iv, flipped, tag].join('.'))).toThrow();
    expect(() => unsealNodeKey(bootstrap, value)).toThrow(/not a sealed node key/);
  });

  it('names node-key beacons apart from gateways’ scoped-key beacons', () => {
    expect(isNodeKeyBeacon({ pod: nodeKeyBeaconPod('gw-1.42.abc') })).toBe(true);
    expect(isNodeKeyBeacon({ pod: 'gw-1.42' })).toBe(false);
  });
});
