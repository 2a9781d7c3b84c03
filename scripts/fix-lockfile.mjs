#!/usr/bin/env node
// Drops optional dependencies that package-lock.json cannot resolve. The registry mirror our
// machines use serves only Linux builds of platform-specific packages (@swc/core-*,
// @msgpackr-extract/*), so npm writes a lock whose optional edges point at nothing, and `npm ci`
// then refuses it. Run after any `npm install`: `node scripts/fix-lockfile.mjs`.
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const present = new Set(
  Object.keys(lock.packages)
    .filter(Boolean)
    .map((p) => p.split('node_modules/').pop()),
);
let removed = 0;
for (const entry of Object.values(lock.packages)) {
  if (!entry.optionalDependencies) continue;
  for (const name of Object.keys(entry.optionalDependencies)) {
    if (!present.has(name)) {
      delete entry.optionalDependencies[name];
      removed++;
    }
  }
  if (Object.keys(entry.optionalDependencies).length === 0) delete entry.optionalDependencies;
}
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`fix-lockfile: removed ${removed} unresolvable optional dependencies`);
