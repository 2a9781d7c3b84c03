import type { IncomingDocument } from './incoming-documents.js';

/**
 * Per-document rules Meilisearch enforces when it processes a payload (beyond the id): `_geo` and
 * `_vectors` shapes and the nesting a node accepts. Checked at the door so a task is all or nothing
 * on every copy, as on one node (replication.md, R6).
 */
export function checkDocument(_doc: IncomingDocument): void {
  // Filled from Meilisearch's rules (see the research notes); none enforced yet.
}
