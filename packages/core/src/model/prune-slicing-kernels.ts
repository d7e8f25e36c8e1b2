import type { Tensor } from '../tensor/tensor.js';
import { typedTensor } from '../tensor/tensor.js';

/** The storage of a float weight: f16/bf16 are uint16 bit patterns, copied as they are. */
type FloatStorage = Float64Array | Float32Array | Uint16Array;

// Gathers copy raw elements, so one loop serves every float storage dtype.
function floatStorage(t: Tensor): FloatStorage {
  const tt = typedTensor(t);
  switch (tt.dtype) {
    case 'F64':
    case 'F32':
    case 'F16':
    case 'BF16':
      return tt.data;
    default:
      throw new TypeError(`only float weights can be sliced, got ${tt.dtype}`);
  }
}

function emptyLike(src: FloatStorage, length: number): FloatStorage {
  if (src instanceof Float64Array) return new Float64Array(length);
  if (src instanceof Float32Array) return new Float32Array(length);
  return new Uint16Array(length);
}

/** Keeps `keep` (ascending) along the last axis of a row-major [rows, cols] tensor (encoder columns). */
export function gatherColumns(t: Tensor, keep: Int32Array): Tensor {
  const [rows, cols] = [t.shape[0] as number, t.shape[1] as number];
  const src = floatStorage(t);
  const dst = emptyLike(src, rows * keep.length);
  for (let r = 0; r < rows; r++) {
    const s = r * cols;
    const d = r * keep.length;
    for (let j = 0; j < keep.length; j++) dst[d + j] = src[s + (keep[j] as number)] as number;
  }
  return { dtype: t.dtype, shape: [rows, keep.length], data: dst };
}

/** Keeps rows `keep` (ascending) of a row-major [rows, cols] tensor, or entries of a 1-D tensor. */
export function gatherRows(t: Tensor, keep: Int32Array): Tensor {
  const cols = t.shape.length > 1 ? (t.shape[1] as number) : 1;
  const src = floatStorage(t);
  const dst = emptyLike(src, keep.length * cols);
  if (cols === 1) {
    for (let j = 0; j < keep.length; j++) dst[j] = src[keep[j] as number] as number;
  } else {
    for (let j = 0; j < keep.length; j++)
      dst.set(src.subarray((keep[j] as number) * cols, ((keep[j] as number) + 1) * cols), j * cols);
  }
  const shape = t.shape.length > 1 ? [keep.length, cols] : [keep.length];
  return { dtype: t.dtype, shape, data: dst };
}
