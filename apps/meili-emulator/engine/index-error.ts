import { MeiliError } from '#lib/errors';

/**
 * An error of the index engine (milli's `UserError`), which a real node prefixes with the index's
 * name on search and task routes (meilisearch `MeilisearchHttpError::Milli { index_name }`, seen in
 * tests/search/errors.rs as ``Index `test`: Attribute `title` is not sortable…``), but not on the
 * documents fetch route (tests/documents/get_documents.rs).
 */
export class IndexError extends MeiliError {}

/** Runs `fn`, naming the index in the message of any `IndexError` it throws. */
export function inIndex<T>(uid: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof IndexError) {
      throw new MeiliError(err.code, `Index \`${uid}\`: ${err.message}`, {
        status: err.status,
        type: err.type,
      });
    }
    throw err;
  }
}
