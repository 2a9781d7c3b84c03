import { shardOf } from '#lib/routing';
import { assertNoReservedField, documentId } from './document-id.js';
import { checkDocument, type DocumentRulesContext } from './document-rules.js';
import type { IncomingDocument } from './incoming-documents.js';

/** One shard's documents in a log message body. */
export interface DocumentPart {
  shard: number;
  bytes: number;
  count: number;
}

export interface DocumentParts {
  parts: DocumentPart[];
  /** Each part's one-line documents, newline-terminated, concatenated in part order. */
  body: Buffer;
}

/**
 * Splits a validated payload into shard parts for the log: every document is checked against each
 * rule Meilisearch enforces per document (a bad one refuses the whole payload, as the node's task
 * would fail), then goes, as the client wrote it, to the part of its id's shard. Documents keep
 * their payload order inside a part, so "the last one wins" holds for repeated ids.
 */
export function documentParts(
  docs: readonly IncomingDocument[],
  primaryKey: string,
  shards: number,
  rules: DocumentRulesContext,
): DocumentParts {
  const lines = new Map<number, string[]>();
  for (const doc of docs) {
    assertNoReservedField(doc.value);
    const id = documentId(doc, primaryKey);
    checkDocument(doc, id, rules);
    const shard = shardOf(id, shards);
    let part = lines.get(shard);
    if (!part) lines.set(shard, (part = []));
    part.push(doc.text);
  }
  const parts: DocumentPart[] = [];
  const chunks: Buffer[] = [];
  for (const shard of [...lines.keys()].sort((a, b) => a - b)) {
    const texts = lines.get(shard)!;
    const bytes = Buffer.from(`${texts.join('\n')}\n`);
    parts.push({ shard, bytes: bytes.length, count: texts.length });
    chunks.push(bytes);
  }
  return { parts, body: Buffer.concat(chunks) };
}

/** Ids to delete, by shard, in the order given. */
export function idParts(
  ids: readonly string[],
  shards: number,
): { shard: number; ids: string[] }[] {
  const byShard = new Map<number, string[]>();
  for (const id of ids) {
    const shard = shardOf(id, shards);
    let list = byShard.get(shard);
    if (!list) byShard.set(shard, (list = []));
    list.push(id);
  }
  return [...byShard.keys()]
    .sort((a, b) => a - b)
    .map((shard) => ({ shard, ids: byShard.get(shard)! }));
}
