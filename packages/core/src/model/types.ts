import type { ModelDType } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import type { ActivationName } from './activation.js';

export type FloatArray = Float32Array | Float64Array;

/** The architecture block of config.json, in camelCase. */
export interface GradiendArchitecture {
  readonly inputDim: number;
  readonly latentDim: number;
  readonly activationEncoder: ActivationName;
  readonly activationDecoder: ActivationName;
  readonly biasDecoder: boolean;
  /**
   * config.json `bias_encoder`: false when the encoder's linear layer has no bias (newer library
   * versions write it). Absent means true, as in every checkpoint written before the key existed.
   */
  readonly biasEncoder?: boolean;
  /** Storage dtype of the weights (torch name). Math runs in f64 for float64 models, else f32. */
  readonly dtype: ModelDType;
}

/**
 * The weights in their stored dtype, under the reference's state-dict names:
 * `encoder.0.linear.weight` [latent, input], `encoder.0.linear.bias` [latent] (unless biasEncoder is false),
 * `decoder.0.linear.weight` [input, latent], `decoder.0.linear.bias` [input] (only with biasDecoder),
 * and `encoder.1.weight` / `encoder.1.bias` [1] when the encoder activation is `id`
 * (the reference then uses LayerNorm(1) as the encoder's activation).
 */
export interface GradiendWeights {
  readonly encoderWeight: Tensor;
  readonly encoderBias: Tensor | null;
  readonly decoderWeight: Tensor;
  readonly decoderBias: Tensor | null;
  readonly encoderNorm: { readonly weight: Tensor; readonly bias: Tensor } | null;
}

/** The weights as float arrays in compute precision (views of the stored data when no conversion is needed). */
export interface ComputeWeights {
  readonly precision: 'f32' | 'f64';
  /** Row-major [latentDim, inputDim]. */
  readonly encoderWeight: FloatArray;
  readonly encoderBias: FloatArray | null;
  /** Row-major [inputDim, latentDim]. */
  readonly decoderWeight: FloatArray;
  readonly decoderBias: FloatArray | null;
  /** LayerNorm(1) affine parameters (eps 1e-5) applied after the encoder's linear layer, or null. */
  readonly layerNorm: { readonly weight: number; readonly bias: number; readonly eps: number } | null;
}

/** What consumers such as the ONNX exporter need from a model. */
export interface GradiendModelLike {
  readonly architecture: GradiendArchitecture;
  computeWeights(): ComputeWeights;
}

/** Scores to rank: `values`, or their magnitudes when `absolute` (see GradiendModel.rankedImportance). */
export interface RankedScores {
  readonly values: FloatArray;
  readonly absolute: boolean;
}
