import { DTYPES } from './dtype.js';
import type { DataTypeMap, DType } from './dtype.js';

/** A dense, row-major, little-endian tensor. `data` may be a view into a larger buffer. */
export interface Tensor<T extends DType = DType> {
  readonly dtype: T;
  readonly shape: readonly number[];
  readonly data: DataTypeMap[T];
}

/** A tensor whose `dtype` tells TypeScript the class of `data`: switch on `dtype` to narrow it. */
export type DTypedTensor = { readonly [T in DType]: Tensor<T> }[DType];

/**
 * `t` with its dtype and data class tied together. TypeError when `data` is not the dtype's array
 * class (F16/BF16 are Uint16Array, BOOL is Uint8Array).
 */
export function typedTensor(t: Tensor): DTypedTensor {
  const want = DTYPES[t.dtype].create(0).constructor;
  if (t.data.constructor !== want) {
    throw new TypeError(`${t.dtype} tensor data must be a ${want.name}, got ${t.data.constructor.name}`);
  }
  // Sound: the check above is exactly what the union member for t.dtype promises.
  return t as DTypedTensor;
}

export function numelOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function tensor<T extends DType>(dtype: T, shape: readonly number[], data: DataTypeMap[T]): Tensor<T> {
  const numel = numelOf(shape);
  if (data.length !== numel) {
    throw new RangeError(
      `tensor data has ${data.length} elements but shape [${shape.join(', ')}] needs ${numel}`,
    );
  }
  return { dtype, shape: [...shape], data };
}

/** Python's `str(tuple(shape))`: `(10, 5)`, `(9,)`, `()`. Used by the param-map hash. */
export function pythonShapeRepr(shape: readonly number[]): string {
  if (shape.length === 1) return `(${shape[0]},)`;
  return `(${shape.join(', ')})`;
}
