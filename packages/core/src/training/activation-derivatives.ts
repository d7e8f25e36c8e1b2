import { ACTIVATIONS, erf } from '../model/activation-kernels.js';
import type { ActivationName } from '../model/activation.js';

const LEAKY_RELU_SLOPE = 0.01;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** Activations training can differentiate: every one but the encoder's `id`, which the reference builds as LayerNorm(1). */
export type TrainableActivation = Exclude<ActivationName, 'id'> | 'id';

/** d act(z) / dz at the pre-activation z, as autograd computes it (subgradient 0 at ReLU's kink). */
export const ACTIVATION_DERIVATIVES: { readonly [A in ActivationName]: (z: number) => number } = {
  tanh: (z) => {
    const t = Math.tanh(z);
    return 1 - t * t;
  },
  relu: (z) => (z > 0 ? 1 : 0),
  leakyrelu: (z) => (z > 0 ? 1 : LEAKY_RELU_SLOPE),
  gelu: (z) => 0.5 * (1 + erf(z / Math.SQRT2)) + z * INV_SQRT_2PI * Math.exp(-0.5 * z * z),
  silu: (z) => {
    const s = 1 / (1 + Math.exp(-z));
    return s * (1 + z * (1 - s));
  },
  elu: (z) => (z > 0 ? 1 : Math.exp(z)),
  sigmoid: (z) => {
    const s = 1 / (1 + Math.exp(-z));
    return s * (1 - s);
  },
  smht: (z) => (z > -1 && z < 1 ? 1 : 0),
  id: () => 1,
};

export { ACTIVATIONS };
