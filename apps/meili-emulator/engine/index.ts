// The engine's public surface: the contract the emulator's HTTP layer codes against.
export {
  applySettingsPatch,
  DEFAULT_SETTINGS,
  SETTINGS_ROUTES,
  type FilterableRule,
  type Settings,
  type SettingsPatch,
} from '#lib/meili-api';
export { parseSettingsPatch, parseSettingValue } from '#lib/meili-api';
export { IndexEngine, type Document } from './index-engine.js';
export { multiSearch } from './multi-search.js';
