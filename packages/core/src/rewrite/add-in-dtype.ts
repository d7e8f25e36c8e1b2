import { bf16ToFloat, floatToBf16, floatToHalf, halfToFloat } from '../tensor/half.js';
import type { TypedArray } from '../tensor/dtype.js';
import type { IndexArray } from '../mapping/types.js';
import type { FloatArray } from '../model/types.js';
import type { RewritableDType } from './rewrite-plan.js';

/**
 * data[positions[i]] += delta[i] (positions null: data[i] += delta[i]) in the base tensor's dtype,
 * like torch's in-place add_: the sum is formed in the wider of the two dtypes, then rounded to
 * the base dtype (a Float32Array store rounds exactly like torch's float32 add; half types go
 * through float32, as torch's CPU kernels do).
 */
export function addInDType(
  dtype: RewritableDType,
  data: TypedArray,
  positions: IndexArray | null,
  delta: FloatArray,
): void {
  const n = delta.length;
  switch (dtype) {
    case 'F32':
    case 'F64': {
      const d = data as Float32Array | Float64Array;
      if (positions === null) for (let i = 0; i < n; i++) d[i] = (d[i] as number) + (delta[i] as number);
      else
        for (let i = 0; i < n; i++) {
          const p = positions[i] as number;
          d[p] = (d[p] as number) + (delta[i] as number);
        }
      return;
    }
    case 'F16':
    case 'BF16': {
      const d = data as Uint16Array;
      const decode = dtype === 'F16' ? halfToFloat : bf16ToFloat;
      const encode = dtype === 'F16' ? floatToHalf : floatToBf16;
      for (let i = 0; i < n; i++) {
        const p = positions === null ? i : (positions[i] as number);
        d[p] = encode(decode(d[p] as number) + (delta[i] as number));
      }
      return;
    }
    default:
      throw new TypeError(`cannot add to a ${String(dtype)} tensor`);
  }
}
