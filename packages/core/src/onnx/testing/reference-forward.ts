// A deliberately plain float64 re-statement of the GRADIEND forward math, independent of the
// exporter, to check the ONNX graphs against.
import type { ActivationName } from '../../model/activation.js';
import type { ComputeWeights, GradiendArchitecture } from '../../model/types.js';

// Abramowitz–Stegun 7.1.26 is too coarse (1.5e-7 absolute); this series/continued fraction pair is
// accurate to ~1e-15, which keeps float64 comparisons meaningful.
function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 2.5) {
    let term = ax;
    let sum = ax;
    for (let n = 1; n < 100; n++) {
      term *= (-ax * ax) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc via Lentz's continued fraction for large |x|.
  let f = ax;
  let c = ax;
  let d = 0;
  for (let n = 1; n < 200; n++) {
    const an = n / 2;
    d = ax + an * d;
    d = 1 / d;
    c = ax + an / c;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
  return Math.sign(x) * (1 - erfc);
}

export function activate(name: ActivationName, x: number): number {
  switch (name) {
    case 'tanh':
      return Math.tanh(x);
    case 'relu':
      return Math.max(0, x);
    case 'leakyrelu':
      return x >= 0 ? x : 0.01 * x;
    case 'gelu':
      return 0.5 * x * (1 + erf(x / Math.SQRT2));
    case 'silu':
      return x / (1 + Math.exp(-x));
    case 'elu':
      return x > 0 ? x : Math.expm1(x);
    case 'sigmoid':
      return 1 / (1 + Math.exp(-x));
    case 'smht':
      return Math.min(1, Math.max(-1, x));
    case 'id':
      return x;
  }
}

function at(a: ArrayLike<number>, i: number): number {
  const v = a[i];
  if (v === undefined) throw new RangeError(`index ${i} out of range (length ${a.length})`);
  return v;
}

/** encoded[b][j] = act_e(Σ_i x[b][i] · W_e[j][i] + b_e[j]); LayerNorm over the latent row for `id`. */
export function referenceEncode(a: GradiendArchitecture, w: ComputeWeights, x: ArrayLike<number>): number[] {
  const batch = x.length / a.inputDim;
  const out: number[] = [];
  for (let b = 0; b < batch; b++) {
    const row: number[] = [];
    for (let j = 0; j < a.latentDim; j++) {
      let sum = w.encoderBias ? at(w.encoderBias, j) : 0;
      for (let i = 0; i < a.inputDim; i++)
        sum += at(x, b * a.inputDim + i) * at(w.encoderWeight, j * a.inputDim + i);
      row.push(sum);
    }
    if (w.layerNorm) {
      const mean = row.reduce((s, v) => s + v, 0) / row.length;
      const variance = row.reduce((s, v) => s + (v - mean) ** 2, 0) / row.length;
      const ln = w.layerNorm;
      out.push(...row.map((v) => ((v - mean) / Math.sqrt(variance + ln.eps)) * ln.weight + ln.bias));
    } else {
      out.push(...row.map((v) => activate(a.activationEncoder, v)));
    }
  }
  return out;
}

/** decoded[b][i] = act_d(Σ_j h[b][j] · W_d[i][j] + b_d[i]). */
export function referenceDecode(a: GradiendArchitecture, w: ComputeWeights, h: ArrayLike<number>): number[] {
  const batch = h.length / a.latentDim;
  const out: number[] = [];
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < a.inputDim; i++) {
      let sum = w.decoderBias ? at(w.decoderBias, i) : 0;
      for (let j = 0; j < a.latentDim; j++)
        sum += at(h, b * a.latentDim + j) * at(w.decoderWeight, i * a.latentDim + j);
      out.push(activate(a.activationDecoder, sum));
    }
  }
  return out;
}
