import { describe, expect, it } from 'vitest';
import { SafetensorsFormatError } from '../errors.js';
import type { SafetensorsRule } from '../errors.js';
import { parseSafetensorsHeader } from './parse-header.js';
import { readSafetensorsBuffer } from './read-buffer.js';
import { summarizeSafetensors } from './summary.js';

/** A file whose header is `json` (as given, unpadded) followed by `dataBytes` zero bytes. */
function fileWith(json: string | Uint8Array, dataBytes = 0, declaredLength?: bigint): Uint8Array {
  const header = typeof json === 'string' ? new TextEncoder().encode(json) : json;
  const out = new Uint8Array(8 + header.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, declaredLength ?? BigInt(header.length), true);
  out.set(header, 8);
  return out;
}

function entry(dtype: string, shape: unknown, offsets: unknown): string {
  return JSON.stringify({ dtype, shape, data_offsets: offsets });
}

function expectRule(bytes: Uint8Array, rule: SafetensorsRule, tensor?: string): SafetensorsFormatError {
  return expectThrownRule(() => parseSafetensorsHeader(bytes, bytes.length), rule, tensor);
}

function expectThrownRule(fn: () => unknown, rule: SafetensorsRule, tensor?: string): SafetensorsFormatError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(SafetensorsFormatError);
  const error = caught as SafetensorsFormatError;
  expect(error.rule).toBe(rule);
  expect(error.tensor).toBe(tensor);
  expect(error.code).toBe('GRADIEND_ERR_SAFETENSORS_FORMAT');
  expect(error.message).toContain(`(rule: ${rule})`);
  if (tensor !== undefined) expect(error.message).toContain(`'${tensor}'`);
  return error;
}

describe('parseSafetensorsHeader rejects each malformed file with its rule', () => {
  it('header-length: file shorter than the 8-byte prefix', () => {
    expectRule(new Uint8Array(5), 'header-length');
  });

  it('header-too-large: N above 100 MB', () => {
    const error = expectRule(fileWith('{}', 0, 100_000_001n), 'header-too-large');
    expect(error.message).toContain('100000001');
  });

  it('header-too-large: N near 2^64 is not silently rounded', () => {
    expectRule(fileWith('{}', 0, 2n ** 64n - 1n), 'header-too-large');
  });

  it('header-out-of-bounds: 8 + N past the end of the file', () => {
    expectRule(fileWith('{}', 0, 40n), 'header-out-of-bounds');
  });

  it('header-json: invalid UTF-8', () => {
    expectRule(fileWith(new Uint8Array([0x7b, 0xff, 0x7d])), 'header-json');
  });

  it('header-json: invalid JSON', () => {
    expectRule(fileWith('{"a":'), 'header-json');
  });

  it.each(['[]', 'null', '3', '"x"'])('header-not-object: %s', (json) => {
    expectRule(fileWith(json), 'header-not-object');
  });

  it.each(['{"__metadata__":{"a":1}}', '{"__metadata__":["a"]}', '{"__metadata__":"a"}'])(
    'metadata: %s',
    (json) => {
      expectRule(fileWith(json), 'metadata');
    },
  );

  it.each([
    ['not an object', '[1,2]'],
    ['missing data_offsets', '{"dtype":"F32","shape":[1]}'],
    ['missing dtype', '{"shape":[1],"data_offsets":[0,4]}'],
  ])('tensor-entry: %s', (_, value) => {
    expectRule(fileWith(`{"w":${value}}`, 4), 'tensor-entry', 'w');
  });

  it.each(['F8_E4M3', 'U16', 'float32', 'f32'])('unknown-dtype: %s', (dtype) => {
    const error = expectRule(fileWith(`{"w":${entry(dtype, [1], [0, 1])}}`, 1), 'unknown-dtype', 'w');
    expect(error.message).toContain(dtype);
  });

  it.each([[[-1]], [[1.5]], ['2'], [[2 ** 53]], [[2 ** 30, 2 ** 30, 2 ** 30]]])('shape: %j', (shape) => {
    expectRule(fileWith(`{"w":${entry('U8', shape, [0, 0])}}`), 'shape', 'w');
  });

  it('byte-length: numel × itemSize differs from end − begin', () => {
    const error = expectRule(fileWith(`{"w":${entry('F32', [2], [0, 4])}}`, 4), 'byte-length', 'w');
    expect(error.message).toContain('8 bytes');
  });

  it('offsets: a hole between tensors', () => {
    const json = `{"a":${entry('F32', [1], [0, 4])},"b":${entry('F32', [1], [8, 12])}}`;
    expectRule(fileWith(json, 12), 'offsets', 'b');
  });

  it('offsets: overlapping tensors', () => {
    const json = `{"a":${entry('F32', [2], [0, 8])},"b":${entry('F32', [1], [4, 8])}}`;
    expectRule(fileWith(json, 8), 'offsets', 'b');
  });

  it('offsets: data not starting at 0', () => {
    expectRule(fileWith(`{"a":${entry('U8', [2], [2, 4])}}`, 4), 'offsets', 'a');
  });

  it.each([[[4, 0]], [[0]], [[-1, 3]], ['0-4']])('offsets: malformed data_offsets %j', (offsets) => {
    expectRule(fileWith(`{"a":${entry('U8', [4], offsets)}}`, 4), 'offsets', 'a');
  });

  it('data-coverage: trailing bytes after the last tensor', () => {
    expectRule(fileWith(`{"a":${entry('U8', [2], [0, 2])}}`, 3), 'data-coverage', 'a');
  });

  it('data-coverage: truncated data', () => {
    expectRule(fileWith(`{"a":${entry('F32', [2], [0, 8])}}`, 7), 'data-coverage', 'a');
  });

  it('data-coverage: data bytes but no tensors', () => {
    expectRule(fileWith('{}', 8), 'data-coverage');
  });

  it('missing-tensor: get() of an unknown name', () => {
    const buffer = readSafetensorsBuffer(fileWith(`{"a":${entry('U8', [1], [0, 1])}}`, 1));
    expectThrownRule(() => buffer.get('b'), 'missing-tensor', 'b');
  });
});

