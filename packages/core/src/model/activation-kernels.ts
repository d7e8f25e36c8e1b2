import type { ActivationName } from './activation.js';
import type { FloatArray } from './types.js';

/** erf with |relative error| < 1.2e-7 everywhere (Chebyshev fit of erfc, Numerical Recipes §6.2). */
export function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const erfc =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - erfc : erfc - 1;
}

/**
 * A scalar activation as torch.nn defines it (GELU exact; ELU alpha 1; Hardtanh [-1, 1]; LeakyReLU
 * slope 0.01). Self-contained but for erf: the kernel pool runs its source text in its workers.
 */
export function activationFunction(name: ActivationName): (x: number) => number {
  switch (name) {
    case 'tanh':
      return Math.tanh;
    case 'relu':
      return (x) => (x > 0 ? x : x === x ? 0 : x);
    case 'leakyrelu':
      return (x) => (x > 0 ? x : x * 0.01);
    case 'gelu':
      return (x) => 0.5 * x * (1 + erf(x / Math.SQRT2));
    case 'silu':
      return (x) => x / (1 + Math.exp(-x));
    case 'elu':
      return (x) => (x > 0 ? x : Math.expm1(x));
    case 'sigmoid':
      return (x) => 1 / (1 + Math.exp(-x));
    case 'smht':
      return (x) => (x > 1 ? 1 : x < -1 ? -1 : x);
    case 'id':
      return (x) => x;
  }
}

/** Scalar activations by name. */
export const ACTIVATIONS: { readonly [A in ActivationName]: (x: number) => number } = {
  tanh: activationFunction('tanh'),
  relu: activationFunction('relu'),
  leakyrelu: activationFunction('leakyrelu'),
  gelu: activationFunction('gelu'),
  silu: activationFunction('silu'),
  elu: activationFunction('elu'),
  sigmoid: activationFunction('sigmoid'),
  smht: activationFunction('smht'),
  id: activationFunction('id'),
};

/** Applies an activation in place to data[start, end). */
export function applyActivationRange(
  name: ActivationName,
  data: FloatArray,
  start: number,
  end: number,
): void {
  if (name === 'id') return;
  const f = activationFunction(name);
  for (let i = start; i < end; i++) data[i] = f(data[i] as number);
}

/** Applies an activation in place. */
export function applyActivation(name: ActivationName, data: FloatArray): void {
  applyActivationRange(name, data, 0, data.length);
}

/**
 * LayerNorm over a last dimension of size 1 (the reference's encoder "id" activation). Mathematically
 * (x − mean)·rstd·w + b = b, but torch's CPU kernel computes fma(fma(x, rstd, −rstd·mean), w, b) in
 * float32, leaving the product's rounding residual (~1e-6); float32 models reproduce that residual.
 */
export function applyLayerNorm1(data: FloatArray, weight: number, bias: number, eps: number): void {
  if (data instanceof Float64Array) {
    for (let i = 0; i < data.length; i++) {
      const x = data[i] as number;
      data[i] = (x - x) * weight + bias;
    }
    return;
  }
  const rstd = Math.fround(1 / Math.fround(Math.sqrt(Math.fround(eps))));
  for (let i = 0; i < data.length; i++) {
    const x = data[i] as number;
    const shift = Math.fround(-rstd * x);
    // A float32 product is exact in float64, so `x * rstd + shift` rounded once is the fused result.
    const normalised = Math.fround(x * rstd + shift);
    data[i] = Math.fround(normalised * weight + bias);
  }
}
