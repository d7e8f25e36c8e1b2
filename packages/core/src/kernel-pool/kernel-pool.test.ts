import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParamMap } from '../mapping/param-map.js';
import type { ActivationName } from '../model/activation.js';
import { GradiendModel } from '../model/gradiend-model.js';
import { ENCODE_CHUNK } from '../model/linear-kernels.js';
import type { FloatArray, GradiendWeights } from '../model/types.js';
import { createKernelPool } from './kernel-pool.js';
import type { KernelPool } from './kernel-pool.js';
import { isShared, sharedFloatArray } from './shared-arrays.js';

function seeded(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1664525 + 1013904223) % 2 ** 32;
    return s / 2 ** 32 - 0.5;
  };
}

/** Values in [-0.5, 0.5) with a NaN at `nanAt` (when inside). */
function values(n: number, seed: number, nanAt = -1, shared = false): Float32Array {
  const r = seeded(seed);
  const a = shared ? (sharedFloatArray(n) as Float32Array) : new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = r();
  if (nanAt >= 0 && nanAt < n) a[nanAt] = NaN;
  return a;
}

function makeModel(n: number, latent: number, dec: ActivationName, nanAt = -1): GradiendModel {
  const weights: GradiendWeights = {
    encoderWeight: { dtype: 'F32', shape: [latent, n], data: values(latent * n, n + 1, nanAt) },
    encoderBias: { dtype: 'F32', shape: [latent], data: values(latent, 7) },
    decoderWeight: { dtype: 'F32', shape: [n, latent], data: values(n * latent, n + 2, nanAt) },
    decoderBias: { dtype: 'F32', shape: [n], data: values(n, n + 3) },
    encoderNorm: null,
  };
  return new GradiendModel(
    {
      inputDim: n,
      latentDim: latent,
      activationEncoder: 'tanh',
      activationDecoder: dec,
      biasDecoder: true,
      dtype: 'float32',
    },
    weights,
    ParamMap.fromSpecs([{ name: 'p.weight', shape: [n], repr: 'all' }]),
  );
}

function bytes(a: FloatArray): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** Byte-for-byte equality (so NaN payloads and -0 count too). */
function expectSameBits(got: FloatArray, want: FloatArray): void {
  expect(got.constructor).toBe(want.constructor);
  expect(got.length).toBe(want.length);
  expect(Buffer.compare(bytes(got), bytes(want))).toBe(0);
}

// Odd lengths: a single element, a tail shorter than a chunk, several chunks plus an odd tail, and
// more than one element-wise grain (65536) plus a tail.
const LENGTHS = [1, 5, 3 * ENCODE_CHUNK + 7, 65536 + 4097];
const THREADS = [1, 2, 3];

describe('kernel pool', () => {
  const pools = new Map<number, KernelPool>();
  beforeAll(async () => {
    for (const t of THREADS) pools.set(t, await createKernelPool({ threads: t }));
  });
  afterAll(async () => {
    for (const p of pools.values()) await p.close();
  });
  const pool = (t: number): KernelPool => pools.get(t) as KernelPool;

  it('starts threads − 1 workers and reports its thread count', () => {
    expect(THREADS.map((t) => pool(t).threads)).toEqual(THREADS);
  });

  for (const n of LENGTHS) {
    for (const latent of [1, 3]) {
      const model = makeModel(n, latent, 'tanh', n >> 1);
      const rows = Array.from({ length: 6 }, (_, r) => values(n, 100 + r, r === 5 ? n - 1 : -1, r % 2 === 0));

      it(`importance n=${n} L=${latent}: same bits as one thread for 1, 2, 3 threads, NaN kept`, () => {
        for (const part of ['decoder-weight', 'encoder-weight', 'decoder-bias'] as const) {
          const want = model.importance(part);
          for (const t of THREADS) expectSameBits(model.importance(part, { kernels: pool(t).kernels }), want);
        }
        const dec = model.importance('decoder-weight');
        // The NaN sits at flat index n >> 1 of the [n, L] decoder weight.
        const nanRow = Math.floor((n >> 1) / latent);
        expect(Number.isNaN(dec[nanRow])).toBe(true);
        // |w| summed over the latent row, computed independently.
        const w = model.computeWeights().decoderWeight;
        const i = n - 1;
        let s = 0;
        for (let j = 0; j < latent; j++) s += Math.abs(w[i * latent + j] as number);
        if (i !== nanRow) expect(dec[i]).toBe(Math.fround(s));
      });

      it(`encode n=${n} L=${latent}: same bits for 1, 2, 3 threads; close to a plain float64 sum`, () => {
        for (const batch of [1, 4, 6]) {
          const subset = rows.slice(0, batch);
          const want = model.encodeRows(subset);
          for (const t of THREADS)
            expectSameBits(model.encodeRows(subset, { kernels: pool(t).kernels }), want);
        }
        const cw = model.computeWeights();
        const x = rows[1] as Float32Array;
        const got = model.encodeRows([x]);
        for (let j = 0; j < latent; j++) {
          let s = cw.encoderBias?.[j] ?? 0;
          for (let i = 0; i < n; i++) s += (cw.encoderWeight[j * n + i] as number) * (x[i] as number);
          // The NaN weight sits in every latent row only for L = 1 (at n >> 1 of the flat array).
          if (Number.isNaN(s)) expect(Number.isNaN(got[j])).toBe(true);
          else expect(got[j]).toBeCloseTo(Math.fround(Math.tanh(s)), 5);
        }
      });

      it(`forward n=${n} L=${latent}: decoded bits equal for 1, 2, 3 threads, into a shared or plain buffer`, () => {
        const x = rows[2] as Float32Array;
        const want = model.forward(x);
        for (const t of THREADS) {
          const shared = sharedFloatArray(n);
          const a = model.forward(x, 1, { kernels: pool(t).kernels, into: shared });
          expect(a.decoded).toBe(shared);
          expectSameBits(a.encoded, want.encoded);
          expectSameBits(a.decoded, want.decoded);
          const plain = new Float32Array(n);
          expectSameBits(
            model.forward(x, 1, { kernels: pool(t).kernels, into: plain }).decoded,
            want.decoded,
          );
        }
      });
    }
  }

  it('decoded activations (gelu) and a batch of 3 match the single-thread path', () => {
    const n = 2 * 65536 + 3;
    const model = makeModel(n, 1, 'gelu');
    const x = values(3 * n, 5, 11);
    const want = model.forward(x, 3);
    for (const t of THREADS)
      expectSameBits(model.forward(x, 3, { kernels: pool(t).kernels }).decoded, want.decoded);
  });

  it('writes importance into a given buffer and rejects a wrong one', () => {
    const n = 1001;
    const model = makeModel(n, 1, 'id');
    const into = sharedFloatArray(n);
    expect(model.importance('decoder-weight', { kernels: pool(2).kernels, into })).toBe(into);
    expectSameBits(into, model.importance('decoder-weight'));
    expect(isShared(into)).toBe(true);
    expect(() => model.importance('decoder-weight', { into: new Float64Array(n) })).toThrow(RangeError);
    expect(() => model.importance('decoder-weight', { into: new Float32Array(n + 1) })).toThrow(RangeError);
  });

  it('rejects a thread count below 1 and use after close', async () => {
    await expect(createKernelPool({ threads: 0 })).rejects.toThrow(RangeError);
    const p = await createKernelPool({ threads: 2 });
    await p.close();
    expect(() => makeModel(5, 1, 'id').importance('decoder-weight', { kernels: p.kernels })).toThrow(
      /closed/,
    );
  });
});
