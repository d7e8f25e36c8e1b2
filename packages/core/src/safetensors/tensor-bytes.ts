import { DTYPES } from '../tensor/dtype.js';
import type { DataTypeMap, DType, TypedArray } from '../tensor/dtype.js';

/** The bytes behind a typed array, without copying. */
export function bytesOf(data: TypedArray): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** True when `data` is the typed-array class that holds `dtype` (F16 and BF16 share Uint16Array). */
export function holdsDType(dtype: DType, data: TypedArray): boolean {
  return data.constructor === DTYPES[dtype].create(0).constructor;
}

/**
 * Typed data over `bytes`: a zero-copy view when the bytes sit at a multiple of the item size
 * (typed arrays require it), otherwise an aligned copy.
 */
export function typedDataFromBytes<T extends DType>(dtype: T, bytes: Uint8Array): DataTypeMap[T] {
  const info = DTYPES[dtype];
  const length = bytes.byteLength / info.itemSize;
  if (bytes.byteOffset % info.itemSize === 0) return info.view(bytes.buffer, bytes.byteOffset, length);
  const copy = info.create(length);
  bytesOf(copy).set(bytes);
  return copy;
}
