import { DTYPES } from './dtype.js';
import type { DType, ModelDType } from './dtype.js';
import { MODEL_DTYPES } from './dtype.js';
import { decodeBf16Array, decodeHalfArray, encodeBf16Array, encodeHalfArray } from './half.js';
import type { Tensor } from './tensor.js';
import { typedTensor } from './tensor.js';

/** Tensor values as float64 numbers (int64 via Number(): exact below 2^53). */
export function toFloat64(t: Tensor): Float64Array {
  const tt = typedTensor(t);
  switch (tt.dtype) {
    case 'F16':
      return Float64Array.from(decodeHalfArray(tt.data));
    case 'BF16':
      return Float64Array.from(decodeBf16Array(tt.data));
    case 'I64': {
      const out = new Float64Array(tt.data.length);
      for (let i = 0; i < tt.data.length; i++) out[i] = Number(tt.data[i]);
      return out;
    }
    default:
      return Float64Array.from(tt.data);
  }
}

/** Casts a floating tensor to a model dtype, as torch's `load_state_dict` copy would. */
export function castToModelDType(t: Tensor, dtype: ModelDType): Tensor {
  const target: DType = MODEL_DTYPES[dtype];
  if (t.dtype === target) return t;
  const values = toFloat64(t);
  let data: Tensor['data'];
  if (target === 'F16') data = encodeHalfArray(values);
  else if (target === 'BF16') data = encodeBf16Array(values);
  else {
    data = DTYPES[target].create(values.length);
    (data as Float32Array).set(values);
  }
  return { dtype: target, shape: t.shape, data };
}
