export { ConfigError, type ConfigProblem } from './config-error.js';
export { ctlConnection, type CtlConnection } from './ctl-credentials.js';
export {
  CONFIG_DOCS,
  formatConfigHelp,
  formatConfigMarkdown,
  type ConfigDoc,
} from './config-docs.js';
export { envName, MASTER_KEY_MIN_BYTES, type LogLevel } from './config.schema.js';
export {
  loadConfig,
  type ConfigNode,
  type LoadConfigOptions,
  type MiroirConfig,
} from './load-config.js';
