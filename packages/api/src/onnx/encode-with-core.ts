import { activateEncoded, encodeLinearRows, type GradiendEncoder } from '@gradiend/core';
import { requireFiniteInputs, scaleInputs } from './scale-inputs.js';

/**
 * Encodes with the core's kernel instead of ONNX Runtime when the request is this many dot products
 * (latent_dim × batch) or fewer. Per request ONNX Runtime costs about as much as two of the core's
 * dot products over the input (measured at 1.09 M inputs: 2.7 ms for one row vs 1.35 ms), and
 * less than one per further product (its GEMM is vectorised): past two, ONNX Runtime is faster.
 */
export const CORE_ENCODE_MAX_DOTS = 2;

/** Whether an encode of `batch` rows goes to the core (same answer on the main thread and a worker). */
export function encodesWithCore(latentDim: number, batch: number): boolean {
  return latentDim * batch <= CORE_ENCODE_MAX_DOTS;
}

/**
 * One encode of `batch` rows with the core's kernel, the inputs divided by `scale` in place first:
 * the same checks (requireFiniteInputs, with its messages) and the same float32 division as the
 * ONNX Runtime path, then the same sums as GradiendModel.encodeRows. With `scale` 1 the inputs are
 * not scanned beforehand: a NaN or ±Inf input leaves its rows' linear sums non-finite (weights are
 * finite), and only then are they scanned for the message. Non-finite sums from finite inputs
 * (a sum past float32) go on to the activation as they would in the graph.
 */
export function encodeWithCore(
  encoder: GradiendEncoder,
  input: Float32Array,
  batch: number,
  scale = 1,
): Float32Array {
  if (scale !== 1) {
    requireFiniteInputs(input, scale);
    scaleInputs(input, scale);
  }
  const n = input.length / batch;
  const rows: Float32Array[] = [];
  for (let b = 0; b < batch; b++) rows.push(input.subarray(b * n, (b + 1) * n));
  const linear = encodeLinearRows(encoder, rows);
  if (scale === 1 && !linear.every(Number.isFinite)) requireFiniteInputs(input, 1);
  activateEncoded(encoder, linear);
  // Float64 models compute in float64; the answer is float32 whichever path ran.
  return linear instanceof Float32Array ? linear : Float32Array.from(linear);
}
