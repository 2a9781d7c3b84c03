import { MeiliError } from '#lib/errors';

/** What the emulator does not implement: 501 with the emulator's own code (never a node's). */
export function emulatorUnsupported(message: string): MeiliError {
  return new MeiliError('emulator_unsupported', message, { status: 501 });
}

/** Embedders are not emulated: a settings patch that configures one is refused. */
export function refuseEmbedders(patch: { embedders?: unknown }): void {
  const embedders = patch.embedders;
  if (embedders && typeof embedders === 'object' && Object.keys(embedders).length > 0) {
    throw emulatorUnsupported('The emulator does not support embedders.');
  }
}
