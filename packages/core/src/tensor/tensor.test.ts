import { describe, expect, it } from 'vitest';
import { DTYPES, type DType } from './dtype.js';
import { tensor, typedTensor, type Tensor } from './tensor.js';

describe('typedTensor', () => {
  it('ties every dtype to its array class', () => {
    for (const dtype of Object.keys(DTYPES) as DType[]) {
      const t: Tensor = { dtype, shape: [2], data: DTYPES[dtype].create(2) };
      expect(typedTensor(t)).toBe(t);
    }
  });

  it('narrows data by dtype', () => {
    const t = typedTensor(tensor('I16', [3], Int16Array.of(1, -2, 3)));
    if (t.dtype !== 'I16') throw new Error('unreachable');
    const data: Int16Array = t.data;
    expect(Array.from(data)).toEqual([1, -2, 3]);
  });

  it('refuses data of another class than the dtype holds', () => {
    const wrong = { dtype: 'I32', shape: [2], data: new Float32Array(2) } as unknown as Tensor;
    expect(() => typedTensor(wrong)).toThrow(
      new TypeError('I32 tensor data must be a Int32Array, got Float32Array'),
    );
    const bf16 = { dtype: 'BF16', shape: [1], data: new Int16Array(1) } as unknown as Tensor;
    expect(() => typedTensor(bf16)).toThrow(TypeError);
  });
});
