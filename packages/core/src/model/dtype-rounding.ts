import type { ModelDType } from '../tensor/dtype.js';
import { roundToBf16, roundToHalf } from '../tensor/half.js';
import type { FloatArray } from './types.js';

/**
 * The rounding torch applies when a result is materialised in the model's dtype. Float16/bfloat16
 * models compute in float32 here, then round where the reference would hold a half tensor.
 */
export function dtypeRounder(dtype: ModelDType): ((x: number) => number) | null {
  switch (dtype) {
    case 'float16':
      return roundToHalf;
    case 'bfloat16':
      return roundToBf16;
    case 'float32':
      return Math.fround;
    case 'float64':
      return null;
  }
}

export function roundInPlace(dtype: ModelDType, data: FloatArray): void {
  if (dtype !== 'float16' && dtype !== 'bfloat16') return;
  const round = dtypeRounder(dtype) as (x: number) => number;
  for (let i = 0; i < data.length; i++) data[i] = round(data[i] as number);
}
