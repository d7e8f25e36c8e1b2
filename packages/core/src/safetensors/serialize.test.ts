import { describe, expect, it } from 'vitest';
import { SafetensorsFormatError } from '../errors.js';
import { DTYPES } from '../tensor/dtype.js';
import type { DType, TypedArray } from '../tensor/dtype.js';
import { tensor } from '../tensor/tensor.js';
import type { Tensor } from '../tensor/tensor.js';
import { planSafetensorsLayout } from './layout.js';
import { compareUtf8 } from './layout-order.js';
import { parseSafetensorsHeader } from './parse-header.js';
import { readSafetensorsBuffer } from './read-buffer.js';
import { serializeSafetensors } from './serialize.js';

const ALL_DTYPES = Object.keys(DTYPES) as DType[];

function sample(dtype: DType, numel: number): TypedArray {
  const data = DTYPES[dtype].create(numel);
  for (let i = 0; i < numel; i++) {
    if (data instanceof BigInt64Array) data[i] = BigInt(i * 1_000_000_007) - 5n;
    else if (dtype === 'BOOL') data[i] = i % 2;
    else data[i] = dtype === 'F32' || dtype === 'F64' ? i * 1.5 - 3 : i * 37 - 60;
  }
  return data;
}

function headerJson(bytes: Uint8Array): string {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return new TextDecoder().decode(bytes.subarray(8, 8 + n));
}

function writeRule(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SafetensorsFormatError);
    const e = error as SafetensorsFormatError;
    expect(e.rule).toBe('write');
    return e.tensor;
  }
  throw new Error('expected a write error');
}

