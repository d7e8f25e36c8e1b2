import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors/api-error.js';
import { parseEncodeJson } from './encode-json.js';

const bytes = (s: string) => new Uint8Array(Buffer.from(s));
const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e instanceof ApiError ? `${e.code}: ${e.message}` : `other: ${String(e)}`;
  }
  return 'no error';
};

describe('parseEncodeJson', () => {
  it('reads what JSON.parse reads, as float32 rows', () => {
    const rows = Array.from({ length: 37 }, (_, r) =>
      Array.from({ length: 5 }, (_, c) => Math.sin(r * 7 + c) * 10 ** ((r % 9) - 4)),
    );
    const text = JSON.stringify({ inputs: rows }, null, 3);
    expect(Array.from(parseEncodeJson(bytes(text), 5))).toEqual(Array.from(new Float32Array(rows.flat())));
    expect(Array.from(parseEncodeJson(bytes(' { "inputs" :[ [1 ,-2.5e0] ] } \n'), 2))).toEqual([1, -2.5]);
  });

  it('gives the float32 bits JSON.parse gives, compact or padded', () => {
    // Values that stress decimal → float32: long mantissas, subnormals, the float32 edges, -0.
    const edge = [-0, 1e-45, 1.401298464324817e-45, 3.4028234663852886e38, -3.4028234663852886e38];
    const row = (r: number) =>
      Array.from({ length: 64 }, (_, c) => edge[c] ?? Math.sin(r * 131 + c) * 10 ** ((c % 60) - 30));
    const rows = Array.from({ length: 9 }, (_, r) => row(r));
    const expected = Array.from(new Float32Array(rows.flat()));
    // JSON.stringify writes -0 as 0; the bodies spell it out so that the sign is tested too.
    const lit = (v: number) => (Object.is(v, -0) ? '-0' : JSON.stringify(v));
    const compact = `{"inputs":[${rows.map((r) => `[${r.map(lit).join(',')}]`).join(',')}]}`;
    const padded = `{"inputs":[${rows.map((r) => `[${r.map((v) => `${' '.repeat(60)}${lit(v)}`).join(',')}]`).join(',')}]}`;
    for (const text of [compact, padded]) {
      const got = parseEncodeJson(bytes(text), 64);
      expect(Array.from(got).map((v) => (Object.is(v, -0) ? '-0' : v))).toEqual(
        expected.map((v) => (Object.is(v, -0) ? '-0' : v)),
      );
    }
  });

  it('names the bad value of a well-formed but wrong row', () => {
    expect(codeOf(() => parseEncodeJson(bytes('{"inputs":[[1,2,3],[1,"2",3]]}'), 3))).toContain(
      'inputs[1][1] is not a number',
    );
    expect(codeOf(() => parseEncodeJson(bytes('{"inputs":[[1,[2],3]]}'), 3))).toContain(
      'inputs[0][1] is not a number',
    );
  });

  it.each([
    ['{"inputs":[]}', 3, 'GRADIEND_ERR_INPUT_SHAPE'],
    ['{"inputs":[[],[],[]]}', 3, 'GRADIEND_ERR_INPUT_SHAPE: inputs[0] has 0 values'],
    ['{"inputs":[[1,2,3],[1,2]]}', 3, 'GRADIEND_ERR_INPUT_SHAPE: inputs[1] has 2 values'],
    ['{"inputs":[[1,2,3,4]]}', 3, 'GRADIEND_ERR_INPUT_SHAPE: inputs[0] has more than 3'],
    ['{"inputs":[[1e39,0,0]]}', 3, 'GRADIEND_ERR_INPUT_VALUE'],
    ['{"inputs":[[-1e400,0,0]]}', 3, 'GRADIEND_ERR_INPUT_VALUE'],
    ['{"inputs":[[NaN,0,0]]}', 3, 'GRADIEND_ERR_REQUEST_VALIDATION'],
    ['{"inputs":[["1",0,0]]}', 3, 'GRADIEND_ERR_REQUEST_VALIDATION'],
    ['{"inputs":[[null,0,0]]}', 3, 'GRADIEND_ERR_REQUEST_VALIDATION'],
    ['{"inputs":[[true,0,0]]}', 3, 'GRADIEND_ERR_REQUEST_VALIDATION'],
    ['{"inputs":[[1,2,3]],"x":1}', 3, 'GRADIEND_ERR_REQUEST_VALIDATION'],
    ['{"inputs":[[1,2,3]]', 3, 'GRADIEND_ERR_REQUEST_VALIDATION'],
    ['{"inputs":[[1,2,3]]}x', 3, 'GRADIEND_ERR_REQUEST_VALIDATION'],
    ['{"inputs":[[1 2 3]]}', 3, 'GRADIEND_ERR_REQUEST_VALIDATION'],
    ['{"inputs":[[01,2,3]]}', 3, 'GRADIEND_ERR_REQUEST_VALIDATION'],
    ['[[1,2,3]]', 3, 'GRADIEND_ERR_REQUEST_VALIDATION'],
    ['', 3, 'GRADIEND_ERR_REQUEST_VALIDATION'],
  ])('%s (width %i) → %s', (text, width, expected) => {
    expect(codeOf(() => parseEncodeJson(bytes(text), width))).toContain(expected);
  });

  it('stops at the first bad row of millions without building them (bounded memory)', () => {
    const body = Buffer.from(`{"inputs":[${'[],'.repeat(20_000_000)}[]]}`);
    const before = process.memoryUsage().heapUsed;
    expect(codeOf(() => parseEncodeJson(body, 8))).toContain('inputs[0] has 0 values');
    // JSON.parse would allocate 20 M arrays (~1 GB); the scan reads the bytes and stops at row 0.
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(2 * body.length + 16 * 1024 * 1024);
  });
});
