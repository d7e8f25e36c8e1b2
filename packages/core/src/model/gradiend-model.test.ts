import { describe, expect, it } from 'vitest';
import { InputShapeError, PruneArgumentError, CheckpointError } from '../errors.js';
import { ParamMap } from '../mapping/param-map.js';
import { encodeHalfArray } from '../tensor/half.js';
import { ACTIVATION_NAMES } from './activation.js';
import type { ActivationName } from './activation.js';
import { ACTIVATIONS } from './activation-kernels.js';
import { GradiendModel } from './gradiend-model.js';
import type { GradiendWeights } from './types.js';

function seeded(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1664525 + 1013904223) % 2 ** 32;
    return s / 2 ** 32 - 0.5;
  };
}

function makeModel(
  opts: { n?: number; latent?: number; enc?: ActivationName; dec?: ActivationName; bias?: boolean } = {},
) {
  const { n = 12, latent = 2, enc = 'tanh', dec = 'id', bias = true } = opts;
  const r = seeded(n * 31 + latent);
  const f = (len: number) => Float32Array.from({ length: len }, r);
  const weights: GradiendWeights = {
    encoderWeight: { dtype: 'F32', shape: [latent, n], data: f(latent * n) },
    encoderBias: { dtype: 'F32', shape: [latent], data: f(latent) },
    decoderWeight: { dtype: 'F32', shape: [n, latent], data: f(n * latent) },
    decoderBias: bias ? { dtype: 'F32', shape: [n], data: f(n) } : null,
    encoderNorm:
      enc === 'id'
        ? {
            weight: { dtype: 'F32', shape: [1], data: Float32Array.of(1.5) },
            bias: { dtype: 'F32', shape: [1], data: Float32Array.of(0.25) },
          }
        : null,
  };
  const map = ParamMap.fromSpecs([{ name: 'p.weight', shape: [n / 2, 2], repr: 'all' }]);
  return new GradiendModel(
    {
      inputDim: n,
      latentDim: latent,
      activationEncoder: enc,
      activationDecoder: dec,
      biasDecoder: bias,
      dtype: 'float32',
    },
    weights,
    map,
  );
}

/** Straightforward float64 forward, written independently of the kernels. */
function naiveForward(m: GradiendModel, x: number[]): { encoded: number[]; decoded: number[] } {
  const w = m.weights;
  const n = m.inputDim;
  const L = m.latentDim;
  const encoded: number[] = [];
  for (let j = 0; j < L; j++) {
    let s = w.encoderBias ? (w.encoderBias.data[j] as number) : 0;
    for (let i = 0; i < n; i++) s += (w.encoderWeight.data[j * n + i] as number) * (x[i] as number);
    encoded.push(
      m.architecture.activationEncoder === 'id'
        ? (w.encoderNorm!.bias.data[0] as number)
        : ACTIVATIONS[m.architecture.activationEncoder](s),
    );
  }
  const decoded: number[] = [];
  for (let i = 0; i < n; i++) {
    let s = w.decoderBias ? (w.decoderBias.data[i] as number) : 0;
    for (let j = 0; j < L; j++) s += (w.decoderWeight.data[i * L + j] as number) * (encoded[j] as number);
    decoded.push(ACTIVATIONS[m.architecture.activationDecoder](s));
  }
  return { encoded, decoded };
}

describe('GradiendModel forward', () => {
  const cases = ACTIVATION_NAMES.flatMap((enc) => ACTIVATION_NAMES.map((dec) => [enc, dec] as const)).filter(
    ([enc], i) => enc !== 'id' || i % 3 === 0,
  );
  it.each(cases)('encoder %s, decoder %s matches a naive forward', (enc, dec) => {
    const m = makeModel({ enc, dec, latent: enc === 'id' ? 1 : 2 });
    const x = Array.from({ length: m.inputDim }, seeded(5));
    const got = m.forward(Float32Array.from(x));
    const want = naiveForward(m, Array.from(Float32Array.from(x)));
    // LayerNorm(1) leaves float32 rounding noise of x·rstd (≈316·|x|·2⁻²⁴) like torch's fused kernel.
    const digits = enc === 'id' ? 3 : 5;
    got.encoded.forEach((v, i) => expect(v).toBeCloseTo(want.encoded[i] as number, digits));
    got.decoded.forEach((v, i) => expect(v).toBeCloseTo(want.decoded[i] as number, digits));
  });

  it.each(['tanh', 'relu', 'id'] as const)('encoder %s without a bias (bias_encoder false)', (enc) => {
    const withBias = makeModel({ enc, latent: enc === 'id' ? 1 : 2 });
    const m = new GradiendModel(
      { ...withBias.architecture, biasEncoder: false },
      { ...withBias.weights, encoderBias: null },
      withBias.paramMap,
    );
    const x = Array.from({ length: m.inputDim }, seeded(6));
    const got = m.forward(Float32Array.from(x));
    const want = naiveForward(m, Array.from(Float32Array.from(x)));
    const digits = enc === 'id' ? 3 : 5;
    got.encoded.forEach((v, i) => expect(v).toBeCloseTo(want.encoded[i] as number, digits));
    got.decoded.forEach((v, i) => expect(v).toBeCloseTo(want.decoded[i] as number, digits));
    // …and it is not the biased model's output.
    if (enc !== 'id')
      expect(Array.from(got.encoded)).not.toEqual(Array.from(withBias.encode(Float32Array.from(x))));
    const pruned = m.prune({ topk: 5 }).model;
    expect(pruned.weights.encoderBias).toBeNull();
    expect(pruned.inputDim).toBe(5);
  });

  it('encodes a batch (four-row kernel plus remainder) exactly like row by row', () => {
    const m = makeModel({ latent: 3, n: 40 });
    const r = seeded(9);
    const rows = [0, 1, 2, 3, 4, 5].map(() => Float32Array.from({ length: m.inputDim }, r));
    const batch = new Float32Array(rows.length * m.inputDim);
    rows.forEach((row, i) => batch.set(row, i * m.inputDim));
    const together = m.encode(batch, rows.length);
    rows.forEach((row, i) => {
      const single = naiveForward(m, Array.from(row)).encoded;
      Array.from(together.subarray(i * 3, i * 3 + 3)).forEach((v, j) =>
        expect(v).toBeCloseTo(single[j] as number, 5),
      );
    });
  });

  it('rejects inputs of the wrong size with the reference message', () => {
    const m = makeModel();
    expect(() => m.encode(new Float32Array(5))).toThrow(InputShapeError);
    expect(() => m.encode(new Float32Array(5))).toThrow('Input tensor has incorrect size 5, expected 12');
    expect(() => m.decode(new Float32Array(3))).toThrow(/latent has 3 values/);
    expect(() => m.encode(new Float32Array(24), 0)).toThrow(/batch must be a positive integer/);
  });

  it('flattens and scatters per-parameter gradients (module. prefix tolerated)', () => {
    const m = makeModel();
    const g = Float32Array.from({ length: 12 }, (_, i) => i);
    expect(Array.from(m.flattenGradientDict({ 'module.p.weight': { shape: [6, 2], data: g } }))).toEqual(
      Array.from(g),
    );
    expect(() => m.flattenGradientDict({})).toThrow(/gradient for parameter 'p.weight' is missing/);
    expect(() => m.flattenGradientDict({ 'p.weight': { data: new Float32Array(3) } })).toThrow(
      /has 3 entries, expected 12/,
    );
  });
});