describe('serializeSafetensors / readSafetensorsBuffer round trip', () => {
  const shapes: Array<readonly number[]> = [[], [0], [3, 0, 2], [5], [2, 3], [2, 1, 3]];

  it.each(ALL_DTYPES)('%s: every shape, including 0-d and empty', (dtype) => {
    const entries = shapes.map((shape, i): [string, Tensor] => {
      const numel = shape.reduce((a, b) => a * b, 1);
      return [`t${i}`, tensor(dtype, shape, sample(dtype, numel))];
    });
    const bytes = serializeSafetensors(entries);
    const back = readSafetensorsBuffer(bytes).tensors();
    expect(back.size).toBe(entries.length);
    for (const [name, t] of entries) {
      const got = back.get(name);
      expect(got?.dtype).toBe(dtype);
      expect(got?.shape).toEqual(t.shape);
      expect(got?.data).toEqual(t.data);
    }
  });

  it('mixes all dtypes in one file, ordered by dtype (reference enum, descending) then name', () => {
    const entries = ALL_DTYPES.flatMap((dtype): Array<[string, Tensor]> => [
      [`b.${dtype}`, tensor(dtype, [3], sample(dtype, 3))],
      [`a.${dtype}`, tensor(dtype, [1], sample(dtype, 1))],
    ]);
    const bytes = serializeSafetensors(entries);
    const header = parseSafetensorsHeader(bytes, bytes.length);
    const order = ['I64', 'F64', 'F32', 'I32', 'BF16', 'F16', 'I16', 'I8', 'U8', 'BOOL'];
    expect(header.tensors.map((t) => t.name)).toEqual(order.flatMap((d) => [`a.${d}`, `b.${d}`]));
    const buffer = readSafetensorsBuffer(bytes);
    for (const [name, t] of entries) expect(buffer.get(name).data).toEqual(t.data);
  });

  it('writes compact JSON padded with spaces to a multiple of 8, metadata first with sorted keys', () => {
    const bytes = serializeSafetensors(
      { w: tensor('F32', [2], new Float32Array([1, 2])) },
      { z: '1', a: 'é"' },
    );
    const json = headerJson(bytes);
    expect(new TextEncoder().encode(json).length % 8).toBe(0);
    expect(json.endsWith(' ')).toBe(true);
    expect(json.trimEnd()).toBe(
      '{"__metadata__":{"a":"é\\"","z":"1"},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}',
    );
    expect(readSafetensorsBuffer(bytes).header.metadata).toEqual({ z: '1', a: 'é"' });
  });

  it('writes an empty metadata block only when one is given', () => {
    expect(headerJson(serializeSafetensors([])).trimEnd()).toBe('{}');
    expect(headerJson(serializeSafetensors([], {})).trimEnd()).toBe('{"__metadata__":{}}');
    expect(serializeSafetensors([]).length).toBe(16);
  });

  it('keeps integer-like names in sorted order rather than JS object key order', () => {
    const entries = ['b', '10', '2', 'a'].map((n): [string, Tensor] => [
      n,
      tensor('U8', [1], new Uint8Array([1])),
    ]);
    const json = headerJson(serializeSafetensors(entries));
    expect([...json.matchAll(/"([^"]+)":\{"dtype"/g)].map((m) => m[1])).toEqual(['10', '2', 'a', 'b']);
  });

  it('returns zero-copy views when aligned and copies otherwise', () => {
    const bytes = serializeSafetensors({ x: tensor('F64', [2], new Float64Array([1, 2])) });
    const aligned = readSafetensorsBuffer(bytes).get('x');
    expect(aligned.data.buffer).toBe(bytes.buffer);
    const shifted = new Uint8Array(bytes.length + 1).subarray(1);
    shifted.set(bytes);
    const copied = readSafetensorsBuffer(shifted).get('x');
    expect(copied.data.buffer).not.toBe(shifted.buffer);
    expect(copied.data).toEqual(new Float64Array([1, 2]));
  });
});

describe('serializeSafetensors rejects bad input', () => {
  it('duplicate names', () => {
    const t = tensor('U8', [1], new Uint8Array(1));
    expect(
      writeRule(() =>
        serializeSafetensors([
          ['x', t],
          ['x', t],
        ]),
      ),
    ).toBe('x');
  });

  it('data length that does not match the shape', () => {
    const bad: Tensor = { dtype: 'F32', shape: [3], data: new Float32Array(2) };
    expect(writeRule(() => serializeSafetensors({ bad }))).toBe('bad');
  });

  it('data of the wrong array class', () => {
    const bad = { dtype: 'F32', shape: [2], data: new Int32Array(2) } as unknown as Tensor;
    expect(writeRule(() => serializeSafetensors({ bad }))).toBe('bad');
  });

  it('the reserved name __metadata__', () => {
    const t = tensor('U8', [0], new Uint8Array(0));
    expect(writeRule(() => serializeSafetensors(new Map([['__metadata__', t]])))).toBe('__metadata__');
  });

  it('non-string metadata values', () => {
    const meta = { a: 1 } as unknown as Record<string, string>;
    expect(writeRule(() => serializeSafetensors([], meta))).toBeUndefined();
  });
});

describe('planSafetensorsLayout', () => {
  it('plans offsets and header bytes without any tensor data', () => {
    const layout = planSafetensorsLayout([
      { name: 'w', dtype: 'F32', shape: [1000, 1000] },
      { name: 'idx', dtype: 'I64', shape: [10] },
    ]);
    expect(layout.order).toEqual([
      { name: 'idx', dtype: 'I64', shape: [10], begin: 0, end: 80 },
      { name: 'w', dtype: 'F32', shape: [1000, 1000], begin: 80, end: 4_000_080 },
    ]);
    expect(layout.dataStart).toBe(layout.headerBytes.length);
    expect(layout.dataStart % 8).toBe(0);
    expect(layout.totalBytes).toBe(layout.dataStart + 4_000_080);
    const header = parseSafetensorsHeader(layout.headerBytes, layout.totalBytes);
    expect(header.tensors.map((t) => [t.name, t.begin, t.end])).toEqual([
      ['idx', 0, 80],
      ['w', 80, 4_000_080],
    ]);
  });

  it('rejects negative or fractional dims', () => {
    expect(writeRule(() => planSafetensorsLayout([{ name: 'x', dtype: 'U8', shape: [-1] }]))).toBe('x');
    expect(writeRule(() => planSafetensorsLayout([{ name: 'y', dtype: 'U8', shape: [0.5] }]))).toBe('y');
  });
});

describe('compareUtf8', () => {
  it('orders by UTF-8 bytes (code points), as Rust sorts names', () => {
    const astral = '\u{1F600}'; // a surrogate pair in UTF-16, 4 bytes in UTF-8
    const bmpHigh = '\uFF21'; // above the surrogate range in UTF-16
    expect(astral < bmpHigh).toBe(true); // JS code-unit order
    expect(compareUtf8(astral, bmpHigh)).toBeGreaterThan(0);
    const utf8 = (s: string) => [...new TextEncoder().encode(s)];
    const names = ['b', 'a', 'ab', '', 'é', astral, bmpHigh, 'Z', 'a\u{10000}', 'a\uE000'];
    const bytewise = [...names].sort((x, y) => {
      const [bx, by] = [utf8(x), utf8(y)];
      for (let i = 0; i < Math.min(bx.length, by.length); i++) {
        const d = (bx[i] as number) - (by[i] as number);
        if (d !== 0) return d;
      }
      return bx.length - by.length;
    });
    expect([...names].sort(compareUtf8)).toEqual(bytewise);
  });
});