describe('parseSafetensorsHeader accepts what the reference accepts', () => {
  it('parses tensors in header order, any offset order, metadata and padding', () => {
    const json =
      `{"__metadata__":{"format":"pt","__proto__":"x"},` +
      `"z":${entry('U8', [2, 1], [8, 10])},"a":${entry('I64', [1], [0, 8])},"e":${entry('BOOL', [0], [10, 10])}}   `;
    const bytes = fileWith(json, 10);
    const header = parseSafetensorsHeader(bytes, bytes.length);
    expect(header.tensors.map((t) => t.name)).toEqual(['z', 'a', 'e']);
    expect(header.byName.get('z')).toEqual({
      name: 'z',
      dtype: 'U8',
      shape: [2, 1],
      begin: 8,
      end: 10,
      numel: 2,
      byteLength: 2,
    });
    expect(header.metadata).toEqual({ format: 'pt', ['__proto__']: 'x' });
    expect(Object.getPrototypeOf(header.metadata)).toBe(Object.prototype);
    expect(header.headerByteLength).toBe(new TextEncoder().encode(json).length);
    expect(header.dataStart).toBe(8 + header.headerByteLength);
    expect(summarizeSafetensors(header)).toEqual({
      tensorCount: 3,
      parameterCount: 3,
      dataBytes: 10,
      byDType: {
        U8: { tensors: 1, parameters: 2, bytes: 2 },
        I64: { tensors: 1, parameters: 1, bytes: 8 },
        BOOL: { tensors: 1, parameters: 0, bytes: 0 },
      },
    });
  });

  it('treats "__metadata__": null as no metadata, like the reference', () => {
    const header = parseSafetensorsHeader(fileWith('{"__metadata__":null}'), 8 + 21);
    expect(header.metadata).toBeNull();
    expect(header.tensors).toEqual([]);
  });

  it('needs only the header bytes, never the tensor data', () => {
    const full = fileWith(`{"a":${entry('F64', [1000], [0, 8000])}}`, 8000);
    const header = parseSafetensorsHeader(full.slice(0, full.length - 8000), full.length);
    expect(header.byName.get('a')?.numel).toBe(1000);
  });

  it('throws a RangeError when the prefix is shorter than the header', () => {
    const full = fileWith(`{"a":${entry('U8', [1], [0, 1])}}`, 1);
    expect(() => parseSafetensorsHeader(full.subarray(0, 12), full.length)).toThrow(RangeError);
  });
});
