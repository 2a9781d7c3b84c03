import { MeiliError } from '#lib/errors';
import { applySettingsPatch, DEFAULT_SETTINGS, IndexEngine, parseSettingsPatch } from './index.js';

/** An engine with settings (a PATCH body) and documents keyed by their `id`. */
export function engineWith(
  docs: Array<Record<string, unknown>>,
  settings: Record<string, unknown> = {},
): IndexEngine {
  const engine = new IndexEngine(
    applySettingsPatch(DEFAULT_SETTINGS, parseSettingsPatch(settings)),
  );
  engine.upsert(
    docs.map((doc) => ({ id: String(doc.id), doc })),
    'replace',
  );
  return engine;
}

/** The MeiliError code `run` throws, or undefined when it does not throw. */
export function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (err) {
    return err instanceof MeiliError ? err.code : `not a MeiliError: ${String(err)}`;
  }
  return undefined;
}

export function ids(response: Record<string, unknown>): unknown[] {
  return (response.hits as Array<Record<string, unknown>>).map((h) => h.id);
}
