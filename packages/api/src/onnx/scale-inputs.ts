import { ApiError } from '../errors/api-error.js';

const FLT_MAX = 3.4028234663852886e38;

/**
 * Inputs must be finite and stay finite once divided by `scale` (the division happens in float32);
 * the first value that is not names its position. Non-finite inputs are the client's, so a 422.
 */
export function requireFiniteInputs(x: Float32Array, scale: number): void {
  if (scale === 1) {
    // Nothing can overflow: only finiteness is left, and x·0 is NaN exactly for NaN and ±Inf. The
    // sum of those is twice as fast as the loop below, which then only finds the position.
    if (allFinite(x)) return;
  }
  let maxAbs = 0;
  for (let i = 0; i < x.length; i++) {
    const v = Math.abs(x[i] ?? 0);
    // NaN fails both comparisons, so it lands here too.
    if (!(v <= FLT_MAX)) {
      throw new ApiError('GRADIEND_ERR_INPUT_VALUE', `input value ${i} is ${x[i]}; inputs must be finite`);
    }
    if (v > maxAbs) maxAbs = v;
  }
  if (maxAbs / scale > FLT_MAX) {
    throw new ApiError(
      'GRADIEND_ERR_INPUT_VALUE',
      `inputs up to ${maxAbs} divided by input_scale ${scale} overflow float32`,
    );
  }
}

function allFinite(x: Float32Array): boolean {
  let s0 = 0;
  let s1 = 0;
  let i = 0;
  const even = x.length - (x.length % 2);
  for (; i < even; i += 2) {
    s0 += (x[i] as number) * 0;
    s1 += (x[i + 1] as number) * 0;
  }
  if (i < x.length) s0 += (x[i] as number) * 0;
  return s0 + s1 === 0;
}

/**
 * Divides the inputs by `scale` in place, in float32 (each quotient is rounded to float32 as the
 * reference's float32 tensors are): the one division both encode paths (ONNX Runtime and the core)
 * apply, so that they see the same inputs.
 */
export function scaleInputs(input: Float32Array, scale: number): void {
  if (scale !== 1) for (let i = 0; i < input.length; i++) input[i] = (input[i] as number) / scale;
}
