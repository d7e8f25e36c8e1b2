import type { DType, TypedArray } from './dtype.js';

/** Exponent bits all ones: ±Inf or NaN in IEEE half and in bfloat16. */
const F16_EXPONENT = 0x7c00;
const BF16_EXPONENT = 0x7f80;

/**
 * How many values of `data` (stored as `dtype`) are NaN or ±Inf. Integer and boolean dtypes have
 * none. Reads the raw bits of half and bfloat16 values, so nothing is converted or allocated.
 */
export function countNonFinite(dtype: DType, data: TypedArray): number {
  let n = 0;
  if (dtype === 'F32' || dtype === 'F64') {
    const a = data as Float32Array | Float64Array;
    // v - v is 0 for every finite v and NaN for NaN and ±Inf.
    for (let i = 0; i < a.length; i++) {
      const v = a[i] as number;
      if (v - v !== 0) n++;
    }
  } else if (dtype === 'F16' || dtype === 'BF16') {
    const a = data as Uint16Array;
    const mask = dtype === 'F16' ? F16_EXPONENT : BF16_EXPONENT;
    for (let i = 0; i < a.length; i++) if (((a[i] as number) & mask) === mask) n++;
  }
  return n;
}
