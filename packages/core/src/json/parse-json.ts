import { JsonNumber, JsonObject } from './json-value.js';
import type { JsonValue } from './json-value.js';

export class JsonSyntaxError extends SyntaxError {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} at position ${position}`);
    this.name = 'JsonSyntaxError';
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const MAX_DEPTH = 512;

/** Parses JSON keeping key order and number literals (plus Python's NaN/Infinity tokens). */
export function parseJson(text: string): JsonValue {
  let pos = 0;
  let depth = 0;

  const fail = (msg: string): never => {
    throw new JsonSyntaxError(msg, pos);
  };
  const skipWs = (): void => {
    while (pos < text.length) {
      const c = text.charCodeAt(pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) pos++;
      else break;
    }
  };
  const expect = (ch: string): void => {
    if (text[pos] !== ch) fail(`expected '${ch}'`);
    pos++;
  };

  const parseString = (): string => {
    expect('"');
    let out = '';
    let start = pos;
    for (;;) {
      if (pos >= text.length) fail('unterminated string');
      const c = text.charCodeAt(pos);
      if (c === 0x22) {
        out += text.slice(start, pos);
        pos++;
        return out;
      }
      if (c < 0x20) fail('control character in string');
      if (c !== 0x5c) {
        pos++;
        continue;
      }
      out += text.slice(start, pos);
      const esc = text[pos + 1];
      pos += 2;
      switch (esc) {
        case '"':
        case '\\':
        case '/':
          out += esc;
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          const hex = text.slice(pos, pos + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('bad \\u escape');
          out += String.fromCharCode(parseInt(hex, 16));
          pos += 4;
          break;
        }
        default:
          fail('bad escape');
      }
      start = pos;
    }
  };

  const parseValue = (): JsonValue => {
    skipWs();
    const c = text[pos];
    if (c === '{') {
      if (++depth > MAX_DEPTH) fail('nesting too deep');
      pos++;
      const obj = new JsonObject();
      skipWs();
      if (text[pos] === '}') {
        pos++;
        depth--;
        return obj;
      }
      for (;;) {
        skipWs();
        const key = parseString();
        skipWs();
        expect(':');
        obj.set(key, parseValue());
        skipWs();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        expect('}');
        depth--;
        return obj;
      }
    }
    if (c === '[') {
      if (++depth > MAX_DEPTH) fail('nesting too deep');
      pos++;
      const arr: JsonValue[] = [];
      skipWs();
      if (text[pos] === ']') {
        pos++;
        depth--;
        return arr;
      }
      for (;;) {
        arr.push(parseValue());
        skipWs();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        expect(']');
        depth--;
        return arr;
      }
    }
    if (c === '"') return parseString();
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
      ['NaN', new JsonNumber('NaN')],
      ['Infinity', new JsonNumber('Infinity')],
      ['-Infinity', new JsonNumber('-Infinity')],
    ] as const) {
      if (text.startsWith(word, pos)) {
        pos += word.length;
        return value;
      }
    }
    NUMBER.lastIndex = pos;
    const m = NUMBER.exec(text);
    if (!m || m[0].length === 0) return fail('unexpected token');
    pos += m[0].length;
    return new JsonNumber(m[0]);
  };

  const value = parseValue();
  skipWs();
  if (pos !== text.length) fail('unexpected data after JSON value');
  return value;
}
