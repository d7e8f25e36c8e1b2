// The hot loops of GRADIEND training: one pass of forward + MSE backward per sample, and AdamW.
// Weights and gradient buffers are float32 like the reference's; sums run in float64.

/** The trainable tensors of a GRADIEND (row-major; see GradiendWeights for the layouts). */
export interface TrainableWeights {
  /** [latent, input] */
  readonly encoderWeight: Float32Array;
  /** [latent] */
  readonly encoderBias: Float32Array;
  /** [input, latent] */
  readonly decoderWeight: Float32Array;
  /** [input], or null without decoder bias */
  readonly decoderBias: Float32Array | null;
}

/** One sample as the kernel sees it: x = source / scale, t = (targetA − targetB) / scale. */
export interface KernelSample {
  readonly source: ArrayLike<number>;
  readonly targetA: ArrayLike<number>;
  /** Subtracted from targetA (the counterfactual for a `diff` target), or null. */
  readonly targetB: ArrayLike<number> | null;
}

export interface Activations {
  readonly encoder: (z: number) => number;
  readonly encoderDerivative: (z: number) => number;
  readonly decoder: ((u: number) => number) | null;
  readonly decoderDerivative: ((u: number) => number) | null;
}

/**
 * Adds the gradient of this sample's share of the batch MSE, Σ_i (y_i − t_i)² / (batch · n), to
 * `grads` and returns the sample's summed squared error. z, h, dh are scratch arrays of length latent.
 */
export function accumulateSampleGradient(
  w: TrainableWeights,
  grads: TrainableWeights,
  sample: KernelSample,
  scale: number,
  lossDenominator: number,
  act: Activations,
  z: Float64Array,
  h: Float64Array,
  dh: Float64Array,
): number {
  const latent = w.encoderBias.length;
  const n = w.decoderWeight.length / latent;
  const { source, targetA, targetB } = sample;
  const We = w.encoderWeight;
  const Wd = w.decoderWeight;
  const bd = w.decoderBias;

  for (let l = 0; l < latent; l++) {
    let s = w.encoderBias[l] as number;
    const row = l * n;
    for (let j = 0; j < n; j++) s += (We[row + j] as number) * Math.fround((source[j] as number) / scale);
    z[l] = s;
    h[l] = Math.fround(act.encoder(s));
    dh[l] = 0;
  }

  let squared = 0;
  const gWd = grads.decoderWeight;
  const gbd = grads.decoderBias;
  const k = 2 / lossDenominator;
  for (let i = 0; i < n; i++) {
    let u = bd ? (bd[i] as number) : 0;
    const row = i * latent;
    for (let l = 0; l < latent; l++) u += (Wd[row + l] as number) * (h[l] as number);
    const y = act.decoder ? act.decoder(u) : u;
    const a = targetA[i] as number;
    const t = Math.fround((targetB ? Math.fround(a - (targetB[i] as number)) : a) / scale);
    const err = Math.fround(y) - t;
    squared += err * err;
    let r = k * err;
    if (act.decoderDerivative) r *= act.decoderDerivative(u);
    if (gbd) gbd[i] = (gbd[i] as number) + r;
    for (let l = 0; l < latent; l++) {
      gWd[row + l] = (gWd[row + l] as number) + r * (h[l] as number);
      dh[l] = (dh[l] as number) + r * (Wd[row + l] as number);
    }
  }

  const gWe = grads.encoderWeight;
  for (let l = 0; l < latent; l++) {
    const dz = (dh[l] as number) * act.encoderDerivative(z[l] as number);
    grads.encoderBias[l] = (grads.encoderBias[l] as number) + dz;
    const row = l * n;
    for (let j = 0; j < n; j++) {
      gWe[row + j] = (gWe[row + j] as number) + dz * Math.fround((source[j] as number) / scale);
    }
  }
  return squared;
}

/** Encoder outputs of one input vector (divided by scale), into `out` (length latent). */
export function encodeSample(
  w: TrainableWeights,
  source: ArrayLike<number>,
  scale: number,
  encoder: (z: number) => number,
  out: Float64Array,
): void {
  const latent = w.encoderBias.length;
  const n = w.encoderWeight.length / latent;
  for (let l = 0; l < latent; l++) {
    let s = w.encoderBias[l] as number;
    const row = l * n;
    for (let j = 0; j < n; j++)
      s += (w.encoderWeight[row + j] as number) * Math.fround((source[j] as number) / scale);
    out[l] = Math.fround(encoder(s));
  }
}

export interface AdamWHyper {
  readonly lr: number;
  readonly weightDecay: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
}

/**
 * One AdamW step on one tensor, in the order torch.optim.AdamW's single-tensor path applies it:
 * decoupled weight decay p ← p·(1 − lr·wd), moments m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g²,
 * then p ← p − (lr / (1 − β1^t)) · m / (√v / √(1 − β2^t) + eps).
 */
export function adamwStep(
  param: Float32Array,
  grad: Float32Array,
  m: Float32Array,
  v: Float32Array,
  step: number,
  hp: AdamWHyper,
): void {
  const decay = 1 - hp.lr * hp.weightDecay;
  const stepSize = hp.lr / (1 - hp.beta1 ** step);
  const bc2Sqrt = Math.sqrt(1 - hp.beta2 ** step);
  const b1 = hp.beta1;
  const b2 = hp.beta2;
  for (let i = 0; i < param.length; i++) {
    const g = grad[i] as number;
    const p = Math.fround((param[i] as number) * decay);
    const mi = Math.fround(b1 * (m[i] as number) + (1 - b1) * g);
    const vi = Math.fround(b2 * (v[i] as number) + (1 - b2) * g * g);
    m[i] = mi;
    v[i] = vi;
    param[i] = p - (stepSize * mi) / (Math.sqrt(vi) / bc2Sqrt + hp.eps);
  }
}
