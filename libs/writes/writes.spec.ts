import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { MeiliError } from '#lib/errors';
import { shardOf } from '#lib/routing';
import {
  documentId,
  documentParts,
  idParts,
  memberText,
  readDocuments,
  type IncomingDocument,
} from '#lib/writes';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof MeiliError ? err.code : `not-a-meili-error: ${String(err)}`;
  }
  return undefined;
}

const RULES = { indexUid: 'movies', geo: true };
const one = (text: string): IncomingDocument => readDocuments('json', text)[0]!;

describe('readDocuments', () => {
  it('keeps every document as the client wrote it, on one line', () => {
    const text = '[\n  {"id": 1,\n   "n": 12345678901234567890, "s": "a\\nb"},\r\n  {"id":"x"}\n]';
    const docs = readDocuments('json', text);
    expect(docs.map((d) => d.text)).toEqual([
      '{"id": 1,    "n": 12345678901234567890, "s": "a\\nb"}',
      '{"id":"x"}',
    ]);
    expect(docs[0]!.value).toMatchObject({ id: 1, s: 'a\nb' });
  });

  it("refuses a document nested deeper than serde_json's recursion limit (128), as malformed", () => {
    // serde_json (used by milli to read document values) stops at 128 nested arrays or objects.
    const nested = (depth: number) =>
      `{"id":1,"a":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;
    expect(readDocuments('json', `[${nested(127)}]`)[0]!.depth).toBe(127);
    for (const format of ['json', 'ndjson'] as const) {
      expect(() => readDocuments(format, nested(128))).toThrow(
        expect.objectContaining({
          code: 'malformed_payload',
          message: `The \`${format}\` payload provided is malformed. \`Couldn't serialize document value: recursion limit exceeded\`.`,
        }),
      );
    }
  });

  it('reads a lone object, NDJSON lines and CSV rows', () => {
    expect(readDocuments('json', ' {"id":1} ').map((d) => d.text)).toEqual(['{"id":1}']);
    expect(readDocuments('ndjson', '{"id":1}\n\n{"id":2}\n').map((d) => d.value)).toEqual([
      { id: 1 },
      { id: 2 },
    ]);
    expect(readDocuments('csv', 'id,price:number\n1,2.5\n').map((d) => d.value)).toEqual([
      { id: '1', price: 2.5 },
    ]);
  });

  it.each([
    ['json', '[{"id":1},'],
    ['json', '[1,2]'],
    ['json', '"text"'],
    ['ndjson', '{"id":1}\n[1]'],
  ] as const)('refuses %s %j as malformed_payload', (format, text) => {
    expect(codeOf(() => readDocuments(format, text))).toBe('malformed_payload');
  });

  it('property: each document text parses to the same value as the whole payload', () => {
    const doc = fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 6 });
    fc.assert(
      fc.property(fc.array(doc, { maxLength: 8 }), fc.boolean(), (docs, pretty) => {
        const text = JSON.stringify(docs, null, pretty ? 2 : undefined);
        const read = readDocuments('json', text);
        expect(read.map((d) => JSON.parse(d.text))).toEqual(JSON.parse(text));
        for (const d of read) expect(d.text).not.toMatch(/[\r\n]/);
      }),
    );
  });
});

describe('documentId', () => {
  it.each([
    ['{"id":1}', '1'],
    ['{"id":-7}', '-7'],
    ['{"id":"a-B_9"}', 'a-B_9'],
    ['{"id":1234567890123456789}', '1234567890123456789'],
    ['{"id":18446744073709551615}', '18446744073709551615'],
    ['{"id":-9223372036854775808}', '-9223372036854775808'],
    [`{"id":"${'x'.repeat(511)}"}`, 'x'.repeat(511)],
    // The last of duplicate keys wins, as in JSON.parse.
    ['{"id":1,"id":2}', '2'],
    ['{"\\u0069d":3}', '3'],
  ])('accepts %s as %s', (text, id) => expect(documentId(one(text), 'id')).toBe(id));

  it.each([
    ['{"other":1}', 'missing_document_id'],
    ['{"id":"a b"}', 'invalid_document_id'],
    ['{"id":""}', 'invalid_document_id'],
    ['{"id":1.5}', 'invalid_document_id'],
    ['{"id":1.0}', 'invalid_document_id'],
    ['{"id":1e3}', 'invalid_document_id'],
    ['{"id":18446744073709551616}', 'invalid_document_id'],
    ['{"id":-9223372036854775809}', 'invalid_document_id'],
    ['{"id":null}', 'invalid_document_id'],
    ['{"id":["a"]}', 'invalid_document_id'],
    [`{"id":"${'x'.repeat(512)}"}`, 'invalid_document_id'],
    ['{"id":"é"}', 'invalid_document_id'],
  ])('refuses %s with %s', (text, code) => {
    expect(codeOf(() => documentId(one(text), 'id'))).toBe(code);
  });

  it('finds a member among nested values and strings that look like keys', () => {
    expect(memberText('{"a":{"id":5},"s":"\\"id\\":6","id": 7 }', 'id')).toBe('7');
    expect(memberText('{"a":[1,{"id":2}]}', 'id')).toBeUndefined();
  });
});

