import { describe, expect, it } from 'vitest';
import { ACTIVATIONS } from '../model/activation-kernels.js';
import { ACTIVATION_NAMES } from '../model/activation.js';
import { Xorshift32 } from '../random/xorshift32.js';
import { ACTIVATION_DERIVATIVES } from './activation-derivatives.js';
import { accumulateSampleGradient, adamwStep } from './gradiend-training-kernels.js';
import type { Activations, KernelSample, TrainableWeights } from './gradiend-training-kernels.js';

const N = 6;
const LATENT = 2;

function weights(seed: number): TrainableWeights {
  const r = new Xorshift32(seed);
  return {
    encoderWeight: r.fill(new Float32Array(LATENT * N), 0.8),
    encoderBias: r.fill(new Float32Array(LATENT), 0.3),
    decoderWeight: r.fill(new Float32Array(N * LATENT), 0.8),
    decoderBias: r.fill(new Float32Array(N), 0.3),
  };
}

/** The batch MSE written out plainly in float64: mean over samples and entries of (dec(enc(x)) − t)². */
function plainLoss(w: TrainableWeights, samples: KernelSample[], scale: number, act: Activations): number {
  let total = 0;
  for (const s of samples) {
    const h = Array.from({ length: LATENT }, (_, l) => {
      let z = w.encoderBias[l] as number;
      for (let j = 0; j < N; j++)
        z += (w.encoderWeight[l * N + j] as number) * ((s.source[j] as number) / scale);
      return act.encoder(z);
    });
    for (let i = 0; i < N; i++) {
      let u = w.decoderBias?.[i] ?? 0;
      for (let l = 0; l < LATENT; l++) u += (w.decoderWeight[i * LATENT + l] as number) * (h[l] as number);
      const y = act.decoder ? act.decoder(u) : u;
      const t = ((s.targetA[i] as number) - ((s.targetB?.[i] as number | undefined) ?? 0)) / scale;
      total += (y - t) ** 2;
    }
  }
  return total / (samples.length * N);
}

const encoders = ACTIVATION_NAMES.filter(
  (a) => a !== 'id' && a !== 'relu' && a !== 'smht' && a !== 'leakyrelu',
);

describe('accumulateSampleGradient', () => {
  it.each(
    encoders.flatMap(
      (e) =>
        [
          [e, 'id'],
          [e, 'tanh'],
        ] as const,
    ),
  )('matches finite differences of the MSE (encoder %s, decoder %s)', (encoder, decoder) => {
    const act: Activations = {
      encoder: ACTIVATIONS[encoder],
      encoderDerivative: ACTIVATION_DERIVATIVES[encoder],
      decoder: decoder === 'id' ? null : ACTIVATIONS[decoder],
      decoderDerivative: decoder === 'id' ? null : ACTIVATION_DERIVATIVES[decoder],
    };
    const r = new Xorshift32(3);
    const samples: KernelSample[] = [0, 1, 2].map(() => ({
      source: r.fill(new Float64Array(N), 2),
      targetA: r.fill(new Float64Array(N), 1),
      targetB: r.fill(new Float64Array(N), 1),
    }));
    const scale = 1.5;
    const w = weights(9);
    const g: TrainableWeights = {
      encoderWeight: new Float32Array(LATENT * N),
      encoderBias: new Float32Array(LATENT),
      decoderWeight: new Float32Array(N * LATENT),
      decoderBias: new Float32Array(N),
    };
    const z = new Float64Array(LATENT);
    const h = new Float64Array(LATENT);
    const dh = new Float64Array(LATENT);
    for (const s of samples) accumulateSampleGradient(w, g, s, scale, samples.length * N, act, z, h, dh);
    const eps = 1e-3;
    for (const key of ['encoderWeight', 'encoderBias', 'decoderWeight', 'decoderBias'] as const) {
      const p = w[key] as Float32Array;
      for (let i = 0; i < p.length; i++) {
        // The weights are float32, so probe with a float64 copy of the model.
        const probe = (delta: number): number => {
          const copy = Object.fromEntries(
            Object.entries(w).map(([k, v]) => [k, v ? Float64Array.from(v as Float32Array) : null]),
          ) as unknown as TrainableWeights;
          (copy[key] as unknown as Float64Array)[i] = (p[i] as number) + delta;
          return plainLoss(copy, samples, scale, act);
        };
        const numeric = (probe(eps) - probe(-eps)) / (2 * eps);
        const analytic = (g[key] as Float32Array)[i] as number;
        expect(Math.abs(analytic - numeric), `${key}[${i}]`).toBeLessThanOrEqual(
          1e-3 * Math.abs(numeric) + 1e-5,
        );
      }
    }
  });
});

describe('adamwStep', () => {
  it('takes a first step of lr · sign(g) after decoupled weight decay (PyTorch AdamW)', () => {
    const p = Float32Array.of(0.5, -2, 3);
    const g = Float32Array.of(0.1, -4, 0);
    const m = new Float32Array(3);
    const v = new Float32Array(3);
    adamwStep(p, g, m, v, 1, { lr: 0.01, weightDecay: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8 });
    // m̂ = g and v̂ = g² after one step, so the update is lr · g / (|g| + eps).
    const expected = [
      0.5 * 0.999 - 0.01 * (0.1 / (0.1 + 1e-8)),
      -2 * 0.999 + 0.01 * (4 / (4 + 1e-8)),
      3 * 0.999,
    ];
    expected.forEach((e, i) => expect(p[i]).toBeCloseTo(e, 6));
    expect(Array.from(m)).toEqual(Array.from(g, (x) => Math.fround(0.1 * x)));
  });

  it('applies the bias corrections on later steps', () => {
    const p = Float32Array.of(1);
    const m = new Float32Array(1);
    const v = new Float32Array(1);
    const hp = { lr: 0.1, weightDecay: 0, beta1: 0.9, beta2: 0.999, eps: 0 };
    adamwStep(p, Float32Array.of(2), m, v, 1, hp);
    adamwStep(p, Float32Array.of(1), m, v, 2, hp);
    const m2 = 0.9 * 0.2 + 0.1 * 1;
    const v2 = 0.999 * 0.001 * 4 + 0.001 * 1;
    const update = (0.1 / (1 - 0.9 ** 2)) * (m2 / (Math.sqrt(v2) / Math.sqrt(1 - 0.999 ** 2)));
    expect(p[0]).toBeCloseTo(1 - 0.1 - update, 5);
  });
});
