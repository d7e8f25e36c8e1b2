import type { ActivationName } from '../../model/activation.js';
import type { ComputeWeights, GradiendArchitecture, GradiendModelLike } from '../../model/types.js';
import { seededRandom } from './seeded-random.js';

export interface TestModelSpec {
  readonly inputDim: number;
  readonly latentDim: number;
  readonly activationEncoder: ActivationName;
  readonly activationDecoder: ActivationName;
  readonly biasDecoder: boolean;
  readonly precision: 'f32' | 'f64';
  readonly seed: number;
}

/** A GradiendModelLike over seeded random weights in [-1, 1) (LayerNorm weights when the encoder is `id`). */
export function randomModel(spec: TestModelSpec): GradiendModelLike {
  const next = seededRandom(spec.seed);
  const random = (n: number): Float32Array | Float64Array => {
    const values = Array.from({ length: n }, () => next());
    return spec.precision === 'f32' ? Float32Array.from(values) : Float64Array.from(values);
  };
  const weights: ComputeWeights = {
    precision: spec.precision,
    encoderWeight: random(spec.latentDim * spec.inputDim),
    encoderBias: random(spec.latentDim),
    decoderWeight: random(spec.inputDim * spec.latentDim),
    decoderBias: spec.biasDecoder ? random(spec.inputDim) : null,
    layerNorm:
      spec.activationEncoder === 'id'
        ? { weight: Math.fround(1 + next() / 2), bias: Math.fround(next()), eps: 1e-5 }
        : null,
  };
  const architecture: GradiendArchitecture = {
    inputDim: spec.inputDim,
    latentDim: spec.latentDim,
    activationEncoder: spec.activationEncoder,
    activationDecoder: spec.activationDecoder,
    biasDecoder: spec.biasDecoder,
    dtype: spec.precision === 'f32' ? 'float32' : 'float64',
  };
  return { architecture, computeWeights: () => weights };
}

/** `length` seeded values in [-scale, scale), as the given float type. */
export function randomBatch(
  length: number,
  seed: number,
  precision: 'f32' | 'f64',
  scale = 2,
): Float32Array | Float64Array {
  const next = seededRandom(seed);
  const values = Array.from({ length }, () => next() * scale);
  return precision === 'f32' ? Float32Array.from(values) : Float64Array.from(values);
}
