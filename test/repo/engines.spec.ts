/**
 * `npm ci` prints no engine warning on the Node version the README states (issue 15): every
 * package the lock file installs accepts that Node (npm warns with EBADENGINE when one does not),
 * and the README, package.json and the Dockerfile name the same major version.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import semver from 'semver';

const read = (file: string) => readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');
const pkg = JSON.parse(read('package.json')) as { engines: { node: string } };
const lock = JSON.parse(read('package-lock.json')) as {
  packages: Record<string, { engines?: { node?: string } | string[]; dev?: boolean }>;
};
/** The oldest Node the project supports. */
const oldest = semver.minVersion(pkg.engines.node)!.version;

describe('Node version', () => {
  it(`every installed package accepts Node ${oldest} and later`, () => {
    const refusing: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      const range = !Array.isArray(entry.engines) ? entry.engines?.node : undefined;
      if (!path || !range) continue;
      if (!semver.satisfies(oldest, range, { includePrerelease: true })) {
        refusing.push(`${path.replace(/^.*node_modules\//, '')} wants ${range}`);
      }
    }
    expect(refusing).toEqual([]);
  });

  it('the README, package.json and the Docker image agree', () => {
    const major = semver.major(oldest);
    expect(read('README.md')).toContain(`Node.js ≥ ${major}.${semver.minor(oldest)}`);
    for (const from of read('Dockerfile').matchAll(/^FROM node:(\d+)/gm)) {
      expect(Number(from[1])).toBe(major);
    }
  });
});
