import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIGITS_DIR, FIXTURES_DIR } from '../test-support/fixtures.js';
import type { JsonNumber, JsonObject } from './json-value.js';
import { fromPlain, pythonFloatRepr, toPlain } from './json-value.js';
import { parseJson } from './parse-json.js';
import { stringifyPythonJson } from './python-json.js';

describe('pythonFloatRepr', () => {
  // Expected strings are what CPython's repr(float) prints for these values.
  it.each([
    [0.1, '0.1'],
    [1, '1.0'],
    [-2.5, '-2.5'],
    [1e-5, '1e-05'],
    [0.0001, '0.0001'],
    [1.5e-7, '1.5e-07'],
    [1e16, '1e+16'],
    [1234567890123456.0, '1234567890123456.0'],
    [1.2345e20, '1.2345e+20'],
    [0.053924087435007095, '0.053924087435007095'],
    [5e-324, '5e-324'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [-0, '-0.0'],
    [NaN, 'NaN'],
    [-Infinity, '-Infinity'],
  ])('%s → %s', (x, text) => {
    expect(pythonFloatRepr(x)).toBe(text);
  });

  it('round-trips through Number()', () => {
    for (const x of [Math.PI, 2 / 3, 1e-300, 123.456e10, 0.3]) expect(Number(pythonFloatRepr(x))).toBe(x);
  });
});

describe('parseJson', () => {
  it('keeps key order, including integer-like keys that JS objects would move first', () => {
    const v = parseJson('{"8": -1, "3": 1, "a": {"z": 0, "b": 1}}') as JsonObject;
    expect([...v.entries()].map(([k]) => k)).toEqual(['8', '3', 'a']);
  });

  it('keeps number literals so ints and floats stay distinct', () => {
    const v = parseJson('[1, 1.0, 1e-05, -0.0]') as JsonNumber[];
    expect(v.map((n) => [n.text, n.isInteger])).toEqual([
      ['1', true],
      ['1.0', false],
      ['1e-05', false],
      ['-0.0', false],
    ]);
  });

  it('decodes escapes and surrogate pairs', () => {
    expect(parseJson('"a\\"b\\\\c\\n\\u00e9\\ud83d\\ude00"')).toBe('a"b\\c\né😀');
  });

  it('a repeated key keeps its first position and its last value, like a Python dict', () => {
    const v = parseJson('{"a": 1, "b": 2, "a": 3}') as JsonObject;
    expect(toPlain(v)).toEqual({ a: 3, b: 2 });
    expect([...v.entries()].map(([k]) => k)).toEqual(['a', 'b']);
  });

  it.each(['{"a": 1,}', '[1 2]', '{"a" 1}', '"unterminated', '01', '{"a": 1} x', '"\u0001"', ''])(
    'rejects malformed input %j',
    (text) => {
      expect(() => parseJson(text)).toThrow(SyntaxError);
    },
  );

  it('rejects absurd nesting instead of overflowing the stack', () => {
    expect(() => parseJson('['.repeat(100_000))).toThrow(/nesting too deep/);
  });
});

describe('stringifyPythonJson', () => {
  it('formats like json.dump(indent=2)', () => {
    const v = fromPlain({ a: [], b: {}, c: [1, 2.5], d: 'é"\n', e: null, f: true });
    expect(stringifyPythonJson(v)).toBe(
      '{\n  "a": [],\n  "b": {},\n  "c": [\n    1,\n    2.5\n  ],\n  "d": "\\u00e9\\"\\n",\n  "e": null,\n  "f": true\n}',
    );
  });

  it('normalises float literals the way Python re-serialises them', () => {
    expect(stringifyPythonJson(parseJson('[1E5, 0.10, 1e-5, 3]'))).toBe(
      '[\n  100000.0,\n  0.1,\n  1e-05,\n  3\n]',
    );
  });

  // Every JSON file the reference wrote must survive parse → stringify byte for byte.
  const files: string[] = [];
  for (const c of readdirSync(FIXTURES_DIR)) {
    for (const sub of readdirSync(path.join(FIXTURES_DIR, c))) {
      const dir = path.join(FIXTURES_DIR, c, sub);
      for (const f of ['config.json', 'training.json'])
        if (existsSync(path.join(dir, f))) files.push(path.join(dir, f));
    }
  }
  for (const f of readdirSync(path.join(DIGITS_DIR, 'gradiend-digits-3-vs-8'))) {
    if (f.endsWith('.json')) files.push(path.join(DIGITS_DIR, 'gradiend-digits-3-vs-8', f));
  }

  it.each(files.map((f) => [path.relative(path.dirname(FIXTURES_DIR), f), f]))(
    'round-trips %s',
    (_label, file) => {
      const text = readFileSync(file, 'utf8');
      expect(stringifyPythonJson(parseJson(text))).toBe(text);
    },
  );

  it('found the reference JSON files', () => {
    expect(files.length).toBeGreaterThan(30);
  });
});
