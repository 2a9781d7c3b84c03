/** One problem with one configuration key, named as the operator wrote it. */
export interface ConfigProblem {
  /** `MIROIR_SHARDS` when the value came from the environment, `shards (in ./miroir.yaml)` from the file. */
  key: string;
  message: string;
}

/** Thrown once at start with every problem found, so the operator fixes them in one go. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  ${p.key}: ${p.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}
