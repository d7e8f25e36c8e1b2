import type { DataTypeMap, DType } from './dtype.js';

/** A dense, row-major, little-endian tensor. `data` may be a view into a larger buffer. */
export interface Tensor<T extends DType = DType> {
  readonly dtype: T;
  readonly shape: readonly number[];
  readonly data: DataTypeMap[T];
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
