import type { ActivationName } from '../../model/activation.js';
import type { GradiendModel } from '../../model/gradiend-model.js';
import type { Tolerance } from './compare.js';

/**
 * sup |f′| of each activation as torch defines it (GELU peaks at 1.1289 near x = 0.75, SiLU at
 * 1.0998 near x = 2.4): how much an error in a pre-activation can grow through the activation.
 */
const SLOPE_BOUND: { readonly [A in ActivationName]: number } = {
  tanh: 1,
  relu: 1,
  leakyrelu: 1,
  gelu: 1.13,
  silu: 1.1,
  elu: 1,
  sigmoid: 0.25,
  smht: 1,
  id: 1,
};

/**
 * With the encoder "id" (LayerNorm(1)) the reference's encoding is pure float32 rounding noise of
 * x·rstd (see applyLayerNorm1), so the latent can only be compared to within one ulp of that product.
 */
export function encodedTolerance(model: GradiendModel, inputs: Float64Array, tol: Tolerance): Tolerance {
  const cw = model.computeWeights();
  if (!cw.layerNorm) return tol;
  const n = model.inputDim;
  let maxAbs = 0;
  for (let r = 0; r * n < inputs.length; r++) {
    let s = cw.encoderBias ? (cw.encoderBias[0] as number) : 0;
    for (let i = 0; i < n; i++) s += (cw.encoderWeight[i] as number) * (inputs[r * n + i] as number);
    maxAbs = Math.max(maxAbs, Math.abs(s));
  }
  const ulp = 2 ** -23 * (maxAbs / Math.sqrt(cw.layerNorm.eps)) * Math.abs(cw.layerNorm.weight);
  return { rtol: tol.rtol, atol: Math.max(tol.atol, 2 * ulp) };
}

/**
 * How far each decoded value may stray because the latent it was decoded from is only known to
 * within `encTol` of the reference's: that uncertainty times |W_d| (summed over latent neurons),
 * times the decoder activation's steepest slope. `expectedEncoded` is [batch, latentDim]; the result
 * is [batch, inputDim]. Null when the latent is compared with the plain tolerance (no LayerNorm),
 * as nothing beyond ordinary rounding then separates our latent from the reference's.
 */
export function decodedSlack(
  model: GradiendModel,
  expectedEncoded: ArrayLike<number>,
  encTol: Tolerance,
): Float64Array | null {
  const cw = model.computeWeights();
  if (!cw.layerNorm) return null;
  const { inputDim: n, latentDim: l, activationDecoder } = model.architecture;
  const slope = SLOPE_BOUND[activationDecoder];
  const batch = expectedEncoded.length / l;
  const slack = new Float64Array(batch * n);
  for (let b = 0; b < batch; b++) {
    for (let j = 0; j < l; j++) {
      const h = expectedEncoded[b * l + j] as number;
      const delta = slope * (encTol.atol + encTol.rtol * Math.abs(h));
      for (let i = 0; i < n; i++) {
        slack[b * n + i] =
          (slack[b * n + i] as number) + delta * Math.abs(cw.decoderWeight[i * l + j] as number);
      }
    }
  }
  return slack;
}