describe('documentParts', () => {
  const docs = readDocuments(
    'json',
    JSON.stringify(Array.from({ length: 200 }, (_, i) => ({ id: i % 3 ? `d-${i}` : i, n: i }))),
  );

  it('puts every document, byte for byte, in the part of its shard, in payload order', () => {
    const { parts, body } = documentParts(docs, 'id', 16, RULES);
    let at = 0;
    const seen: string[] = [];
    for (const part of parts) {
      const lines = body
        .subarray(at, at + part.bytes)
        .toString()
        .split('\n');
      at += part.bytes;
      expect(lines.pop()).toBe('');
      expect(lines).toHaveLength(part.count);
      for (const line of lines) {
        const doc = JSON.parse(line) as { id: string | number };
        expect(shardOf(String(doc.id), 16)).toBe(part.shard);
        seen.push(line);
      }
    }
    expect(at).toBe(body.length);
    expect(seen.sort()).toEqual(docs.map((d) => d.text).sort());
    expect(parts.map((p) => p.shard)).toEqual([...parts.map((p) => p.shard)].sort((a, b) => a - b));
  });

  it('refuses the whole payload for one bad document', () => {
    const bad = [...docs, one('{"title":"no id"}')];
    expect(codeOf(() => documentParts(bad, 'id', 16, RULES))).toBe('missing_document_id');
    expect(
      codeOf(() => documentParts([one('{"id":1,"_miroir_shard":"x"}')], 'id', 16, RULES)),
    ).toBe('miroir_reserved_field');
  });

  it('routes ids to delete by shard, an integer id like its decimal text', () => {
    const parts = idParts(['1', 'a', '42'], 64);
    expect(parts.flatMap((p) => p.ids).sort()).toEqual(['1', '42', 'a']);
    for (const p of parts) for (const id of p.ids) expect(shardOf(id, 64)).toBe(p.shard);
    expect(shardOf('42', 64)).toBe(shardOf(42, 64));
  });
});

describe('document rules (milli extract/geo, vector parsing)', () => {
  const check = (text: string, geo = true) =>
    codeAndMessage(() => documentParts([one(text)], 'id', 4, { indexUid: 'movies', geo }));

  function codeAndMessage(fn: () => unknown): [string, string] | undefined {
    try {
      fn();
    } catch (err) {
      if (err instanceof MeiliError) return [err.code, err.message];
      throw err;
    }
    return undefined;
  }

  it('checks _geo only when it is filterable or sortable, with the node messages', () => {
    expect(check('{"id":1,"_geo":"nowhere"}', false)).toBeUndefined();
    expect(check('{"id":1,"_geo":null}')).toBeUndefined();
    expect(check('{"id":1,"_geo":{"lat":"45.5","lng":-3}}')).toBeUndefined();
    expect(check('{"id":12,"_geo":{"lat":1,"lng":null}}')).toEqual([
      'invalid_document_geo_field',
      'Index `movies`: Could not parse longitude in the document with the id: `"12"`. Was expecting a finite number but instead got `null`.',
    ]);
    expect(check('{"id":"a","_geo":{"lat":1}}')?.[1]).toBe(
      'Index `movies`: Could not find longitude in the document with the id: `"a"`. Was expecting a `_geo.lng` field.',
    );
    expect(check('{"id":"a","_geo":{"lat":1,"lng":2,"alt":3}}')?.[1]).toBe(
      'Index `movies`: The `_geo` field in the document with the id: `"a"` contains the following unexpected fields: `{"alt":3}`.',
    );
    expect(check('{"id":"a","_geo":[1,2]}')?.[0]).toBe('invalid_document_geo_field');
    expect(check('{"id":"a","_geo":{"lat":"inf","lng":"x"}}')?.[1]).toContain(
      'Could not parse latitude nor longitude',
    );
  });

  it('checks every _vectors entry, configured embedder or not', () => {
    expect(check('{"id":1,"_vectors":{"e":[0.1,0.2]}}')).toBeUndefined();
    expect(check('{"id":1,"_vectors":{"e":[[0.1],[0.2]],"f":null}}')).toBeUndefined();
    expect(
      check('{"id":1,"_vectors":{"e":{"regenerate":false,"embeddings":[1,2]}}}'),
    ).toBeUndefined();
    expect(check('{"id":0,"_vectors":{"e":{"embeddings":[1]}}}')).toEqual([
      'invalid_vectors_type',
      'Index `movies`: Bad embedder configuration in the document with id: `0`. Missing field `._vectors.e.regenerate`\n  - note: `._vectors.e` must be an array of floats, an array of arrays of floats, or an object with field `regenerate`',
    ]);
    expect(check('{"id":0,"_vectors":{"e":true}}')?.[1]).toContain(
      'Expected `._vectors.e` to be an array of floats, an array of arrays of floats, or an object with at least the field `regenerate`, but got the boolean `true`',
    );
    expect(check('{"id":0,"_vectors":{"e":[0.1,[0.2]]}}')?.[0]).toBe('invalid_vectors_type');
    expect(check('{"id":0,"_vectors":[1]}')?.[1]).toContain(
      'The `_vectors` field in the document with id: `0` is not an object',
    );
  });
});
