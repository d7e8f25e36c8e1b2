import { CheckpointError } from '../errors.js';
import type { DType } from '../tensor/dtype.js';
import { decodeBf16Array, decodeHalfArray } from '../tensor/half.js';
import type { Tensor } from '../tensor/tensor.js';
import type { ComputeWeights, FloatArray, GradiendArchitecture, GradiendWeights } from './types.js';

const LAYER_NORM_EPS = 1e-5;

/** Float data of a weight tensor in compute precision; a view (no copy) when the dtype already matches. */
export function toComputeArray(t: Tensor, precision: 'f32' | 'f64'): FloatArray {
  const dtype: DType = t.dtype;
  if (precision === 'f64') {
    if (t.data instanceof Float64Array) return t.data;
    if (t.data instanceof Float32Array) return Float64Array.from(t.data);
  } else if (t.data instanceof Float32Array) {
    return t.data;
  }
  if (dtype === 'F16') return decodeHalfArray(t.data as Uint16Array);
  if (dtype === 'BF16') return decodeBf16Array(t.data as Uint16Array);
  if (dtype === 'F64') return Float32Array.from(t.data as Float64Array);
  throw new CheckpointError(`weights must be floating point, got ${dtype}`);
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
