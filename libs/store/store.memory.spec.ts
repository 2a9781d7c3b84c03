import { afterAll, describe } from '@jest/globals';
import type { StoreHarness } from './contract-fixtures.js';
import { describeCoordinationContract } from './coordination.contract.js';
import { describeCoreContract } from './core.contract.js';
import { describeFeatureContract } from './feature.contract.js';
import { createMemoryStore } from './memory/memory-store.js';
import { describeTaskContract } from './task.contract.js';

/** One memory store per group; every `open()` is a handle on it whose close() is a no-op. */
function memoryHarness(): StoreHarness {
  const store = createMemoryStore();
  afterAll(() => store.close());
  return { open: () => ({ ...store, close: async () => undefined }) };
}

describe('memory store: core', () => describeCoreContract(memoryHarness()));
describe('memory store: tasks', () => describeTaskContract(memoryHarness()));
describe('memory store: coordination', () => describeCoordinationContract(memoryHarness()));
describe('memory store: features', () => describeFeatureContract(memoryHarness()));
