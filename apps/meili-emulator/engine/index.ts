// The engine's public surface: the contract the emulator's HTTP layer codes against.
export {
  applySettingsPatch,
  DEFAULT_SETTINGS,
  SETTINGS_ROUTES,
  type FilterableRule,
  type Settings,
  type SettingsPatch,
} from './settings.js';
export { parseSettingsPatch, parseSettingValue } from './settings-parse.js';
export { IndexEngine, type Document } from './index-engine.js';
export { multiSearch } from './multi-search.js';
