import { CheckpointError } from '../errors.js';
import { decodeBf16Array, decodeHalfArray } from '../tensor/half.js';
import type { Tensor } from '../tensor/tensor.js';
import { typedTensor } from '../tensor/tensor.js';
import type { ComputeWeights, FloatArray, GradiendArchitecture, GradiendWeights } from './types.js';

const LAYER_NORM_EPS = 1e-5;

/** Float data of a weight tensor in compute precision; a view (no copy) when the dtype already matches. */
export function toComputeArray(t: Tensor, precision: 'f32' | 'f64'): FloatArray {
  const tt = typedTensor(t);
  switch (tt.dtype) {
    case 'F64':
      return precision === 'f64' ? tt.data : Float32Array.from(tt.data);
    case 'F32':
      return precision === 'f64' ? Float64Array.from(tt.data) : tt.data;
    // Half-precision models compute in float32 (only float64 models compute in float64).
    case 'F16':
      return decodeHalfArray(tt.data);
    case 'BF16':
      return decodeBf16Array(tt.data);
    default:
      throw new CheckpointError(`weights must be floating point, got ${tt.dtype}`);
  }
}

export function buildComputeWeights(arch: GradiendArchitecture, w: GradiendWeights): ComputeWeights {
  const precision = arch.dtype === 'float64' ? 'f64' : 'f32';
  const scalar = (t: Tensor): number => toComputeArray(t, precision)[0] as number;
  return {
    precision,
    encoderWeight: toComputeArray(w.encoderWeight, precision),
    encoderBias: w.encoderBias ? toComputeArray(w.encoderBias, precision) : null,
    decoderWeight: toComputeArray(w.decoderWeight, precision),
    decoderBias: w.decoderBias ? toComputeArray(w.decoderBias, precision) : null,
    layerNorm: w.encoderNorm
      ? { weight: scalar(w.encoderNorm.weight), bias: scalar(w.encoderNorm.bias), eps: LAYER_NORM_EPS }
      : null,
  };
}
