import { describe, expect, it } from '@jest/globals';
import { parseExact, stringifyExact, hasBigInt } from './exact-json.js';

describe('exact JSON', () => {
  it('keeps integers beyond 2^53 exact, anywhere in the value', () => {
    const text = '{"id":18446744073709551615,"n":[-9223372036854775808,1],"s":"x"}';
    const value = parseExact(text) as { id: unknown; n: unknown[] };
    expect(value.id).toBe(18446744073709551615n);
    expect(value.n).toEqual([-9223372036854775808n, 1]);
    expect(stringifyExact(value, hasBigInt(value))).toBe(text);
  });

  it('reads safe integers and long fractions as the numbers JSON.parse gives', () => {
    const text =
      '{"_rankingScore":0.66666666666666663,"big":9007199254740991,"f":12345678901234567.5}';
    expect(parseExact(text)).toEqual(JSON.parse(text));
    expect(hasBigInt(parseExact(text))).toBe(false);
  });
});
