import { DTYPES } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';

// Gathers copy raw elements, so one loop serves every float storage dtype (f16/bf16 are uint16 bit patterns).
type SliceableDType = 'F64' | 'F32' | 'F16' | 'BF16';

/** Keeps `keep` (ascending) along the last axis of a row-major [rows, cols] tensor (encoder columns). */
export function gatherColumns(t: Tensor, keep: Int32Array): Tensor {
  const [rows, cols] = [t.shape[0] as number, t.shape[1] as number];
  const out = DTYPES[t.dtype as SliceableDType].create(rows * keep.length);
  const src = t.data as Float32Array;
  const dst = out as Float32Array;
  for (let r = 0; r < rows; r++) {
    const s = r * cols;
    const d = r * keep.length;
    for (let j = 0; j < keep.length; j++) dst[d + j] = src[s + (keep[j] as number)] as number;
  }
  return { dtype: t.dtype, shape: [rows, keep.length], data: out };
}

/** Keeps rows `keep` (ascending) of a row-major [rows, cols] tensor, or entries of a 1-D tensor. */
export function gatherRows(t: Tensor, keep: Int32Array): Tensor {
  const cols = t.shape.length > 1 ? (t.shape[1] as number) : 1;
  const out = DTYPES[t.dtype as SliceableDType].create(keep.length * cols);
  const src = t.data as Float32Array;
  const dst = out as Float32Array;
  if (cols === 1) {
    for (let j = 0; j < keep.length; j++) dst[j] = src[keep[j] as number] as number;
  } else {
    for (let j = 0; j < keep.length; j++)
      dst.set(src.subarray((keep[j] as number) * cols, ((keep[j] as number) + 1) * cols), j * cols);
  }
  const shape = t.shape.length > 1 ? [keep.length, cols] : [keep.length];
  return { dtype: t.dtype, shape, data: out };
}
