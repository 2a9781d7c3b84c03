import tseslint from 'typescript-eslint';

/**
 * Walls: each client library is used only inside the library that owns it (the store owns Redis,
 * the job queues BullMQ, the bus NATS, the node client HTTP to nodes), and no product code imports
 * the emulator. Tests, benchmarks and the test kit may reach past them.
 */
const OWNERS = {
  ioredis: 'libs/store',
  bullmq: 'libs/jobs',
  '@nats-io/*': 'libs/bus',
  undici: 'libs/node-client',
};
const EMULATOR = {
  group: ['**/meili-emulator/**', '**/apps/meili-emulator'],
  message: 'product code never depends on the emulator (it stands in for Meilisearch in tests)',
};
const wall = (except) => ({
  'no-restricted-imports': [
    'error',
    {
      patterns: [
        ...Object.entries(OWNERS)
          .filter(([, owner]) => owner !== except)
          .map(([name, owner]) => ({ group: [name], message: `only ${owner} talks to ${name}` })),
        ...(except === 'apps/meili-emulator' ? [] : [EMULATOR]),
      ],
    },
  ],
});
/** Subjects and queue names are spelled only in libs/contracts (its builders and QUEUES). */
const SUBJECT =
  '^miroir\\.(documents|indexes|tasks|nodes|topology|rebalance|aliases|keys|node-key|settings)(\\.|$)';
const QUEUE = '^miroir-(migrations|checks|keys)$';
const CONTRACT_WORDS = {
  'no-restricted-syntax': [
    'error',
    {
      selector: `Literal[value=/${SUBJECT}/]`,
      message: 'a subject is built with libs/contracts `subjects`, never spelled',
    },
    {
      selector: `TemplateElement[value.raw=/${SUBJECT}/]`,
      message: 'a subject is built with libs/contracts `subjects`, never spelled',
    },
    {
      selector: `Literal[value=/${QUEUE}/]`,
      message: 'a queue is named by libs/contracts `QUEUES`, never spelled',
    },
  ],
};
const PRODUCT = ['apps/**/*.ts', 'libs/**/*.ts'];
const OUTSIDE_WALLS = ['**/*.spec.ts', 'libs/testing/**'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench/results/**', '.scratch/**', '.miroir/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  { files: PRODUCT, ignores: OUTSIDE_WALLS, rules: wall(null) },
  { files: PRODUCT, ignores: [...OUTSIDE_WALLS, 'libs/contracts/**'], rules: CONTRACT_WORDS },
  ...[...Object.values(OWNERS), 'apps/meili-emulator'].map((owner) => ({
    files: [`${owner}/**/*.ts`],
    ignores: OUTSIDE_WALLS,
    rules: wall(owner),
  })),
);
