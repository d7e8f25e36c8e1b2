import { describe, expect, it } from 'vitest';
import { TorchCheckpointError } from '../errors.js';
import type { DType } from '../tensor/dtype.js';
import { isContiguous, materialiseTensor } from './materialise-tensor.js';
import type { TorchTensorRef } from './pickle-values.js';
import { STORAGE_DTYPES } from './torch-globals.js';
import type { StorageClassName } from './torch-globals.js';
import { bytesOf } from './test-builders.js';

function ref(
  storageClass: StorageClassName,
  numel: number,
  shape: number[],
  stride: number[],
  storageOffset = 0,
): TorchTensorRef {
  const dtype: DType = STORAGE_DTYPES[storageClass];
  return {
    kind: 'tensor',
    storage: { kind: 'storage', key: 's', storageClass, dtype, location: 'cpu', numel },
    storageOffset,
    shape,
    stride,
    requiresGrad: false,
  };
}

const floats = bytesOf(Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7]));

describe('isContiguous', () => {
  it.each<[number[], number[], boolean]>([
    [[2, 3], [3, 1], true],
    [[3, 2], [1, 3], false],
    [[1, 4], [99, 1], true],
    [[4, 1], [1, 7], true],
    [[2, 0], [5, 5], true],
    [[], [], true],
    [[2, 2], [0, 1], false],
  ])('shape %j stride %j → %s', (shape, stride, expected) => {
    expect(isContiguous(shape, stride)).toBe(expected);
  });
});

describe('materialiseTensor', () => {
  it('views a contiguous tensor in place, honouring the storage offset', () => {
    const t = materialiseTensor(ref('FloatStorage', 8, [2, 3], [3, 1], 2), floats);
    expect(t.dtype).toBe('F32');
    expect(t.shape).toEqual([2, 3]);
    expect([...t.data]).toEqual([2, 3, 4, 5, 6, 7]);
    expect(t.data.buffer).toBe(floats.buffer);
  });

  it('copies when asked, so the tensor does not alias the storage', () => {
    const t = materialiseTensor(ref('FloatStorage', 8, [8], [1]), floats, { copy: true });
    expect(t.data.buffer).not.toBe(floats.buffer);
    expect([...t.data]).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('copies when the offset would misalign a typed view', () => {
    const backing = new Uint8Array(9);
    backing.set(floats.subarray(0, 8), 1);
    const t = materialiseTensor(ref('FloatStorage', 2, [2], [1]), backing.subarray(1));
    expect([...t.data]).toEqual([0, 1]);
  });

  it('gathers a transposed tensor into row-major order', () => {
    // storage holds a 2×3 matrix [[0,1,2],[3,4,5]]; the tensor is its 3×2 transpose
    const t = materialiseTensor(ref('FloatStorage', 8, [3, 2], [1, 3]), floats);
    expect([...t.data]).toEqual([0, 3, 1, 4, 2, 5]);
  });

  it('gathers expanded (stride 0) and offset strided tensors', () => {
    expect([...materialiseTensor(ref('FloatStorage', 8, [2, 3], [0, 1], 5), floats).data]).toEqual([
      5, 6, 7, 5, 6, 7,
    ]);
    expect([...materialiseTensor(ref('FloatStorage', 8, [2, 2], [4, 2], 1), floats).data]).toEqual([
      1, 3, 5, 7,
    ]);
  });

  it('handles every dtype, including int64 as bigint and halves as raw bits', () => {
    const longs = materialiseTensor(
      ref('LongStorage', 2, [2], [1]),
      bytesOf(BigInt64Array.from([-5n, 1n << 40n])),
    );
    expect(longs.dtype).toBe('I64');
    expect([...longs.data]).toEqual([-5n, 1n << 40n]);
    const halves = materialiseTensor(
      ref('HalfStorage', 2, [1, 2], [1, 1]),
      bytesOf(Uint16Array.from([0x3c00, 0xc000])),
    );
    expect(halves.dtype).toBe('F16');
    expect([...halves.data]).toEqual([0x3c00, 0xc000]);
    const bools = materialiseTensor(ref('BoolStorage', 3, [3], [1]), Uint8Array.from([1, 0, 1]));
    expect(bools.dtype).toBe('BOOL');
    const shorts = materialiseTensor(
      ref('ShortStorage', 2, [2, 1], [1, 5]),
      bytesOf(Int16Array.from([-300, 7])),
    );
    expect([...shorts.data]).toEqual([-300, 7]);
    const doubles = materialiseTensor(
      ref('DoubleStorage', 2, [2], [1]),
      bytesOf(Float64Array.from([0.1, 0.2])),
    );
    expect([...doubles.data]).toEqual([0.1, 0.2]);
  });

  it('produces empty and scalar tensors', () => {
    expect(materialiseTensor(ref('FloatStorage', 0, [0, 3], [3, 1]), new Uint8Array(0)).data.length).toBe(0);
    expect([...materialiseTensor(ref('FloatStorage', 8, [], [], 4), floats).data]).toEqual([4]);
  });

  it('rejects storage bytes that do not match numel × itemsize', () => {
    expect(() => materialiseTensor(ref('FloatStorage', 3, [3], [1]), floats)).toThrow(TorchCheckpointError);
    expect(() => materialiseTensor(ref('FloatStorage', 3, [3], [1]), floats)).toThrow(
      "storage 's' has 32 bytes but 3 × F32 needs 12",
    );
  });

  it('rejects tensors reaching beyond their storage', () => {
    expect(() => materialiseTensor(ref('FloatStorage', 8, [4], [1], 5), floats)).toThrow(
      /reaches element 8 of 8/,
    );
    expect(() => materialiseTensor(ref('FloatStorage', 8, [2, 2], [4, 4], 1), floats)).toThrow(
      /reaches element 9 of 8/,
    );
  });
});
