import { describe, expect, it } from '@jest/globals';
import { parseCsv } from './csv.js';

describe('parseCsv', () => {
  it('reads typed headers, quotes and embedded newlines', () => {
    const csv =
      'id:number,title,price:number,available:boolean\n1,"Hello, ""world""",9.5,true\n2,"two\nlines",,false\n';
    expect(parseCsv(csv, ',')).toEqual([
      { id: 1, title: 'Hello, "world"', price: 9.5, available: true },
      { id: 2, title: 'two\nlines', price: null, available: false },
    ]);
  });

  it('uses the given delimiter and keeps untyped columns as strings', () => {
    expect(parseCsv('id;name\r\n7;x\r\n', ';')).toEqual([{ id: '7', name: 'x' }]);
  });

  it('refuses ragged rows and bad numbers with malformed_payload', () => {
    expect(() => parseCsv('id,name\n1\n', ',')).toThrow(
      expect.objectContaining({ code: 'malformed_payload' }),
    );
    expect(() => parseCsv('id:number\nabc\n', ',')).toThrow(
      expect.objectContaining({ code: 'malformed_payload' }),
    );
  });
});