describe('GradiendModel validation', () => {
  it('refuses weights that contradict the architecture', () => {
    const m = makeModel();
    const arch = { ...m.architecture };
    expect(() => new GradiendModel({ ...arch, inputDim: 13 }, m.weights, m.paramMap)).toThrow(
      CheckpointError,
    );
    expect(() => new GradiendModel({ ...arch, biasDecoder: false }, m.weights, m.paramMap)).toThrow(
      /bias_decoder is false/,
    );
    expect(() => new GradiendModel({ ...arch, dtype: 'float16' }, m.weights, m.paramMap)).toThrow(
      /is F32 but torch_dtype is float16/,
    );
    expect(() => new GradiendModel({ ...arch, biasEncoder: false }, m.weights, m.paramMap)).toThrow(
      "unexpected weight 'encoder.0.linear.bias' (bias_encoder is false)",
    );
    expect(() => new GradiendModel(arch, { ...m.weights, encoderBias: null }, m.paramMap)).toThrow(
      "weight 'encoder.0.linear.bias' is missing (bias_encoder is true)",
    );
  });
});

describe('importance and top-k', () => {
  it('derives the four parts from the weights', () => {
    const m = makeModel({ latent: 2 });
    const w = m.weights;
    const dec = w.decoderWeight.data as Float32Array;
    const enc = w.encoderWeight.data as Float32Array;
    const b = w.decoderBias!.data as Float32Array;
    const i = 4;
    expect(m.importance('decoder-weight')[i]).toBeCloseTo(
      Math.abs(dec[2 * i]!) + Math.abs(dec[2 * i + 1]!),
      6,
    );
    expect(m.importance('encoder-weight')[i]).toBeCloseTo(Math.abs(enc[i]!) + Math.abs(enc[12 + i]!), 6);
    expect(m.importance('decoder-bias')[i]).toBeCloseTo(Math.abs(b[i]!), 6);
    expect(m.importance('decoder-sum')[i]).toBeCloseTo(Math.abs(dec[2 * i]! + dec[2 * i + 1]! + b[i]!), 6);
    expect(() => m.importance('decoder' as never)).toThrow(PruneArgumentError);
  });

  it('validates top-k like get_topk_weights (0 still returns one index)', () => {
    const m = makeModel();
    expect(m.topK('decoder-weight', 0)).toHaveLength(1);
    expect(m.topK('decoder-weight', { fraction: 0.25 })).toHaveLength(3);
    expect(m.topK('decoder-weight', 100)).toHaveLength(12);
    expect(() => m.topK('decoder-weight', -1)).toThrow('topk as int must be >= 0');
    expect(() => m.topK('decoder-weight', 1.5)).toThrow('topk as float must be in (0, 1.0]');
  });

  it('rounds half-precision importance to the dtype, as torch computes it in float16', () => {
    const base = makeModel({ latent: 1 });
    const half = (t: { shape: readonly number[]; data: unknown }) => ({
      dtype: 'F16' as const,
      shape: t.shape,
      data: encodeHalfArray(t.data as Float32Array),
    });
    const w = base.weights;
    const m = new GradiendModel(
      { ...base.architecture, dtype: 'float16' },
      {
        encoderWeight: half(w.encoderWeight),
        encoderBias: w.encoderBias && half(w.encoderBias),
        decoderWeight: half(w.decoderWeight),
        decoderBias: half(w.decoderBias!),
        encoderNorm: null,
      },
      base.paramMap,
    );
    const sum = m.importance('decoder-sum');
    for (const v of sum) expect(encodeHalfArray([v])[0]).toBe(encodeHalfArray([v])[0]);
    const roundTrip = new Float32Array(sum.length);
    for (let i = 0; i < sum.length; i++) roundTrip[i] = sum[i] as number;
    // every value is exactly representable in float16
    expect(
      Array.from(encodeHalfArray(roundTrip), (h, i) => h === encodeHalfArray([sum[i] as number])[0]),
    ).not.toContain(false);
  });
});
