import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pruneGrid, pruneRanking } from '../evaluation/prune-ranking.js';
import { PrunedEncoder } from '../evaluation/pruning-curve.js';
import { PRUNED_SUM_RANGE } from '../evaluation/pruning-curve-kernels.js';
import type { GradiendModel } from '../model/gradiend-model.js';
import { Xorshift32 } from '../random/xorshift32.js';
import { latentOneModel } from '../test-support/latent-one-model.js';
import { createKernelPool } from './kernel-pool.js';
import type { KernelPool } from './kernel-pool.js';
import { sharedFloatArray } from './shared-arrays.js';

// Above the exact tie emulation (2^22: ties at a k go to the lowest indices, no selection run per
// straddled k) and spanning several pruned-sum ranges, with an odd tail.
const N = 4 * PRUNED_SUM_RANGE + 777;
const THREADS = [1, 2, 3];

/** A latent-1 model whose |decoder weight| has runs of ties (thresholds straddle them). */
function model(dtype: 'float32' | 'float64', shared: boolean): GradiendModel {
  const rng = new Xorshift32(11);
  const f64 = dtype === 'float64';
  const values = (count: number, tied: boolean) => {
    const out = shared
      ? sharedFloatArray(count, dtype)
      : f64
        ? new Float64Array(count)
        : new Float32Array(count);
    for (let i = 0; i < count; i++)
      out[i] = tied && i % 5 === 0 ? [0.5, -0.5, 0.25][i % 3]! : rng.nextFloat() * 2 - 1;
    return out;
  };
  return latentOneModel({
    encoder: values(N, false),
    encoderBias: values(1, false),
    decoder: values(N, true),
    decoderBias: values(N, false),
  });
}

/** Byte equality (vitest's deep equality takes seconds per million elements). */
function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  );
}

describe('kernel pool prune ranking and pruned encode (pruningCurve at scale)', () => {
  const pools = new Map<number, KernelPool>();
  beforeAll(async () => {
    for (const t of THREADS) pools.set(t, await createKernelPool({ threads: t }));
  });
  afterAll(async () => {
    for (const p of pools.values()) await p.close();
  });

  const rng = new Xorshift32(3);
  // A signed importance with NaN, ±0 and a run of ties.
  const signed = Float32Array.from({ length: N }, (_, i) =>
    i % 4001 === 0 ? NaN : i % 9 === 0 ? (i % 2 ? -0 : 0) : i % 13 === 0 ? 0.125 : rng.nextFloat() * 2 - 1,
  );
  const cases = [
    { name: '|decoder weight| (float32, plain memory)', dtype: 'float32', shared: false, source: {} },
    { name: '|decoder weight| (float32, shared memory)', dtype: 'float32', shared: true, source: {} },
    { name: 'a signed float32 importance', dtype: 'float32', shared: false, source: { importance: signed } },
    {
      name: 'a float64 model and importance',
      dtype: 'float64',
      shared: false,
      source: { importance: Float64Array.from(signed) },
    },
  ] as const;

  for (const c of cases) {
    it(`same ranking and bit-identical pruned encodes (one sample and five at once) for 1, 2, 3 threads: ${c.name}`, () => {
      const m = model(c.dtype, c.shared);
      const rngX = new Xorshift32(9);
      const sample = () => rngX.fill(c.dtype === 'float64' ? new Float64Array(N) : new Float32Array(N), 1);
      const x = sample();
      // Five samples: four summed per pass, the fifth alone.
      const five = [x, sample(), sample(), sample(), sample()];
      // 40 points (Uint8 buckets) and 300 (Uint16), plus k's inside the runs of |w| = 0.5 and 0.25.
      for (const points of [40, 300]) {
        const ks = pruneGrid(N, points, [Math.floor(0.45 * N), Math.floor(0.76 * N)]);
        const want = pruneRanking(m, c.source, ks);
        if (!('importance' in c.source)) expect(want.extras.size).toBeGreaterThanOrEqual(2);
        const serial = new PrunedEncoder(m, want).encode(x);
        const serialEach = points === 40 ? five.map((s) => new PrunedEncoder(m, want).encode(s)) : [];
        for (const t of THREADS) {
          const { kernels } = pools.get(t) as KernelPool;
          const got = pruneRanking(m, c.source, ks, { kernels });
          expect(got.bucket.constructor).toBe(want.bucket.constructor);
          expect(sameBytes(got.bucket, want.bucket)).toBe(true);
          expect([...got.extras.keys()]).toEqual([...want.extras.keys()]);
          for (const [j, dims] of want.extras)
            expect(sameBytes(got.extras.get(j) as Int32Array, dims)).toBe(true);
          expect(new PrunedEncoder(m, got, { kernels }).encode(x)).toEqual(serial);
          // A bucket array not on shared memory is copied for the workers once.
          expect(new PrunedEncoder(m, want, { kernels }).encode(x)).toEqual(serial);
          if (points === 40)
            new PrunedEncoder(m, got, { kernels })
              .encodeMany(five)
              .forEach((e, s) => expect(sameBytes(e, serialEach[s] as ArrayBufferView)).toBe(true));
        }
      }
    }, 120_000);
  }
});
