import { MeiliError } from '#lib/errors';

export type TokenKind = 'word' | 'quoted' | 'op' | '(' | ')' | '[' | ']' | ',' | 'eof';

export interface FilterToken {
  kind: TokenKind;
  text: string;
  /** Offset in the input, for error messages. */
  at: number;
}

const PUNCT = new Set(['(', ')', '[', ']', ',']);
/** Characters that end a bare word. */
const STOP = /[\s()[\],=!<>"']/u;

/** Splits a filter expression into tokens; throws MeiliError(code) on an unterminated quote or
 *  a lone `!`. */
export function lex(input: string, code: string): FilterToken[] {
  const tokens: FilterToken[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    if (/\s/u.test(c)) {
      i++;
    } else if (PUNCT.has(c)) {
      tokens.push({ kind: c as TokenKind, text: c, at: i });
      i++;
    } else if (c === '=' || c === '<' || c === '>' || c === '!') {
      const two = input.slice(i, i + 2);
      if (two === '!=' || two === '<=' || two === '>=') {
        tokens.push({ kind: 'op', text: two, at: i });
        i += 2;
      } else if (c === '!') {
        throw syntax(code, input, i, 'Was expecting an operation `=`, `!=`, `>=`, `>`, `<=`, `<`');
      } else {
        tokens.push({ kind: 'op', text: c, at: i });
        i++;
      }
    } else if (c === '"' || c === "'") {
      let text = '';
      let j = i + 1;
      for (; j < input.length && input[j] !== c; j++) {
        if (input[j] === '\\' && (input[j + 1] === c || input[j + 1] === '\\')) j++;
        text += input[j];
      }
      if (j >= input.length) {
        throw syntax(
          code,
          input,
          i,
          `Expression \`${input.slice(i)}\` is missing the following closing delimiter: \`${c}\``,
        );
      }
      tokens.push({ kind: 'quoted', text, at: i });
      i = j + 1;
    } else {
      let j = i;
      while (j < input.length && !STOP.test(input[j]!)) j++;
      tokens.push({ kind: 'word', text: input.slice(i, j), at: i });
      i = j;
    }
  }
  tokens.push({ kind: 'eof', text: '', at: input.length });
  return tokens;
}

export function syntax(code: string, input: string, at: number, what: string): MeiliError {
  return new MeiliError(code, `${what}.\n${at + 1}:${input.length + 1} ${input}`);
}
