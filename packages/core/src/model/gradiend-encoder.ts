import { InputShapeError } from '../errors.js';
import type { ActivationName } from './activation.js';
import { applyActivation, applyLayerNorm1 } from './activation-kernels.js';
import { SERIAL_KERNELS } from './input-kernels.js';
import type { InputKernels } from './input-kernels.js';
import type { ComputeWeights, FloatArray } from './types.js';

/**
 * The encoder half of a GRADIEND in compute precision: everything encodeRows reads, without the
 * decoder (GradiendModel.encoder()). A holder that only encodes keeps this instead of the model.
 */
export interface GradiendEncoder {
  readonly inputDim: number;
  readonly latentDim: number;
  readonly activation: ActivationName;
  readonly precision: ComputeWeights['precision'];
  /** Row-major [latentDim, inputDim]. */
  readonly weight: FloatArray;
  readonly bias: FloatArray | null;
  readonly layerNorm: ComputeWeights['layerNorm'];
}

/**
 * The encoder's linear layer on each row (each of length inputDim) → [rows, latentDim] in compute
 * precision, before the activation: a caller may inspect it first (a non-finite input leaves a
 * non-finite sum here, while tanh would turn ±Inf into ±1). Then activateEncoded.
 */
export function encodeLinearRows(
  encoder: GradiendEncoder,
  rows: readonly ArrayLike<number>[],
  kernels: InputKernels = SERIAL_KERNELS,
): FloatArray {
  const { inputDim, latentDim, precision } = encoder;
  const prepared = rows.map((r) => {
    if (r.length !== inputDim) {
      throw new InputShapeError(`Input tensor has incorrect size ${r.length}, expected ${inputDim}`);
    }
    // A view when the row already has the compute precision.
    if (precision === 'f64') return r instanceof Float64Array ? r : Float64Array.from(r);
    return r instanceof Float32Array ? r : Float32Array.from(r);
  });
  const n = rows.length * latentDim;
  const out = precision === 'f64' ? new Float64Array(n) : new Float32Array(n);
  kernels.encodeLinear(encoder.weight, encoder.bias, latentDim, inputDim, prepared, out);
  return out;
}

/** The encoder activation (LayerNorm(1) for `id`) in place on encodeLinearRows' result. */
export function activateEncoded(encoder: GradiendEncoder, linear: FloatArray): void {
  const { layerNorm } = encoder;
  if (!layerNorm) {
    applyActivation(encoder.activation, linear);
    return;
  }
  if (encoder.latentDim !== 1) {
    throw new InputShapeError(
      `encoder activation 'id' is LayerNorm(1) in the reference and needs latent_dim 1, got ${encoder.latentDim}`,
    );
  }
  applyLayerNorm1(linear, layerNorm.weight, layerNorm.bias, layerNorm.eps);
}

/** Encodes each row → [rows, latentDim]: GradiendModel.encodeRows, from the encoder alone. */
export function encodeRowsWith(
  encoder: GradiendEncoder,
  rows: readonly ArrayLike<number>[],
  kernels: InputKernels = SERIAL_KERNELS,
): FloatArray {
  const out = encodeLinearRows(encoder, rows, kernels);
  activateEncoded(encoder, out);
  return out;
}
